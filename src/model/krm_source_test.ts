/**
 * Where an item came from, as the path annotations say: the current
 * `internal.config.kubernetes.io/*` pair first, the legacy
 * `config.kubernetes.io/*` pair (kustomize's legacy plugins, older kpt) as a
 * fallback, and nothing for a path that is not a non-empty string.
 */

import assert from "node:assert/strict";
import { fileOf, type KubeObject, sourceOf } from "./krm.ts";

const item = (annotations: Record<string, unknown>): KubeObject =>
  ({ apiVersion: "v1", kind: "Service", metadata: { name: "a", annotations } }) as KubeObject;

Deno.test("source: the internal annotations win over the legacy ones", () => {
  const source = sourceOf(item({
    "internal.config.kubernetes.io/path": "new.yaml",
    "internal.config.kubernetes.io/index": "2",
    "config.kubernetes.io/path": "old.yaml",
    "config.kubernetes.io/index": "5",
  }));
  assert.deepEqual(source, { path: "new.yaml", index: 2 });
});

Deno.test("source: legacy annotations alone still name the file and index", () => {
  const source = sourceOf(item({
    "config.kubernetes.io/path": "old.yaml",
    "config.kubernetes.io/index": "3",
  }));
  assert.deepEqual(source, { path: "old.yaml", index: 3 });
});

Deno.test("source: an empty or non-string path means no file", () => {
  assert.equal(sourceOf(item({ "internal.config.kubernetes.io/path": "" })), undefined);
  assert.equal(sourceOf(item({ "internal.config.kubernetes.io/path": 7 })), undefined);
  assert.equal(fileOf(item({ "config.kubernetes.io/path": "" })), undefined);
  assert.equal(sourceOf({ apiVersion: "v1", kind: "Service" } as KubeObject), undefined);
});

Deno.test("source: an index that is not a non-negative integer counts as 0", () => {
  for (const index of ["-1", "x", "", 4]) {
    const source = sourceOf(item({
      "internal.config.kubernetes.io/path": "a.yaml",
      "internal.config.kubernetes.io/index": index,
    }));
    assert.deepEqual(source, { path: "a.yaml", index: 0 }, `index ${JSON.stringify(index)}`);
  }
  // A result's `file` leaves the index out when it is 0.
  assert.deepEqual(fileOf(item({ "internal.config.kubernetes.io/path": "a.yaml" })), {
    path: "a.yaml",
  });
});
