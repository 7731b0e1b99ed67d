import assert from "node:assert/strict";
import { load } from "js-yaml";
import { emitEntry } from "./plain_yaml.ts";

function roundTrip(value: unknown, indent = 0): unknown {
  return (load(`items:\n${emitEntry(value, indent)}`) as { items: unknown[] }).items[0];
}

Deno.test("emitEntry() round-trips strings any YAML reader could misread", () => {
  const tricky = [
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "n",
    "true",
    "null",
    "~",
    "",
    " lead",
    "trail ",
    "80",
    "0755",
    "1e3",
    "0x1F",
    ".inf",
    "-1",
    "12:30",
    "a: b",
    "a #b",
    "#x",
    "- x",
    "[a, b]",
    "{a}",
    "*ref",
    "&anchor",
    "!tag",
    "|",
    ">",
    "'q'",
    '"q"',
    "multi\nline",
    "tab\there",
    "ünïcødé",
    "emoji 🎉",
    "back\\slash",
    "${VAR}",
    "@at",
    "`tick`",
    "%pct",
    "kuma.io/mesh",
    "Service demo/web",
  ];
  const value = Object.fromEntries(tricky.map((s, i) => [s || `empty${i}`, s]));
  assert.deepEqual(roundTrip(value), value);
  assert.deepEqual(roundTrip(tricky), tricky);
});

Deno.test("emitEntry() round-trips nested maps, lists, empties and numbers at any indent", () => {
  const value = {
    apiVersion: "kuma.io/v1alpha1",
    metadata: { name: "web", labels: { "k8s.kuma.io/namespace": "shop" }, annotations: {} },
    spec: {
      ports: [{ name: "80", port: 80, targetPort: "http", appProtocol: "tcp" }, { port: 1 }],
      selector: { dataplaneTags: {} },
      empty: [],
      nested: [[1, 2], [], [{ a: null, b: true, c: false }]],
    },
  };
  for (const indent of [0, 2, 4]) assert.deepEqual(roundTrip(value, indent), value);
  assert.deepEqual(roundTrip("scalar"), "scalar");
  assert.deepEqual(roundTrip({}), {});
});

Deno.test("emitEntry() round-trips random data", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = "aZ0 :#-_./\"'\\\n{}[]&*!|>%@`yn~";
  const str = () =>
    Array.from(
      { length: Math.floor(random() * 8) },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join("");
  const gen = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.4) return r < 0.1 ? Math.floor(random() * 1000) : str();
    if (r < 0.7) {
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [str(), gen(depth + 1)]),
      );
    }
    return Array.from({ length: Math.floor(random() * 4) }, () => gen(depth + 1));
  };
  for (let i = 0; i < 500; i++) {
    const value = gen(0);
    assert.deepEqual(roundTrip(value, 2), value, JSON.stringify(value));
  }
});

/** The scalar form as first written: two regular expressions and `JSON.stringify`. */
function referenceScalar(text: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(text) &&
    (text.length > 5 || !/^(y|yes|n|no|true|false|on|off|null)$/i.test(text));
  if (plain) return text;
  return JSON.stringify(text).replace(
    /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

Deno.test("emitEntry() writes every string byte for byte as the regular-expression definition", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  // Each class boundary of the one-pass check, the reserved words' letters and non-ASCII.
  const alphabet = [
    ..."aAzZ_09./-@[`{~ :#\"\\'\x00\x1f\x7f\x80\x85\x9f\xa0\u2028\ufeff\uffff\ud800",
    ..."yesnotrufalofnul",
  ];
  const samples = ["", "y", "Yes", "NULL", "off", "nulls", "_", "-a", "a-", "0a", "a0", "Y2"];
  for (let i = 0; i < 20000; i++) {
    samples.push(
      Array.from(
        { length: Math.floor(random() * 9) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join(""),
    );
  }
  for (const text of samples) {
    assert.equal(emitEntry(text, 0), `- ${referenceScalar(text)}\n`, JSON.stringify(text));
    assert.equal(emitEntry({ [text]: 1 }, 0), `- ${referenceScalar(text)}: 1\n`);
  }
});

Deno.test("emitEntry() writes a head comment on one line, whichever comment came before", () => {
  for (const comment of ["one\r\ntwo", "one\r\ntwo", "three", "four\n\nfive", "one\r\ntwo"]) {
    const expected = comment.replace(/[\r\n]+/g, " ");
    assert.equal(emitEntry({ a: 1 }, 2, comment), `  - # ${expected}\n    a: 1\n`);
  }
  assert.equal(emitEntry("x", 0, "not a map"), "- x\n");
});
