/**
 * The fast YAML path (src/io/krm_reader.ts) against the full reader
 * (src/io/yaml_full.ts): whenever the fast path reads a text, the full reader
 * must read the same documents. Checked on every golden input and template
 * file, on generated block-style documents in the styles kpt, kustomize,
 * js-yaml and our emitter write, on generated scalars, and on fuzzed
 * mutations of all of these. Also checks that the fast path really takes the
 * KRM wire format (so the speed-up is not silently lost).
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { dump } from "js-yaml";
import { readFast } from "../src/io/krm_reader.ts";
import { emitEntry } from "../src/io/plain_yaml.ts";
import { readAllFull } from "../src/io/yaml_full.ts";
import { sameValue } from "./_invariants.ts";
import { yamlFiles } from "./_yaml_corpus.ts";
import { MAX_DEPTH, readYaml } from "../src/io/yaml.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 300);
const SEED = Deno.env.get("FC_SEED");

function params(numRuns = RUNS): fc.Parameters<unknown> {
  return { numRuns, ...(SEED !== undefined ? { seed: Number(SEED) } : {}) };
}

/**
 * The property: the fast path never throws; when it reads the text, the full
 * reader reads the same. Returns whether the fast path took the text.
 */
function agree(text: string): boolean {
  const fast = readFast(text);
  if (fast === undefined) return false;
  let full: unknown[];
  try {
    full = readAllFull(text);
  } catch (error) {
    throw new Error(
      `fast path read ${JSON.stringify(fast)}, full reader failed: ${
        (error as Error).message
      }\n${text}`,
    );
  }
  if (!sameValue(fast, full)) {
    throw new Error(
      `readers differ:\nfast ${JSON.stringify(fast)}\nfull ${JSON.stringify(full)}\n${text}`,
    );
  }
  return true;
}

const GOLDEN = await yamlFiles(new URL("golden/", import.meta.url));
const TEMPLATES = await yamlFiles(new URL("../templates/", import.meta.url));

Deno.test("both readers agree on every golden file and template, and the fast path takes most goldens", () => {
  let taken = 0;
  for (const text of [...GOLDEN, ...TEMPLATES]) if (agree(text)) taken++;
  assert.ok(GOLDEN.length > 50, String(GOLDEN.length));
  assert.ok(
    taken >= GOLDEN.length * 0.8,
    `fast path took ${taken} of ${GOLDEN.length + TEMPLATES.length}`,
  );
});

// ---------------------------------------------------------------- generators

const KEY_WORDS = [
  "name",
  "kind",
  "apiVersion",
  "metadata",
  "labels",
  "kuma.io/service",
  "app.kubernetes.io/name",
  "80",
  "0120",
  "yes",
  "on",
  "y",
  "1.5",
  "-1",
  "true",
  "a b",
  "x:y",
  "#x",
  "- a",
  "'q'",
  "",
  "__proto__",
  "constructor",
  "<<",
];
const SCALAR_WORDS = [
  "0",
  "-0",
  "0120",
  "08",
  "0x1F",
  "0o17",
  "0b101",
  "1_000",
  "1e3",
  "1e400",
  ".5",
  ".inf",
  "-.inf",
  ".nan",
  "12345678901234567891",
  "-0.0",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "~",
  "null",
  "",
  "true",
  "2001-12-14",
  "1:20",
  "a # b",
  "a#b",
  "http://x/y",
  "- x",
  "-x",
  "x: y",
  "x:",
  "'",
  '"',
  "\\",
  "it's",
  "a\nb",
  "a\n\nb\n",
  " lead",
  "trail ",
  "|",
  ">",
  "[a]",
  "{a: 1}",
  "[]",
  "{}",
  "&a",
  "*a",
  "!t",
  "%x",
  "@x",
  "`x",
  "?x",
  "? x",
  ",x",
  "é",
  "\u{1F600}",
  "\u0085",
  "\u00a0",
  "<<",
];

const scalar = fc.oneof(
  fc.constantFrom(...SCALAR_WORDS),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.constantFrom(...KEY_WORDS), fc.string({ maxLength: 8 }));

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(key, tie("node"), { maxKeys: 5 }),
  ),
})).node;

const document = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

/** Block-style emitters: js-yaml in several settings, our emitter, and kpt's indentless lists. */
const EMITTERS: ((doc: unknown) => string)[] = [
  (doc) => dump(doc, { lineWidth: -1, noRefs: true, quoteStyle: "double" }),
  (doc) => dump(doc, { lineWidth: -1, noRefs: true }),
  (doc) => dump(doc, { lineWidth: 20, noRefs: true, indent: 4 }),
  (doc) => dump(doc, { lineWidth: -1, noRefs: true, seqNoIndent: true }),
  (doc) => dump(doc, { lineWidth: -1, noRefs: true, flowLevel: 2 }),
  (doc) => `items:\n${emitEntry(doc, 0)}`,
  (doc) => `items:\n${emitEntry(doc, 2)}`,
];

