// deno-lint-ignore-file no-explicit-any
/**
 * KRM mode edits the text of a rewritten item instead of re-serializing it
 * (issue 15 item 10): values the rewrite does not touch keep their spelling.
 *
 * @module
 */

import assert from "node:assert/strict";
import { processBytes } from "../src/io/krm_stdio.ts";
import { editItemText } from "../src/io/yaml_text/krm_edit.ts";
import { readYaml } from "../src/io/yaml.ts";

const INPUT = await Deno.readTextFile(
  new URL("golden/references-routes/2.12/input.yaml", import.meta.url),
);

/** The golden input, with values that re-serializing would alter under the route's spec. */
const UNTOUCHED = [
  "    x-untouched:",
  "      name: first",
  "      80: port-key-stays-second",
  "      inf: .inf",
  "      nan: .NaN",
  "      big: 12345678901234567891",
  "      negative-zero: -0",
  "      octal: 0120",
  "      quoted: 'single'",
  "      # a comment",
  "      empty: {}",
];

function withUntouched(text: string): string {
  const route = text.indexOf("  kind: MeshHTTPRoute");
  const spec = text.indexOf("\n  spec:\n", route) + "\n  spec:\n".length;
  return text.slice(0, spec) + UNTOUCHED.join("\n") + "\n" + text.slice(spec);
}

Deno.test("a rewritten route keeps .inf, .nan, a 20-digit integer, -0 and an 80: key as written", async () => {
  const input = withUntouched(INPUT);
  const { text, results } = await processBytes(new TextEncoder().encode(input));
  assert.equal(results.filter((r) => r.severity === "error").length, 0, JSON.stringify(results));
  const start = text.indexOf("  kind: MeshHTTPRoute");
  const route = text.slice(start, text.indexOf("\n- ", start));
  // The route was rewritten (its second to[] entry now names the MeshService and port; the first
  // is held whole because of its MeshServiceSubset backendRef)...
  assert.ok(
    route.includes(
      '        name: backend\n        namespace: kuma-demo\n        sectionName: "9090"\n',
    ),
    route,
  );
  // ...in its own style: lists stay indentless, as kpt writes them.
  assert.ok(route.includes("\n    to:\n    - targetRef:\n"), route);
  // And every untouched line is there, in its order, byte for byte.
  assert.ok(route.includes(UNTOUCHED.join("\n")), route);
  // The output reads back as the rendered values.
  const list = readYaml(text) as { items: Record<string, any>[] };
  const read = list.items.find((item) => item.kind === "MeshHTTPRoute")!;
  assert.equal(read.spec["x-untouched"].inf, Infinity);
  assert.ok(Number.isNaN(read.spec["x-untouched"].nan));
  assert.equal(read.spec["x-untouched"].octal, 80);
  assert.deepEqual(Object.keys(read.spec["x-untouched"]).includes("80"), true);
});

Deno.test("editing an item's text adds, changes and removes keys and keeps the rest", () => {
  const span = [
    "- apiVersion: v1 # first",
    "  kind: X",
    "  spec:",
    "    keep: .inf",
    "    old: 1",
    "    gone: yes",
    "    list:",
    "    - a: 1",
    "      b: -0",
    "",
  ].join("\n");
  const before = (readYaml(span) as unknown[])[0] as Record<string, any>;
  const after = structuredClone(before);
  after.spec.old = "two";
  delete after.spec.gone;
  after.spec.added = { nested: ["x"] };
  after.spec.list[0].c = 3;
  after.metadata = { name: "n" };
  const edited = editItemText(span, before, after)!;
  assert.ok(edited !== undefined);
  assert.deepEqual((readYaml(edited) as unknown[])[0], after);
  assert.ok(edited.includes("- apiVersion: v1 # first\n"), edited);
  assert.ok(edited.includes("    keep: .inf\n"), edited);
  assert.ok(edited.includes("      b: -0\n"), edited);
  assert.ok(!edited.includes("gone"), edited);
});

Deno.test("editing removes the first key of a map that starts on a list line", () => {
  const span = "- kind: X\n  spec:\n    ports:\n    - name: a\n      port: 80\n";
  const before = (readYaml(span) as unknown[])[0] as Record<string, any>;
  const after = structuredClone(before);
  delete after.spec.ports[0].name;
  const edited = editItemText(span, before, after)!;
  assert.equal(edited, "- kind: X\n  spec:\n    ports:\n    - port: 80\n");
});

Deno.test("an item the editor cannot handle is left to the caller (undefined)", () => {
  const span = "- kind: X\n  spec: {a: 1}\n";
  const before = (readYaml(span) as unknown[])[0] as Record<string, any>;
  assert.equal(editItemText(span, before, { ...before, spec: { a: 2 } }), undefined);
  // Not the value the text holds.
  assert.equal(editItemText("- kind: Y\n", before, before), undefined);
});
