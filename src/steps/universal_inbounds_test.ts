/**
 * Universal inbound → MeshService rules as a table: Dataplane shapes → the
 * MeshServices Kuma's generator makes (name, ports, selector) and the results.
 * Derived from `pkg/core/resources/apis/meshservice/generate/generator.go` at
 * v2.14.3 (line numbers below: `serviceTagMeshServicesForDataplane` L118-172,
 * `workloadMeshServiceForDataplane` L178-233, `checkMeshServicesConsistency`
 * L243-270, `generate` L286-298), `api/mesh/v1alpha1/dataplane_helpers.go`
 * (`GetProtocolFallback` L423-431), `pkg/core/metadata/protocol.go`
 * (`ParseProtocol` L27-34), `pkg/core/resources/apis/mesh/dataplane_helpers.go`
 * (`SortDataplanes` L208-219) and /work/shared/docs/kuma-spec.md §1.3-1.4
 * (versions before 2.14).
 */

import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import { buildInventory } from "../model/inventory.ts";
import type { KubeObject } from "../model/krm.ts";
import { featuresOf, type KumaVersion } from "../model/version.ts";
import { REASON, type Reason } from "../results.ts";
import { assumedMeshesOf, buildMeshLookup } from "./meshes.ts";
import { generateUniversalMeshServices } from "./universal_mesh_services.ts";

interface DataplaneShape {
  name?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  inbounds?: Record<string, unknown>[];
  gateway?: boolean;
}

interface Row {
  name: string;
  version?: KumaVersion;
  /** Workload mode on 2.14 (`experimental.inboundTagsDisabled`). */
  inboundTagsDisabled?: boolean;
  dataplanes: DataplaneShape[];
  /** More objects of the input (Meshes, MeshServices). */
  extra?: KubeObject[];
  /** MeshService name → `[spec.ports, spec.selector]`. */
  generated: Record<string, [unknown[], unknown]>;
  /** Reasons of the results, in order. */
  reasons?: Reason[];
}

const tags = (service: string) => ({ dataplaneTags: { "kuma.io/service": service } });
const workload = (name: string) => ({
  dataplaneLabels: { matchLabels: { "kuma.io/workload": name } },
});
const port = (number: number, appProtocol = "tcp", name = String(number)) => ({
  name,
  port: number,
  targetPort: number,
  appProtocol,
});
const inbound = (
  service: string | undefined,
  number: number,
  more: Record<string, unknown> = {},
) => ({
  port: number,
  ...more,
  tags: { ...service === undefined ? {} : { "kuma.io/service": service }, ...more.tags as object },
});
const protocolTag = (protocol: string) => ({ tags: { "kuma.io/protocol": protocol } });

