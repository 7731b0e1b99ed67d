import assert from "node:assert/strict";
import { layoutPath, mergeItems } from "./merge.ts";

const ms = {
  apiVersion: "kuma.io/v1alpha1",
  kind: "MeshService",
  metadata: {
    name: "web",
    namespace: "shop",
    labels: { "kuma.io/mesh": "default" },
    annotations: { "meshservice-krm/generated-from": "Service shop/web" },
  },
};

Deno.test("outputPath: empty placeholders and repeated slashes collapse their segments", () => {
  const at = (outputPath: string, zone = "") => layoutPath(ms, { outputPath, zone });
  assert.equal(
    at("kuma-generated/{zone}/{mesh}/{namespace}/{name}.yaml"),
    "kuma-generated/default/shop/web.yaml",
  );
  assert.equal(at("/{zone}//{kind}/{name}.yaml/", "east"), "east/meshservice/web.yaml");
  assert.equal(at("{zone}"), "");
  assert.equal(at("a/{nope}/b.yaml"), "a/b.yaml");
});

Deno.test("mergeItems: a preview is placed once with local-config, path and index annotations", () => {
  const source = { ...ms };
  const out = mergeItems([], [{ object: ms, output: "preview", zone: "east", source }], {
    outputPath: "{zone}/{name}.yaml",
  });
  assert.equal(out.items.length, 1);
  assert.deepEqual(Object.entries(out.items[0]!.metadata!.annotations!), [
    ["meshservice-krm/generated-from", "Service shop/web"],
    ["config.kubernetes.io/local-config", "true"],
    ["internal.config.kubernetes.io/path", "east/web.yaml"],
    ["internal.config.kubernetes.io/index", "0"],
  ]);
  assert.deepEqual(out.placed.map((p) => [p.path, p.source === source]), [["east/web.yaml", true]]);
  // The generated object itself is not changed.
  assert.deepEqual(Object.keys(ms.metadata.annotations), ["meshservice-krm/generated-from"]);
});

Deno.test("mergeItems: an earlier run's copy is replaced in place and keeps the orchestrator's annotations", () => {
  const previous = {
    ...ms,
    metadata: {
      ...ms.metadata,
      annotations: {
        ...ms.metadata.annotations,
        "internal.config.kubernetes.io/path": "old/web.yaml",
        "internal.config.kubernetes.io/index": "3",
        "team": "dropped",
      },
    },
  };
  const out = mergeItems([previous], [{ object: ms, output: "apply", zone: "east", source: ms }], {
    outputPath: "{zone}/{name}.yaml",
  });
  assert.deepEqual(out.items[0]!.metadata!.annotations, {
    "meshservice-krm/generated-from": "Service shop/web",
    "internal.config.kubernetes.io/path": "old/web.yaml",
    "internal.config.kubernetes.io/index": "3",
  });
  assert.deepEqual(out.placed.map((p) => p.path), ["old/web.yaml"]);
  assert.deepEqual(out.results, []);
});

Deno.test("mergeItems: a path with a .. segment is refused, a name merely holding dots is not", () => {
  const named = (name: string) => ({ ...ms, metadata: { ...ms.metadata, name } });
  const place = (name: string) =>
    mergeItems([], [{ object: named(name), output: "apply", zone: undefined, source: ms }], {
      outputPath: "{namespace}/{name}",
    });
  for (const name of ["..", "../x"]) {
    assert.equal(place(name).items.length, 0, name);
    assert.equal(place(name).results[0]?.tags?.reason, "PathConflict", name);
  }
  assert.deepEqual(place("..web").placed.map((p) => p.path), ["shop/..web"]);
  assert.deepEqual(place("web..").placed.map((p) => p.path), ["shop/web.."]);
});
