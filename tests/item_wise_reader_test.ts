/**
 * Reading a ResourceList item by item (src/io/yaml_text/item_wise_reader.ts)
 * gives exactly the value of reading the whole text, or declines: a
 * differential test against the whole-text reader on every golden input, on
 * generated lists mixing the constructs the fast reader leaves to the full
 * reader (flow collections, folded and multi-line scalars, tags, merge keys,
 * anchors, comments) and on line-level mutations of them. A text the whole
 * reader refuses is never read item by item.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { readYaml } from "../src/io/yaml.ts";
import { readFast } from "../src/io/krm_reader.ts";
import { findItemSpans } from "../src/io/yaml_text/item_spans.ts";
import { readItemWise } from "../src/io/yaml_text/item_wise_reader.ts";
import { sameValue } from "./_invariants.ts";
import { mutateLines, yamlFiles } from "./_yaml_corpus.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 400);

/** What the whole-text reader gives, or that it throws. */
function whole(text: string): { value: unknown } | "error" {
  try {
    return { value: readYaml(text) };
  } catch {
    return "error";
  }
}

/** Checks one text; returns whether it was read item by item. */
function check(text: string): boolean {
  const read = readItemWise(text);
  if (read === undefined) return false;
  const expected = whole(text);
  assert.notEqual(expected, "error", `read item by item, but the whole text is refused:\n${text}`);
  assert.ok(
    sameValue(read.parsed, (expected as { value: unknown }).value),
    `values differ for:\n${text}`,
  );
  // The item texts are the ones the output cut takes for these items.
  const items = (read.parsed.items as unknown[]).map((item) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.keys(item)[0]
      : undefined
  );
  assert.deepEqual(read.spans, findItemSpans(text, items), `spans differ for:\n${text}`);
  return true;
}

/** Entries (without their `- ` indent) in the styles kpt passes through from users' files. */
const ENTRIES = [
  "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    ports:\n    - port: 80\n",
  '- apiVersion: apps/v1\n  kind: Deployment\n  spec:\n    template:\n      spec:\n        containers:\n        - name: app\n          args: ["--port", "80", "--on"]\n          resources: {limits: {cpu: 1, memory: 1Gi}}\n',
  "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    folded: >\n      two lines\n      folded\n    strip: >-\n      one\n\n      two\n",
  '- kind: ConfigMap # trailing\n  # a comment line\n  data:\n    long: a plain scalar\n      over two lines\n    quoted: "a quoted\n      scalar"\n',
  "- kind: Tagged\n  spec:\n    port: !!str 80\n    !!merge <<: {a: 1, b: 2}\n    b: 3\n",
  "- kind: Literal\n  data:\n    a: |\n      line\n        indented\n    b: |-\n      x\n    c: |2\n        two more\n",
  "- kind: Anchored\n  spec:\n    a: &x {k: v}\n    b: *x\n",
  "- kind: Kept\n  data:\n    a: |+\n      keep\n\n",
  "- just a string\n",
  "- - nested\n  - list\n",
  "- {}\n",
  '- "kind": Quoted\n  "metadata": {"name": "q"}\n',
  "- kind: Proto\n  __proto__: {polluted: true}\n",
  "- kind: Dup\n  a: 1\n  a: 2\n",
  "- kind: Odd\n  spec:\n     three: spaces\n  x: [a,\n    b]\n",
  "- kind: Null\n  spec: ~\n  on: yes\n  n: 0o17\n",
  '- kind: Tabbed\n  data:\n    Makefile: |\n      all:\n      \techo "a\tb"\n    q: "x\ty"\n    p: a\tb\n',
];

const HEADS = [
  "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n",
  "---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\n",
  "# head comment\nkind: ResourceList\n",
  '"apiVersion": v1\n',
  "",
];

const TAILS = [
  "",
  "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  data: {a: b}\n",
  "# trailing comment\n\nresults:\n- message: m\n  severity: info\n",
  "items: []\n",
  "kind: Again\n",
];

