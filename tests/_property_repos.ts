/**
 * The fast-check arbitraries of tests/property_test.ts: small generated
 * manifest repos (Kubernetes zones with Namespaces, a Mesh, Services,
 * unrelated items and routes/policies naming Services by `kuma.io/service`;
 * Universal zones with Dataplanes) under Kuma 2.9, 2.14 and 3.0
 * configurations.
 *
 * @module
 */

import fc from "fast-check";
import type { ConfigInput, KubeObject } from "../mod.ts";
import { GENERATED_FROM, type Json } from "./_property_invariants.ts";

// ------------------------------------------------------------- arbitraries

/** RFC 1035 labels (valid DNS-1123 labels, valid Kuma 3.0 names), short to keep runs fast. */
export const label = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3})?$/);

export const kptPath = fc.oneof(
  label.map((n) => `apps/${n}.yaml`),
  fc.tuple(label, label).map(([d, n]) => `${d}/${n}.yml`),
);

/** kpt's annotations (sometimes only the legacy or only the internal pair) and arbitrary ones. */
export const annotations: fc.Arbitrary<Record<string, string> | undefined> = fc.option(
  fc.record({
    kpt: fc.option(
      fc.record({
        path: kptPath,
        index: fc.nat({ max: 3 }),
        style: fc.constantFrom("both", "legacy", "internal"),
      }),
      { nil: undefined },
    ),
    extra: fc.dictionary(
      fc.oneof(
        fc.constantFrom("example.com/owner", "description", "kubectl.kubernetes.io/restartedAt"),
        fc.string({ maxLength: 12 }),
      ),
      fc.string({ maxLength: 16 }),
      { maxKeys: 3, noNullPrototype: true },
    ),
  }).map(({ kpt, extra }) => {
    const out: Record<string, string> = { ...extra };
    // An arbitrary key must not claim the item as the tool's.
    delete out[GENERATED_FROM];
    if (kpt) {
      if (kpt.style !== "internal") {
        out["config.kubernetes.io/path"] = kpt.path;
        out["config.kubernetes.io/index"] = String(kpt.index);
      }
      if (kpt.style !== "legacy") {
        out["internal.config.kubernetes.io/path"] = kpt.path;
        out["internal.config.kubernetes.io/index"] = String(kpt.index);
      }
    }
    return out;
  }),
  { nil: undefined, freq: 2 },
);

export function meta(
  name: string,
  namespace: string | undefined,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> | undefined },
): Json {
  const out: Json = { name };
  if (namespace !== undefined) out.namespace = namespace;
  if (extra.labels && Object.keys(extra.labels).length > 0) out.labels = extra.labels;
  if (extra.annotations && Object.keys(extra.annotations).length > 0) {
    out.annotations = extra.annotations;
  }
  return out;
}

/** Mesh `default` (usually in the input) and mesh `other` (sometimes), each with or without a mode. */
export const meshesArb = fc.tuple(
  ...(["default", "other"] as const).map((name) =>
    fc.option(
      fc.record({
        name: fc.constant(name),
        mode: fc.option(fc.constantFrom("Exclusive", "Everywhere", "ReachableBackends"), {
          nil: undefined,
          freq: 4,
        }),
        annotations,
      }),
      { nil: undefined, freq: name === "default" ? 4 : 2 },
    )
  ),
).map((meshes) => meshes.filter((m) => m !== undefined));

/** Meshes of most Services and routes, and sometimes of another mesh. */
export const meshName = fc.constantFrom(undefined, undefined, undefined, "other");

export function meshItem(
  mesh: { name: string; mode: string | undefined; annotations: Record<string, string> | undefined },
): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "Mesh",
    metadata: meta(mesh.name, undefined, { annotations: mesh.annotations }),
    ...(mesh.mode ? { spec: { meshServices: { mode: mesh.mode } } } : {}),
  };
}

