/**
 * Every Kuma string the tool reads or writes: labels, annotations, kinds and
 * API versions, in one place. Values follow kumahq/kuma
 * `pkg/plugins/runtime/k8s/metadata/{annotations,labels}.go` and
 * `api/mesh/v1alpha1/dataplane_helpers.go` (v2.14.3 and the 3.0 line).
 *
 * @module
 */

/** API group/version of every Kuma CRD the tool handles. */
export const KUMA_API_VERSION = "kuma.io/v1alpha1";

/** Kuma kinds. */
export const KIND = {
  mesh: "Mesh",
  meshService: "MeshService",
  meshMultiZoneService: "MeshMultiZoneService",
  meshExternalService: "MeshExternalService",
  hostnameGenerator: "HostnameGenerator",
  dataplane: "Dataplane",
  meshHTTPRoute: "MeshHTTPRoute",
  meshTCPRoute: "MeshTCPRoute",
  meshServiceSubset: "MeshServiceSubset",
  meshSubset: "MeshSubset",
  meshGateway: "MeshGateway",
} as const;

/** Route kinds: `spec.to[].rules[].default.backendRefs` pick destinations. */
export const ROUTE_KINDS: ReadonlySet<string> = new Set([KIND.meshHTTPRoute, KIND.meshTCPRoute]);

/**
 * Policy and route kinds whose references the tool reads (Kuma 2.9 to 3.0):
 * `spec.targetRef`, `spec.to[]`, `spec.from[]`. Any other `kuma.io` kind with
 * the same shape is read the same way.
 */
export const POLICY_KINDS: readonly string[] = [
  "MeshAccessLog",
  "MeshCircuitBreaker",
  "MeshFaultInjection",
  "MeshHealthCheck",
  "MeshLoadBalancingStrategy",
  "MeshRateLimit",
  "MeshRetry",
  "MeshTimeout",
  "MeshTLS",
  "MeshTrace",
  "MeshTrafficPermission",
  KIND.meshHTTPRoute,
  KIND.meshTCPRoute,
];

/**
 * Every `kuma.io` kind of Kuma 2.9 to 3.0 (the CRDs of its Helm chart, old
 * and new policies, insights and zone proxies) plus Kong Mesh's own kinds.
 * Another kind under `kuma.io` is reported as unknown.
 */
export const KNOWN_KUMA_KINDS: ReadonlySet<string> = new Set([
  ...Object.values(KIND),
  ...POLICY_KINDS,
  // New-style policies and resources beyond the ones the tool reads.
  "MeshMetric",
  "MeshPassthrough",
  "MeshProxyPatch",
  "MeshIdentity",
  "MeshTrust",
  "MeshOpenTelemetryBackend",
  "MeshZoneAddress",
  "Workload",
  // Gateways, zone proxies, system and insight kinds.
  "MeshGatewayInstance",
  "MeshGatewayRoute",
  "MeshGatewayConfig",
  "ZoneIngress",
  "ZoneEgress",
  "Zone",
  "ContainerPatch",
  "DataplaneInsight",
  "MeshInsight",
  "ServiceInsight",
  "ZoneInsight",
  "ZoneIngressInsight",
  "ZoneEgressInsight",
  // Old-style policies (still served by Kuma 2.x).
  "CircuitBreaker",
  "ExternalService",
  "FaultInjection",
  "HealthCheck",
  "ProxyTemplate",
  "RateLimit",
  "Retry",
  "Timeout",
  "TrafficLog",
  "TrafficPermission",
  "TrafficRoute",
  "TrafficTrace",
  "VirtualOutbound",
  // Kong Mesh.
  "MeshOPA",
  "MeshGlobalRateLimit",
  "OPAPolicy",
  "AccessAudit",
  "AccessRole",
  "AccessRoleBinding",
]);

/** `requestMirror` filter type of MeshHTTPRoute. */
export const REQUEST_MIRROR = "RequestMirror";

/** The TCP port Kuma 2.9 gives a 3-part legacy name (`TCPPortReserved`). */
export const TCP_PORT_RESERVED = 49151;

