/**
 * Reading a multi-document stream document by document
 * (src/io/yaml_text/document_wise_reader.ts) gives exactly the documents of
 * the whole-text full reader, or declines: a differential test on every
 * golden input, on generated streams mixing what the fast reader leaves to
 * the full reader (flow collections, folded and multi-line scalars, tags,
 * merge keys, anchors, comments) and on line-level mutations of them
 * (separators, directives, `...`, empty documents). A stream the whole
 * reader refuses is never read document by document.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { readFast } from "../src/io/krm_reader.ts";
import { readDocuments } from "../src/io/yaml.ts";
import { readAllFull } from "../src/io/yaml_full.ts";
import { readDocumentWise } from "../src/io/yaml_text/document_wise_reader.ts";
import { sameValue } from "./_invariants.ts";
import { mutateLines, yamlFiles } from "./_yaml_corpus.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 400);

/** Checks one text; returns whether it was read document by document. */
function check(text: string): boolean {
  const read = readDocumentWise(text);
  if (read === undefined) return false;
  let expected: unknown[];
  try {
    expected = readAllFull(text);
  } catch (error) {
    assert.fail(`read document by document, but the whole text is refused (${error}):\n${text}`);
  }
  assert.ok(sameValue(read, expected), `documents differ for:\n${text}`);
  return true;
}

/** Documents in the styles users' files (and kustomize's output) have. */
const DOCUMENTS = [
  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n",
  'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        args: ["--port", "80", "--on"]\n        resources: {limits: {cpu: 1}}\n',
  "kind: ConfigMap\ndata:\n  folded: >\n    two lines\n    folded\n  kept: |+\n    keep\n\n",
  '# leading comment\nkind: ConfigMap # trailing\ndata:\n  long: a plain scalar\n    over two lines\n  quoted: "a quoted\n    scalar"\n',
  "kind: Tagged\nspec:\n  port: !!str 80\n  !!merge <<: {a: 1, b: 2}\n  b: 3\n",
  "kind: Anchored\nspec:\n  a: &x {k: v}\n  b: *x\n",
  "just a string\n",
  "- a\n- [b, c]\n",
  "{}\n",
  "kind: Dup\na: 1\na: 2\n",
  "kind: Null\nspec: ~\non: yes\nn: 0o17\n",
  "~\n",
  "kind: Last\ndata: |\n  no final newline",
];

const SEPARATORS = ["---\n", "--- # next\n", "---\n# comment\n", "\n---\n"];
const HEADS = ["", "---\n", "# head\n", "# head\n---\n"];

function streamText(picks: number[], style: number): string {
  const docs = picks.map((p) => DOCUMENTS[p % DOCUMENTS.length]!)
    .map((doc, i, all) => (i < all.length - 1 && !doc.endsWith("\n") ? `${doc}\n` : doc));
  const separator = SEPARATORS[style % SEPARATORS.length]!;
  return HEADS[Math.floor(style / 4) % HEADS.length]! + docs.join(separator);
}

const LINES = ["---", "...", "%YAML 1.1", "--- |", "--- !x", "# c", "", "  x: 1", "&a", "*a", "\r"];

Deno.test("document-wise reading equals the whole text's on every golden file", async () => {
  const files = [
    ...await yamlFiles(new URL("golden/", import.meta.url)),
    ...await yamlFiles(new URL("../templates/", import.meta.url)),
    ...await yamlFiles(new URL("fixtures/", import.meta.url)),
  ];
  let read = 0;
  for (const text of files) if (check(text)) read++;
  // The golden files are mostly one document the fast reader takes; the fixtures' real-repo and
  // Helm-rendered streams are not.
  assert.ok(read >= 3, `only ${read} of ${files.length} files read document by document`);
});

Deno.test("document-wise reading takes a stream the fast reader refuses for one document", () => {
  const text = streamText([0, 1, 0], 0);
  assert.equal(readFast(text), undefined, "the flow list leaves the fast path");
  assert.ok(check(text));
  assert.equal(readDocumentWise(text)!.length, 3);
  assert.ok(sameValue(readDocuments(text), readAllFull(text)));
  // Comments before the first `---` make no document.
  assert.equal(readDocumentWise(`# head\n---\n${text}`)?.length, 3);
  // A document after `---` is an explicit one: there a line " ---" then a key at column 0 is an
  // error (read alone without its `---` line, the same text was one document).
  const indented = `${DOCUMENTS[7]}---\n ---\n${DOCUMENTS[0]}`;
  assert.throws(() => readAllFull(indented));
  assert.equal(readDocumentWise(indented), undefined);
  // Refused: an alias, an empty document, a directive, content after `---`.
  assert.equal(readDocumentWise(streamText([0, 5], 0)), undefined);
  assert.equal(readDocumentWise(`${streamText([0, 1], 0)}---\n---\n${DOCUMENTS[0]}`), undefined);
  assert.equal(readDocumentWise(`%YAML 1.1\n---\n${streamText([0, 1], 0)}`), undefined);
  assert.equal(readDocumentWise(`${streamText([1], 0)}--- |\n  text\n`), undefined);
});

Deno.test("document-wise reading equals the whole text's on generated streams", () => {
  let read = 0;
  let runs = 0;
  fc.assert(
    fc.property(
      fc.array(fc.nat(DOCUMENTS.length * 3), { minLength: 2, maxLength: 5 }),
      fc.nat(15),
      (picks, style) => {
        runs++;
        if (check(streamText(picks, style))) read++;
      },
    ),
    { numRuns: RUNS },
  );
  assert.ok(read >= runs * 0.2, `only ${read} of ${runs} generated streams read document-wise`);
});

Deno.test("document-wise reading equals the whole text's, or declines, on mutated streams", () => {
  let read = 0;
  fc.assert(
    fc.property(
      fc.array(fc.nat(DOCUMENTS.length * 3), { minLength: 2, maxLength: 4 }),
      fc.nat(15),
      fc.array(fc.nat(1000), { minLength: 2, maxLength: 8 }),
      (picks, style, choices) => {
        if (check(mutateLines(streamText(picks, style), choices, LINES))) read++;
      },
    ),
    { numRuns: RUNS * 3 },
  );
  assert.ok(read >= RUNS * 0.2, `only ${read} mutated streams read document-wise`);
});
