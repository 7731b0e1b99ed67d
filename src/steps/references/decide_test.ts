/**
 * One row per kind of decision: a reference as written, where it sits and the
 * world it is resolved in, and the decision the reference step makes
 * (status, the rewritten reference, whether it blocks the readiness gate,
 * the severity outside it).
 */
import assert from "node:assert/strict";
import { KIND, LABEL } from "../../model/kuma.ts";
import type { ReferenceStatus } from "../../report.ts";
import {
  referrer,
  type ServiceRow,
  world,
  type WorldOptions,
} from "../../../tests/_references_world.ts";
import { decide } from "./decide.ts";
import type { Role, Site } from "./types.ts";

const BACKEND: ServiceRow = { name: "backend", ports: [{ name: "http", port: 80 }] };
const API_A: ServiceRow = { name: "api", namespace: "a", ports: [{ port: 80 }], legacy: [] };
const API_B: ServiceRow = { name: "api", namespace: "b", ports: [{ port: 80 }], legacy: [] };
const MULTI_EAST: ServiceRow = { name: "multi", zone: "east", ports: [{ port: 8080 }] };
const MULTI_WEST: ServiceRow = { name: "multi", zone: "west", ports: [{ port: 8080 }] };
const MULTI_MZS: ServiceRow = {
  name: "multi-mzs",
  kind: KIND.meshMultiZoneService,
  ports: [{ port: 8080 }],
  matchLabels: { [LABEL.displayName]: "multi", [LABEL.namespace]: "kuma-demo" },
};
const HEADLESS = ["db-0", "db-1"].map((name): ServiceRow => ({
  name,
  ports: [{ port: 5432 }],
  legacy: ["db_kuma-demo_svc_5432"],
}));
const WEB: ServiceRow = {
  name: "web",
  ports: [{ name: "http", port: 80 }, { name: "admin", port: 9901 }],
  selector: { app: "web", [LABEL.namespace]: "kuma-demo" },
};
const TWO_ZONES: WorldOptions = { zones: ["east", "west"] };

const PATHS: Record<Role, (string | number)[]> = {
  targetRef: ["spec", "targetRef"],
  to: ["spec", "to", 0, "targetRef"],
  backendRef: ["spec", "to", 0, "rules", 0, "default", "backendRefs", 0],
  requestMirror: [
    "spec",
    "to",
    0,
    "rules",
    0,
    "default",
    "filters",
    0,
    "requestMirror",
    "backendRef",
  ],
  from: ["spec", "from", 0, "targetRef"],
};

interface Row {
  name: string;
  role: Role;
  ref: Record<string, unknown>;
  services: ServiceRow[];
  options?: WorldOptions;
  /** Policy kind (default MeshHTTPRoute) and spec beside the reference. */
  policy?: { kind: string; spec: Record<string, unknown> };
  expect: {
    status: ReferenceStatus;
    after?: Record<string, unknown>;
    blocking: boolean;
    severity: "warning" | "info" | undefined;
    message?: RegExp;
  };
}

const legacy = (name: string) => ({ kind: KIND.meshService, name });