/** Kubernetes kinds the tool reads. */
export const K8S_KIND = {
  service: "Service",
  namespace: "Namespace",
  endpointSlice: "EndpointSlice",
  pod: "Pod",
  deployment: "Deployment",
  statefulSet: "StatefulSet",
  daemonSet: "DaemonSet",
  replicaSet: "ReplicaSet",
  job: "Job",
  cronJob: "CronJob",
} as const;

/** Kuma label keys (exact strings). */
export const LABEL = {
  mesh: "kuma.io/mesh",
  displayName: "kuma.io/display-name",
  origin: "kuma.io/origin",
  zone: "kuma.io/zone",
  env: "kuma.io/env",
  namespace: "k8s.kuma.io/namespace",
  serviceName: "k8s.kuma.io/service-name",
  isHeadlessService: "k8s.kuma.io/is-headless-service",
  managedBy: "kuma.io/managed-by",
  kdsSync: "kuma.io/kds-sync",
  workload: "kuma.io/workload",
  sidecarInjection: "kuma.io/sidecar-injection",
  zoneProxyType: "k8s.kuma.io/zone-proxy-type",
  service: "kuma.io/service",
  protocol: "kuma.io/protocol",
  statefulSetPodName: "statefulset.kubernetes.io/pod-name",
  podIndex: "apps.kubernetes.io/pod-index",
  endpointSliceServiceName: "kubernetes.io/service-name",
  deletionGracePeriodStartedAt: "kuma.io/deletion-grace-period-started-at",
} as const;

/** Kuma annotation keys (exact strings). */
export const ANNOTATION = {
  mesh: "kuma.io/mesh",
  displayName: "kuma.io/display-name",
  ignore: "kuma.io/ignore",
  gateway: "kuma.io/gateway",
  reachableBackends: "kuma.io/reachable-backends",
  transparentProxying: "kuma.io/transparent-proxying",
} as const;

/** Values of `kuma.io/managed-by`. */
export const MANAGED_BY = {
  k8sController: "k8s-controller",
  meshServiceGenerator: "meshservice-generator",
} as const;

/** Values of `kuma.io/origin`. */
export const ORIGIN = { zone: "zone", global: "global" } as const;

/** Values of `kuma.io/env`. */
export const ENV = { kubernetes: "kubernetes", universal: "universal" } as const;

/** `Mesh.spec.meshServices.mode` values (Kuma 2.x). */
export const MESH_SERVICES_MODES = [
  "Disabled",
  "Everywhere",
  "ReachableBackends",
  "Exclusive",
] as const;

/** A `Mesh.spec.meshServices.mode` value. */
export type MeshServicesMode = typeof MESH_SERVICES_MODES[number];

/** Migration stages: the `meshServices.mode` values a migration moves through. */
export const MIGRATION_STAGES = ["Everywhere", "ReachableBackends", "Exclusive"] as const;

/** A migration stage. */
export type MigrationStage = typeof MIGRATION_STAGES[number];

/** Mesh name the Kubernetes controller falls back to. */
export const DEFAULT_MESH = "default";

/** Zone name a control plane uses when `KUMA_MULTIZONE_ZONE_NAME` is unset. */
export const DEFAULT_ZONE = "default";

/** Kuma's control-plane system namespace on Kubernetes. */
export const DEFAULT_SYSTEM_NAMESPACE = "kuma-system";

/**
 * Kuma's "enabled" annotation parser (`GetEnabled`): case-sensitive.
 * Returns `undefined` for a value it rejects.
 */
export function parseEnabled(value: string): boolean | undefined {
  if (value === "enabled" || value === "true" || value === "yes") return true;
  if (value === "disabled" || value === "false" || value === "no") return false;
  return undefined;
}

/** Kuma's plain boolean annotation parser (`GetBoolean`): case-sensitive. */
export function parseBoolean(value: string): boolean | undefined {
  if (value === "true" || value === "yes") return true;
  if (value === "false" || value === "no") return false;
  return undefined;
}

// The DNS name rules live in src/model/dns.ts; these names stay for the steps that import them here.
export {
  /** DNS-1035 label (a label that starts with a letter), at most 63 characters. */
  isDns1035Label as isRfc1035Label,
  /** DNS-1123 label, at most 63 characters. */
  isDns1123Label as isRfc1123Label,
} from "./dns.ts";
