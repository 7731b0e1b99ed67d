/**
 * The corpus of the Kubernetes YAML oracle: prints `cases.json` (a list of
 * `{ name, yaml, typed? }`) for `main.go`. See README.md.
 *
 * @module
 */

/** One case: YAML text, read by sigs.k8s.io/yaml.YAMLToJSON (and typed when `typed`). */
export interface OracleCase {
  name: string;
  yaml: string;
  typed?: boolean;
}

/** Plain scalars whose resolution differs between YAML 1.1, YAML 1.2 and go-yaml v2. */
export const SCALARS: readonly string[] = [
  // integers, YAML 1.1 and Go's strconv base prefixes
  "0",
  "00",
  "-0",
  "+0",
  "7",
  "+12",
  "-12",
  "0120",
  "-0120",
  "+0120",
  "08",
  "09",
  "0_1",
  "0o17",
  "0O17",
  "0x1F",
  "0X1f",
  "-0x1F",
  "+0x1F",
  "0x_1F",
  "0b101",
  "0B101",
  "-0b101",
  "+0b101",
  "0b",
  "0x",
  "0o",
  "1_000",
  "1__000",
  "_1000",
  "1000_",
  "+_1",
  "-_1",
  "1_0.5",
  "0b1_0",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "12345678901234567891",
  "-12345678901234567891",
  "99999999999999999999",
  "0xFFFFFFFFFFFFFFFF",
  "0x10000000000000000",
  "0x7FFFFFFFFFFFFFFF",
  "-0x8000000000000000",
  "0777777777777777777777",
  "01777777777777777777777",
  "0b1111111111111111111111111111111111111111111111111111111111111111",
  "-0b1000000000000000000000000000000000000000000000000000000000000000",
  "9007199254740993",
  "-9007199254740993",
  "0x20000000000001",
  // floats
  "0.0",
  "-0.0",
  "+0.0",
  "1.5",
  "-1.5",
  "1.",
  "-1.",
  ".5",
  "-.5",
  "+.5",
  "1e3",
  "1E3",
  "1e+3",
  "1e-3",
  "-1e3",
  "1.5e3",
  "6.8523015e+5",
  "685.230_15e+03",
  "685_230.15",
  "1e400",
  "-1e400",
  "1e-400",
  "1.e3",
  ".5e3",
  ".5_0",
  "1e",
  "e3",
  "1.2.3",
  ".",
  "..",
  ".e3",
  "0.1",
  "3.14159265358979",
  "0x1p3",
  "1_e3",
  "1e3_0",
  "08.5",
  "0120.0",
  "00.5",
  "1_000.5",
  "0.000001",
  "1e21",
  "1e20",
  "123456789012345678901234567890",
  ".1e400",
  // infinities and not-a-number
  ".inf",
  ".Inf",
  ".INF",
  ".iNf",
  "+.inf",
  "-.inf",
  "-.Inf",
  "-.INF",
  ".nan",
  ".NaN",
  ".NAN",
  ".Nan",
  "inf",
  "Infinity",
  "-Infinity",
  "NaN",
  "nan",
  "+inf",
  ".infinity",
  // sexagesimal (YAML 1.1), dates
  "1:20",
  "190:20:30.15",
  "-1:20",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "2001-12-14T21:59:43Z",
  "2001-1-2",
  "20011-12-14",
  "2001-13-45",
  // booleans
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "yEs",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "nO",
  "true",
  "True",
  "TRUE",
  "tRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "oN",
  "off",
  "Off",
  "OFF",
  "oFF",
  "t",
  "f",
  // null
  "~",
  "null",
  "Null",
  "NULL",
  "nULL",
  "nil",
  "None",
  // strings that look like something
  "=",
  "<<",
  "0x1Fg",
  "1 2",
  "1.0.0",
  "v1",
  "80/TCP",
  "-",
  "+",
  "+-1",
  "--1",
  "1-2",
  "12:30:00",
  "1,000",
  "$1",
  "0.1.2",
  "1e3e3",
  "0xabc_def",
  "0b-1",
  "0b+1",
  "0b+",
  "-0b+1",
  "-0b-1",
  "+0xFFFFFFFFFFFFFFFF",
  "+18446744073709551615",
  ".5e1_0",
  "._5",
  ".5__0",
  ".5_",
  "1_.5",
  "+.5e3",
  "-.5E-3",
  "0e0",
  "-0e0",
  "-0.0e5",
  "0x1F.5",
  "1.5_",
  "12e3.5",
  "٣",
  "１",
];

