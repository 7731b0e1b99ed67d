/**
 * Directory mode edits a file of several documents document by document
 * (`editEachDocument` in src/io/yaml_text/yaml_edit.ts): the same new text
 * and the same printed document texts as editing the whole file, or it
 * declines and the whole-file edit runs (which then also reports any
 * refusal). A differential test on generated multi-document files with
 * comments, flow collections, separators with comments and quoted values,
 * and random edits of random documents.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { readDocuments } from "../src/io/yaml.ts";
import {
  applyChanges,
  type Change,
  type DocumentEdit,
  editDocumentsWithSources,
  editEachDocument,
  editWholeFileWithSources,
} from "../src/io/yaml_text/yaml_edit.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 200);

const DOCUMENTS = [
  "# Route to the backend.\napiVersion: kuma.io/v1alpha1\nkind: MeshHTTPRoute\nmetadata:\n  name: r\n  namespace: shop\nspec:\n  to:\n    - targetRef:\n        kind: MeshService\n        name: backend_shop_svc_80 # legacy\n      rules:\n        - default:\n            backendRefs:\n              - kind: MeshService\n                name: backend_shop_svc_80\n                weight: 100\n",
  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  ports: [{port: 80, name: http}]\n",
  "kind: ConfigMap\ndata:\n  a: 'single'\n  b: \"double\"\n  c: |\n    block\n",
  "kind: Mesh\nmetadata:\n  name: default\nspec:\n  meshServices:\n    mode: Everywhere\n# trailing comment\n",
  "kind: Plain\nlist:\n- one\n- two\n",
];
const SEPARATORS = ["---\n", "--- # next\n", "---\n# lead\n\n"];

/** A random change of a document's value: a string set, a key added or removed, a list item set. */
function changesOf(value: Record<string, unknown>, pick: number): Change[] {
  const keys = Object.keys(value);
  const key = keys[pick % keys.length]!;
  switch (pick % 4) {
    case 0:
      return [{ op: "set", path: ["metadata", "name"], value: `renamed-${pick}` }];
    case 1:
      return [{ op: "set", path: ["added"], value: { k: pick, list: ["x", "y"] } }];
    case 2:
      return keys.length > 1 ? [{ op: "delete", path: [key] }] : [];
    default:
      return [{ op: "set", path: [key], value: pick % 8 === 3 ? "on" : `v${pick}` }];
  }
}

/** Whole-file and by-document results of the same edits. */
function compare(text: string, picks: number[]): "by document" | "whole" {
  const values = readDocuments(text).filter((doc) => doc !== null) as Record<string, unknown>[];
  const edits: DocumentEdit[] = [];
  const seen = new Set<number>();
  for (const pick of picks) {
    const index = pick % values.length;
    if (seen.has(index)) continue;
    seen.add(index);
    const before = values[index]!;
    edits.push({ index, before, after: applyChanges(before, changesOf(before, pick)) });
  }
  const indices = [...seen];
  let whole: { text: string; sources: Map<number, string> } | undefined;
  let refusal: unknown;
  try {
    whole = editWholeFileWithSources(text, edits, indices);
  } catch (error) {
    refusal = error;
  }
  const byDocument = editEachDocument(text, edits, indices);
  if (byDocument === undefined) return "whole";
  assert.ok(whole, `by document accepted what the whole-file edit refuses (${refusal}):\n${text}`);
  assert.equal(byDocument.text, whole.text, `texts differ for:\n${text}`);
  assert.deepEqual(byDocument.sources, whole.sources, `sources differ for:\n${text}`);
  // The default takes the by-document result.
  assert.deepEqual(editDocumentsWithSources(text, edits, indices), byDocument);
  return "by document";
}

Deno.test("editing a file document by document gives the whole-file edit's text and sources", () => {
  let byDocument = 0;
  fc.assert(
    fc.property(
      fc.array(fc.nat(DOCUMENTS.length * 5), { minLength: 2, maxLength: 6 }),
      fc.nat(11),
      fc.array(fc.nat(1000), { minLength: 1, maxLength: 4 }),
      (docs, style, picks) => {
        const head = style % 3 === 0 ? "---\n" : style % 3 === 1 ? "# file head\n---\n" : "";
        const text = head +
          docs.map((d) => DOCUMENTS[d % DOCUMENTS.length]).join(SEPARATORS[style % 3]!);
        if (compare(text, picks) === "by document") byDocument++;
      },
    ),
    { numRuns: RUNS },
  );
  assert.ok(byDocument >= RUNS * 0.5, `only ${byDocument} of ${RUNS} files edited by document`);
});

Deno.test("a file the cut cannot place is edited whole, with the same refusals", () => {
  const route = DOCUMENTS[0]!;
  const values = readDocuments(`${route}---\n${route}`) as Record<string, unknown>[];
  const edit = (index: number) => ({
    index,
    before: values[index],
    after: applyChanges(values[index], [{ op: "set", path: ["metadata", "name"], value: "x" }]),
  });
  // One document, a `...` line, an anchor: edited whole.
  assert.equal(editEachDocument(route, [edit(0)], [0]), undefined);
  assert.equal(editEachDocument(`${route}...\n---\n${route}`, [edit(1)], [1]), undefined);
  assert.equal(editEachDocument(`a: &x 1\n---\n${route}`, [edit(0)], [0]), undefined);
  // A stale `before`: declined here, refused by the whole-file edit.
  const text = `${route}---\n${route}`;
  const stale = { ...edit(1), before: { kind: "Other" } };
  assert.equal(editEachDocument(text, [stale], [1]), undefined);
  assert.throws(() => editDocumentsWithSources(text, [stale], [1]), /does not hold the content/);
  // Two edits of one document: declined here, refused whole.
  const twice = [edit(1), { ...edit(1), after: { ...edit(1).after as object, extra: 1 } }];
  assert.equal(editEachDocument(text, twice, [1]), undefined);
  assert.throws(() => editDocumentsWithSources(text, twice, [1]), /two different edits/);
});
