/**
 * A small multi-zone world for the reference step's table tests: MeshServices
 * (and MeshMultiZoneServices) as each zone's store holds them after KDS sync,
 * the legacy index generation would build for them, and referrers.
 *
 * A MeshService created in a zone is stored there under its own name and
 * namespace, and in every other zone as a synced copy in the system namespace
 * with `kuma.io/origin: zone` and the `kuma.io/zone` it came from
 * (kuma-spec §5, KDS sync). A MeshMultiZoneService is created on global and
 * stored in every zone.
 */

import { type Config, DEFAULT_CONFIG, type ReferenceStyle } from "../src/config.ts";
import type { KubeObject } from "../src/model/krm.ts";
import { KIND, LABEL } from "../src/model/kuma.ts";
import { buildLegacyIndex, kubernetesServiceTag } from "../src/model/service_identity.ts";
import { featuresOf, type KumaVersion } from "../src/model/version.ts";
import { buildDestinations } from "../src/steps/destinations.ts";
import type { StoredResource, ZoneStores } from "../src/phases/zone_stores.ts";
import type { StoredView } from "../src/steps/sync.ts";
import type { ReferenceContext, Referrer } from "../src/steps/references.ts";

/** A destination of the world. */
export interface ServiceRow {
  name: string;
  /** Default `kuma-demo`. */
  namespace?: string;
  /** Zone it is created in (default `east`); MeshMultiZoneServices are created on global. */
  zone?: string;
  ports: { name?: string; port: number }[];
  kind?: typeof KIND.meshService | typeof KIND.meshMultiZoneService;
  /** `kuma.io/service` values per port; default `<name>_<namespace>_svc_<port>`; `[]`: none (hand-written). */
  legacy?: string[];
  /** MeshService `spec.selector.dataplaneTags`. */
  selector?: Record<string, string>;
  /** MeshMultiZoneService `spec.selector.meshService.matchLabels`. */
  matchLabels?: Record<string, string>;
}

/** Options of {@link world}. */
export interface WorldOptions {
  zones?: string[];
  version?: KumaVersion;
  style?: ReferenceStyle;
  config?: Partial<Config>;
}

const SYSTEM = "kuma-system";

function objectOf(row: ServiceRow, namespace: string): KubeObject {
  const kind = row.kind ?? KIND.meshService;
  const spec: Record<string, unknown> = { ports: row.ports };
  if (row.selector) spec.selector = { dataplaneTags: row.selector };
  if (row.matchLabels) spec.selector = { meshService: { matchLabels: row.matchLabels } };
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind,
    metadata: kind === KIND.meshService ? { name: row.name, namespace } : { name: row.name },
    spec,
  };
}

/** One row as a stored resource and, per zone, the view that zone's store holds of it. */
function viewsOf(
  row: ServiceRow,
  zones: readonly string[],
): { resource: StoredResource; views: StoredView[] } {
  const namespace = row.namespace ?? "kuma-demo";
  const object = objectOf(row, namespace);
  const view = (
    fields: Pick<StoredView, "kind" | "name" | "namespace" | "labels">,
  ): StoredView => ({
    ...fields,
    coreName: row.name,
    nameExtension: fields.name,
    mesh: "default",
    creationTime: undefined,
  });
  if (row.kind === KIND.meshMultiZoneService) {
    const kind = KIND.meshMultiZoneService;
    const labels = { [LABEL.displayName]: row.name, [LABEL.origin]: "global" };
    return {
      resource: { kind, object, createdIn: "global" },
      views: zones.map(() => view({ kind, name: `${row.name}-synced`, namespace: SYSTEM, labels })),
    };
  }
  const home = row.zone ?? "east";
  const labels = {
    [LABEL.displayName]: row.name,
    [LABEL.namespace]: namespace,
    [LABEL.zone]: home,
    [LABEL.origin]: "zone",
  };
  const kind = KIND.meshService;
  return {
    resource: { kind, object, createdIn: home },
    views: zones.map((zone) =>
      view({
        kind,
        name: zone === home ? row.name : `${row.name}-synced`,
        namespace: zone === home ? namespace : SYSTEM,
        labels,
      })
    ),
  };
}

/** Every zone's store for a world of `rows` (Kubernetes zones, rows in the given order). */
function storesOf(rows: readonly ServiceRow[], zones: readonly string[]): ZoneStores {
  const stored = rows.map((row) => viewsOf(row, zones));
  return {
    resources: stored.map((s) => s.resource),
    zones: zones.map((name, z) => ({
      name,
      environment: "kubernetes",
      entries: stored.map(({ resource, views }) => ({ resource, view: views[z]! })),
      generators: [],
    })),
    renderedGenerators: [],
    multiZoneServices: [],
  };
}

/** The reference step's context for a world of `rows`. */
export function world(rows: readonly ServiceRow[], options: WorldOptions = {}): ReferenceContext {
  const zones = options.zones ?? ["east"];
  const features = featuresOf(options.version ?? "2.14");
  const config: Config = { ...DEFAULT_CONFIG, ...options.config };
  const legacy = buildLegacyIndex(
    rows.filter((r) => (r.kind ?? KIND.meshService) === KIND.meshService).map((row) => {
      const namespace = row.namespace ?? "kuma-demo";
      return {
        zone: row.zone ?? "east",
        mesh: "default",
        name: row.name,
        namespace,
        displayName: row.name,
        ports: row.ports,
        legacyServices: row.legacy ??
          row.ports.map((p) => kubernetesServiceTag(row.name, namespace, p.port)),
      };
    }),
  );
  return {
    features,
    config,
    style: options.style ?? (features.v3 ? "labels" : "name"),
    multizone: zones.length > 1,
    destinations: buildDestinations(storesOf(rows, zones)),
    legacy,
  };
}

/** A policy of kind `kind` with `spec`, created in `zone` (or on global, evaluated in `zones`). */
export function referrer(
  kind: string,
  spec: Record<string, unknown>,
  where: { zone?: string; zones?: string[]; namespace?: string } = {},
): Referrer {
  const zone = where.zone ?? "east";
  const namespace = where.namespace ?? "kuma-demo";
  return {
    object: {
      apiVersion: "kuma.io/v1alpha1",
      kind,
      metadata: { name: "policy", namespace },
      spec,
    },
    createdIn: zone,
    zones: zone === "global" ? (where.zones ?? ["east"]) : [zone],
    origin: {
      mesh: "default",
      zoneLabel: zone === "global" ? undefined : zone,
      namespace,
    },
    path: undefined,
  };
}