function scalarCases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const s of SCALARS) {
    out.push({ name: `value ${s}`, yaml: `v: ${s}\n` });
  }
  for (const s of SCALARS) {
    out.push({ name: `key ${s}`, yaml: `${s}: v\n` });
  }
  for (const s of SCALARS) {
    out.push({ name: `flow ${s}`, yaml: `v: [${s}]\n` });
  }
  for (const quoted of ["'0120'", '"0120"', "'yes'", '"on"', "'.inf'", '"~"', "''", '""']) {
    out.push({ name: `quoted ${quoted}`, yaml: `v: ${quoted}\n` });
  }
  return out;
}

function tagCases(): OracleCase[] {
  const tagged = [
    "!!str 0120",
    "!!str yes",
    "!!str ~",
    "!!str",
    "!!int 0120",
    '!!int "0120"',
    "!!int 0x1F",
    "!!int 1.5",
    "!!int yes",
    "!!float 1",
    '!!float "1.5"',
    "!!float 0120",
    "!!float .inf",
    "!!bool yes",
    '!!bool "true"',
    "!!bool 1",
    "!!null ~",
    '!!null ""',
    "!!null x",
    "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14",
    "!!timestamp x",
    "!foo bar",
    "!foo 0120",
    "!<tag:yaml.org,2002:str> 12",
    "!<tag:yaml.org,2002:int> 12",
    "!!merge <<",
    "!!str [a]",
    "!!map {a: 1}",
    "!!seq [a]",
    "!foo {a: 1}",
    "!foo [1, yes]",
    "!!set {a, b}",
    "!!omap [{a: 1}]",
  ];
  return tagged.map((t) => ({ name: `tag ${t}`, yaml: `v: ${t}\n` }));
}

function mergeCases(): OracleCase[] {
  return [
    ["merge a map", "base: &b {a: 1, b: 2}\nv:\n  <<: *b\n  c: 3\n"],
    ["merge, explicit key after wins", "base: &b {a: 1, b: 2}\nv:\n  <<: *b\n  a: 9\n"],
    ["merge, explicit key before", "base: &b {a: 1, b: 2}\nv:\n  a: 9\n  <<: *b\n"],
    ["merge a list, earlier wins", "p: &p {a: 1}\nq: &q {a: 2, b: 2}\nv:\n  <<: [*p, *q]\n"],
    ["merge inline map", "v:\n  <<: {a: 1}\n  b: 2\n"],
    ["merge inline list of maps", "v:\n  <<: [{a: 1}, {a: 2, b: 3}]\n"],
    ["tagged merge (kpt)", "base: &b {a: 1}\nv:\n  !!merge <<: *b\n  c: 3\n"],
    ["tagged merge, long tag", "base: &b {a: 1}\nv:\n  !<tag:yaml.org,2002:merge> <<: *b\n"],
    ["quoted << is a key", "base: &b {a: 1}\nv:\n  '<<': *b\n"],
    ["double-quoted << is a key", 'v:\n  "<<": {a: 1}\n'],
    ["merge of a scalar", "v:\n  <<: 1\n"],
    ["merge of a list of scalars", "v:\n  <<: [1]\n"],
    ["merge of null", "v:\n  <<: ~\n"],
    ["two merges", "v:\n  <<: {a: 1}\n  <<: {b: 2}\n"],
    ["nested merge", "a: &a {x: 1}\nb: &b\n  <<: *a\n  w: 2\nv:\n  <<: *b\n  z: 3\n"],
    ["merge at top level", "<<: {a: 1}\nb: 2\n"],
    ["merge in a sequence item", "base: &b {port: 80}\nports:\n- <<: *b\n  name: http\n"],
    ["merge, value is a deep map", "base: &b {spec: {a: 1}}\nv:\n  <<: *b\n  spec: {b: 2}\n"],
    ["merge in flow", "base: &b {a: 1}\nv: {<<: *b, c: 2}\n"],
    [
      "kpt-style merged Service ports",
      "defaults: &d\n  protocol: TCP\n  port: 0120\nspec:\n  ports:\n  - !!merge <<: *d\n    name: http\n",
    ],
  ].map(([name, yaml]) => ({ name: name!, yaml: yaml! }));
}

