/**
 * The public types of the configuration: `Config` and `ConfigInput` are
 * written out for the library's documentation (`deno doc --lint` wants named,
 * public types) and checked by the compiler against the types derived from
 * the key declarations (src/config/parse.ts): a key added to
 * src/config/keys.ts does not compile until it has its field here.
 *
 * @module
 */

import type { MeshServicesMode, MigrationStage } from "../model/kuma.ts";
import type { KumaVersion } from "../model/version.ts";

/** Zone environments. */
export type Environment = "kubernetes" | "universal";

/** What happens to generated MeshServices. */
export type MeshServiceOutput = "preview" | "apply" | "none";

/** How rewritten references name a MeshService. */
export type ReferenceStyle = "name" | "labels";

/** What a reference to a service that exists in several zones becomes. */
export type CrossZoneChoice = "multiZoneService" | "local" | "keep";

/** A Mesh the configuration declares for repos that do not contain it. */
export interface AssumedMesh {
  /** The Mesh's name. */
  name: string;
  /** Its `spec.meshServices.mode`. */
  mode: MeshServicesMode;
}

/** One zone of a multizone deployment and where its manifests are. */
export interface ZoneConfig {
  /** Zone name (`KUMA_MULTIZONE_ZONE_NAME`). */
  name: string;
  /** `kubernetes` or `universal`. */
  environment: Environment;
  /** Package-relative path prefixes of the zone's files (`clusters/east/`). */
  paths: string[];
  /** Labels that mark an item as the zone's (every pair must match). */
  labels: Record<string, string>;
}

/** A HostnameGenerator to render from the catalogue in `templates/hostname-generators/`. */
export interface HostnameGeneratorRequest {
  /** Catalogue entry name. */
  preset: string;
  /** Name of the emitted generator (default: the preset, suffixed with the mesh when one is set). */
  name?: string;
  /** Restrict the generator to one mesh (adds `kuma.io/mesh` to its selector). */
  mesh?: string;
}

/** A MeshMultiZoneService to generate. */
export interface MeshMultiZoneServiceRequest {
  /** Its name. */
  name: string;
  /** Its Mesh. */
  mesh: string;
  /** `spec.selector.meshService.matchLabels`. */
  matchLabels: Record<string, string>;
  /** `spec.ports`: a port, and optionally its name and `appProtocol`. */
  ports: { port: number; name?: string; appProtocol?: string }[];
}

/** Resolved configuration, every field set. */
export interface Config {
  /** Kuma minor version whose rules apply. */
  kumaVersion: KumaVersion;
  /** Zone name (`KUMA_MULTIZONE_ZONE_NAME`). */
  zone: string;
  /** Zone environment; `undefined` means detect it from the input. */
  environment: Environment | undefined;
  /** Kuma 2.14's `experimental.inboundTagsDisabled` (workload mode). */
  inboundTagsDisabled: boolean;
  /** What to emit; `undefined` means the environment's default. */
  meshServiceOutput: MeshServiceOutput | undefined;
  /** Kuma's system namespace. */
  systemNamespace: string;
  /** Meshes assumed to exist when the input holds no Mesh of that name. */
  assumeMeshes: AssumedMesh[];
  /** Namespaces assumed labelled `kuma.io/sidecar-injection: enabled` when absent from the input. */
  assumeInjectedNamespaces: "*" | string[];
  /** File layout of generated items. */
  outputPath: string;
  /** Zones of a multizone deployment; empty means one zone, {@link Config.zone}. */
  zones: ZoneConfig[];
  /** Environment of the global control plane (its store decides synced names). */
  globalEnvironment: Environment;
  /** HostnameGenerators to render from the catalogue. */
  hostnameGenerators: HostnameGeneratorRequest[];
  /** Kuma's `defaults.skipHostnameGenerators`: no default generators exist. */
  skipDefaultHostnameGenerators: boolean;
  /** MeshMultiZoneServices to generate. */
  meshMultiZoneServices: MeshMultiZoneServiceRequest[];
  /** Generate a MeshMultiZoneService for every service present in at least this many zones. */
  multiZoneServicesFromZones: number | undefined;
  /** True when `zone` or `zones` was given: references may pin `kuma.io/zone`. */
  zoneKnown: boolean;
  /** How rewritten references name MeshServices; `undefined` means the version's default. */
  referenceStyle: ReferenceStyle | undefined;
  /** Migration stage to set on Meshes; `undefined` leaves Meshes alone. */
  migrationStage: MigrationStage | undefined;
  /**
   * Per service (legacy `kuma.io/service` value or display name), or `*`, what a
   * reference to a service present in several zones becomes.
   */
  crossZoneReferences: Record<string, CrossZoneChoice>;
  /** Workloads (`namespace/name`, Universal Dataplane `name`, `*` wildcards) that get reachable backends. */
  reachableBackendsFor: string[];
  /** Add `appProtocol` to Service ports whose protocol annotation MeshService mode would drop. */
  fixAppProtocol: boolean;
  /** Directory mode: globs (relative to the directory) of files and folders not to read. */
  exclude: string[];
}

