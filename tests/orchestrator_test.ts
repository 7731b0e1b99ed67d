/**
 * Under kustomize (items with kustomize's resource id and no file path, as
 * `kustomize build --enable-exec` and the legacy plugin send them; captured
 * with a `tee` wrapper) the Kubernetes default emits no MeshService previews,
 * which kustomize would drop; kpt's items keep their previews.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type KubeObject, render } from "../mod.ts";

const KUSTOMIZE_ID = "kustomize.config.k8s.io/id";

/** A Service of namespace `shop` carrying `annotations`. */
function service(name: string, annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "shop", annotations },
    spec: { selector: { app: name }, ports: [{ port: 80 }] },
  };
}

/** kustomize's annotations on the items it sends an exec transformer. */
function fromKustomize(name: string, index: number): Record<string, string> {
  return {
    [KUSTOMIZE_ID]: `kind: Service\nname: ${name}\nnamespace: shop\nversion: v1\n`,
    "config.kubernetes.io/index": String(index),
    "internal.config.kubernetes.io/index": String(index),
    "internal.config.kubernetes.io/id": String(index + 1),
    "config.k8s.io/id": String(index + 1),
  };
}

/** kpt's annotations: a file path on every item. */
function fromKpt(index: number): Record<string, string> {
  return {
    "config.kubernetes.io/index": "0",
    "config.kubernetes.io/path": `svc-${index}.yaml`,
    "internal.config.kubernetes.io/index": "0",
    "internal.config.kubernetes.io/path": `svc-${index}.yaml`,
  };
}

function meshServicesOf(items: readonly KubeObject[]): KubeObject[] {
  return items.filter((item) => item.kind === "MeshService");
}

Deno.test("items sent by kustomize get no MeshService previews by default", () => {
  const items = [service("web", fromKustomize("web", 0)), service("api", fromKustomize("api", 1))];
  const { resourceList, report } = render(items, { kumaVersion: "2.14" });
  assert.deepEqual(meshServicesOf(resourceList.items), []);
  assert.equal(resourceList.items.length, 2);
  assert.equal(report.meshServiceOutput, "none");
  // Still generated and reported: only the items kustomize would drop are not sent.
  assert.deepEqual(report.meshServices.map((m) => m.name).sort(), ["api", "web"]);
});

Deno.test("items from kpt keep their MeshService previews, even with a stale kustomize id", () => {
  const items = [
    service("web", { ...fromKpt(0), [KUSTOMIZE_ID]: "kind: Service\nname: web\n" }),
    service("api", fromKpt(1)),
  ];
  const { resourceList } = render(items, { kumaVersion: "2.14" });
  const previews = meshServicesOf(resourceList.items);
  assert.deepEqual(previews.map((m) => m.metadata?.name).sort(), ["api", "web"]);
  for (const preview of previews) {
    assert.equal(preview.metadata?.annotations?.["config.kubernetes.io/local-config"], "true");
  }
});

Deno.test("an item without kustomize's id keeps the previews", () => {
  const items = [service("web", fromKustomize("web", 0)), service("api", {})];
  const { resourceList } = render(items, { kumaVersion: "2.14" });
  assert.equal(meshServicesOf(resourceList.items).length, 2);
});

Deno.test("under kustomize an explicit meshServiceOutput is honoured", () => {
  const items = [service("web", fromKustomize("web", 0))];
  for (const output of ["preview", "apply"] as const) {
    const { resourceList } = render(items, { kumaVersion: "2.14", meshServiceOutput: output });
    const [meshService] = meshServicesOf(resourceList.items);
    assert.equal(meshService?.metadata?.name, "web", output);
    assert.equal(
      meshService?.metadata?.annotations?.["config.kubernetes.io/local-config"],
      output === "preview" ? "true" : undefined,
    );
  }
});

Deno.test("under kustomize a Universal zone still emits its MeshServices for apply", () => {
  const dataplane: KubeObject = {
    apiVersion: "kuma.io/v1alpha1",
    kind: "Dataplane",
    mesh: "default",
    metadata: { name: "api-1", annotations: { [KUSTOMIZE_ID]: "kind: Dataplane\nname: api-1\n" } },
    spec: {
      networking: {
        address: "10.0.5.2",
        inbound: [{ port: 8080, tags: { "kuma.io/service": "api", "kuma.io/protocol": "http" } }],
      },
    },
  } as KubeObject;
  const { resourceList, report } = render([dataplane], {
    kumaVersion: "2.14",
    environment: "universal",
  });
  assert.equal(report.meshServiceOutput, "apply");
  assert.deepEqual(meshServicesOf(resourceList.items).map((m) => m.metadata?.name), ["api"]);
});
