/**
 * The Kubernetes skip rules as a table: a Service, its Namespace and
 * workloads → the MeshServices Kuma's controller creates, or the rule that
 * skips the Service and whether the controller deletes a MeshService of its
 * name. Derived from `Reconcile` in
 * `pkg/plugins/runtime/k8s/controllers/meshservice_controller.go` at v2.14.3
 * (line numbers below) and /work/shared/docs/kuma-spec.md §2.2; mesh lookup
 * from `pkg/plugins/runtime/k8s/util/util.go` (`MeshOfByLabelOrAnnotation`),
 * booleans from `pkg/plugins/runtime/k8s/metadata/annotations.go`
 * (`GetBooleanWithDefault`, case-sensitive).
 */

import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import { buildInventory } from "../model/inventory.ts";
import type { KubeObject } from "../model/krm.ts";
import { featuresOf, type KumaVersion } from "../model/version.ts";
import { REASON, type Reason } from "../results.ts";
import { generateKubernetesMeshServices } from "./kubernetes_mesh_services.ts";
import { decideService } from "./kubernetes_skip_rules.ts";
import { defaultService } from "./kubernetes_service_defaults.ts";
import { assumedMeshesOf, buildMeshLookup } from "./meshes.ts";

const INJECTED = { "kuma.io/sidecar-injection": "enabled" };

/** What the step does with the row's Service. */
type Expect =
  /** These MeshServices (names), in `mesh` when given; `reasons`: other results expected. */
  | { generated: string[]; mesh?: string; reasons?: Reason[] }
  /** No MeshService: an info result with `skipped`; `deletes`: a MeshService of the Service's name is deleted. */
  | { skipped: Reason; deletes: boolean }
  /** Nothing at all: no MeshService and no result from this step. */
  | { nothing: true };

interface Row {
  /** The behaviour, with the line of the controller it follows. */
  name: string;
  version?: KumaVersion;
  /** Labels of Namespace `demo`; `null`: no Namespace in the input. */
  namespaceLabels?: Record<string, string> | null;
  namespaceAnnotations?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Replaces fields of the Service's spec. */
  spec?: Record<string, unknown>;
  /** Mesh objects: name → `spec.meshServices.mode` (`null`: no spec). Default: none (config assumes `default`). */
  meshes?: Record<string, string | null>;
  /** More objects of the input (EndpointSlices, Pods, workloads). */
  extra?: KubeObject[];
  expect: Expect;
}

function service(row: Row): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "example",
      namespace: "demo",
      ...row.labels ? { labels: row.labels } : {},
      ...row.annotations ? { annotations: row.annotations } : {},
    },
    spec: {
      selector: { app: "example" },
      ports: [{ port: 80 }],
      clusterIP: "10.0.0.7",
      ...row.spec,
    },
  };
}

function mesh(name: string, mode: string | null): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "Mesh",
    metadata: { name },
    ...mode === null ? {} : { spec: { meshServices: { mode } } },
  };
}

function slice(pods: { name: string; apiVersion?: string }[]): KubeObject {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "example-abc",
      namespace: "demo",
      labels: { "kubernetes.io/service-name": "example" },
    },
    endpoints: pods.map((pod, i) => ({
      addresses: [`10.1.0.${i + 1}`],
      targetRef: {
        kind: "Pod",
        name: pod.name,
        ...pod.apiVersion ? { apiVersion: pod.apiVersion } : {},
      },
    })),
  };
}

function pod(name: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "demo", labels: { app: "example" }, annotations },
  };
}

function workload(kind: string, spec: Record<string, unknown> = {}, annotations = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name: "example", namespace: "demo" },
    spec: {
      ...spec,
      template: { metadata: { labels: { app: "example" }, annotations }, spec: {} },
    },
  };
}

/** A MeshService of the Service's name not made by the tool: the controller's delete would hit it. */
const EXISTING: KubeObject = {
  apiVersion: "kuma.io/v1alpha1",
  kind: "MeshService",
  metadata: {
    name: "example",
    namespace: "demo",
    ownerReferences: [{ apiVersion: "v1", kind: "Service", name: "example", uid: "u" }],
  },
  spec: { selector: {}, ports: [] },
};

const GATEWAY = { "kuma.io/gateway": "enabled" };
const HASH = "87ff74c98"; // FNV-32a of "example" + "demo" (kuma-spec.md §0.4, Kuma's test vector).

