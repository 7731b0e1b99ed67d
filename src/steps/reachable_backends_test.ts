/**
 * The reachable-backends annotation this tool writes reads back as the same
 * refs, hand-written JSON is read too, and the workloads of a zone are the
 * Pods and pod-template owners (Kubernetes) or Dataplanes (Universal).
 */
import assert from "node:assert/strict";
import type { KubeObject } from "../model/krm.ts";
import { ANNOTATION, LABEL } from "../model/kuma.ts";
import {
  formatReachableBackends,
  parseReachableBackends,
  workloadsOf,
} from "./reachable_backends.ts";

const REFS: Record<string, unknown>[][] = [
  [],
  [{ kind: "MeshService", name: "backend", namespace: "kuma-demo", port: 80 }],
  [
    {
      kind: "MeshService",
      labels: { [LABEL.displayName]: "backend", [LABEL.zone]: "east" },
      port: 8080,
    },
    { kind: "MeshExternalService", name: "yes" },
    { kind: "MeshMultiZoneService", labels: { app: "true", "0": "null" } },
  ],
];

for (const [i, refs] of REFS.entries()) {
  Deno.test(`reachable backends: the written annotation reads back (${i} refs case)`, () => {
    assert.deepEqual(parseReachableBackends(formatReachableBackends(refs)), refs);
  });
}

const PARSE_ROWS: [string, string, Record<string, unknown>[] | undefined][] = [
  ["empty text is no refs", "  ", []],
  ["null is no refs", "null", []],
  ["JSON refs", '{"refs":[{"kind":"MeshService","name":"a","port":80}]}', [
    { kind: "MeshService", name: "a", port: 80 },
  ]],
  ["JSON without refs is invalid", '{"other":1}', undefined],
  ["YAML that is not a refs list is invalid", "items:\n- kind: MeshService\n", undefined],
  [
    "double-quoted YAML keys, as a hand-written annotation may have them",
    'refs:\n- kind: MeshService\n  labels:\n    "kuma.io/display-name": backend\n  "port": 80\n',
    [{ kind: "MeshService", labels: { [LABEL.displayName]: "backend" }, port: 80 }],
  ],
  ["quoted YAML values are strings", 'refs:\n- kind: MeshService\n  name: "80"\n', [
    { kind: "MeshService", name: "80" },
  ]],
];

for (const [name, text, expected] of PARSE_ROWS) {
  Deno.test(`reachable backends: parse, ${name}`, () => {
    assert.deepEqual(parseReachableBackends(text), expected);
  });
}

const DEPLOYMENT: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: {
    template: {
      metadata: { labels: { app: "web" }, annotations: { [ANNOTATION.mesh]: "payments" } },
    },
  },
};
const SERVICE: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web" } };
const DATAPLANE: KubeObject = {
  apiVersion: "kuma.io/v1alpha1",
  kind: "Dataplane",
  mesh: "default",
  metadata: { name: "dp-1", labels: { team: "a" } },
  spec: {
    networking: {
      inbound: [{ tags: { [LABEL.service]: "web", version: "v1" } }],
    },
  },
};

Deno.test("reachable backends: a Kubernetes zone's workloads carry pod labels and the Services selecting them", () => {
  const found = workloadsOf(
    { own: [DEPLOYMENT, SERVICE], name: "east", environment: "kubernetes" },
    [
      { namespace: "shop", selector: { app: "web" }, services: ["web_shop_svc_80"] },
      { namespace: "other", selector: { app: "web" }, services: ["web_other_svc_80"] },
    ],
    () => "web.yaml",
  );
  assert.deepEqual(found.map(({ object: _, ...w }) => w), [{
    zone: "east",
    mesh: "payments",
    labels: { app: "web", [LABEL.namespace]: "shop" },
    services: ["web_shop_svc_80"],
    namespace: "shop",
    path: "web.yaml",
  }]);
});

Deno.test("reachable backends: a Universal zone's workloads are Dataplanes with inbound tags", () => {
  const found = workloadsOf(
    { own: [DATAPLANE, DEPLOYMENT], name: "west", environment: "universal" },
    [],
    () => undefined,
  );
  assert.deepEqual(found.map(({ object: _, ...w }) => w), [{
    zone: "west",
    mesh: "default",
    labels: { team: "a", version: "v1" },
    services: ["web"],
    namespace: undefined,
    path: undefined,
  }]);
});
