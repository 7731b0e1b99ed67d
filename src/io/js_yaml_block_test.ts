/**
 * blockYaml against js-yaml's dump with the options of stringifyYaml: byte
 * for byte whenever blockYaml answers, on hand-picked strings (indicators,
 * comments, colons, YAML 1.1 and 1.2 words, numbers, timestamps) and on
 * generated results-shaped data; and it answers on every golden's results.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { load } from "js-yaml";
import { join } from "node:path";
import { blockYaml } from "./js_yaml_block.ts";
import { stringifyYaml } from "./yaml.ts";

const TRICKY = [
  "plain words",
  'Assumed Mesh "default" with meshServices.mode Everywhere: it is not in the input',
  "a: b",
  "a:b",
  "a #b",
  "a#b",
  "#x",
  "- x",
  "-x",
  "-",
  "? x",
  "?x",
  ":x",
  ": x",
  "x:",
  "x ",
  " x",
  "   ",
  "=",
  "==",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "FALSE",
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "0",
  "012",
  "0x1F",
  "0o17",
  "1e3",
  "1.5",
  ".5",
  ".inf",
  "-.INF",
  ".nan",
  "+1",
  "1_000",
  "2026-12-03",
  "2026-12-03T13:19:17Z",
  "<<",
  "---",
  "--- x",
  "...",
  "a'b",
  "'a'",
  '"a"',
  "a\\b",
  "[a]",
  "{a}",
  "a,b",
  "a, b",
  "&a",
  "*a",
  "!a",
  "|a",
  ">a",
  "%a",
  "@a",
  "`a`",
  "spec.to[0].targetRef.name",
  'metadata.labels["kuma.io/service"]',
  "kuma.io/service",
  "MeshService",
  "backend_kuma-demo_svc_8080",
];

/** What blockYaml must equal, whenever it answers; true when it answered. */
function agrees(value: Record<string, unknown>): boolean {
  const ours = blockYaml(value);
  if (ours === undefined) return false;
  assert.equal(ours, stringifyYaml(value), JSON.stringify(value));
  return true;
}

Deno.test("blockYaml: hand-picked strings as values, keys and list items", () => {
  let answered = 0;
  for (const text of TRICKY) {
    if (agrees({ results: [{ message: text, severity: "info" }] })) answered++;
    agrees({ [text]: "x" });
    agrees({ list: [text, { [text]: [text] }] });
  }
  assert.ok(answered >= TRICKY.length - 2, `answered for ${answered} of ${TRICKY.length}`);
  // The common case answers: a results section like a run's.
  assert.notEqual(
    blockYaml({ results: [{ message: TRICKY[1], tags: { reason: "Assumed" } }] }),
    undefined,
  );
});

Deno.test("blockYaml: generated results-shaped data", () => {
  const ascii = fc.string({
    unit: fc.constantFrom(..." -?:,[]{}#&*!|>'\"%@`=~.<aZ09_/\\+e"),
    maxLength: 8,
  });
  const text = fc.oneof(ascii, fc.constantFrom(...TRICKY));
  // Mostly inside blockYaml's domain, sometimes outside it (then it must not answer wrongly).
  const scalar = fc.oneof(
    { weight: 8, arbitrary: text },
    { weight: 2, arbitrary: fc.nat() },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.integer(), fc.constant(1.5), fc.constant(null), fc.string()),
    },
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      scalar,
      fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
      fc.dictionary(text, tie("node"), { minKeys: 1, maxKeys: 3 }),
    ),
  })).node;
  let answered = 0;
  fc.assert(
    fc.property(fc.dictionary(text, value, { minKeys: 1, maxKeys: 4 }), (map) => {
      if (agrees(map)) answered++;
    }),
    { numRuns: 4000 },
  );
  assert.ok(answered > 400, `answered for ${answered} of 4,000`);
});

Deno.test("blockYaml: answers on every golden case's results, as js-yaml writes them", async () => {
  const root = new URL("../../tests/golden/", import.meta.url).pathname;
  let answered = 0;
  for await (const path of expectedFiles(root)) {
    const parsed = load(await Deno.readTextFile(path)) as { results?: unknown[] } | null;
    if (!parsed?.results || parsed.results.length === 0) continue;
    const value = { results: parsed.results };
    const ours = blockYaml(value);
    if (ours !== undefined) {
      answered++;
      assert.equal(ours, stringifyYaml(value), path);
    }
  }
  assert.ok(answered > 50, `answered for ${answered} goldens`);
});

async function* expectedFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* expectedFiles(path);
    else if (entry.name === "expected.yaml") yield path;
  }
}