const ROWS: Row[] = [
  {
    name: "ClusterIP Service in an injected namespace: one MeshService of its name (L184-204)",
    expect: { generated: ["example"], mesh: "default" },
  },
  {
    name:
      "namespace not injected, Service without kuma.io/mesh: skipped, MeshService deleted (L91-98)",
    namespaceLabels: {},
    expect: { skipped: REASON.notInMesh, deletes: true },
  },
  {
    name: "namespace labelled disabled counts as not injected (L78, L91-98)",
    namespaceLabels: { "kuma.io/sidecar-injection": "disabled" },
    expect: { skipped: REASON.notInMesh, deletes: true },
  },
  {
    name:
      "kuma.io/mesh label key alone (empty value) puts the Service in the mesh; mesh is default (L91, L100)",
    namespaceLabels: {},
    labels: { "kuma.io/mesh": "" },
    expect: { generated: ["example"], mesh: "default" },
  },
  {
    name: "invalid injection value: reconcile fails, this step reports nothing (L78-81)",
    namespaceLabels: { "kuma.io/sidecar-injection": "maybe" },
    expect: { nothing: true },
  },
  {
    name: "Namespace not in the input: assumed injected by config (Kuma needs it, L70-75)",
    namespaceLabels: null,
    expect: { generated: ["example"], reasons: [REASON.assumed] },
  },
  {
    name: "Mesh named by the Service label not found: skipped, deleted (L102-112)",
    labels: { "kuma.io/mesh": "other" },
    expect: { skipped: REASON.meshNotFound, deletes: true },
  },
  {
    name: "mesh from the Namespace label (L100, util.go)",
    namespaceLabels: { ...INJECTED, "kuma.io/mesh": "other" },
    meshes: { other: "Everywhere" },
    expect: { generated: ["example"], mesh: "other" },
  },
  {
    name: "Service label wins over Namespace label (L100, util.go)",
    namespaceLabels: { ...INJECTED, "kuma.io/mesh": "b" },
    labels: { "kuma.io/mesh": "a" },
    meshes: { a: "Everywhere", b: "Everywhere" },
    expect: { generated: ["example"], mesh: "a" },
  },
  {
    name: "2.x: Service annotation kuma.io/mesh wins over the Namespace label (util.go)",
    namespaceLabels: { ...INJECTED, "kuma.io/mesh": "b" },
    annotations: { "kuma.io/mesh": "a" },
    meshes: { a: "Everywhere", b: "Everywhere" },
    expect: { generated: ["example"], mesh: "a" },
  },
  {
    name: "3.0: the annotation is not read (util.go MeshOfByLabel)",
    version: "3.0",
    namespaceLabels: { ...INJECTED, "kuma.io/mesh": "b" },
    annotations: { "kuma.io/mesh": "a" },
    meshes: { a: null, b: null },
    expect: { generated: ["example"], mesh: "b" },
  },
  {
    name: "2.x: Namespace annotation kuma.io/mesh (util.go)",
    namespaceAnnotations: { "kuma.io/mesh": "other" },
    meshes: { other: "Exclusive" },
    expect: { generated: ["example"], mesh: "other" },
  },
  {
    name: "Mesh meshServices.mode Disabled: skipped, deleted (L119-123)",
    meshes: { default: "Disabled" },
    expect: { skipped: REASON.meshServicesDisabled, deletes: true },
  },
  {
    name: "Mesh without meshServices.mode is Disabled (L119)",
    meshes: { default: null },
    expect: { skipped: REASON.meshServicesDisabled, deletes: true },
  },
  {
    name: "3.0 has no meshServices.mode: a Mesh without it generates (kuma-spec.md §2.2 step 6)",
    version: "3.0",
    meshes: { default: null },
    expect: { generated: ["example"] },
  },
  {
    name: "annotation kuma.io/ignore: true: skipped, deleted (L146-152)",
    annotations: { "kuma.io/ignore": "true" },
    expect: { skipped: REASON.ignoredByAnnotation, deletes: true },
  },
  {
    name: "annotation kuma.io/ignore: yes also ignores (annotations.go)",
    annotations: { "kuma.io/ignore": "yes" },
    expect: { skipped: REASON.ignoredByAnnotation, deletes: true },
  },
  {
    name:
      "annotation kuma.io/ignore: True is not a boolean to Kuma: generated (annotations.go, case-sensitive)",
    annotations: { "kuma.io/ignore": "True" },
    expect: { generated: ["example"] },
  },
  {
    name: "2.9 has no kuma.io/ignore rule: generated",
    version: "2.9",
    annotations: { "kuma.io/ignore": "true" },
    expect: { generated: ["example"] },
  },
  {
    name: "annotation kuma.io/gateway (any value): skipped, not deleted (L153-156)",
    annotations: { "kuma.io/gateway": "" },
    expect: { skipped: REASON.gatewayService, deletes: false },
  },
  {
    name: "kuma.io/ignore is checked before kuma.io/gateway (L147 before L153)",
    annotations: { "kuma.io/ignore": "true", ...GATEWAY },
    expect: { skipped: REASON.ignoredByAnnotation, deletes: true },
  },
  {
    name: "Mesh Disabled is checked before kuma.io/gateway (L119 before L153)",
    annotations: GATEWAY,
    meshes: { default: "Disabled" },
    expect: { skipped: REASON.meshServicesDisabled, deletes: true },
  },
  {
    name: "label k8s.kuma.io/zone-proxy-type: skipped, deleted (L159-165)",
    labels: { "k8s.kuma.io/zone-proxy-type": "ingress" },
    expect: { skipped: REASON.zoneProxyService, deletes: true },
  },
  {
    name: "2.13 has no zone-proxy rule: generated",
    version: "2.13",
    labels: { "k8s.kuma.io/zone-proxy-type": "ingress" },
    expect: { generated: ["example"] },
  },
  {
    name: "first endpoint Pod annotated kuma.io/gateway: skipped, deleted (L167-177, L352-355)",
    extra: [slice([{ name: "example-a" }]), pod("example-a", GATEWAY)],
    expect: { skipped: REASON.gatewayService, deletes: true },
  },
  {
    name: "the first existing endpoint Pod decides: a plain first Pod generates (L357)",
    extra: [
      slice([{ name: "example-a" }, { name: "example-b" }]),
      pod("example-a"),
      pod("example-b", GATEWAY),
    ],
    expect: { generated: ["example"] },
  },
  {
    name: "endpoint Pods not in the input are passed over (L345-348)",
    extra: [slice([{ name: "example-gone" }, { name: "example-b" }]), pod("example-b", GATEWAY)],
    expect: { skipped: REASON.gatewayService, deletes: true },
  },
  {
    name: "endpoints whose targetRef apiVersion is not v1 are no Pods (L333-338)",
    extra: [slice([{ name: "example-a", apiVersion: "v2" }]), pod("example-a", GATEWAY)],
    expect: { generated: ["example"] },
  },
  {
    name: "2.12 has no delegated-gateway rule: generated",
    version: "2.12",
    extra: [slice([{ name: "example-a" }]), pod("example-a", GATEWAY)],
    expect: { generated: ["example"] },
  },
  {
    name:
      "offline: no EndpointSlices, the selected pod template is annotated kuma.io/gateway (kuma-spec.md §2.2 step 10)",
    extra: [workload("Deployment", {}, GATEWAY)],
    expect: { skipped: REASON.gatewayService, deletes: true },
  },
  {
    name: "type ExternalName has no cluster IP: skipped, not deleted (L179-182)",
    spec: { type: "ExternalName", externalName: "example.com", clusterIP: undefined },
    expect: { skipped: REASON.noClusterIP, deletes: false },
  },
  {
    name: "kuma.io/gateway is checked before the cluster IP (L153 before L179)",
    spec: { type: "ExternalName", externalName: "example.com", clusterIP: undefined },
    annotations: GATEWAY,
    expect: { skipped: REASON.gatewayService, deletes: false },
  },
  {
    name: "clusterIP empty on a ClusterIP Service is allocated by the API server: generated (L184)",
    spec: { clusterIP: "" },
    expect: { generated: ["example"] },
  },
  {
    name: "headless: one MeshService per endpoint Pod, <pod>-<hash(service, namespace)> (L206-306)",
    spec: { clusterIP: "None" },
    extra: [slice([{ name: "example-1" }, { name: "example-2" }])],
    expect: { generated: [`example-1-${HASH}`, `example-2-${HASH}`] },
  },
  {
    name: "headless: endpoints that are not v1 Pods get none (L246-250)",
    spec: { clusterIP: "None" },
    extra: [slice([{ name: "example-1" }, { name: "example-2", apiVersion: "v2" }])],
    expect: { generated: [`example-1-${HASH}`] },
  },
  {
    name: "headless without EndpointSlices: the selected StatefulSet's pods (kuma-spec.md §2.5)",
    spec: { clusterIP: "None" },
    extra: [workload("StatefulSet", { replicas: 2 })],
    expect: { generated: [`example-0-${HASH}`, `example-1-${HASH}`] },
  },
  {
    name: "headless without EndpointSlices, pods of a Deployment: no MeshService rendered",
    spec: { clusterIP: "None" },
    extra: [workload("Deployment")],
    expect: { generated: [], reasons: [REASON.noEndpoints] },
  },
];

