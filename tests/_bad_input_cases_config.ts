/**
 * Bad-input cases (tests/bad_input_test.ts runs them): the function config, DNS-label limits, and the tool's annotation on items it does not own.
 *
 * @module
 */

import { type Case, cm } from "./_bad_input.ts";

/** The function config, DNS-label limits, and the tool's annotation on items it does not own. */
export const CONFIG_CASES: Case[] = [
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
