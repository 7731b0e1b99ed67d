/**
 * Bad-input cases (tests/bad_input_test.ts runs them): the stream, items, kinds passed through, metadata, Flux placeholders and duplicates.
 *
 * @module
 */

import { BASE, type Case, route, svc } from "./_bad_input.ts";

/** The stream, items, kinds passed through, metadata, Flux placeholders and duplicates. */
export const STREAM_CASES: Case[] = [
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
];