/** Documents, keys, anchors and block scalars. */
function documentCases(): [string, string][] {
  return [
    ["empty document", ""],
    ["comment only", "# nothing\n"],
    ["null document", "~\n"],
    ["scalar document", "0120\n"],
    ["sequence document", "- a\n- 0120\n"],
    ["duplicate key", "a: 1\na: 2\n"],
    ["duplicate key after merge", "b: &b {a: 1}\nv:\n  a: 2\n  <<: *b\n  a: 3\n"],
    ["null key", "~: a\n"],
    ["empty key", ": a\n"],
    ["boolean keys", "yes: 1\nno: 2\n"],
    ["key y (GitHub on:)", "on:\n  push: {}\n"],
    ["float key 32-bit", "3.14159265358979: x\n"],
    ["float key 0.1", "0.1: x\n"],
    ["float key 1e3", "1e3: x\n"],
    ["int key 0120", "0120: x\n"],
    ["uint64 key", "18446744073709551615: x\n"],
    ["big negative key", "-12345678901234567891: x\n"],
    ["complex key", "? [a, b]\n: c\n"],
    ["map key", "? {a: 1}\n: c\n"],
    ["anchors and aliases", "a: &x [1, 2]\nb: *x\n"],
    ["alias to scalar", "a: &x 0120\nb: *x\n"],
    ["block literal", "v: |\n  a\n  b\n"],
    ["block folded", "v: >\n  a\n  b\n\n  c\n"],
    ["block keep", "v: |+\n  a\n\n"],
    ["block strip", "v: |-\n  a\n"],
    ["block indent indicator", "v: |2\n   a\n  b\n"],
    ["multi-line plain", "v: a\n  b\n  c\n"],
    ["multi-line double", 'v: "a\n  b"\n'],
  ];
}

/** Every escape of a double-quoted scalar, valid or not. */
function escapeCases(): [string, string][] {
  return [
    "x41",
    "u263A",
    "U0001F600",
    "t",
    "/",
    "e",
    "0",
    "a",
    "b",
    "v",
    "f",
    "r",
    "n",
    "N",
    "_",
    "L",
    "P",
    " ",
    '"',
    "\\",
    "\t",
    "'",
    "q",
    "x4",
    "uD800",
    "\n  b",
  ].map((e): [string, string] => [`escape \\${e}`, `v: "a\\${e}z"\n`]);
}

