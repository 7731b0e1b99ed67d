/**
 * Bad input never crashes and never loses data: a corpus of malformed
 * ResourceLists, items, fields and configs, each run through the KRM path
 * (`processBytes`, what stdin mode runs). For every case: the output is a
 * ResourceList; the exit code is 1 exactly when an error result exists; the
 * expected severity is reported on the named resource and field; every input
 * item that is a map comes back unchanged, annotations included.
 *
 * @module
 */

import assert from "node:assert/strict";
import { load } from "js-yaml";
import { processBytes } from "../src/io/krm_stdio.ts";
import { exitCodeOf } from "../src/results.ts";

interface Case {
  name: string;
  /** Items appended to a valid base (a Namespace and a Service), as YAML list entries. */
  items?: string;
  /** The whole stdin instead. */
  stdin?: string | Uint8Array;
  /** functionConfig as YAML (indented under `functionConfig:`). */
  config?: string;
  /** `none`: no error or warning at all, exit 0. */
  severity: "error" | "warning" | "info" | "none";
  /** `tags.reason` of the expected result (required unless severity is `none`). */
  reason?: string;
  /** Its `resourceRef` as `Kind name` (namespace/name for namespaced); `null`: none. */
  ref?: string | null;
  /** Its `field.path`; `null`: none. */
  field?: string | null;
  message?: RegExp;
}

const BASE = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: shop
    labels:
      kuma.io/sidecar-injection: enabled
    annotations:
      keep/me: "yes"
- apiVersion: v1
  kind: Service
  metadata:
    name: ok
    namespace: shop
    annotations:
      internal.config.kubernetes.io/path: ok.yaml
  spec:
    selector:
      app: ok
    ports:
    - port: 80
`;

const svc = (name: string, spec: string) =>
  `- apiVersion: v1
  kind: Service
  metadata:
    name: ${name}
    namespace: shop
  spec:
${spec.replace(/^/gm, "    ")}
`;

const route = (name: string, spec: string) =>
  `- apiVersion: kuma.io/v1alpha1
  kind: MeshHTTPRoute
  metadata:
    name: ${name}
    namespace: shop
    labels:
      kuma.io/mesh: default
  spec:
${spec.replace(/^/gm, "    ")}
`;

const dp = (name: string, spec: string, mesh = "default") =>
  `- apiVersion: kuma.io/v1alpha1
  kind: Dataplane
  mesh: ${mesh}
  metadata:
    name: ${name}
  spec:
${spec.replace(/^/gm, "    ")}
`;

const inbound = (address: string, service: string, port = 8080) =>
  `networking:\n  address: ${address}\n  inbound:\n  - port: ${port}\n    tags:\n      kuma.io/service: ${service}`;

const cm = (data: string) =>
  `  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cfg
  data:
${data.replace(/^/gm, "    ")}`;

export const CASES: Case[] = [
  // The stream itself.
  {
    name: "empty stdin",
    stdin: "",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
    message: /stdin is empty/,
  },
  {
    name: "whitespace",
    stdin: " \n\t\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
    message: /stdin is empty/,
  },
  {
    name: "not YAML",
    stdin: "items: [\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
    message: /Cannot parse/,
  },
  {
    name: "invalid UTF-8",
    stdin: new Uint8Array([0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x0a]),
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
    message: /not valid UTF-8/,
  },
  {
    name: "a scalar",
    stdin: "42\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  {
    name: "a bare list",
    stdin: "- a\n- b\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  {
    name: "null document",
    stdin: "null\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  {
    name: "a ConfigMap instead",
    stdin: "apiVersion: v1\nkind: ConfigMap\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: "kind",
  },
  {
    name: "wrong ResourceList apiVersion",
    stdin: "apiVersion: v9\nkind: ResourceList\nitems: []\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: "apiVersion",
  },
  {
    name: "items is a map",
    stdin: "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {a: 1}\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: "items",
  },
  {
    name: "items is a string",
    stdin: "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: nope\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: "items",
  },
  {
    name: "two documents",
    stdin: `${BASE}---\n${BASE}`,
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  {
    name: "alias bomb",
    stdin:
      `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n- &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n- &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n- &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n- &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n- &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n`,
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  {
    name: "deep nesting",
    stdin: `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- ${"[".repeat(2000)}${
      "]".repeat(2000)
    }\n`,
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  // Items.
  {
    name: "null item",
    items: "- null\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: "items[2]",
  },
  {
    name: "string item",
    items: "- just text\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: "items[2]",
  },
  {
    name: "number item",
    items: "- 7\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: "items[2]",
  },
  {
    name: "list item",
    items: "- [1, 2]\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: "items[2]",
  },
  {
    name: "item without kind",
    items: "- apiVersion: v1\n  metadata:\n    name: x\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: "items[2]",
    message: /not a Kubernetes resource \(a map without kind\)/,
  },
  {
    name: "item without apiVersion",
    items: "- kind: Service\n  metadata:\n    name: x\n    namespace: shop\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: "items[2]",
  },
  {
    name: "item without metadata",
    items: "- apiVersion: v1\n  kind: Service\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service ",
    field: "metadata.name",
  },
  {
    name: "item without name",
    items: "- apiVersion: v1\n  kind: Service\n  metadata:\n    namespace: shop\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service shop/",
    field: "metadata.name",
  },
  {
    name: "metadata is a list",
    items: "- apiVersion: v1\n  kind: Service\n  metadata: [a]\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service ",
    field: "metadata.name",
  },
  {
    name: "name is a number",
    items: "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: 12\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service ",
    field: "metadata.name",
  },
  // Kinds the tool does not read pass through unchecked, whatever their shape.
  {
    name: "Kustomization without metadata",
    items:
      "- apiVersion: kustomize.config.k8s.io/v1beta1\n  kind: Kustomization\n  resources:\n  - svc.yaml\n",
    severity: "none",
  },
  {
    name: "CRD object with odd metadata",
    items:
      "- apiVersion: configuration.konghq.com/v1\n  kind: KongPlugin\n  metadata: [a]\n  plugin: rate-limiting\n",
    severity: "none",
  },
  {
    name: "ConfigMap with a numeric label",
    items:
      "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    labels:\n      version: 1\n",
    severity: "none",
  },
  {
    name: "kustomization without apiVersion, from kpt",
    items:
      "- resources:\n  - svc.yaml\n  metadata:\n    annotations:\n      internal.config.kubernetes.io/path: kustomization.yaml\n",
    severity: "info",
    reason: "NotAManifest",
    ref: null,
    field: null,
    message: /"kustomization\.yaml" untouched/,
  },
  // Metadata of items the tool reads.
  {
    name: "annotations is a list",
    items: "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    annotations: [x]\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service a",
    field: "metadata.annotations",
  },
  {
    name: "labels is a string",
    items: "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    labels: x\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service a",
    field: "metadata.labels",
  },
  {
    name: "label value is a number",
    items:
      "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    labels:\n      version: 1\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service a",
    field: 'metadata.labels["version"]',
  },
  {
    name: "annotation value is a map",
    items:
      "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    annotations:\n      note: {a: b}\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service a",
    field: 'metadata.annotations["note"]',
  },
  {
    name: "namespace is a number",
    items:
      "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: n1\n    namespace: 5\n  spec:\n    ports:\n    - port: 80\n",
    severity: "error",
    reason: "InvalidInput",
    ref: "Service n1",
    field: "metadata.namespace",
  },
  {
    name: "duplicate keys",
    items: "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    name: b\n",
    severity: "error",
    reason: "InvalidInput",
    ref: null,
    field: null,
  },
  {
    name: "huge annotation passes through",
    items:
      `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: big\n    annotations:\n      blob: "${
        "x".repeat(2_000_000)
      }"\n`,
    severity: "none",
  },
  // Flux post-build placeholders.
  {
    name: "Flux placeholder as a Service namespace",
    items:
      "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    namespace: ${APP_NS}\n  spec:\n    ports:\n    - port: 80\n",
    severity: "warning",
    reason: "FluxSubstitution",
    ref: "Service ${APP_NS}/web",
    field: "metadata.namespace",
  },
  {
    name: "Flux placeholder no substitution makes a valid name",
    items: svc("${ENV}_web", "ports:\n- port: 80"),
    severity: "error",
    reason: "InvalidField",
    ref: "Service shop/${ENV}_web",
    field: "metadata.name",
  },
  {
    name: "Flux placeholder as a sidecar-injection value",
    items:
      "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: other\n    labels:\n      kuma.io/sidecar-injection: ${INJECT}\n",
    severity: "warning",
    reason: "FluxSubstitution",
    ref: "Namespace other",
    field: 'metadata.labels["kuma.io/sidecar-injection"]',
  },
  // Duplicates.
  {
    name: "duplicate Service",
    items: svc("ok", "selector:\n  app: ok\nports:\n- port: 80"),
    severity: "error",
    reason: "DuplicateResource",
    ref: "Service shop/ok",
    field: "metadata.name",
  },
  {
    name: "duplicate route",
    items: route("twice", "targetRef:\n  kind: Mesh\nto: []") +
      route("twice", "targetRef:\n  kind: Mesh\nto: []"),
    severity: "error",
    reason: "DuplicateResource",
    ref: "MeshHTTPRoute shop/twice",
    field: "metadata.name",
  },
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
  // Config.
  {
    name: "config kumaVersion unknown",
    config: cm('kumaVersion: "9.9"'),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.kumaVersion",
  },
  {
    name: "config unknown key",
    config: cm("zoen: east"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zoen",
  },
  {
    name: "config zone not a label",
    config: cm("zone: East_1"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zone",
  },
  // Issue 15: Kuma's zone names and Kubernetes namespaces are DNS labels of at most 63
  // characters (Kuma: pkg/config/multizone/multicluster.go, ZoneConfig.Validate).
  {
    name: "config zone of 120,000 characters",
    config: cm(`zone: ${"a".repeat(120_000)}`),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zone",
    message: /at most 63 characters/,
  },
  {
    name: "config zone of 64 characters",
    config: cm(`zone: ${"z".repeat(64)}`),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zone",
  },
  {
    name: "config zone of 63 characters",
    config: cm(`zone: ${"z".repeat(63)}`),
    severity: "none",
  },
  {
    name: "config systemNamespace of 120,000 characters",
    config: cm(`systemNamespace: ${"k".repeat(120_000)}`),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.systemNamespace",
    message: /at most 63 characters/,
  },
  {
    name: "config zones entry name of 64 characters",
    config: cm(`zones: '["${"e".repeat(64)}:kubernetes"]'`),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zones[0].name",
  },
  {
    name: "config zone starting with a digit on Kuma 3.0",
    config: cm('kumaVersion: "3.0"\nzone: 1east'),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zone",
    message: /must start with a letter on Kuma 3\.0/,
  },
  {
    name: "config zone starting with a digit on Kuma 2.14",
    config: cm('kumaVersion: "2.14"\nzone: 1east'),
    severity: "none",
  },
  {
    name: "config bad boolean",
    config: cm("inboundTagsDisabled: maybe"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.inboundTagsDisabled",
  },
  {
    name: "config bad output",
    config: cm("meshServiceOutput: always"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.meshServiceOutput",
  },
  {
    name: "config bad zones YAML",
    config: cm("zones: '[a: b'"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.zones",
  },
  {
    name: "config bad outputPath",
    config: cm("outputPath: /abs/{name}.yaml"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.outputPath",
  },
  {
    name: "config data is a list",
    config: "  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cfg\n  data: [a]",
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data",
  },
  {
    name: "config exclude leaves the directory",
    config:
      "  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cfg\n  data:\n    exclude: charts/**, ../secrets/**",
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.exclude[1]",
  },
  {
    name: "config not a map",
    config: "  just-a-string",
    severity: "error",
    reason: "InvalidConfig",
    ref: null,
    field: null,
  },
  {
    name: "config wrong kind",
    config: "  apiVersion: v1\n  kind: Secret\n  metadata:\n    name: cfg",
    severity: "error",
    reason: "InvalidConfig",
    ref: "Secret cfg",
    field: "kind",
  },
  {
    name: "config 3.0 with name style",
    config: cm('kumaVersion: "3.0"\nreferenceStyle: name'),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.referenceStyle",
  },
  {
    name: "config bad migration stage",
    config: cm("migrationStage: Sometimes"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.migrationStage",
  },
  {
    name: "config bad reachableBackendsFor",
    config: cm("reachableBackendsFor: 'a/b/c'"),
    severity: "error",
    reason: "InvalidConfig",
    ref: "ConfigMap cfg",
    field: "data.reachableBackendsFor[0]",
  },
  // Issue 15: the tool's annotation on an item it does not own never drops the item.
  {
    name: "generated-from annotation on a Deployment",
    items: `- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    namespace: shop
    annotations:
      meshservice-krm/generated-from: Service shop/web
  spec:
    selector:
      matchLabels:
        app: web
`,
    severity: "warning",
    reason: "ForeignToolAnnotation",
    ref: "Deployment shop/web",
    field: 'metadata.annotations["meshservice-krm/generated-from"]',
    message: /passes through unchanged/,
  },
  {
    name: "generated-from annotation on a MeshService of another API group",
    items: `- apiVersion: example.com/v1
  kind: MeshService
  metadata:
    name: ok
    namespace: shop
    annotations:
      meshservice-krm/generated-from: ""
`,
    severity: "warning",
    reason: "ForeignToolAnnotation",
    ref: "MeshService shop/ok",
    field: 'metadata.annotations["meshservice-krm/generated-from"]',
  },
  {
    name: "generated-from annotation on a Kuma policy",
    items: `- apiVersion: kuma.io/v1alpha1
  kind: MeshTimeout
  metadata:
    name: t
    namespace: kuma-system
    annotations:
      meshservice-krm/generated-from: config
  spec:
    targetRef:
      kind: Mesh
`,
    severity: "warning",
    reason: "ForeignToolAnnotation",
    ref: "MeshTimeout kuma-system/t",
    field: 'metadata.annotations["meshservice-krm/generated-from"]',
  },
];

function universal(items: string): string {
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}functionConfig:\n${
    cm("environment: universal")
  }\n`;
}

export function stdinOf(c: Case): string | Uint8Array {
  if (c.stdin !== undefined) return c.stdin;
  let text = BASE + (c.items ?? "");
  if (c.config !== undefined) text += `functionConfig:\n${c.config}\n`;
  return text;
}

interface Output {
  items: unknown[];
  results?: {
    severity: string;
    message: string;
    resourceRef?: { kind: string; name: string; namespace?: string };
    field?: { path: string };
  }[];
}

Deno.test("bad input: the corpus has at least 60 cases with unique names and exact expectations", () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  for (const c of CASES) {
    if (c.severity === "none") continue;
    assert.ok(
      c.reason !== undefined && c.ref !== undefined && c.field !== undefined,
      `${c.name}: reason, ref and field are all stated`,
    );
  }
});

function refText(r: NonNullable<Output["results"]>[number]): string | null {
  if (!r.resourceRef) return null;
  const ns = r.resourceRef.namespace ? `${r.resourceRef.namespace}/` : "";
  return `${r.resourceRef.kind} ${ns}${r.resourceRef.name}`;
}

for (const c of CASES) {
  Deno.test(`bad input: ${c.name}`, async () => {
    const stdin = stdinOf(c);
    const bytes = typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin;
    const { text, results } = await processBytes(bytes);
    const output = load(text) as Output;
    assert.equal((output as { kind?: string }).kind, "ResourceList", text.slice(0, 2000));
    assert.ok(Array.isArray(output.items));
    // The exit code follows the results, and the results in the output are the ones returned.
    const errors = results.some((r) => r.severity === "error");
    assert.equal(exitCodeOf(results), errors ? 1 : 0);
    assert.equal(output.results?.length ?? 0, results.length);
    if (c.severity === "none") {
      const loud = results.filter((r) => r.severity === "error" || r.severity === "warning");
      assert.deepEqual(loud, [], "no error or warning");
      assert.equal(exitCodeOf(results), 0);
    } else {
      if (c.severity === "error") assert.equal(exitCodeOf(results), 1);
      const match = results.some((r) =>
        r.severity === c.severity &&
        r.tags?.reason === c.reason &&
        refText(r) === c.ref &&
        (r.field?.path ?? null) === c.field &&
        (c.message === undefined || c.message.test(r.message))
      );
      const shown = results.map((r) => ({
        severity: r.severity,
        reason: r.tags?.reason,
        ref: refText(r)?.slice(0, 120),
        field: r.field?.path,
        message: r.message.slice(0, 300),
      }));
      assert.ok(
        match,
        `no ${c.severity} ${c.reason} on ${c.ref?.slice(0, 120)} ${c.field} ${c.message ?? ""}:\n${
          JSON.stringify(shown, null, 2)
        }`,
      );
    }
    // Every result message stays readable, whatever the input's size.
    for (const r of results) assert.ok(r.message.length <= 2100, "message clipped");
    // Nothing lost: every input map item is in the output unchanged.
    if (c.stdin === undefined || typeof c.stdin === "string") {
      let input: Output | undefined;
      try {
        input = load(typeof stdin === "string" ? stdin : "") as Output;
      } catch {
        input = undefined; // The stream does not parse: nothing to compare item by item.
      }
      const items = input !== undefined && input !== null && Array.isArray(input.items)
        ? input.items
        : [];
      const seen = new Set(output.items.map((out) => JSON.stringify(out)));
      for (const item of items) {
        if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
        if (errors && results.some((r) => r.tags?.reason === "InvalidInput" && !r.resourceRef)) {
          continue; // The whole stream was refused: the output holds no items.
        }
        assert.ok(
          seen.has(JSON.stringify(item)),
          `item passes through unchanged: ${JSON.stringify(item).slice(0, 500)}`,
        );
      }
    }
  });
}