const ROWS: Row[] = [
  {
    name:
      "tag mode: one MeshService per kuma.io/service, port named after its number, targetPort = port, tcp (L122-162)",
    dataplanes: [{ inbounds: [inbound("backend", 8080)] }],
    generated: { backend: [[port(8080)], tags("backend")] },
  },
  {
    name: "tag mode: the inbound name names the port (L130-139)",
    dataplanes: [{ inbounds: [inbound("backend", 8080, { name: "api" })] }],
    generated: { backend: [[port(8080, "tcp", "api")], tags("backend")] },
  },
  {
    name: "tag mode: targetPort is the inbound port, not servicePort (L133)",
    dataplanes: [{ inbounds: [inbound("backend", 8080, { servicePort: 9090 })] }],
    generated: { backend: [[port(8080)], tags("backend")] },
  },
  {
    name:
      "tag mode: two inbounds with one kuma.io/service make one MeshService with both ports in order (L147)",
    dataplanes: [{ inbounds: [inbound("backend", 9090), inbound("backend", 8080)] }],
    generated: { backend: [[port(9090), port(8080)], tags("backend")] },
  },
  {
    name: "tag mode: inbounds of two services make two MeshServices (L151-162)",
    dataplanes: [{ inbounds: [inbound("web", 80), inbound("admin", 81)] }],
    generated: { admin: [[port(81)], tags("admin")], web: [[port(80)], tags("web")] },
  },
  {
    name:
      "tag mode: an inbound without kuma.io/service gets none (L123-128, empty is no DNS-1035 label)",
    dataplanes: [{ inbounds: [inbound(undefined, 80), inbound("web", 81)] }],
    generated: { web: [[port(81)], tags("web")] },
    reasons: [REASON.invalidServiceName],
  },
  {
    name: "tag mode: kuma.io/service with '_' is no DNS-1035 label on 2.14 (L124-128)",
    dataplanes: [{ inbounds: [inbound("backend_svc", 80)] }],
    generated: {},
    reasons: [REASON.invalidServiceName],
  },
  {
    name: "tag mode: kuma.io/service starting with a digit gets none (L124-128)",
    dataplanes: [{ inbounds: [inbound("00-backend", 80)] }],
    generated: {},
    reasons: [REASON.invalidServiceName],
  },
  {
    name: "tag mode: kuma.io/service of 64 characters gets none (L124-128)",
    dataplanes: [{ inbounds: [inbound("a".repeat(64), 80)] }],
    generated: {},
    reasons: [REASON.invalidServiceName],
  },
  {
    name: "2.9: kuma.io/service may hold '_' and '.' (^[0-9a-z.\\-_]*$, kuma-spec.md §1.3)",
    version: "2.9",
    dataplanes: [{ inbounds: [inbound("backend_svc.v1", 80)] }],
    generated: { "backend_svc.v1": [[port(80)], tags("backend_svc.v1")] },
  },
  {
    name: "2.9: upper case is refused all the same",
    version: "2.9",
    dataplanes: [{ inbounds: [inbound("Backend", 80)] }],
    generated: {},
    reasons: [REASON.invalidServiceName],
  },
  {
    name: "tag mode: the kuma.io/protocol tag is lower-cased when known (L141-145, ParseProtocol)",
    dataplanes: [{ inbounds: [inbound("web", 80, protocolTag("HTTP"))] }],
    generated: { web: [[port(80, "http")], tags("web")] },
  },
  {
    name: "tag mode: an unknown protocol is tcp (ParseProtocol → unknown, L141-145)",
    dataplanes: [{ inbounds: [inbound("web", 80, protocolTag("websocket"))] }],
    generated: { web: [[port(80, "tcp")], tags("web")] },
  },
  {
    name: "2.14: the inbound protocol field wins over the tag (GetProtocolFallback L427-430)",
    dataplanes: [{ inbounds: [inbound("web", 80, { protocol: "grpc", ...protocolTag("http") })] }],
    generated: { web: [[port(80, "grpc")], tags("web")] },
  },
  {
    name: "2.13 has no protocol field: the tag decides",
    version: "2.13",
    dataplanes: [{ inbounds: [inbound("web", 80, { protocol: "grpc", ...protocolTag("http") })] }],
    generated: { web: [[port(80, "http")], tags("web")] },
  },
  {
    name: "2.11 copies the protocol tag verbatim (kuma-spec.md §1.3)",
    version: "2.11",
    dataplanes: [{ inbounds: [inbound("web", 80, protocolTag("HTTP"))] }],
    generated: { web: [[port(80, "HTTP")], tags("web")] },
  },
  {
    name: "2.14 knows kafka (ParseProtocol L29)",
    dataplanes: [{ inbounds: [inbound("queue", 9092, protocolTag("kafka"))] }],
    generated: { queue: [[port(9092, "kafka")], tags("queue")] },
  },
  {
    name:
      "workload mode: one MeshService named after kuma.io/workload, selecting by label (L181-222)",
    inboundTagsDisabled: true,
    dataplanes: [{
      labels: { "kuma.io/workload": "shop" },
      inbounds: [inbound("web", 80), inbound("admin", 81, { name: "admin" })],
    }],
    generated: { shop: [[port(80), port(81, "tcp", "admin")], workload("shop")] },
  },
  {
    name: "workload mode: the kuma.io/protocol tag is not read, only the field (L202-206)",
    inboundTagsDisabled: true,
    dataplanes: [{
      labels: { "kuma.io/workload": "shop" },
      inbounds: [
        inbound("web", 80, protocolTag("http")),
        inbound("web", 81, { protocol: "HTTP2" }),
      ],
    }],
    generated: { shop: [[port(80, "tcp"), port(81, "http2")], workload("shop")] },
  },
  {
    name: "workload mode: no kuma.io/workload label, no MeshService (L181-184)",
    inboundTagsDisabled: true,
    dataplanes: [{ inbounds: [inbound("web", 80)] }],
    generated: {},
    reasons: [REASON.noWorkloadLabel],
  },
  {
    name: "workload mode: a kuma.io/workload that is no DNS-1035 label, no MeshService (L185-188)",
    inboundTagsDisabled: true,
    dataplanes: [{ labels: { "kuma.io/workload": "Shop" }, inbounds: [inbound("web", 80)] }],
    generated: {},
    reasons: [REASON.noWorkloadLabel],
  },
  {
    name: "3.0 is workload mode only and does not know kafka (kuma-spec.md §1.3)",
    version: "3.0",
    dataplanes: [{
      labels: { "kuma.io/workload": "queue" },
      inbounds: [inbound("queue", 9092, { protocol: "kafka" })],
    }],
    generated: { queue: [[port(9092, "tcp")], workload("queue")] },
  },
  {
    name: "a gateway Dataplane without inbounds makes none",
    dataplanes: [{ gateway: true, inbounds: [] }],
    generated: {},
    reasons: [REASON.gatewayDataplane],
  },
  {
    name:
      "ports differ between Dataplanes: the oldest wins, the other is warned about (L243-270, SortDataplanes)",
    dataplanes: [
      { name: "dp-a", creationTimestamp: "2024-02-01T00:00:00Z", inbounds: [inbound("web", 80)] },
      { name: "dp-b", creationTimestamp: "2024-01-01T00:00:00Z", inbounds: [inbound("web", 81)] },
    ],
    generated: { web: [[port(81)], tags("web")] },
    reasons: [REASON.portConflict],
  },
  {
    name: "same creation time: the name decides (SortDataplanes L216)",
    dataplanes: [
      { name: "dp-b", creationTimestamp: "2024-01-01T00:00:00Z", inbounds: [inbound("web", 81)] },
      { name: "dp-a", creationTimestamp: "2024-01-01T00:00:00Z", inbounds: [inbound("web", 80)] },
    ],
    generated: { web: [[port(80)], tags("web")] },
    reasons: [REASON.portConflict],
  },
  {
    name:
      "identical ports on several Dataplanes: one MeshService, no conflict (servicesDiffer L268-270)",
    dataplanes: [
      { name: "dp-a", inbounds: [inbound("web", 80)] },
      { name: "dp-b", inbounds: [inbound("web", 80)] },
    ],
    generated: { web: [[port(80)], tags("web")] },
  },
  {
    name:
      "a MeshService of that name in the input that the generator does not manage blocks it (kuma-spec.md §1.5)",
    dataplanes: [{ inbounds: [inbound("web", 80)] }],
    extra: [{
      apiVersion: "kuma.io/v1alpha1",
      kind: "MeshService",
      mesh: "default",
      metadata: { name: "web" },
      spec: { selector: tags("web"), ports: [port(80)] },
    }],
    generated: {},
    reasons: [REASON.existingMeshService],
  },
  {
    name: "Mesh with meshServices.mode Disabled: none (kuma-spec.md §1.1)",
    dataplanes: [{ inbounds: [inbound("web", 80)] }],
    extra: [{
      apiVersion: "kuma.io/v1alpha1",
      kind: "Mesh",
      metadata: { name: "default" },
      spec: { meshServices: { mode: "Disabled" } },
    }],
    generated: {},
    reasons: [REASON.meshServicesDisabled],
  },
];

