/**
 * Kuma versions the tool can emulate, and every rule that differs between
 * them. A rule that depends on the version asks this module, never compares
 * version strings itself.
 *
 * @module
 */

import { topLevelKinds } from "./acceptance.ts";

/** Kuma minor versions the tool emulates. */
export const KUMA_VERSIONS = ["2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "3.0"] as const;

/** A supported Kuma minor version. */
export type KumaVersion = typeof KUMA_VERSIONS[number];

/** Default `kumaVersion`. */
export const DEFAULT_KUMA_VERSION: KumaVersion = "2.14";

/** Version-dependent behaviour of Kuma, resolved once per run. */
export interface KumaFeatures {
  /** The version these features describe. */
  version: KumaVersion;
  /** Kuma 3.0 or later. */
  v3: boolean;
  /** `Mesh.spec.meshServices.mode` exists; `Disabled` (the default) turns generation off. */
  meshServicesMode: boolean;
  /** The mesh may also come from the deprecated `kuma.io/mesh` annotation. */
  meshAnnotation: boolean;
  /** `kuma.io/ignore` on a Service suppresses its MeshService (>= 2.10). */
  ignoreAnnotation: boolean;
  /** Services whose endpoint Pods carry `kuma.io/gateway` get no MeshService (>= 2.13). */
  delegatedGatewayCheck: boolean;
  /** Services labelled `k8s.kuma.io/zone-proxy-type` get no MeshService (>= 2.14). */
  zoneProxyLabel: boolean;
  /** `experimental.inboundTagsDisabled` (workload mode) can be switched on (>= 2.14). */
  inboundTagsDisabledFlag: boolean;
  /** The MeshService validator rejects `appProtocol` outside this list (case-insensitive). */
  validatedAppProtocols: readonly string[] | undefined;
  /** The webhook always overwrites `kuma.io/origin` and the display-name annotation (3.0); 2.x sets them when absent. */
  webhookForcesOrigin: boolean;
  /** Universal tag mode: `kuma.io/service` values must be RFC 1035 labels (>= 2.10); before, `^[0-9a-z.\-_]*$`. */
  universalRfc1035ServiceNames: boolean;
  /** Universal: the generator sets `kuma.io/zone` (>= 2.10). */
  universalZoneLabel: boolean;
  /** Universal: Dataplane inbounds have a `protocol` field that wins over the `kuma.io/protocol` tag (>= 2.14). */
  inboundProtocolField: boolean;
  /** Universal: protocols the generator accepts after lower-casing, else `tcp` (`undefined`: tag copied verbatim, 2.9-2.11). */
  universalProtocols: readonly string[] | undefined;
  /** MeshService names must be RFC 1035 labels (3.0); 2.x only limits them to 63 characters. */
  rfc1035MeshServiceNames: boolean;
  /**
   * HostnameGenerator templates must render to an RFC 1123 subdomain: the
   * validator renders them with stub values and generated hostnames are
   * checked (>= 2.14); before, templates were only parsed.
   */
  hostnameDnsCheck: boolean;
  /** HostnameGenerator `spec.extension.type` must be set when `extension` is (>= 2.11). */
  hostnameGeneratorExtension: boolean;
  /** MeshMultiZoneService `appProtocol` must be one of these, case-sensitive (`undefined`: unchecked, 2.9). */
  multiZoneServiceAppProtocols: readonly string[] | undefined;
  /** MeshMultiZoneService names must be RFC 1035 labels (3.0). */
  rfc1035MultiZoneServiceNames: boolean;
  /**
   * References: `to[].targetRef` names of 3 or 4 `_`-separated parts are translated
   * to display name + namespace (+ port), and routes fall back to `kuma.io/service`
   * (2.x, `rules/resolve/targetref.go: parseService`); 3.0 has labels only.
   */
  legacyReferences: boolean;
  /** `to[].targetRef` may combine `labels` and `sectionName` (>= 2.10; 2.9's validator forbids it). */
  labelsWithSectionName: boolean;
  /** A MeshService backendRef with `sectionName` (and no `port`) is a real-resource reference (>= 2.12). */
  backendRefSectionName: boolean;
  /** `to[].targetRef` `sectionName` filters ports by section name (>= 2.10); 2.9 uses it unchecked. */
  sectionNameFilters: boolean;
  /** A legacy name whose port matches no port of the MeshService drops it (>= 2.10); 2.9 keeps the whole MeshService. */
  legacyPortDrops: boolean;
  /** `requestMirror.backendRef` resolves MeshService references (3.0); 2.x mirrors only by `kuma.io/service`. */
  mirrorRealReferences: boolean;
  /** 3.0 adds the route's namespace to backendRef labels holding a display name but no namespace. */
  backendRefNamespaceDefault: boolean;
  /** Top-level `targetRef.kind: Dataplane` exists (>= 2.10). */
  dataplaneTargetRef: boolean;
  /** `to[]` items of kind MeshHTTPRoute make a policy a producer (>= 2.11). */
  routeProducerItems: boolean;
  /** Universal generator: leaves MeshServices whose `kuma.io/origin` is not `zone` alone (`IsLocalMeshService`, >= 2.14). */
  generatorLocalOnly: boolean;
  /** Universal generator: an update resets its own labels and keeps the others (`desiredLabels`, >= 2.14); before, labels stay. */
  generatorDesiredLabels: boolean;
}

/** Parses `2.14`, `2.14.3` or `v2.14.3` to a supported minor version. */
export function parseKumaVersion(value: string): KumaVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?$/.exec(value.trim());
  if (!match) return undefined;
  const minor = `${Number(match[1])}.${Number(match[2])}`;
  return (KUMA_VERSIONS as readonly string[]).includes(minor) ? minor as KumaVersion : undefined;
}

