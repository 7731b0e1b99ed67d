/**
 * Bad-input cases (tests/bad_input_test.ts runs them): Services, Namespaces and Meshes, Dataplanes, routes and policies, HostnameGenerators.
 *
 * @module
 */

import { type Case, cm, dp, inbound, route, svc, universal } from "./_bad_input.ts";

/** Services, Namespaces and Meshes, Dataplanes, routes and policies, HostnameGenerators. */
export const RESOURCE_CASES: Case[] = [
  // Services.
  {
    name: "port is a string",
    items: svc("s1", 'selector:\n  app: s1\nports:\n- port: "80"'),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s1",
    field: "spec.ports[0].port",
  },
  {
    name: "port is zero",
    items: svc("s2", "selector:\n  app: s2\nports:\n- port: 0"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s2",
    field: "spec.ports[0].port",
  },
  {
    name: "port too large",
    items: svc("s3", "selector:\n  app: s3\nports:\n- port: 70000"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s3",
    field: "spec.ports[0].port",
  },
  {
    name: "port is a float",
    items: svc("s4", "selector:\n  app: s4\nports:\n- port: 80.5"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s4",
    field: "spec.ports[0].port",
  },
  {
    name: "ports is a map",
    items: svc("s5", "selector:\n  app: s5\nports:\n  port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s5",
    field: "spec.ports",
  },
  {
    name: "port entry is a string",
    items: svc("s6", "selector:\n  app: s6\nports:\n- http"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s6",
    field: "spec.ports[0]",
  },
  {
    name: "spec is a list",
    items: svc("s7", "- a"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s7",
    field: "spec",
  },
  {
    name: "selector is a list",
    items: svc("s8", "selector: [a]\nports:\n- port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s8",
    field: "spec.selector",
  },
  {
    name: "UDP port",
    items: svc("s9", "selector:\n  app: s9\nports:\n- port: 53\n  protocol: UDP"),
    severity: "warning",
    reason: "IgnoredUnsupportedPort",
    ref: "Service shop/s9",
    field: "spec.ports[0].protocol",
  },
  {
    name: "targetPort is a list",
    items: svc("s10", "selector:\n  app: s10\nports:\n- port: 80\n  targetPort: [1]"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s10",
    field: "spec.ports[0].targetPort",
  },
  {
    name: "duplicate port numbers",
    items: svc(
      "s11",
      "selector:\n  app: s11\nports:\n- port: 80\n  name: a\n- port: 80\n  name: b",
    ),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s11",
    field: "spec.ports[1].port",
  },
  {
    name: "duplicate port names",
    items: svc(
      "s12",
      "selector:\n  app: s12\nports:\n- port: 80\n  name: a\n- port: 81\n  name: a",
    ),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s12",
    field: "spec.ports[1].name",
  },
  {
    name: "name too long for a label",
    items: svc(`${"x".repeat(70)}`, "selector:\n  app: long\nports:\n- port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: `Service shop/${"x".repeat(70)}`,
    field: "metadata.name",
  },
  {
    name: "huge Service name",
    items: svc(`${"y".repeat(1_000_000)}`, "selector:\n  app: huge\nports:\n- port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: `Service shop/${"y".repeat(1_000_000)}`,
    message: /characters left out/,
    field: "metadata.name",
  },
  {
    name: "upper-case name",
    items: svc("Web", "selector:\n  app: web\nports:\n- port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/Web",
    field: "metadata.name",
  },
  {
    name: "appProtocol is a number",
    items: svc("s13", "selector:\n  app: s13\nports:\n- port: 80\n  appProtocol: 2"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s13",
    field: "spec.ports[0].appProtocol",
  },
  {
    name: "clusterIP is a list",
    items: svc("s14", "clusterIP: [a]\nselector:\n  app: s14\nports:\n- port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/s14",
    field: "spec.clusterIP",
  },
  // Namespaces and Meshes.
  {
    name: "injection label with a bad value",
    items:
      "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: odd\n    labels:\n      kuma.io/sidecar-injection: maybe\n",
    severity: "error",
    reason: "InvalidField",
    ref: "Namespace odd",
    field: 'metadata.labels["kuma.io/sidecar-injection"]',
  },
  {
    name: "Namespace name with an underscore",
    items: "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: my_team\n",
    severity: "error",
    reason: "InvalidField",
    ref: "Namespace my_team",
    field: "metadata.name",
  },
  {
    name: "Mesh spec is a string",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: Mesh\n  metadata:\n    name: default\n  spec: x\n",
    severity: "error",
    reason: "InvalidField",
    ref: "Mesh default",
    field: "spec",
  },
  {
    name: "Mesh meshServices is a string",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: Mesh\n  metadata:\n    name: default\n  spec:\n    meshServices: Exclusive\n",
    severity: "error",
    reason: "InvalidField",
    ref: "Mesh default",
    field: "spec.meshServices",
  },
  {
    name: "Mesh mode unknown",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: Mesh\n  metadata:\n    name: default\n  spec:\n    meshServices:\n      mode: Sometimes\n",
    severity: "error",
    reason: "InvalidField",
    ref: "Mesh default",
    field: "spec.meshServices.mode",
  },
  // Dataplanes (a Universal zone, and stray ones in a Kubernetes zone).
  {
    name: "Dataplane without inbounds",
    items: dp("d1", "networking:\n  address: 10.0.0.1"),
    severity: "error",
    reason: "InvalidField",
    ref: "Dataplane d1",
    field: "spec.networking.inbound",
  },
  {
    name: "Dataplane inbound port is a string",
    items: dp(
      "d2",
      'networking:\n  address: 10.0.0.2\n  inbound:\n  - port: "8080"\n    tags:\n      kuma.io/service: d2',
    ),
    severity: "error",
    reason: "InvalidField",
    ref: "Dataplane d2",
    field: "spec.networking.inbound[0].port",
  },
  {
    name: "Dataplane inbound is a map",
    items: dp("d3", "networking:\n  address: 10.0.0.3\n  inbound:\n    port: 8080"),
    severity: "error",
    reason: "InvalidField",
    ref: "Dataplane d3",
    field: "spec.networking.inbound",
  },
  {
    name: "Dataplane networking is a list",
    items: dp("d4", "networking: [a]"),
    severity: "error",
    reason: "InvalidField",
    ref: "Dataplane d4",
    field: "spec.networking",
  },
  {
    name: "Dataplane tags is a list",
    items: dp("d5", "networking:\n  address: 10.0.0.5\n  inbound:\n  - port: 80\n    tags: [a]"),
    severity: "error",
    reason: "InvalidField",
    ref: "Dataplane d5",
    field: "spec.networking.inbound[0].tags",
  },
  {
    name: "universal: duplicate Dataplane",
    stdin: universal(dp("u1", inbound("10.0.0.1", "web")) + dp("u1", inbound("10.0.0.2", "web"))),
    severity: "error",
    reason: "DuplicateResource",
    ref: "Dataplane u1",
    field: "metadata.name",
  },
  {
    name: "universal: same name in two meshes is fine",
    stdin: universal(
      dp("u2", inbound("10.0.0.1", "web")) + dp("u2", inbound("10.0.0.2", "web"), "other"),
    ),
    severity: "none",
  },
  {
    name: "universal: conflicting ports for one service",
    stdin: universal(
      dp("u3", inbound("10.0.0.1", "api", 8080)) + dp("u4", inbound("10.0.0.2", "api", 9090)),
    ),
    severity: "warning",
    reason: "PortConflict",
    ref: "Dataplane u4",
    field: "spec.networking.inbound",
  },
  {
    name: "universal: inbound without kuma.io/service",
    stdin: universal(
      dp(
        "u5",
        "networking:\n  address: 10.0.0.5\n  inbound:\n  - port: 80\n    tags:\n      team: a",
      ),
    ),
    severity: "info",
    reason: "InvalidServiceName",
    ref: "Dataplane u5",
    field: "spec.networking.inbound[0].tags",
  },
  // Routes and policies.
  {
    name: "route to an unknown kuma.io/service",
    items: route(
      "r3",
      "targetRef:\n  kind: Mesh\nto:\n- targetRef:\n    kind: MeshService\n    name: nope_shop_svc_80\n  rules: []",
    ),
    severity: "warning",
    reason: "UnresolvedReference",
    ref: "MeshHTTPRoute shop/r3",
    field: "spec.to[0].targetRef",
    message: /is unresolved/,
  },
  {
    name: "route to is a map",
    items: route("r1", "targetRef:\n  kind: Mesh\nto:\n  targetRef:\n    kind: MeshService"),
    severity: "error",
    reason: "InvalidField",
    ref: "MeshHTTPRoute shop/r1",
    field: "spec.to",
  },
  {
    name: "route targetRef is a string",
    items: route("r2", "targetRef: Mesh\nto: []"),
    severity: "error",
    reason: "InvalidField",
    ref: "MeshHTTPRoute shop/r2",
    field: "spec.targetRef",
  },
  {
    name: "backendRef is a string",
    items: route(
      "r4",
      "targetRef:\n  kind: Mesh\nto:\n- targetRef:\n    kind: MeshService\n    name: ok_shop_svc_80\n  rules:\n  - default:\n      backendRefs: [ok]",
    ),
    severity: "error",
    reason: "InvalidField",
    ref: "MeshHTTPRoute shop/r4",
    field: "spec.to[0].rules[0].default.backendRefs[0]",
  },
  {
    name: "route rules is a map",
    items: route(
      "r6",
      "targetRef:\n  kind: Mesh\nto:\n- targetRef:\n    kind: MeshService\n    name: ok_shop_svc_80\n  rules:\n    default: {}",
    ),
    severity: "error",
    reason: "InvalidField",
    ref: "MeshHTTPRoute shop/r6",
    field: "spec.to[0].rules",
  },
  {
    name: "route spec missing",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: MeshTCPRoute\n  metadata:\n    name: r5\n    namespace: shop\n",
    severity: "error",
    reason: "InvalidField",
    ref: "MeshTCPRoute shop/r5",
    field: "spec",
  },
  {
    name: "policy to entry without kind",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: MeshTimeout\n  metadata:\n    name: t1\n    namespace: shop\n  spec:\n    targetRef:\n      kind: Mesh\n    to:\n    - targetRef:\n        name: ok\n",
    severity: "error",
    reason: "InvalidField",
    ref: "MeshTimeout shop/t1",
    field: "spec.to[0].targetRef.kind",
  },
  {
    name: "unknown Kuma kind",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: MeshFrobnicator\n  metadata:\n    name: f1\n    namespace: shop\n  spec: {}\n",
    severity: "info",
    reason: "InvalidInput",
    ref: "MeshFrobnicator shop/f1",
    field: "kind",
  },
  {
    name: "Kuma kind in the wrong case",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: MeshHttpRoute\n  metadata:\n    name: f2\n    namespace: shop\n  spec: {}\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "MeshHttpRoute shop/f2",
    field: "kind",
  },
  // HostnameGenerators.
  {
    name: "HostnameGenerator template does not parse",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: HostnameGenerator\n  metadata:\n    name: hg1\n    namespace: kuma-system\n  spec:\n    selector:\n      meshService: {}\n    template: '{{ .DisplayName '\n",
    severity: "error",
    reason: "InvalidHostnameGenerator",
    ref: "HostnameGenerator kuma-system/hg1",
    field: "spec.template",
  },
  {
    name: "HostnameGenerator template loops forever",
    items:
      "- apiVersion: kuma.io/v1alpha1\n  kind: HostnameGenerator\n  metadata:\n    name: hg2\n    namespace: kuma-system\n  spec:\n    selector:\n      meshService: {}\n    template: '{{ range 1000000000 }}x{{ end }}.mesh'\n",
    config: cm('kumaVersion: "2.14"'),
    severity: "error",
    reason: "InvalidHostnameGenerator",
    ref: "HostnameGenerator kuma-system/hg2",
    field: "spec.template",
  },
];
