import assert from "node:assert/strict";
import type { KubeObject, Result } from "../src/model/krm.ts";
import { render } from "../src/transform.ts";

function policy(kind: string, spec: Record<string, unknown>, name = "p"): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind,
    metadata: { name, namespace: "kuma-system", labels: { "kuma.io/mesh": "default" } },
    spec,
  };
}

function dataplane(networking: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "Dataplane",
    mesh: "default",
    metadata: { name: "dp", labels: { "kuma.io/workload": "dp" } },
    spec: { networking: { address: "10.0.0.1", ...networking } },
  };
}

const MESH = { kind: "Mesh" };

/** A destination the replaced constructs reference. */
const BASE: KubeObject[] = [
  {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "kuma-demo", labels: { "kuma.io/sidecar-injection": "enabled" } },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "db", namespace: "kuma-demo" },
    spec: { selector: { app: "db" }, ports: [{ name: "pg", port: 5432, appProtocol: "tcp" }] },
  },
];

function run(items: KubeObject[], config: Record<string, unknown>) {
  const { resourceList } = render([...BASE, ...items], { zone: "east", ...config });
  const results = (resourceList.results ?? []).filter((r) => r.severity !== "info");
  return { items: resourceList.items, results };
}

function only(results: Result[]): Result {
  assert.equal(results.length, 1, JSON.stringify(results, null, 2));
  return results[0]!;
}

type Construct = [string, KubeObject, string, RegExp, KubeObject, "accepted" | "refused"];