Deno.test("both readers agree on generated documents in every block style", () => {
  let taken = 0;
  let runs = 0;
  fc.assert(
    fc.property(document, fc.nat(EMITTERS.length - 1), (doc, which) => {
      let text: string;
      try {
        text = EMITTERS[which]!(doc);
      } catch {
        return; // the emitter cannot write this value
      }
      runs++;
      if (agree(text)) taken++;
    }),
    params(),
  );
  console.log(`fast path took ${taken} of ${runs} generated documents`);
  assert.ok(taken >= runs * 0.3, `fast path took only ${taken} of ${runs}`);
});

Deno.test("the fast path takes what our emitter and kpt-style js-yaml write", () => {
  // Strings only: numbers and booleans the emitter writes would read back
  // differently (that is the point of YAML 1.1), not a reason to leave.
  const plainDoc = fc.dictionary(
    fc.stringMatching(/^[a-z][a-z0-9./-]{0,10}$/),
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9 ._/:-]{0,16}$/),
      fc.array(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 8 })), {
        maxLength: 3,
      }),
    ),
    { minKeys: 1, maxKeys: 6 },
  );
  let taken = 0;
  let runs = 0;
  fc.assert(
    fc.property(plainDoc, (doc) => {
      runs++;
      const text = `items:\n${emitEntry(doc, 0)}`;
      if (agree(text)) taken++;
      const json = readYaml(text) as { items: unknown[] };
      assert.ok(sameValue(json.items[0], doc), text);
    }),
    params(),
  );
  assert.ok(taken >= runs * 0.95, `fast path took ${taken} of ${runs}`);
});

Deno.test("both readers agree on generated scalars as values, keys, list items and quoted", () => {
  const text = fc.oneof(fc.constantFrom(...SCALAR_WORDS), fc.string({ maxLength: 10 }));
  fc.assert(
    fc.property(text, fc.nat(5), (s, form) => {
      const yaml = [
        `v: ${s}\n`,
        `${s}: v\n`,
        `- ${s}\n`,
        `v: '${s}'\n`,
        `v: "${s}"\n`,
        `a:\n  v: ${s}\n  w: x\n`,
      ][form]!;
      agree(yaml);
    }),
    params(RUNS * 3),
  );
});

// ---------------------------------------------------------------- fuzzing

const MUTATION_ALPHABET = [
  " ",
  "  ",
  "\n",
  "-",
  "- ",
  ":",
  ": ",
  "#",
  " #",
  "'",
  '"',
  "\\",
  "|",
  "|-",
  "|+",
  ">",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a ",
  "*a",
  "!!str ",
  "<<: ",
  "---\n",
  "...\n",
  "%YAML 1.1\n",
  "0",
  "08",
  "yes",
  "~",
  ".inf",
  "\t",
  "\r\n",
  "\u00a0",
];

/** Applies `count` seeded mutations (insert, delete, duplicate a line, re-indent a line). */
function mutate(text: string, choices: number[]): string {
  let out = text;
  for (let i = 0; i + 2 < choices.length; i += 3) {
    const at = out.length === 0 ? 0 : choices[i]! % (out.length + 1);
    const op = choices[i + 1]! % 5;
    const what = MUTATION_ALPHABET[choices[i + 2]! % MUTATION_ALPHABET.length]!;
    if (op === 0) out = out.slice(0, at) + what + out.slice(at);
    else if (op === 1) out = out.slice(0, at) + out.slice(at + 1 + (choices[i + 2]! % 4));
    else if (op === 2) {
      const lines = out.split("\n");
      const line = at % Math.max(1, lines.length);
      lines.splice(line, 0, lines[line] ?? "");
      out = lines.join("\n");
    } else if (op === 3) {
      const lines = out.split("\n");
      const line = at % Math.max(1, lines.length);
      lines[line] = (choices[i + 2]! % 2 === 0 ? " " : "") + (lines[line] ?? "").replace(/^ /, "");
      out = lines.join("\n");
    } else out = out.slice(0, at) + what + out.slice(at + what.length);
  }
  return out;
}

const SEEDS = [
  ...GOLDEN.filter((text) => text.length < 6000),
  "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    labels:\n      app: a\n  spec:\n    ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n    selector: {}\n  data: |\n    line one\n\n    line two\n",
];