/**
 * The typed configuration a library caller passes to `render(items, config)`:
 * the fields of the `RenderMeshServices` kind, every one optional. Values are
 * validated exactly as in a functionConfig; an invalid value is an error
 * result, never an exception.
 */
export interface ConfigInput {
  /** Kuma version whose rules apply, e.g. `"2.14"` or `"3.0"`. */
  kumaVersion?: string;
  /** The zone's name. */
  zone?: string;
  /** `kubernetes`, `universal` or `auto` (detect). */
  environment?: Environment | "auto";
  /** Kuma 2.14's `experimental.inboundTagsDisabled`. */
  inboundTagsDisabled?: boolean;
  /** What is emitted: `preview`, `apply` or `none`. */
  meshServiceOutput?: MeshServiceOutput;
  /** Kuma's system namespace. */
  systemNamespace?: string;
  /** `name[:mode]` entries of Meshes assumed to exist. */
  assumeMeshes?: string | string[];
  /** Namespaces assumed injected: `*`, `none` or names. */
  assumeInjectedNamespaces?: string | string[];
  /** File layout of generated items. */
  outputPath?: string;
  /** The zones of a multizone deployment. */
  zones?: (string | {
    name: string;
    environment: Environment;
    paths?: string[];
    labels?: Record<string, string>;
  })[];
  /** Store of the global control plane. */
  globalEnvironment?: Environment;
  /** HostnameGenerators to render from the catalogue. */
  hostnameGenerators?: (string | { preset: string; name?: string; mesh?: string })[];
  /** Preview without Kuma's default HostnameGenerators. */
  skipDefaultHostnameGenerators?: boolean;
  /** MeshMultiZoneServices to generate. */
  meshMultiZoneServices?: {
    name: string;
    mesh?: string;
    matchLabels: Record<string, string>;
    ports: { port: number; name?: string; appProtocol?: string }[];
  }[];
  /** Generate a MeshMultiZoneService for services present in this many zones. */
  multiZoneServicesFromZones?: number;
  /** How rewritten references name MeshServices. */
  referenceStyle?: ReferenceStyle;
  /** Migration stage to set on every Mesh. */
  migrationStage?: MigrationStage;
  /** What a reference to a service present in several zones becomes. */
  crossZoneReferences?: CrossZoneChoice | Record<string, CrossZoneChoice>;
  /** Workloads that get reachable backends. */
  reachableBackendsFor?: string | string[];
  /** Add `appProtocol` to Service ports that have only the protocol annotation. */
  fixAppProtocol?: boolean;
  /** Directory mode: globs of files and folders not to read (`charts/**`, `**\/openapi.yaml`). */
  exclude?: string | string[];
}