function atLeast(version: KumaVersion, minimum: KumaVersion): boolean {
  return KUMA_VERSIONS.indexOf(version) >= KUMA_VERSIONS.indexOf(minimum);
}

/** The rule set of one Kuma version. */
export function featuresOf(version: KumaVersion): KumaFeatures {
  const v3 = atLeast(version, "3.0");
  return {
    version,
    v3,
    meshServicesMode: !v3,
    meshAnnotation: !v3,
    ignoreAnnotation: atLeast(version, "2.10"),
    delegatedGatewayCheck: atLeast(version, "2.13"),
    zoneProxyLabel: atLeast(version, "2.14"),
    inboundTagsDisabledFlag: atLeast(version, "2.14"),
    validatedAppProtocols: v3 ? ["grpc", "http", "http2", "tcp"] : undefined,
    webhookForcesOrigin: v3,
    universalRfc1035ServiceNames: atLeast(version, "2.10"),
    universalZoneLabel: atLeast(version, "2.10"),
    inboundProtocolField: atLeast(version, "2.14"),
    universalProtocols: v3
      ? ["http", "http2", "grpc", "tcp", "tls", "mysql"]
      : atLeast(version, "2.12")
      ? ["http", "http2", "grpc", "tcp", "tls", "kafka", "mysql"]
      : undefined,
    rfc1035MeshServiceNames: v3,
    hostnameDnsCheck: atLeast(version, "2.14"),
    hostnameGeneratorExtension: atLeast(version, "2.11"),
    multiZoneServiceAppProtocols: v3
      ? ["grpc", "http", "http2", "tcp"]
      : atLeast(version, "2.10")
      ? ["grpc", "http", "http2", "kafka", "tcp"]
      : undefined,
    rfc1035MultiZoneServiceNames: v3,
    legacyReferences: !v3,
    labelsWithSectionName: atLeast(version, "2.10"),
    backendRefSectionName: atLeast(version, "2.12"),
    sectionNameFilters: atLeast(version, "2.10"),
    legacyPortDrops: atLeast(version, "2.10"),
    mirrorRealReferences: v3,
    backendRefNamespaceDefault: v3,
    dataplaneTargetRef: topLevelKinds(version).includes("Dataplane"),
    routeProducerItems: atLeast(version, "2.11"),
    generatorLocalOnly: atLeast(version, "2.14"),
    generatorDesiredLabels: atLeast(version, "2.14"),
  };
}