const ROWS: Row[] = [
  {
    name: "a labels reference that resolves is migrated and left alone",
    role: "to",
    ref: {
      kind: KIND.meshService,
      labels: { [LABEL.displayName]: "backend", [LABEL.namespace]: "kuma-demo" },
    },
    services: [BACKEND],
    expect: { status: "migrated", blocking: false, severity: undefined },
  },
  {
    name: "a legacy to[] name is rewritten by name with the port's sectionName (2.14, style name)",
    role: "to",
    ref: legacy("backend_kuma-demo_svc_80"),
    services: [BACKEND],
    expect: {
      status: "rewritten",
      after: { kind: "MeshService", name: "backend", namespace: "kuma-demo", sectionName: "http" },
      blocking: false,
      severity: undefined,
    },
  },
  {
    name: "a legacy backendRef is rewritten with its port and keeps weight",
    role: "backendRef",
    ref: { ...legacy("backend_kuma-demo_svc_80"), weight: 3 },
    services: [BACKEND],
    expect: {
      status: "rewritten",
      after: { kind: "MeshService", name: "backend", namespace: "kuma-demo", port: 80, weight: 3 },
      blocking: false,
      severity: undefined,
    },
  },
  {
    name: "style labels writes display name and namespace labels",
    role: "to",
    ref: legacy("backend_kuma-demo_svc_80"),
    services: [BACKEND],
    options: { style: "labels" },
    expect: {
      status: "rewritten",
      after: {
        kind: "MeshService",
        labels: { [LABEL.displayName]: "backend", [LABEL.namespace]: "kuma-demo" },
        sectionName: "http",
      },
      blocking: false,
      severity: undefined,
    },
  },
  {
    name: "Kuma 3.0 rewrites a MeshService name to the labels of what it meant",
    role: "to",
    ref: { kind: KIND.meshService, name: "backend", namespace: "kuma-demo", sectionName: "http" },
    services: [BACKEND],
    options: { version: "3.0" },
    expect: {
      status: "rewritten",
      after: {
        kind: "MeshService",
        labels: {
          [LABEL.displayName]: "backend",
          [LABEL.namespace]: "kuma-demo",
          [LABEL.zone]: "east",
        },
        sectionName: "http",
      },
      blocking: false,
      severity: undefined,
      message: /Kuma 3\.0 drops name and namespace/,
    },
  },
  {
    name: "before 2.12 a backendRef sectionName without port is written as the port",
    role: "backendRef",
    ref: { kind: KIND.meshService, name: "backend", namespace: "kuma-demo", sectionName: "http" },
    services: [BACKEND],
    options: { version: "2.11" },
    expect: {
      status: "rewritten",
      after: { kind: "MeshService", name: "backend", namespace: "kuma-demo", port: 80 },
      blocking: false,
      severity: undefined,
      message: /ignores sectionName on backendRefs/,
    },
  },
  {
    name: "from[] is kept on 2.x: it selects clients by kuma.io/service",
    role: "from",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_80" },
    services: [BACKEND],
    policy: { kind: "MeshTrafficPermission", spec: {} },
    expect: { status: "kept", blocking: false, severity: undefined },
  },
  {
    name: "from[] is unsupported on 3.0 and blocks",
    role: "from",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_80" },
    services: [BACKEND],
    options: { version: "3.0" },
    policy: { kind: "MeshTrafficPermission", spec: {} },
    expect: { status: "unsupported", blocking: true, severity: "warning" },
  },
  {
    name: "a legacy name nothing stands for is unresolved and blocks",
    role: "to",
    ref: legacy("nothing_kuma-demo_svc_80"),
    services: [BACKEND],
    expect: {
      status: "unresolved",
      blocking: true,
      severity: "warning",
      message: /has kuma\.io\/service "nothing_kuma-demo_svc_80"/,
    },
  },
  {
    name: "a service-less legacy name is unresolved with its own reason",
    role: "to",
    ref: legacy("batch_kuma-demo_svc"),
    services: [BACKEND],
    expect: {
      status: "unresolved",
      blocking: true,
      severity: "warning",
      message: /workload without a Service/,
    },
  },
  {
    name: "a legacy name of a headless Service (one MeshService per Pod) is ambiguous and blocks",
    role: "to",
    ref: legacy("db_kuma-demo_svc_5432"),
    services: HEADLESS,
    expect: {
      status: "ambiguous",
      blocking: true,
      severity: "warning",
      message: /stands for 2 MeshServices \(db-0, db-1\)/,
    },
  },
  {
    name:
      "a backendRef by labels that matches two destinations of unknown age is ambiguous, not blocking",
    role: "backendRef",
    ref: { kind: KIND.meshService, labels: { [LABEL.displayName]: "api" }, port: 80 },
    services: [API_A, API_B],
    expect: { status: "ambiguous", blocking: false, severity: "warning" },
  },
  {
    name: "a name in two zones without a crossZoneReferences choice needs a decision",
    role: "to",
    ref: legacy("multi_kuma-demo_svc_8080"),
    services: [MULTI_EAST, MULTI_WEST],
    options: TWO_ZONES,
    expect: {
      status: "needsDecision",
      blocking: true,
      severity: "warning",
      message: /zone west would stop receiving traffic from east/,
    },
  },
  {
    name: "crossZoneReferences keep leaves a name in two zones as kuma.io/service, blocking, info",
    role: "to",
    ref: legacy("multi_kuma-demo_svc_8080"),
    services: [MULTI_EAST, MULTI_WEST],
    options: { ...TWO_ZONES, config: { crossZoneReferences: { "*": "keep" } } },
    expect: { status: "kept", blocking: true, severity: "info" },
  },
  {
    name: "crossZoneReferences local pins a name in two zones to the referrer's zone",
    role: "to",
    ref: legacy("multi_kuma-demo_svc_8080"),
    services: [MULTI_EAST, MULTI_WEST],
    options: { ...TWO_ZONES, config: { crossZoneReferences: { "*": "local" } } },
    expect: {
      status: "rewritten",
      after: { kind: "MeshService", name: "multi", namespace: "kuma-demo", sectionName: "8080" },
      blocking: false,
      severity: undefined,
      message: /pinned to zone east: zone west stops receiving this traffic/,
    },
  },
  {
    name:
      "crossZoneReferences multiZoneService rewrites to the MeshMultiZoneService selecting every copy",
    role: "to",
    ref: legacy("multi_kuma-demo_svc_8080"),
    services: [MULTI_EAST, MULTI_WEST, MULTI_MZS],
    options: {
      ...TWO_ZONES,
      config: {
        crossZoneReferences: { "*": "multiZoneService" },
      },
    },
    expect: {
      status: "rewritten",
      after: {
        kind: "MeshMultiZoneService",
        labels: { [LABEL.displayName]: "multi-mzs" },
        sectionName: "8080",
      },
      blocking: false,
      severity: undefined,
      message: /MeshMultiZoneService "multi-mzs-synced" keeps traffic balanced/,
    },
  },
  {
    name: "crossZoneReferences multiZoneService without a MeshMultiZoneService needs a decision",
    role: "backendRef",
    ref: legacy("multi_kuma-demo_svc_8080"),
    services: [MULTI_EAST, MULTI_WEST],
    options: { ...TWO_ZONES, config: { crossZoneReferences: { "*": "multiZoneService" } } },
    expect: {
      status: "needsDecision",
      blocking: true,
      severity: "warning",
      message: /no MeshMultiZoneService selects it on port 8080/,
    },
  },
  {
    name: "on 2.9 a top-level MeshService is kept (MeshSubset by kuma.io/service, deprecated)",
    role: "targetRef",
    ref: legacy("web_kuma-demo_svc_80"),
    services: [WEB],
    options: { version: "2.9" },
    policy: { kind: "MeshTimeout", spec: {} },
    expect: { status: "kept", blocking: false, severity: undefined },
  },
  {
    name: "a top-level MeshService becomes Dataplane labels from the Service's selector",
    role: "targetRef",
    ref: legacy("web_kuma-demo_svc_80"),
    services: [WEB],
    policy: { kind: "MeshTimeout", spec: {} },
    expect: {
      status: "rewritten",
      after: { kind: "Dataplane", labels: { app: "web", [LABEL.namespace]: "kuma-demo" } },
      blocking: false,
      severity: undefined,
      message: /every inbound: the Service has 2 ports/,
    },
  },
  {
    name: "a top-level MeshServiceSubset adds its tags to the Dataplane labels",
    role: "targetRef",
    ref: { kind: KIND.meshServiceSubset, name: "web_kuma-demo_svc_80", tags: { version: "v1" } },
    services: [WEB],
    policy: { kind: "MeshTimeout", spec: {} },
    expect: {
      status: "rewritten",
      after: {
        kind: "Dataplane",
        labels: { app: "web", [LABEL.namespace]: "kuma-demo", version: "v1" },
      },
      blocking: false,
      severity: undefined,
    },
  },
  {
    name: "a top-level rewrite that would widen an inbound policy is kept with a warning (2.14)",
    role: "targetRef",
    ref: legacy("web_kuma-demo_svc_80"),
    services: [WEB],
    policy: { kind: "MeshHealthCheck", spec: { rules: [{ default: {} }] } },
    expect: { status: "kept", blocking: false, severity: "warning" },
  },
  {
    name: "the same widening rewrite is unsupported on 3.0 and blocks",
    role: "targetRef",
    ref: legacy("web_kuma-demo_svc_80"),
    services: [WEB],
    options: { version: "3.0" },
    policy: { kind: "MeshHealthCheck", spec: { rules: [{ default: {} }] } },
    expect: { status: "unsupported", blocking: true, severity: "warning" },
  },
  {
    name: "a top-level name no Service selector stands for is unsupported on 3.0",
    role: "targetRef",
    ref: legacy("ghost_kuma-demo_svc_80"),
    services: [WEB],
    options: { version: "3.0" },
    policy: { kind: "MeshTimeout", spec: {} },
    expect: { status: "unsupported", blocking: true, severity: "warning" },
  },
  {
    name: "a top-level Mesh is migrated",
    role: "targetRef",
    ref: { kind: KIND.mesh },
    services: [WEB],
    policy: { kind: "MeshTimeout", spec: {} },
    expect: { status: "migrated", blocking: false, severity: undefined },
  },
  {
    name: "before 3.0 a mirror to a kuma.io/service is kept (info)",
    role: "requestMirror",
    ref: legacy("backend_kuma-demo_svc_80"),
    services: [BACKEND],
    expect: { status: "kept", blocking: false, severity: "info" },
  },
  {
    name: "before 3.0 a mirror by labels is unresolved: it mirrors only to a kuma.io/service",
    role: "requestMirror",
    ref: { kind: KIND.meshService, labels: { [LABEL.displayName]: "backend" }, port: 80 },
    services: [BACKEND],
    expect: {
      status: "unresolved",
      blocking: true,
      severity: "warning",
      message: /mirrors only to a kuma\.io\/service/,
    },
  },
  {
    name: "a MeshServiceSubset without an equivalent Service is unsupported",
    role: "to",
    ref: {
      kind: KIND.meshServiceSubset,
      name: "backend_kuma-demo_svc_80",
      tags: { version: "v1" },
    },
    services: [BACKEND],
    expect: { status: "unsupported", blocking: true, severity: "warning" },
  },
];

for (const row of ROWS) {
  Deno.test(`decide: ${row.name}`, () => {
    const context = world(row.services, row.options);
    const policy = row.policy ?? { kind: "MeshHTTPRoute", spec: {} };
    const site: Site = { path: PATHS[row.role], ref: row.ref, role: row.role };
    const decision = decide(site, referrer(policy.kind, policy.spec), context);
    const { message, ...wanted } = row.expect;
    assert.deepEqual(
      {
        status: decision.status,
        ...(decision.after !== undefined ? { after: decision.after } : {}),
        blocking: decision.blocking,
        severity: decision.severity,
      },
      wanted,
      decision.message,
    );
    if (message) assert.match(decision.message ?? "", message);
  });
}

Deno.test("decide: the rows cover every reference status", () => {
  const statuses = new Set(ROWS.map((r) => r.expect.status));
  const all: ReferenceStatus[] = [
    "rewritten",
    "migrated",
    "unresolved",
    "ambiguous",
    "needsDecision",
    "kept",
    "unsupported",
  ];
  assert.deepEqual(all.filter((s) => !statuses.has(s)), []);
});
