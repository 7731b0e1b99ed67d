/**
 * KRM mode cuts the input into item texts from the offsets the fast reader
 * records while it reads (`itemSpansFromStarts`), instead of scanning every
 * line again (`findItemSpans`). Differential test: whenever the fast reader
 * takes a text, both cut the same spans (or both refuse), on every golden
 * input, on generated ResourceLists in several styles and on fuzzed
 * line-level mutations of them (comment and blank lines anywhere, other
 * indentation, odd top-level keys, no final line break).
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { dump } from "js-yaml";
import { readFastItems } from "../src/io/krm_reader.ts";
import { emitEntry } from "../src/io/plain_yaml.ts";
import { findItemSpans, itemSpansFromStarts } from "../src/io/yaml_text/item_spans.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 400);

/** Whether both cut the same; `undefined` when the fast reader does not take the text as one document. */
function compare(text: string): "spans" | "refused" | undefined {
  const fast = readFastItems(text);
  if (!fast || fast.documents.length !== 1) return undefined;
  const list = fast.documents[0] as { items?: unknown };
  const items = list !== null && typeof list === "object" && Array.isArray(list.items)
    ? list.items
    : [];
  if (items.length === 0) return undefined;
  const firstKeys = items.map((item) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.keys(item)[0]
      : undefined
  );
  // The fast reader took the text, so it has no anchor or alias.
  const expected = findItemSpans(text, firstKeys, { aliasFree: true });
  const actual = itemSpansFromStarts(text, fast.itemStarts, firstKeys);
  assert.deepEqual(actual, expected, `spans differ for:\n${text}`);
  return expected ? "spans" : "refused";
}

async function goldenInputs(dir: URL, out: string[] = []): Promise<string[]> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) await goldenInputs(url, out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(await Deno.readTextFile(url));
  }
  return out;
}

const GOLDEN = await goldenInputs(new URL("golden/", import.meta.url));

Deno.test("item spans from the reader's offsets equal findItemSpans on every golden file", () => {
  let cut = 0;
  for (const text of GOLDEN) if (compare(text) === "spans") cut++;
  assert.ok(cut >= 40, `only ${cut} golden files cut into spans`);
});

const word = fc.constantFrom(
  "a",
  "name",
  "kind",
  "x y",
  "80",
  "on",
  "- z",
  "#c",
  "it's",
  "",
  "a && b *",
  "*.example.com",
  "[a-z&'*+]",
);
const leaf = fc.oneof(
  word,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 5 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "spec", "ports", "data"), tie("node"), {
      maxKeys: 3,
    }),
  ),
})).node;
const item = fc.oneof(
  fc.record({ apiVersion: fc.constant("v1"), kind: word, metadata: value, spec: value }),
  fc.dictionary(fc.constantFrom("kind", "a", "b"), value, { minKeys: 1, maxKeys: 3 }),
  leaf,
);

/** A ResourceList's text in one of several styles. */
function listText(items: unknown[], style: number): string {
  const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n";
  const tail = ["", "functionConfig:\n  data: {}\n", "results: []\n"][style % 3]!;
  switch (style % 4) {
    case 0:
      return head + "items:\n" + items.map((i) => emitEntry(i, 0)).join("") + tail;
    case 1:
      return head + "items:\n" + items.map((i) => emitEntry(i, 2)).join("") + tail;
    case 2:
      return dump({ apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items }, {
        lineWidth: -1,
        noRefs: true,
      }) + tail;
    default:
      return "---\n" + head + "items: # the items\n" +
        items.map((i) => emitEntry(i, 2)).join("") + tail;
  }
}

const LINES = [
  "# comment",
  "  # indented comment",
  "",
  "  ",
  "1x: y",
  '"items":',
  "items :",
  "é: y",
  "_k: v",
  "- stray",
  "  - indented",
  "    deeper: 1",
  "z: 1",
  "...",
  "---",
];

/** Line-level mutations: insert a line, re-indent one, drop one, drop the final line break. */
function mutate(text: string, choices: number[]): string {
  const lines = text.split("\n");
  for (let i = 0; i + 1 < choices.length; i += 2) {
    const at = choices[i]! % (lines.length + 1);
    const op = choices[i + 1]! % 4;
    if (op === 0) lines.splice(at, 0, LINES[choices[i + 1]! % LINES.length]!);
    else if (op === 1 && at < lines.length) lines[at] = ` ${lines[at]}`;
    else if (op === 2 && at < lines.length) lines[at] = lines[at]!.replace(/^ /, "");
    else if (at < lines.length) lines.splice(at, 1);
  }
  const out = lines.join("\n");
  return choices[0]! % 5 === 0 ? out.replace(/\n+$/, "") : out;
}

Deno.test("item spans from the reader's offsets equal findItemSpans on generated ResourceLists", () => {
  let cut = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.array(item, { minLength: 1, maxLength: 4 }), fc.nat(11), (items, style) => {
      runs++;
      if (compare(listText(items, style)) === "spans") cut++;
    }),
    { numRuns: RUNS },
  );
  assert.ok(cut >= runs * 0.5, `only ${cut} of ${runs} generated lists cut into spans`);
});

Deno.test("item spans from the reader's offsets equal findItemSpans on mutated ResourceLists", () => {
  let compared = 0;
  fc.assert(
    fc.property(
      fc.array(item, { minLength: 1, maxLength: 3 }),
      fc.nat(11),
      fc.array(fc.nat(1000), { minLength: 2, maxLength: 10 }),
      (items, style, choices) => {
        if (compare(mutate(listText(items, style), choices)) !== undefined) compared++;
      },
    ),
    { numRuns: RUNS * 3 },
  );
  assert.ok(compared >= RUNS * 0.3, `only ${compared} mutated lists compared`);
});

Deno.test("item spans from the reader's offsets equal findItemSpans on the edge cases of the cut", () => {
  const entries =
    "- kind: A\n  spec:\n    x: 1\n# between\n\n- kind: B # b\n  a: |\n    text\n    # in the text\n";
  const cases = [
    `items:\n${entries}`,
    `items:\n${entries}1x: y\n`,
    `items:\n${entries}é: y\n`,
    `items:\n${entries}a#b: y\n`,
    `items:\n${entries}_k: v\n`,
    `items:\n${entries}"q": v\n`,
    `items:\n${entries}# trailing\n\nkind: ResourceList\n`,
    `items:\n${entries.slice(0, -1)}`,
    `"items":\n${entries}`,
    `items :\n${entries}`,
    `# head\n---\nitems:\n${entries}`,
    `---\n# head\nitems:\n${entries}`,
    `kind: ResourceList\nitems: # c\n\n  # first\n${entries.replaceAll(/^/gm, "  ")}`,
    `items:\n${entries}`.replace("kind: A", "a: A"),
  ];
  let cut = 0;
  for (const text of cases) if (compare(text) === "spans") cut++;
  assert.ok(cut >= 6, `only ${cut} edge cases cut into spans`);
});
