/**
 * Which zone each input item belongs to. Without `zones` in the config the
 * whole input is one zone. With zones, an item belongs to the zone whose
 * `paths` prefix its file path or whose `labels` it carries; items no zone
 * claims belong to the global control plane (Meshes, HostnameGenerators,
 * MeshMultiZoneServices, MeshExternalServices, policies) and are visible in
 * every zone. Services and Dataplanes must belong to a zone.
 *
 * @module
 */

import type { Config, Environment, ZoneConfig } from "../config.ts";
import { fileOf, type KubeObject, type Result, stringAt, stringMap } from "../model/krm.ts";
import { K8S_KIND, KIND } from "../model/kuma.ts";
import { WORKLOAD_KINDS } from "../model/manifest.ts";
import { TOOL_ANNOTATION } from "../model/tool.ts";
import { REASON, resultAt } from "../results.ts";

/** One zone of the run and the items it holds. */
export interface ZonePlan {
  name: string;
  /** Configured environment; `undefined` means detect it from the items. */
  environment: Environment | undefined;
  /** The zone's own items plus the global items every zone sees. */
  items: KubeObject[];
  /** The zone's own items only. */
  own: KubeObject[];
}

/** The plan of a run. */
export interface ZoneLayout {
  /** True when the config lists zones (multizone view). */
  multizone: boolean;
  zones: ZonePlan[];
  /** Items no zone claims (global control plane) in multizone runs; empty otherwise. */
  global: KubeObject[];
  results: Result[];
}

/** Kinds that only exist in a zone: unclaimed ones are reported and ignored. */
const ZONE_ONLY_KINDS: ReadonlySet<string> = new Set([
  K8S_KIND.service,
  K8S_KIND.endpointSlice,
  K8S_KIND.pod,
  ...WORKLOAD_KINDS,
  KIND.dataplane,
  KIND.meshService,
]);

/** Assigns items to zones. */
export function planZones(items: readonly KubeObject[], config: Config): ZoneLayout {
  if (config.zones.length === 0) {
    return {
      multizone: false,
      zones: [{
        name: config.zone,
        environment: config.environment,
        items: [...items],
        own: [...items],
      }],
      global: [],
      results: [],
    };
  }
  const own = new Map(config.zones.map((z) => [z.name, [] as KubeObject[]]));
  const global: KubeObject[] = [];
  const results: Result[] = [];
  for (const item of items) {
    const zone = zoneOf(item, config.zones);
    if (zone) {
      own.get(zone.name)!.push(item);
    } else if (ZONE_ONLY_KINDS.has(String(item.kind))) {
      results.push(
        resultAt(item, {
          severity: "warning",
          message:
            `${item.kind} "${item.metadata?.name}" belongs to no zone, so no MeshService is derived from it: add its directory to a zone's paths (config zones)`,
          reason: REASON.noZone,
        }),
      );
    } else {
      global.push(item);
    }
  }
  const shared = global.filter((item) => !ZONE_ONLY_KINDS.has(String(item.kind)));
  return {
    multizone: true,
    zones: config.zones.map((z) => ({
      name: z.name,
      environment: z.environment,
      own: own.get(z.name)!,
      items: [...shared, ...own.get(z.name)!],
    })),
    global,
    results,
  };
}

/** The first zone (in config order) whose paths or labels claim the item. */
function zoneOf(item: KubeObject, zones: readonly ZoneConfig[]): ZoneConfig | undefined {
  const generatedIn = stringAt(item.metadata?.annotations, TOOL_ANNOTATION.zone);
  if (generatedIn !== undefined) return zones.find((zone) => zone.name === generatedIn);
  const path = fileOf(item)?.path;
  let labels: Record<string, string> | undefined; // read only when a zone selects by labels
  return zones.find((zone) =>
    (path !== undefined && zone.paths.some((prefix) => underPrefix(path, prefix))) ||
    (Object.keys(zone.labels).length > 0 &&
      Object.entries(zone.labels).every(([k, v]) =>
        (labels ??= stringMap(item.metadata?.labels))[k] === v
      ))
  );
}

/** Each path prefix without its `./` and trailing slashes, by prefix (the zones' few prefixes). */
const CLEAN_PREFIX = new Map<string, string>();

function underPrefix(path: string, prefix: string): boolean {
  let clean = CLEAN_PREFIX.get(prefix);
  if (clean === undefined) {
    clean = prefix.replace(/^\.\//, "").replace(/\/+$/, "");
    if (CLEAN_PREFIX.size < 1000) CLEAN_PREFIX.set(prefix, clean);
  }
  return clean === "" || path === clean || path.startsWith(`${clean}/`);
}
