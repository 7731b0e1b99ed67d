import assert from "node:assert/strict";
import { fieldPath, fieldPathOf, mapKey } from "./field_path.ts";

Deno.test("fieldPath prints fields with dots, indexes in brackets and map keys quoted (Kuma's PathBuilder)", () => {
  assert.equal(fieldPath("spec.ports", 2, "protocol"), "spec.ports[2].protocol");
  assert.equal(fieldPath("spec", "to", 0, "targetRef"), "spec.to[0].targetRef");
  assert.equal(
    fieldPath("metadata.labels", mapKey("kuma.io/workload")),
    'metadata.labels["kuma.io/workload"]',
  );
  assert.equal(fieldPath("items", 3), "items[3]");
  assert.equal(fieldPath(), "");
});

Deno.test("fieldPath quotes a hostile map key as Go's %q does: no raw quote, newline or control character", () => {
  assert.equal(
    fieldPath("labels", mapKey('a"b\\c\nd\te\u0001f\u007f')),
    'labels["a\\"b\\\\c\\nd\\te\\x01f\\x7f"]',
  );
  assert.equal(fieldPath("labels", mapKey("\u2028\u0085é")), 'labels["\\u2028\\u0085é"]');
});

Deno.test("fieldPathOf reads a walk's segments: keys after map fields, digit strings as indexes", () => {
  assert.equal(fieldPathOf(["metadata", "labels", "team"]), 'metadata.labels["team"]');
  assert.equal(fieldPathOf(["spec", "ports", "0", "name"]), "spec.ports[0].name");
  assert.equal(fieldPathOf(["spec", "ports", 1, "name"]), "spec.ports[1].name");
  assert.equal(fieldPathOf(["spec", "selector", "0"]), 'spec.selector["0"]');
  assert.equal(fieldPathOf(["spec", "default", "kuma.io/x"]), 'spec.default["kuma.io/x"]');
  assert.equal(fieldPathOf(["data", "zones", 0, "name"]), 'data["zones"][0].name');
});