/** Comments, flow collections, directives, indentation and errors, odd values. */
function syntaxCases(): [string, string][] {
  return [
    ["single quote escape", "v: 'it''s'\n"],
    ["comment after value", "v: a # c\n"],
    ["hash in value", "v: a#b\n"],
    ["colon in value", "v: a:b\n"],
    ["url value", "v: http://x/y\n"],
    ["flow map", "v: {a: 1, b: [yes, 0120], c: {d: ~}}\n"],
    ["empty flow", "a: {}\nb: []\n"],
    ["empty values", "a:\nb: ''\n"],
    ["nested sequences", "v:\n- - a\n  - b\n-\n  - c\n"],
    ["indentless sequence", "v:\n- a\n- b\n"],
    ["document markers", "---\na: 1\n...\n"],
    ["two documents, first is read", "a: 1\n---\nb: 2\n"],
    ["yaml 1.1 directive", "%YAML 1.1\n---\na: 0120\n"],
    ["yaml 1.2 directive", "%YAML 1.2\n---\na: 0120\n"],
    ["tag directive", "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n"],
    ["tab indentation", "a:\n\tb: 1\n"],
    ["tab after value", "a: 1\t\n"],
    ["bad indentation", "a:\n  b: 1\n c: 2\n"],
    ["unclosed quote", 'a: "b\n'],
    ["unclosed flow", "a: [1, 2\n"],
    ["crlf line ends", "a: 1\r\nb: 0120\r\n"],
    ["bom", "\ufeffa: 1\n"],
    ["unicode", "name: caf\u00e9\nemoji: \u{1F600}\n"],
    ["long string", `v: ${"x".repeat(300)}\n`],
    ["special keys", "__proto__: 1\nconstructor: 2\n"],
    ["proto merge", "a: &a {__proto__: {x: 1}}\nv:\n  <<: *a\n"],
    ["explicit key indicator", "? a\n: 1\n"],
    ["value on next line", "a:\n  1\n"],
    ["sequence of maps, compact", "- a: 1\n  b: 2\n- c: 3\n"],
    ["control character", 'v: "\\x01"\n'],
    ["literal with comment-like", "v: |\n  # not a comment\n"],
    ["infinity deep", "a:\n  b: [1, .inf]\n"],
    ["nan in list", "a: [.nan]\n"],
    ["negative infinity value", "a: -.inf\n"],
    ["many infinities, sorted keys", "b: .nan\na: .inf\n"],
  ];
}

function structureCases(): OracleCase[] {
  return [...documentCases(), ...escapeCases(), ...syntaxCases()].map(([name, yaml]) => ({
    name,
    yaml,
  }));
}

function typedCases(): OracleCase[] {
  const labels = ["yes", "on", "0120", "1.0", "1e3", "~", "true", "12345678901234567891", ".inf"];
  return [
    ...labels.map((v) => ({
      name: `typed label ${v}`,
      yaml: `metadata:\n  labels:\n    a: ${v}\n`,
      typed: true,
    })),
    ...labels.map((v) => ({
      name: `typed annotation ${v}`,
      yaml: `metadata:\n  annotations:\n    a: ${v}\n`,
      typed: true,
    })),
    { name: "typed port 0120", yaml: "spec:\n  ports:\n  - port: 0120\n", typed: true },
    { name: "typed port 0x50", yaml: "spec:\n  ports:\n  - port: 0x50\n", typed: true },
    { name: "typed port 80.0", yaml: "spec:\n  ports:\n  - port: 80.0\n", typed: true },
    { name: "typed port '80'", yaml: "spec:\n  ports:\n  - port: '80'\n", typed: true },
    { name: "typed name 0120", yaml: "metadata:\n  name: 0120\n", typed: true },
    { name: "typed name yes", yaml: "metadata:\n  name: yes\n", typed: true },
    {
      name: "typed bool yes",
      yaml: "spec:\n  publishNotReadyAddresses: yes\n",
      typed: true,
    },
    {
      name: "typed bool 'yes'",
      yaml: "spec:\n  publishNotReadyAddresses: 'yes'\n",
      typed: true,
    },
  ];
}

/** Every golden input and every YAML file of the templates, read whole. */
async function fileCases(): Promise<OracleCase[]> {
  const root = new URL("../../../", import.meta.url);
  const out: OracleCase[] = [];
  const golden = new URL("tests/golden/", root);
  const names: string[] = [];
  for await (const entry of Deno.readDir(golden)) if (entry.isDirectory) names.push(entry.name);
  for (const name of names.sort()) {
    const yaml = await Deno.readTextFile(new URL(`${name}/input.yaml`, golden)).catch(() => "");
    if (yaml !== "") out.push({ name: `golden ${name}`, yaml });
  }
  return out;
}

/** Every case, in the order of the fixture. */
export async function oracleCases(): Promise<OracleCase[]> {
  return [
    ...scalarCases(),
    ...tagCases(),
    ...mergeCases(),
    ...structureCases(),
    ...typedCases(),
    ...await fileCases(),
  ];
}

if (import.meta.main) {
  console.log(JSON.stringify(await oracleCases(), null, 2));
}
