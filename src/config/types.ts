/**
 * The value types of resolved configuration fields.
 *
 * @module
 */

import type { MeshServicesMode } from "../model/kuma.ts";

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