/** Each construct of issue 14's list: the field, a word of its replacement, and what 2.14 says. */
const REFUSED_ON_3: Construct[] = [
  [
    "from-only MeshTrafficPermission",
    policy("MeshTrafficPermission", {
      targetRef: MESH,
      from: [{ targetRef: MESH, default: { action: "Allow" } }],
    }),
    "spec.from",
    /spec\.rules\[\]\.default with allow.*spiffeID/,
    policy("MeshTrafficPermission", {
      targetRef: MESH,
      rules: [{ default: { allow: [{ spiffeID: { type: "Prefix", value: "spiffe://x/" } }] } }],
    }),
    "accepted",
  ],
  [
    "from-only MeshTimeout selecting clients",
    policy("MeshTimeout", {
      targetRef: MESH,
      from: [{
        targetRef: { kind: "MeshSubset", tags: { app: "web" } },
        default: { idleTimeout: "1h" },
      }],
    }),
    "spec.from",
    /spec\.rules\[\]\.default; not rewritten because spec\.from\[0\] selects clients by kind "MeshSubset"/,
    policy("MeshTimeout", { targetRef: MESH, rules: [{ default: { idleTimeout: "1h" } }] }),
    "refused",
  ],
  ...["MeshSubset", "MeshService", "MeshGateway", "MeshHTTPRoute"].map((kind): Construct => [
    `top-level ${kind}`,
    policy("MeshTimeout", {
      targetRef: { kind, labels: { app: "web" } },
      to: [{ targetRef: MESH, default: { connectionTimeout: "1s" } }],
    }),
    // The reference step reports a top-level MeshService it cannot turn into Dataplane labels.
    kind === "MeshService" ? "spec.targetRef" : "spec.targetRef.kind",
    /kind "(Dataplane|Mesh)"|kind: Dataplane/,
    policy("MeshTimeout", {
      targetRef: { kind: "Dataplane", labels: { app: "web" } },
      to: [{ targetRef: MESH, default: { connectionTimeout: "1s" } }],
    }),
    "accepted",
  ]),
  [
    "route to[] Mesh",
    policy("MeshTCPRoute", {
      targetRef: MESH,
      to: [{ targetRef: MESH, rules: [{ default: { backendRefs: [] } }] }],
    }),
    "spec.to[0].targetRef.kind",
    /kind "MeshService", "MeshExternalService" or "MeshMultiZoneService"/,
    policy("MeshTCPRoute", {
      targetRef: MESH,
      to: [{
        targetRef: {
          kind: "MeshService",
          labels: { "kuma.io/display-name": "db", "k8s.kuma.io/namespace": "kuma-demo" },
        },
        rules: [{ default: { backendRefs: [] } }],
      }],
    }),
    "accepted",
  ],
  [
    "Dataplane outbound by tags",
    dataplane({
      inbound: [{ port: 80, protocol: "http" }],
      outbound: [{ port: 3000, tags: { "kuma.io/service": "postgres" } }],
    }),
    "spec.networking.outbound[0].backendRef",
    /write backendRef: \{kind: MeshService, labels: \{kuma\.io\/display-name: "postgres"\}/,
    dataplane({
      inbound: [{ port: 80, protocol: "http" }],
      outbound: [{
        port: 3000,
        backendRef: { kind: "MeshService", labels: { "kuma.io/display-name": "postgres" } },
      }],
    }),
    "accepted",
  ],
  [
    "gateway type BUILTIN",
    dataplane({ gateway: { type: "BUILTIN", tags: { "kuma.io/service": "edge" } } }),
    "spec.networking.gateway.type",
    /type "DELEGATED"/,
    dataplane({ gateway: { type: "DELEGATED", tags: { "kuma.io/service": "edge" } } }),
    "accepted",
  ],
];

for (const [name, refused, field, replacement, replaced, on214] of REFUSED_ON_3) {
  Deno.test(`Kuma 3.0 refuses ${name} at ${field}, and passes it once replaced`, () => {
    const before = only(run([refused], { kumaVersion: "3.0" }).results);
    assert.equal(before.severity, "error");
    assert.equal(before.field?.path, field);
    assert.match(before.message, replacement);
    assert.deepEqual(run([replaced], { kumaVersion: "3.0" }).results, []);
    // 2.14 accepts most of them (deprecated); its MeshTimeout validator takes only kind Mesh in from[].
    const gated = run([refused], { kumaVersion: "2.14", migrationStage: "Exclusive" }).results;
    assert.equal(gated.some((r) => r.severity === "error"), on214 === "refused");
  });
}

Deno.test("Kuma 2.9 refuses a top-level Dataplane under the gate and warns outside it", () => {
  const refused = policy("MeshTimeout", {
    targetRef: { kind: "Dataplane", labels: { app: "web" } },
    to: [{ targetRef: MESH, default: { connectionTimeout: "1s" } }],
  });
  const gated = only(run([refused], { kumaVersion: "2.9", migrationStage: "Exclusive" }).results);
  assert.equal(gated.severity, "error");
  assert.equal(gated.field?.path, "spec.targetRef.kind");
  assert.match(gated.message, /write kind "MeshSubset"/);
  assert.equal(only(run([refused], { kumaVersion: "2.9" }).results).severity, "warning");
  assert.deepEqual(
    run([refused], { kumaVersion: "2.10", migrationStage: "Exclusive" }).results,
    [],
  );
  const replaced = policy("MeshTimeout", {
    targetRef: { kind: "MeshSubset", tags: { app: "web" } },
    to: [{ targetRef: MESH, default: { connectionTimeout: "1s" } }],
  });
  assert.deepEqual(
    run([replaced], { kumaVersion: "2.9", migrationStage: "Exclusive" }).results,
    [],
  );
});

Deno.test("Kuma 3.0: a from[] for every client becomes one rule where Kuma defines it", () => {
  const breaker = policy("MeshCircuitBreaker", {
    targetRef: MESH,
    to: [{ targetRef: MESH, default: { connectionLimits: { maxConnections: 10 } } }],
    from: [{ targetRef: MESH, default: { connectionLimits: { maxConnections: 1024 } } }],
  });
  const { items, results } = run([breaker], { kumaVersion: "3.0" });
  assert.deepEqual(results, []);
  assert.deepEqual(items[BASE.length]!.spec, {
    targetRef: MESH,
    to: [{ targetRef: MESH, default: { connectionLimits: { maxConnections: 10 } } }],
    rules: [{ default: { connectionLimits: { maxConnections: 1024 } } }],
  });
  // The same policy on 2.14 is left alone.
  assert.deepEqual(run([breaker], { kumaVersion: "2.14" }).items[BASE.length], breaker);
});

Deno.test("Kuma 3.0: from[] is not rewritten where the result would differ, and says why", () => {
  const cases: [KubeObject, RegExp, "warning" | "error"][] = [
    [
      policy("MeshTimeout", {
        targetRef: MESH,
        to: [{ targetRef: MESH, default: { connectionTimeout: "1s" } }],
        from: [{ targetRef: MESH, default: { idleTimeout: "1h" } }],
      }),
      /Kuma 3\.0 rejects MeshTimeout with both spec\.to and spec\.rules; split it/,
      "warning",
    ],
    [
      policy("MeshAccessLog", {
        targetRef: MESH,
        from: [
          { targetRef: MESH, default: { backends: [] } },
          { targetRef: MESH, default: { backends: [] } },
        ],
      }),
      /it has 2 from\[\] entries/,
      "error",
    ],
    [
      policy("MeshFaultInjection", {
        targetRef: MESH,
        from: [{ targetRef: MESH, default: { http: [] } }],
      }),
      /Kuma documents no conversion of MeshFaultInjection/,
      "warning",
    ],
  ];
  for (const [object, why, severity] of cases) {
    const { items, results } = run([object], { kumaVersion: "3.0" });
    const result = only(results);
    assert.equal(result.field?.path, "spec.from");
    assert.equal(result.severity, severity);
    assert.match(result.message, why);
    assert.deepEqual(
      items[BASE.length],
      object,
      "an object that is not rewritten passes through as it is",
    );
  }
});

Deno.test("fields a version prunes are warnings naming the field, under the gate too", () => {
  const { results } = run([
    policy("MeshRetry", {
      targetRef: MESH,
      to: [{
        targetRef: { kind: "MeshHTTPRoute", labels: { a: "b" }, proxyTypes: ["Sidecar"] },
        default: { http: { numRetries: 1 } },
      }],
    }),
  ], { kumaVersion: "3.0" });
  const result = only(results);
  assert.equal(result.severity, "warning");
  assert.equal(result.field?.path, "spec.to[0].targetRef.proxyTypes");
});

Deno.test("enums: a MeshService identity of type ServiceTag is refused by Kuma 3.0", () => {
  const meshService: KubeObject = {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshService",
    metadata: { name: "db", namespace: "apps", labels: { "kuma.io/mesh": "default" } },
    spec: {
      ports: [{ port: 5432, appProtocol: "tcp" }],
      identities: [{ type: "ServiceTag", value: "db" }],
    },
  };
  const result = only(run([meshService], { kumaVersion: "3.0" }).results);
  assert.equal(result.severity, "error");
  assert.equal(result.field?.path, "spec.identities[0].type");
  assert.match(result.message, /write one of them/);
  assert.match(result.message, /"SpiffeID"/);
  assert.deepEqual(run([meshService], { kumaVersion: "2.14" }).results, []);
});

Deno.test("rules[] matches a version does not have are pruned: a warning, the rule widens", () => {
  const timeout = policy("MeshTimeout", {
    targetRef: MESH,
    rules: [{
      matches: [{ spiffeID: { type: "Exact", value: "spiffe://x/web" } }],
      default: { idleTimeout: "1h" },
    }],
  });
  const result = only(run([timeout], { kumaVersion: "2.13" }).results);
  assert.equal(result.severity, "warning");
  assert.equal(result.field?.path, "spec.rules[0].matches");
  assert.match(result.message, /applies to every client/);
  assert.deepEqual(run([timeout], { kumaVersion: "2.14" }).results, []);
  assert.deepEqual(run([timeout], { kumaVersion: "3.0" }).results, []);
});