function run(row: Row, zone?: string) {
  const version = row.version ?? "2.14";
  const features = featuresOf(version);
  const parsed = parseConfig({
    apiVersion: "meshservice-krm/v1alpha1",
    kind: "RenderMeshServices",
    metadata: { name: "c" },
    environment: "universal",
    zone: "zone-1",
    kumaVersion: version,
    ...row.inboundTagsDisabled ? { inboundTagsDisabled: true } : {},
  });
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const config = parsed.config;
  const dataplanes = row.dataplanes.map((dp, i): KubeObject => ({
    apiVersion: "kuma.io/v1alpha1",
    kind: "Dataplane",
    mesh: "default",
    metadata: {
      name: dp.name ?? `dp-${i}`,
      ...dp.labels ? { labels: dp.labels } : {},
      ...dp.creationTimestamp ? { creationTimestamp: dp.creationTimestamp } : {},
    },
    spec: {
      networking: {
        address: `10.0.0.${i + 1}`,
        inbound: dp.inbounds ?? [],
        ...dp.gateway ? { gateway: { tags: { "kuma.io/service": "edge" } } } : {},
      },
    },
  }));
  const inventory = buildInventory([...dataplanes, ...row.extra ?? []]);
  const meshes = buildMeshLookup(inventory, assumedMeshesOf(config, features)).lookup;
  return generateUniversalMeshServices(inventory, {
    config,
    zone: zone ?? config.zone,
    features,
    meshes,
    output: "preview",
  });
}

Deno.test("universal generation labels MeshServices with the zone it runs in, not config zone", () => {
  const out = run(ROWS[0]!, "east");
  assert.ok(out.meshServices.length > 0);
  for (const meshService of out.meshServices) {
    assert.equal(meshService.object.metadata?.labels?.["kuma.io/zone"], "east");
  }
});

for (const row of ROWS) {
  Deno.test(`universal inbound rules: ${row.name}`, () => {
    const out = run(row);
    const generated = Object.fromEntries(
      out.meshServices.map((m) => {
        const spec = m.object.spec as { ports: unknown[]; selector: unknown };
        return [m.object.metadata?.name, [spec.ports, spec.selector]];
      }),
    );
    assert.deepEqual(generated, row.generated);
    assert.deepEqual(out.results.map((r) => r.tags?.reason), row.reasons ?? []);
    for (const meshService of out.meshServices) {
      assert.equal(meshService.mesh, "default");
      assert.equal(
        meshService.object.metadata?.labels?.["kuma.io/display-name"],
        meshService.object.metadata?.name,
      );
    }
  });
}
