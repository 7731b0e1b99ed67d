/**
 * `mayHoldAnchors` (src/io/yaml_text/item_spans.ts) never misses an anchor
 * or alias: whenever js-yaml's parser reports one in a text, it says true.
 * Checked on every golden and fixture file, on js-yaml dumps of values that
 * share objects (anchors and aliases in block and flow style) and on
 * hand-placed anchors at every place a node can start. It says false for
 * `&` and `*` inside values, which is what keeps CRDs and scripts on the
 * item cut.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { dump, parseEvents } from "js-yaml";
import { mayHoldAnchors } from "../src/io/yaml_text/item_spans.ts";
import { yamlFiles } from "./_yaml_corpus.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 400);
const ALIAS_EVENT = 5;

/** Whether js-yaml's parser sees an anchor or alias; `undefined` when it refuses the text. */
function parserSeesAnchor(text: string): boolean | undefined {
  try {
    return parseEvents(text, { maxDepth: 100 }).some((event) =>
      event.type === ALIAS_EVENT ||
      ((event as { anchorStart?: number }).anchorStart ?? -1) >= 0
    );
  } catch {
    return undefined;
  }
}

/** Checks one text; returns whether the parser saw an anchor. */
function check(text: string): boolean {
  const sees = parserSeesAnchor(text);
  if (sees) assert.ok(mayHoldAnchors(text), `missed an anchor or alias in:\n${text}`);
  return sees === true;
}

Deno.test("mayHoldAnchors misses no anchor in the golden and fixture files", async () => {
  const files = [
    ...await yamlFiles(new URL("golden/", import.meta.url)),
    ...await yamlFiles(new URL("fixtures/", import.meta.url)),
  ];
  for (const text of files) check(text);
});

Deno.test("mayHoldAnchors misses no anchor at the places a node can start", () => {
  const placements = [
    "a: &x 1\nb: *x\n",
    "a: &x\n  k: v\nb: *x\n",
    "a:\n  &x\n  k: v\nb:\n  *x\n",
    "- &x v\n- *x\n",
    "- - &x v\n  - *x\n",
    "-\t&x v\n-\t*x\n",
    "? &x k\n: v\nb: *x\n",
    "? - &x k\n: v\n",
    "[&x a, *x]\n",
    "{k: &x v, j: *x}\n",
    "{&x k: v}\n",
    "[a, &x b]\n",
    '{"k":&x v, "j":*x}\n',
    "[\n  &x a,\n  *x\n]\n",
    "[? &x k : v]\n",
    "a: !!str &x v\nb: *x\n",
    "a: &x !!str v\nb: *x\n",
    "a: !local &x v\n",
    "--- &x\nb: 1\n",
    "&x a: 1\n",
    "items:\n- kind: A\n  spec: &s {a: 1}\n- kind: B\n  spec: *s\n",
  ];
  let seen = 0;
  for (const text of placements) if (check(text)) seen++;
  assert.equal(seen, placements.length, "every placement holds an anchor the parser sees");
});

Deno.test("mayHoldAnchors misses no anchor in js-yaml dumps of values sharing objects", () => {
  const key = fc.constantFrom("a", "kind", "name", "x y", "on", "*", "&");
  const leaf = fc.oneof(fc.constantFrom("v", "*.example.com", "a & b", "'*'", 80, true, null));
  let seen = 0;
  fc.assert(
    fc.property(
      fc.dictionary(key, leaf, { maxKeys: 3 }),
      fc.array(fc.nat(3), { minLength: 1, maxLength: 6 }),
      fc.nat(3),
      (shared, layout, style) => {
        // The same object at several places: dump writes it once, anchored, then as aliases.
        const value = layout.map((n) => (n === 0 ? shared : n === 1 ? [shared] : { n, shared }));
        const text = dump(value, { noRefs: false, flowLevel: style === 0 ? -1 : style });
        if (check(text)) seen++;
      },
    ),
    { numRuns: RUNS },
  );
  assert.ok(seen >= RUNS * 0.3, `only ${seen} dumps held anchors`);
});

Deno.test("mayHoldAnchors is false for & and * inside values", () => {
  for (
    const text of [
      "description: Host to match, e.g. *.example.com; empty matches all & every port.\n",
      "pattern: ^[a-z0-9!#$%&'*+.^_|~-]+$\n",
      "run: 'make && rm -f *.tmp'\n",
      "script: |\n  echo a && b\n  ls *.txt\n",
      "a: b&c *d\n",
    ]
  ) {
    assert.equal(parserSeesAnchor(text), false, text);
    assert.equal(mayHoldAnchors(text), false, text);
  }
});

Deno.test("mayHoldAnchors takes linear time on hostile runs of indicators", () => {
  // A run of "!" once took quadratic time: 40,000 of them about a second.
  for (const run of ["!", "!a", "-", ":", "[", " ", "! "]) {
    const text = `a: ${run.repeat(200_000)}x\nb: &\n`;
    const started = performance.now();
    mayHoldAnchors(text);
    const ms = performance.now() - started;
    assert.ok(ms < 1_000, `${JSON.stringify(run)} x 200,000: ${Math.round(ms)} ms`);
  }
  // A tag holding "!" or "&" before the anchor is still seen.
  assert.ok(mayHoldAnchors("a: !x!y &a v\nb: *a\n"));
  assert.ok(mayHoldAnchors("a: !x&y &a v\nb: *a\n"));
});