/** A list from picked entries, a head, a tail, an `items:` line style and an indent. */
function listText(picks: number[], style: number): string {
  const indent = style % 2 === 0 ? "" : "  ";
  const entries = picks.map((p) => ENTRIES[p % ENTRIES.length]!.replaceAll(/^/gm, indent))
    .map((entry) => entry.replace(/\n {2,}$/, "\n"));
  const itemsLine = style % 3 === 0 ? "items: # the items\n" : "items:\n";
  const head = HEADS[style % HEADS.length]!;
  const tail = TAILS[Math.floor(style / 2) % TAILS.length]!;
  return `${head}${itemsLine}${entries.join(style % 4 === 1 ? "\n# between\n" : "")}${tail}`;
}

const LINES = [
  "# c",
  "",
  "  # indented comment",
  "- x",
  "  - y",
  "key: v",
  "\tt: 1",
  "&a",
  "*a",
  "\u00a0k: v",
  " \t- x",
  "\t",
  "  \t# c",
];

Deno.test("item-wise reading equals the whole text's on every golden file", async () => {
  const files = [
    ...await yamlFiles(new URL("golden/", import.meta.url)),
    ...await yamlFiles(new URL("../templates/", import.meta.url)),
  ];
  let read = 0;
  for (const text of files) if (check(text)) read++;
  assert.ok(read >= 40, `only ${read} of ${files.length} files read item by item`);
});

Deno.test("item-wise reading takes a list the fast reader refuses for one item", () => {
  const text = listText([0, 1, 0], 0);
  assert.equal(readFast(text), undefined, "the flow list leaves the fast path");
  assert.ok(check(text));
  const read = readItemWise(text)!;
  assert.equal((read.parsed.items as unknown[]).length, 3);
  assert.equal(read.spans.spans[1], ENTRIES[1]);
  // Tabs in values (a Makefile): the item is read alone by the full reader, the others fast.
  const tabbed = listText([0, 16, 0], 1);
  assert.ok(check(tabbed));
  assert.match(
    JSON.stringify(readItemWise(tabbed)!.parsed),
    /"Makefile":"all:\\n\\techo \\"a\\tb\\"\\n"/,
  );
  // A line at column 0 after the items, starting with a no-break space, is a top-level key
  // (YAML indents with spaces only): not part of the last item.
  const nbsp = `${listText([1], 0)}\u00a0k: v\n`;
  assert.deepEqual(Object.keys(readYaml(nbsp) as object), [
    "apiVersion",
    "kind",
    "items",
    "\u00a0k",
  ]);
  assert.equal(readItemWise(nbsp), undefined);
  // Refused: an alias, a kept block scalar, two documents.
  assert.equal(readItemWise(listText([6], 0)), undefined);
  assert.equal(readItemWise(listText([7], 0)), undefined);
  assert.equal(readItemWise(`${listText([1], 0)}---\nkind: B\n`), undefined);
});

Deno.test("item-wise reading equals the whole text's on generated lists", () => {
  let read = 0;
  let runs = 0;
  fc.assert(
    fc.property(
      fc.array(fc.nat(ENTRIES.length * 3), { minLength: 1, maxLength: 5 }),
      fc.nat(59),
      (picks, style) => {
        runs++;
        if (check(listText(picks, style))) read++;
      },
    ),
    { numRuns: RUNS },
  );
  assert.ok(read >= runs * 0.2, `only ${read} of ${runs} generated lists read item by item`);
});

Deno.test("item-wise reading equals the whole text's, or declines, on mutated lists", () => {
  let read = 0;
  fc.assert(
    fc.property(
      fc.array(fc.nat(ENTRIES.length * 3), { minLength: 1, maxLength: 4 }),
      fc.nat(59),
      fc.array(fc.nat(1000), { minLength: 2, maxLength: 8 }),
      (picks, style, choices) => {
        if (check(mutateLines(listText(picks, style), choices, LINES))) read++;
      },
    ),
    { numRuns: RUNS * 3 },
  );
  assert.ok(read >= RUNS * 0.2, `only ${read} mutated lists read item by item`);
});