export const configArb = (environment: "kubernetes" | "universal"): fc.Arbitrary<ConfigInput> =>
  fc.record({
    kumaVersion: fc.constantFrom("2.9", "2.14", "3.0"),
    zone: fc.option(fc.constantFrom("east", "zone-1"), { nil: undefined }),
    meshServiceOutput: fc.option(fc.constantFrom("apply" as const, "preview" as const), {
      nil: undefined,
    }),
    migrationStage: fc.option(
      fc.constantFrom("Everywhere" as const, "ReachableBackends" as const, "Exclusive" as const),
      { nil: undefined, freq: 3 },
    ),
    referenceStyle: fc.option(fc.constantFrom("name" as const, "labels" as const), {
      nil: undefined,
      freq: 3,
    }),
    hostnameGenerators: fc.option(
      fc.subarray([
        "local-kube-mesh-service",
        "local-headless-kube-mesh-service",
        "mesh-scoped-kube-mesh-service",
        "mesh-scoped-universal-mesh-service",
      ], { minLength: 1 }),
      { nil: undefined, freq: 4 },
    ),
    inboundTagsDisabled: fc.option(fc.boolean(), { nil: undefined, freq: 4 }),
    reachableBackendsFor: fc.option(fc.constantFrom("*", "*/*"), { nil: undefined, freq: 4 }),
  }).map((c) => {
    const config: ConfigInput = { kumaVersion: c.kumaVersion };
    if (environment === "universal") config.environment = "universal";
    if (c.zone !== undefined) config.zone = c.zone;
    if (c.meshServiceOutput !== undefined) config.meshServiceOutput = c.meshServiceOutput;
    if (c.migrationStage !== undefined) config.migrationStage = c.migrationStage;
    // Kuma 3.0 references by labels only: name style there is a configuration error.
    if (
      c.referenceStyle !== undefined && !(c.kumaVersion === "3.0" && c.referenceStyle === "name")
    ) {
      config.referenceStyle = c.referenceStyle;
    }
    if (c.hostnameGenerators !== undefined) config.hostnameGenerators = c.hostnameGenerators;
    if (c.inboundTagsDisabled !== undefined) config.inboundTagsDisabled = c.inboundTagsDisabled;
    if (c.reachableBackendsFor !== undefined) config.reachableBackendsFor = c.reachableBackendsFor;
    return config;
  });

/** A reference choice: an existing Service port (by index), a wrong port, or a service that does not exist. */
export const refChoice = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ type: fc.constant("port" as const), svc: fc.nat(), port: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("wrongPort" as const),
      svc: fc.nat(),
      port: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant("ghost" as const), svc: fc.nat(), port: fc.nat() }),
  },
);
export type RefChoice = { type: "port" | "wrongPort" | "ghost"; svc: number; port: number };