Deno.test("the fast path's key cache returns each key as read, across texts and slot collisions", () => {
  // Keys of one length and the same first, middle and last characters share a cache slot;
  // `aa` and `aa4v` share a slot of the current hash, one a prefix of the other;
  // keys that resolve to another key (`0x10`, `1e3`, `True`) or leave the fast path (`<<`) are
  // never cached; plain keys differ from them by one character.
  const keys = fc.constantFrom(
    "aa",
    "aa4v",
    "abc",
    "aXc",
    "abbc",
    "axbc",
    "name",
    "namx",
    "0x10",
    "0x1O",
    "1e3",
    "1e3a",
    "True",
    "Truex",
    "<<",
    "a<<",
    "null",
    "nul",
    "a b",
    "a  b",
  );
  const doc = fc.array(fc.tuple(keys, fc.constantFrom("1", "x", "'q'")), {
    minLength: 1,
    maxLength: 6,
  }).map((entries) => entries.map(([k, v]) => `${k}: ${v}\n`).join(""));
  fc.assert(
    fc.property(fc.array(doc, { minLength: 1, maxLength: 8 }), (texts) => {
      for (const text of texts) agree(text);
    }),
    params(RUNS * 3),
  );
  assert.deepEqual(readFast("0x10: a\n"), [{ "16": "a" }]);
  assert.deepEqual(readFast("0x10: a\n"), [{ "16": "a" }]);
});

Deno.test("the fast path's value caches return each one-line value as read, across texts", () => {
  // The same characters plain and quoted, with and without escapes, resolving or not.
  const values = fc.constantFrom(
    "80",
    '"80"',
    "'80'",
    "abc",
    '"abc"',
    '"a\\tc"',
    '"a\\\\c"',
    "'a''c'",
    "a''c",
    "'a'",
    "true",
    '"true"',
    "aa",
    "aa4v",
    '"aa4v"',
    "0x10",
    "'0x10'",
    "~",
    '""',
    "''",
  );
  const doc = fc.array(fc.tuple(fc.constantFrom("k", "l", "m"), values), {
    minLength: 1,
    maxLength: 6,
  }).map((entries) => {
    const seen = new Set<string>();
    return entries.filter(([k]) => !seen.has(k) && seen.add(k))
      .map(([k, v]) => `${k}: ${v}\n`).join("");
  });
  fc.assert(
    fc.property(fc.array(doc, { minLength: 1, maxLength: 8 }), (texts) => {
      for (const text of texts) agree(text);
    }),
    params(RUNS * 3),
  );
  assert.deepEqual(readFast("a: \"80\"\nb: 80\nc: '80'\n"), [{ a: "80", b: 80, c: "80" }]);
});

Deno.test("both readers agree on fuzzed mutations of golden inputs and KRM text", () => {
  let taken = 0;
  let runs = 0;
  fc.assert(
    fc.property(
      fc.nat(SEEDS.length - 1),
      fc.array(fc.nat(1_000_000), { minLength: 3, maxLength: 30 }),
      (which, choices) => {
        runs++;
        if (agree(mutate(SEEDS[which]!, choices))) taken++;
      },
    ),
    params(RUNS * 2),
  );
  console.log(`fast path took ${taken} of ${runs} mutated texts`);
  assert.ok(taken >= runs * 0.1, `fast path took only ${taken} of ${runs}`);
});

Deno.test("aliases of wide maps are charged per entry: a merge-list bomb is refused quickly", () => {
  const keys = Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join(", ");
  const refs = Array.from({ length: 2000 }, () => "*a").join(", ");
  const bomb = `a: &a {${keys}}\nb:\n  <<: [${refs}]\n`;
  const started = performance.now();
  assert.throws(() => readYaml(bomb), /resource exhaustion/);
  assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
});

Deno.test("nesting deeper than MAX_DEPTH is refused by both readers", () => {
  const deep = (levels: number) =>
    Array.from({ length: levels }, (_, i) => `${"  ".repeat(i)}k:`).join("\n") + " 1\n";
  assert.ok(readFast(deep(MAX_DEPTH - 1)) !== undefined);
  assert.throws(() => readYaml(deep(MAX_DEPTH + 5)), /depth|nest/i);
  assert.throws(
    () => readYaml(`${"[".repeat(MAX_DEPTH + 5)}${"]".repeat(MAX_DEPTH + 5)}`),
    /depth|nest/i,
  );
});

Deno.test("the fast path takes no text with an anchor or an alias (KRM mode's item cut relies on it)", () => {
  // src/io/yaml_text/item_spans.ts cuts the items of a text the fast reader
  // took without looking for anchors: every placement must leave the fast path.
  const placements = [
    "a: &x 1\nb: *x\n",
    "a: &x\n  k: v\nb: *x\n",
    "items:\n- &x\n  k: v\n- *x\n",
    "items:\n- &x v\n- *x\n",
    "items:\n- k: &x v\n  j: *x\n",
    "&x a: 1\n",
    "a:\n  - &x\n    - 1\n  - *x\n",
    '"a": &x 1\nb: *x\n',
    "a: &x |\n  text\nb: *x\n",
    "a: *x\n",
  ];
  for (const text of placements) {
    assert.equal(readFast(text), undefined, JSON.stringify(text));
  }
  // An & or a * inside a value is text, which the fast path reads.
  assert.deepEqual(readFast("a: b&c *d\nb: 'x*y&z'\nc: |\n  *x &y\n"), [
    { a: "b&c *d", b: "x*y&z", c: "*x &y\n" },
  ]);
});