function run(row: Row, existing: boolean, zone?: string) {
  const features = featuresOf(row.version ?? "2.14");
  const parsed = parseConfig({
    apiVersion: "meshservice-krm/v1alpha1",
    kind: "RenderMeshServices",
    metadata: { name: "c" },
    zone: "zone-1",
    kumaVersion: row.version ?? "2.14",
  });
  assert.ok(parsed.ok);
  const config = parsed.config;
  const items: KubeObject[] = [service(row)];
  if (row.namespaceLabels !== null) {
    items.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "demo",
        labels: row.namespaceLabels ?? INJECTED,
        ...row.namespaceAnnotations ? { annotations: row.namespaceAnnotations } : {},
      },
    });
  }
  for (const [name, mode] of Object.entries(row.meshes ?? {})) items.push(mesh(name, mode));
  items.push(...row.extra ?? []);
  if (existing) items.push(EXISTING);
  const inventory = buildInventory(items);
  const meshes = buildMeshLookup(inventory, assumedMeshesOf(config, features)).lookup;
  return generateKubernetesMeshServices(inventory, {
    config,
    zone: zone ?? config.zone,
    features,
    meshes,
  });
}

Deno.test("kubernetes generation: the webhook's kuma.io/zone is the zone it runs in, not config zone", () => {
  const out = run(ROWS[0]!, false, "east");
  assert.equal(out.meshServices.length, 1);
  assert.equal(out.meshServices[0]!.object.metadata?.labels?.["kuma.io/zone"], "east");
});

