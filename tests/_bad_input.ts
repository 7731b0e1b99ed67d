/**
 * The bad-input corpus's shared parts (tests/bad_input_test.ts): the case
 * shape, the valid base ResourceList every case extends, YAML builders for
 * the items cases add, and the stdin a case gives.
 *
 * @module
 */

/** One bad-input case and the result it must give. */
export interface Case {
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

/** A valid ResourceList (a Namespace and a Service) that cases append items to. */
export const BASE = `apiVersion: config.kubernetes.io/v1
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

export const svc = (name: string, spec: string) =>
  `- apiVersion: v1
  kind: Service
  metadata:
    name: ${name}
    namespace: shop
  spec:
${spec.replace(/^/gm, "    ")}
`;

export const route = (name: string, spec: string) =>
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

export const dp = (name: string, spec: string, mesh = "default") =>
  `- apiVersion: kuma.io/v1alpha1
  kind: Dataplane
  mesh: ${mesh}
  metadata:
    name: ${name}
  spec:
${spec.replace(/^/gm, "    ")}
`;

export const inbound = (address: string, service: string, port = 8080) =>
  `networking:\n  address: ${address}\n  inbound:\n  - port: ${port}\n    tags:\n      kuma.io/service: ${service}`;

export const cm = (data: string) =>
  `  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cfg
  data:
${data.replace(/^/gm, "    ")}`;

/** A Universal-zone ResourceList of `items`. */
export function universal(items: string): string {
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}functionConfig:\n${
    cm("environment: universal")
  }\n`;
}

/** The stdin of a case: its own, or the base with its items and config. */
export function stdinOf(c: Case): string | Uint8Array {
  if (c.stdin !== undefined) return c.stdin;
  let text = BASE + (c.items ?? "");
  if (c.config !== undefined) text += `functionConfig:\n${c.config}\n`;
  return text;
}