export const routeArb = fc.record({
  kind: fc.constantFrom("MeshHTTPRoute", "MeshTCPRoute", "MeshTimeout"),
  name: label,
  ns: fc.nat(),
  to: fc.array(
    fc.record({
      target: refChoice,
      backends: fc.array(
        fc.record({ ref: refChoice, weight: fc.option(fc.nat({ max: 100 }), { nil: undefined }) }),
        { minLength: 1, maxLength: 2 },
      ),
      mirror: fc.option(refChoice, { nil: undefined, freq: 4 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  topLevel: fc.option(refChoice, { nil: undefined, freq: 4 }),
  mesh: meshName,
  annotations,
});
export type RouteSpec = typeof routeArb extends fc.Arbitrary<infer T> ? T : never;

/** A legacy service as routes name it: its `kuma.io/service` name per port, and its ports. */
export interface Legacy {
  name: (port: number) => string;
  ports: number[];
}

export function legacyName(choice: RefChoice, services: readonly Legacy[], ns: string | undefined) {
  const svc = services.length > 0 ? services[choice.svc % services.length] : undefined;
  if (!svc || choice.type === "ghost") {
    return ns === undefined ? `ghost-${choice.port % 7}` : `ghost_${ns}_svc_${1000 + choice.port}`;
  }
  if (choice.type === "wrongPort") {
    let port = 1;
    while (svc.ports.includes(port)) port++;
    return svc.name(port);
  }
  return svc.name(svc.ports[choice.port % svc.ports.length]!);
}

export function referrerItem(
  route: RouteSpec,
  namespace: string | undefined,
  services: readonly Legacy[],
): KubeObject {
  const ref = (choice: RefChoice) => ({
    kind: "MeshService",
    name: legacyName(choice, services, namespace),
  });
  const to = route.to.map((entry) => {
    if (route.kind === "MeshTimeout") {
      return { targetRef: ref(entry.target), default: { connectionTimeout: "2s" } };
    }
    const backendRefs = entry.backends.map((b) => ({
      ...ref(b.ref),
      ...(b.weight !== undefined ? { weight: b.weight } : {}),
    }));
    if (route.kind === "MeshTCPRoute") {
      return { targetRef: ref(entry.target), rules: [{ default: { backendRefs } }] };
    }
    const filters = entry.mirror
      ? [{
        type: "RequestMirror",
        requestMirror: { percentage: "5", backendRef: ref(entry.mirror) },
      }]
      : undefined;
    return {
      targetRef: ref(entry.target),
      rules: [{
        matches: [{ path: { type: "PathPrefix", value: "/" } }],
        default: { ...(filters ? { filters } : {}), backendRefs },
      }],
    };
  });
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: route.kind,
    metadata: meta(route.name, namespace, {
      labels: { "kuma.io/mesh": route.mesh ?? "default" },
      annotations: route.annotations,
    }),
    spec: {
      targetRef: route.kind === "MeshTimeout" && route.topLevel
        ? ref(route.topLevel)
        : { kind: "Mesh" },
      to,
    },
  };
}

export const portArb = fc.record({
  port: fc.integer({ min: 1, max: 65535 }),
  name: label,
  appProtocol: fc.option(fc.constantFrom("http", "grpc", "http2", "tcp", "mysql"), {
    nil: undefined,
  }),
  protocol: fc.constantFrom(undefined, "TCP", "TCP", "UDP"),
});

export const serviceArb = fc.record({
  name: label,
  ns: fc.nat(),
  ports: fc.uniqueArray(portArb, {
    minLength: 1,
    maxLength: 3,
    comparator: (a, b) => a.port === b.port || a.name === b.name,
  }),
  unnamedSinglePort: fc.boolean(),
  clusterIP: fc.constantFrom(undefined, undefined, "None", "10.96.0.10"),
  /** Pods listed in an EndpointSlice of a headless Service. */
  pods: fc.nat({ max: 2 }),
  mesh: meshName,
  selector: fc.constantFrom("app", "app", "app", "none"),
  labels: fc.dictionary(fc.constantFrom("team", "tier", "app.kubernetes.io/name"), label, {
    maxKeys: 2,
    noNullPrototype: true,
  }),
  annotations,
});

export const namespaceArb = fc.record({
  name: label,
  injection: fc.constantFrom("enabled", "enabled", "disabled", undefined),
  present: fc.constantFrom(true, true, true, false),
  annotations,
});

export const unrelatedArb = fc.record({
  kind: fc.constantFrom("ConfigMap", "Deployment"),
  name: label,
  ns: fc.nat(),
  app: fc.option(fc.nat(), { nil: undefined }),
  data: fc.dictionary(label, fc.string({ maxLength: 10 }), {
    maxKeys: 2,
    noNullPrototype: true,
  }),
  annotations,
});

/** A generated repo: items and the config to render them with. */
export interface Repo {
  items: KubeObject[];
  config: ConfigInput;
}

type UnrelatedSpec = typeof unrelatedArb extends fc.Arbitrary<infer T> ? T : never;
type ServiceSpec = typeof serviceArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * The unrelated ConfigMaps and Deployments of a Kubernetes zone, each object once (a duplicate is
 * an input error whose "first copy" depends on order).
 */
function unrelatedItems(
  unrelated: readonly UnrelatedSpec[],
  services: readonly ServiceSpec[],
  nsOf: (i: number) => string,
): KubeObject[] {
  const items: KubeObject[] = [];
  const unrelatedKeys = new Set<string>();
  for (const u of unrelated) {
    const namespace = nsOf(u.ns);
    if (unrelatedKeys.has(`${u.kind}/${namespace}/${u.name}`)) continue;
    unrelatedKeys.add(`${u.kind}/${namespace}/${u.name}`);
    const target = u.app !== undefined && services.length > 0
      ? services[u.app % services.length]!.name
      : u.name;
    items.push(
      u.kind === "ConfigMap"
        ? {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: meta(u.name, namespace, { annotations: u.annotations }),
          data: u.data,
        }
        : {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta(u.name, namespace, { annotations: u.annotations }),
          spec: {
            selector: { matchLabels: { app: target } },
            template: {
              metadata: { labels: { app: target } },
              spec: { containers: [{ name: "app", image: "app" }] },
            },
          },
        },
    );
  }
  return items;
}

/** A Kubernetes zone. */
export const kubernetesRepo: fc.Arbitrary<Repo> = fc.record({
  namespaces: fc.uniqueArray(namespaceArb, { minLength: 1, maxLength: 3, selector: (n) => n.name }),
  meshes: meshesArb,
  services: fc.array(serviceArb, { maxLength: 5 }),
  unrelated: fc.array(unrelatedArb, { maxLength: 3 }),
  routes: fc.array(routeArb, { maxLength: 3 }),
  config: configArb("kubernetes"),
}).map(({ namespaces, meshes, services, unrelated, routes, config }) => {
  const items: KubeObject[] = [];
  const nsOf = (i: number) => namespaces[i % namespaces.length]!.name;
  for (const ns of namespaces) {
    if (!ns.present) continue;
    items.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: meta(ns.name, undefined, {
        ...(ns.injection ? { labels: { "kuma.io/sidecar-injection": ns.injection } } : {}),
        annotations: ns.annotations,
      }),
    });
  }
  items.push(...meshes.map(meshItem));
  const seen = new Set<string>();
  const legacy: Legacy[] = [];
  for (const s of services) {
    const namespace = nsOf(s.ns);
    if (seen.has(`${namespace}/${s.name}`)) continue;
    seen.add(`${namespace}/${s.name}`);
    const ports = s.ports.map((p, i) => ({
      ...(s.ports.length === 1 && s.unnamedSinglePort && i === 0 ? {} : { name: p.name }),
      port: p.port,
      ...(p.protocol ? { protocol: p.protocol } : {}),
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const labels = s.mesh ? { ...s.labels, "kuma.io/mesh": s.mesh } : s.labels;
    items.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(s.name, namespace, { labels, annotations: s.annotations }),
      spec: {
        ...(s.clusterIP ? { clusterIP: s.clusterIP } : {}),
        ...(s.selector === "app" ? { selector: { app: s.name } } : {}),
        ports,
      },
    });
    if (s.clusterIP === "None" && s.pods > 0) {
      items.push({
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: meta(`${s.name}-slice`, namespace, {
          labels: { "kubernetes.io/service-name": s.name },
        }),
        addressType: "IPv4",
        endpoints: Array.from({ length: s.pods }, (_, i) => ({
          addresses: [`10.244.${items.length % 256}.${i + 1}`],
          targetRef: { kind: "Pod", name: `${s.name}-${i}`, namespace },
        })),
        ports: ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" })),
      });
    }
    legacy.push({
      name: (port) => `${s.name}_${namespace}_svc_${port}`,
      ports: s.ports.map((p) => p.port),
    });
  }
  items.push(...unrelatedItems(unrelated, services, nsOf));
  const routeKeys = new Set<string>();
  for (const r of routes) {
    const namespace = r.ns % 5 === 4 ? "kuma-system" : nsOf(r.ns);
    if (routeKeys.has(`${r.kind}/${namespace}/${r.name}`)) continue;
    routeKeys.add(`${r.kind}/${namespace}/${r.name}`);
    items.push(referrerItem(r, namespace, legacy));
  }
  return { items, config };
});

export const inboundArb = fc.record({
  port: fc.integer({ min: 1, max: 65535 }),
  name: fc.option(label, { nil: undefined }),
  protocol: fc.option(fc.constantFrom("http", "grpc", "tcp", "kafka", "HTTP"), { nil: undefined }),
});

/** A Universal zone: Dataplanes (replicas of a service share their inbounds, so no port conflicts). */
export const universalRepo: fc.Arbitrary<Repo> = fc.record({
  meshes: meshesArb,
  services: fc.uniqueArray(
    fc.record({
      name: label,
      inbounds: fc.uniqueArray(inboundArb, {
        minLength: 1,
        maxLength: 2,
        comparator: (a, b) => a.port === b.port || (a.name !== undefined && a.name === b.name),
      }),
      replicas: fc.integer({ min: 1, max: 2 }),
      workloadLabel: fc.boolean(),
      mesh: meshName,
      annotations,
    }),
    { maxLength: 4, selector: (s) => s.name },
  ),
  unrelated: fc.array(unrelatedArb.filter((u) => u.kind === "ConfigMap"), { maxLength: 2 }),
  routes: fc.array(routeArb, { maxLength: 3 }),
  config: configArb("universal"),
}).map(({ meshes, services, unrelated, routes, config }) => {
  const items: KubeObject[] = [];
  items.push(...meshes.map(meshItem));
  let address = 0;
  for (const s of services) {
    for (let i = 0; i < s.replicas; i++) {
      address++;
      items.push({
        apiVersion: "kuma.io/v1alpha1",
        kind: "Dataplane",
        mesh: s.mesh ?? "default",
        metadata: meta(`dp-${s.name}-${i}`, undefined, {
          ...(s.workloadLabel ? { labels: { "kuma.io/workload": s.name } } : {}),
          annotations: s.annotations,
        }),
        spec: {
          networking: {
            address: `10.0.${Math.floor(address / 256)}.${address % 256}`,
            inbound: s.inbounds.map((inbound) => ({
              port: inbound.port,
              ...(inbound.name ? { name: inbound.name } : {}),
              tags: {
                "kuma.io/service": s.name,
                ...(inbound.protocol ? { "kuma.io/protocol": inbound.protocol } : {}),
              },
            })),
          },
        },
      });
    }
  }
  for (const u of new Map(unrelated.map((u) => [u.name, u])).values()) {
    items.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(u.name, undefined, { annotations: u.annotations }),
      data: u.data,
    });
  }
  const legacy: Legacy[] = services.map((s) => ({
    name: () => s.name,
    ports: s.inbounds.map((i) => i.port),
  }));
  const routeKeys = new Set<string>();
  for (const r of routes) {
    if (routeKeys.has(`${r.kind}/${r.name}`)) continue;
    routeKeys.add(`${r.kind}/${r.name}`);
    items.push(referrerItem(r, undefined, legacy));
  }
  return { items, config };
});

/** Either kind of zone. */
export const repo: fc.Arbitrary<Repo> = fc.oneof(
  { weight: 3, arbitrary: kubernetesRepo },
  { weight: 1, arbitrary: universalRepo },
);