for (const row of ROWS) {
  Deno.test(`kubernetes skip rules: ${row.name}`, () => {
    const expect = row.expect;
    if ("skipped" in expect) {
      // With a MeshService of the Service's name in the input, to see whether the controller deletes it.
      const out = run(row, true);
      assert.deepEqual(out.meshServices.map((m) => m.object.metadata?.name), []);
      const reasons = out.results.map((r) => r.tags?.reason);
      assert.deepEqual(
        reasons.filter((r) => r !== REASON.wouldBeDeleted),
        [expect.skipped],
        "one result, the rule's",
      );
      assert.equal(out.results[0]!.resourceRef?.kind, "Service");
      assert.equal(
        reasons.includes(REASON.wouldBeDeleted),
        expect.deletes,
        expect.deletes ? "the MeshService is deleted" : "the MeshService is left alone",
      );
      return;
    }
    const out = run(row, false);
    if ("nothing" in expect) {
      assert.deepEqual(out, { meshServices: [], results: [] });
      return;
    }
    assert.deepEqual(out.meshServices.map((m) => m.object.metadata?.name), expect.generated);
    assert.deepEqual(
      out.results.map((r) => r.tags?.reason).sort(),
      [...expect.reasons ?? []].sort(),
      "no other result",
    );
    for (const generated of out.meshServices) {
      if (expect.mesh !== undefined) {
        assert.equal(generated.object.metadata?.labels?.["kuma.io/mesh"], expect.mesh);
        assert.equal(generated.mesh, expect.mesh);
      }
    }
  });
}

Deno.test("kubernetes skip rules: decideService returns the first matching rule and only that", () => {
  const features = featuresOf("2.14");
  const inventory = buildInventory([]);
  const meshes = buildMeshLookup(inventory, [{ name: "default", mode: "Everywhere" }]).lookup;
  const entry = {
    object: service({
      name: "",
      annotations: { "kuma.io/ignore": "true", ...GATEWAY },
      labels: { "k8s.kuma.io/zone-proxy-type": "egress" },
      spec: { type: "ExternalName", clusterIP: undefined },
      expect: { nothing: true },
    }),
    position: 0,
  };
  const defaulted = defaultService(entry, []);
  assert.ok(defaulted);
  const namespace = { name: "demo", labels: INJECTED, annotations: {} };
  const decision = decideService({ inventory, service: defaulted, namespace, features, meshes });
  assert.deepEqual(decision, {
    kind: "skip",
    reason: REASON.ignoredByAnnotation,
    message: 'No MeshService for Service "example": annotation kuma.io/ignore is "true"',
    deletes: true,
  });
  assert.deepEqual(
    decideService({
      inventory,
      service: { ...defaulted, annotations: {}, labels: {}, clusterIP: "10.0.0.7" },
      namespace,
      features,
      meshes,
    }),
    { kind: "generate", mesh: "default" },
  );
});
