/**
 * Every destination (MeshService, MeshMultiZoneService, MeshExternalService)
 * as each zone's control plane stores it, and Kuma's rules for resolving a
 * reference against that store, per version:
 * `to[].targetRef` (`rules/resolve/targetref.go: TargetRef`) and route
 * `backendRefs` (`resolve/backendref.go: BackendRef`, 2.x;
 * `api/common/v1alpha1/targetref.go: RealResourceSelector`, 3.0).
 *
 * @module
 */

import { isObject, type KubeObject } from "../model/krm.ts";
import { KIND, LABEL, TCP_PORT_RESERVED } from "../model/kuma.ts";
import { parseLegacyServiceName, sectionOf } from "../model/service_identity.ts";
import type { KumaFeatures } from "../model/version.ts";
import type { StoredResource, ZoneStores } from "../phases/zone_stores.ts";

/** A destination in one zone's store. */
export interface Destination {
  kind: string;
  /** Zone whose store holds this copy. */
  zone: string;
  /** Zone it was created in, or `global`. */
  createdIn: string;
  /** Stored `metadata.name`. */
  name: string;
  namespace?: string;
  mesh: string;
  labels: Readonly<Record<string, string>>;
  ports: readonly { name?: string; port: number }[];
  creationTime?: string;
  /** The object of the run it is a copy of. */
  object: KubeObject;
}

/** Destinations per zone, indexed by kind, mesh and display name. */
export interface DestinationIndex {
  zones: readonly string[];
  all(zone: string): readonly Destination[];
  /** The destinations of `kind` in `zone` and `mesh` shown under `displayName`. */
  byDisplayName(key: DisplayNameKey): readonly Destination[];
  /** The copy a zone stores under `kind`, `name` and `namespace`. */
  stored(key: StoredKey): Destination | undefined;
}

/** A display-name lookup: kind, mesh and display name in one zone's store. */
export interface DisplayNameKey {
  zone: string;
  kind: string;
  mesh: string;
  displayName: string;
}

/** A stored-name lookup: kind, `metadata.name` and namespace in one zone's store. */
export interface StoredKey {
  zone: string;
  kind: string;
  name: string;
  namespace: string | undefined;
}

/** The referencing object's identity, as name lookups use it (kuma-spec §6.2). */
export interface Origin {
  mesh: string;
  /** Its `kuma.io/zone` label: the zone it was created in, absent when created on global. */
  zoneLabel: string | undefined;
  /** Its `k8s.kuma.io/namespace`; absent on Universal. */
  namespace: string | undefined;
}

/** A reference's match: a destination and the port section it narrows to. */
export interface Match {
  destination: Destination;
  /** Section name, or `undefined` for the whole destination. */
  section: string | undefined;
}

/**
 * Builds the index from what every zone's store holds (the zone stores
 * phase); the global store is left out: references are resolved in zones.
 * Lookups go through nested maps (zone, kind, mesh or namespace, name), so
 * no key string is built per destination; the index by stored name is built
 * on its first use.
 */
export function buildDestinations(stores: ZoneStores): DestinationIndex {
  const zones = stores.zones.map((z) => z.name);
  const byZone = new Map<string, Destination[]>();
  const byName: KeyedIndex<Destination[]> = new Map();
  const portsByResource = new Map<StoredResource, Destination["ports"]>();
  for (const zone of stores.zones) {
    const list: Destination[] = [];
    byZone.set(zone.name, list);
    for (const { resource, view } of zone.entries) {
      let ports = portsByResource.get(resource);
      if (ports === undefined) portsByResource.set(resource, ports = portsOf(resource.object));
      const destination: Destination = {
        kind: resource.kind,
        zone: zone.name,
        createdIn: resource.createdIn,
        name: view.name,
        mesh: view.mesh,
        labels: view.labels,
        ports,
        object: resource.object,
      };
      if (view.namespace !== undefined) destination.namespace = view.namespace;
      if (view.creationTime !== undefined) destination.creationTime = view.creationTime;
      list.push(destination);
      const named = slot(byName, { zone: zone.name, kind: resource.kind, scope: view.mesh });
      const display = view.labels[LABEL.displayName] ?? view.name;
      const same = named.get(display);
      if (same) same.push(destination);
      else named.set(display, [destination]);
    }
  }
  let byStoredName: KeyedIndex<Destination> | undefined;
  const storedIndex = (): KeyedIndex<Destination> => {
    if (byStoredName) return byStoredName;
    byStoredName = new Map();
    for (const list of byZone.values()) {
      for (const d of list) {
        const names = slot(byStoredName, { zone: d.zone, kind: d.kind, scope: d.namespace ?? "" });
        if (!names.has(d.name)) names.set(d.name, d);
      }
    }
    return byStoredName;
  };
  return {
    zones,
    all: (zone) => byZone.get(zone) ?? [],
    byDisplayName: ({ zone, kind, mesh, displayName }) =>
      byName.get(zone)?.get(kind)?.get(mesh)?.get(displayName) ?? [],
    stored: ({ zone, kind, name, namespace }) =>
      storedIndex().get(zone)?.get(kind)?.get(namespace ?? "")?.get(name),
  };
}

/** Zone, kind, then mesh (display names) or namespace (stored names), then name. */
type KeyedIndex<T> = Map<string, Map<string, Map<string, Map<string, T>>>>;

/** The innermost map of `index` for a zone, kind and scope, created when missing. */
function slot<T>(
  index: KeyedIndex<T>,
  at: { zone: string; kind: string; scope: string },
): Map<string, T> {
  let kinds = index.get(at.zone);
  if (!kinds) index.set(at.zone, kinds = new Map());
  let scopes = kinds.get(at.kind);
  if (!scopes) kinds.set(at.kind, scopes = new Map());
  let names = scopes.get(at.scope);
  if (!names) scopes.set(at.scope, names = new Map());
  return names;
}

/** Ports of a destination object (MeshService and MeshMultiZoneService `spec.ports`, MeshExternalService `spec.match`). */
function portsOf(object: KubeObject): { name?: string; port: number }[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const raw = object.kind === KIND.meshExternalService
    ? (isObject(spec.match) ? [spec.match] : [])
    : Array.isArray(spec.ports)
    ? spec.ports
    : [];
  const ports: { name?: string; port: number }[] = [];
  for (const p of raw) {
    if (!isObject(p) || typeof p.port !== "number") continue;
    ports.push(typeof p.name === "string" ? { name: p.name, port: p.port } : { port: p.port });
  }
  return ports;
}

/** A label selection: destinations of `kind` in `zone` and `mesh` whose labels contain every pair of `selector`. */
export interface LabelSelection {
  zone: string;
  kind: string;
  mesh: string;
  selector: Readonly<Record<string, string>>;
}

/** Destinations of `kind` in `zone` and `mesh` whose labels contain every pair. */
export function selectByLabels(
  index: DestinationIndex,
  { zone, kind, mesh, selector }: LabelSelection,
): Destination[] {
  const display = selector[LABEL.displayName];
  const candidates = display !== undefined
    ? index.byDisplayName({ zone, kind, mesh, displayName: display })
    : index.all(zone).filter((d) => d.kind === kind && d.mesh === mesh);
  return candidates.filter((d) =>
    Object.entries(selector).every(([key, value]) => d.labels[key] === value)
  );
}

/** A name selection: a `name` (and `namespace`) reference of `kind` in `zone`, from `origin`. */
export interface NameSelection {
  zone: string;
  kind: string;
  origin: Origin;
  name: string;
  namespace: string | undefined;
}

/** Kuma's identity lookup of a `name` reference relative to the referencing object (2.x). */
export function selectByName(
  index: DestinationIndex,
  { zone, kind, origin, name, namespace }: NameSelection,
): Destination[] {
  const wantedNamespace = namespace !== undefined && namespace !== ""
    ? namespace
    : origin.namespace;
  return index.byDisplayName({ zone, kind, mesh: origin.mesh, displayName: name }).filter((d) =>
    d.labels[LABEL.zone] === origin.zoneLabel &&
    d.labels[LABEL.namespace] === wantedNamespace
  );
}

/** A reference map's fields, read leniently. */
export interface RefFields {
  kind: string;
  name: string | undefined;
  namespace: string | undefined;
  labels: Record<string, string> | undefined;
  sectionName: string | undefined;
  port: number | undefined;
}

/** Reads the fields of a reference map. */
export function refFields(ref: Readonly<Record<string, unknown>>): RefFields {
  const labels = isObject(ref.labels)
    ? Object.fromEntries(
      Object.entries(ref.labels).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>
    : undefined;
  return {
    kind: typeof ref.kind === "string" ? ref.kind : "",
    name: typeof ref.name === "string" && ref.name !== "" ? ref.name : undefined,
    namespace: typeof ref.namespace === "string" && ref.namespace !== ""
      ? ref.namespace
      : undefined,
    labels: labels && Object.keys(labels).length > 0 ? labels : undefined,
    sectionName: typeof ref.sectionName === "string" && ref.sectionName !== ""
      ? ref.sectionName
      : typeof ref.sectionName === "number"
      ? String(ref.sectionName)
      : undefined,
    port: typeof ref.port === "number" ? ref.port : undefined,
  };
}

/** True when a 2.x `to[]` entry goes through Kuma's legacy-name translation. */
export function isLegacyTranslated(ref: RefFields, features: KumaFeatures): boolean {
  return features.legacyReferences && ref.kind === KIND.meshService &&
    ref.sectionName === undefined && ref.name !== undefined &&
    parseLegacyServiceName(ref.name) !== undefined;
}

/** A reference to resolve: its fields, the zone, the referencing object and the version rules. */
export interface RefLookup {
  zone: string;
  ref: RefFields;
  origin: Origin;
  features: KumaFeatures;
}

/** Resolves a `to[].targetRef` in one zone (kuma-spec §6.3, version rules). */
export function resolveTo(
  index: DestinationIndex,
  { zone, ref, origin, features }: RefLookup,
): Match[] {
  if (isLegacyTranslated(ref, features)) {
    const legacy = parseLegacyServiceName(ref.name!)!;
    const found = selectByLabels(index, {
      zone,
      kind: ref.kind,
      mesh: origin.mesh,
      selector: { [LABEL.displayName]: legacy.name, [LABEL.namespace]: legacy.namespace },
    });
    const port = legacy.port ?? (features.legacyPortDrops ? undefined : TCP_PORT_RESERVED);
    if (port === undefined) {
      return found.map((destination) => ({ destination, section: undefined }));
    }
    return found.flatMap((destination): Match[] => {
      const hit = destination.ports.find((p) => p.port === port);
      if (hit) return [{ destination, section: sectionOf(hit) }];
      return features.legacyPortDrops ? [] : [{ destination, section: undefined }];
    });
  }
  let found: Destination[];
  if (ref.labels !== undefined) {
    found = selectByLabels(index, {
      zone,
      kind: ref.kind,
      mesh: origin.mesh,
      selector: ref.labels,
    });
  } else if (ref.name !== undefined && features.legacyReferences) {
    found = selectNamed(index, { zone, ref, origin, features }, ref.name);
  } else {
    return [];
  }
  if (ref.sectionName === undefined) {
    return found.map((destination) => ({ destination, section: undefined }));
  }
  if (!features.sectionNameFilters) {
    return found.map((destination) => ({ destination, section: ref.sectionName }));
  }
  return found.filter((d) => d.ports.some((p) => sectionOf(p) === ref.sectionName))
    .map((destination) => ({ destination, section: ref.sectionName }));
}

/** The destinations `name` (with the ref's kind and namespace) selects in one zone. */
function selectNamed(index: DestinationIndex, lookup: RefLookup, name: string): Destination[] {
  const { zone, ref, origin } = lookup;
  return selectByName(index, { zone, kind: ref.kind, origin, name, namespace: ref.namespace });
}

/** The outcome of resolving a real-resource backendRef. */
export interface BackendMatch {
  /** What Kuma picks (at most one). */
  match: Match | undefined;
  /** Every destination the selector matched, when several (Kuma takes the oldest). */
  contenders: Destination[];
  /** Why nothing matched, when nothing did. */
  problem?: string;
}

/**
 * Resolves a real-resource backendRef in one zone (kuma-spec §6.4): labels
 * pick the oldest match, names go through the identity lookup, then the
 * port must exist.
 */
export function resolveBackend(
  index: DestinationIndex,
  { zone, ref, origin, features }: RefLookup,
): BackendMatch {
  let found: Destination[];
  if (ref.labels !== undefined) {
    let selector = ref.labels;
    if (
      features.backendRefNamespaceDefault && selector[LABEL.displayName] !== undefined &&
      selector[LABEL.namespace] === undefined && origin.namespace !== undefined
    ) {
      selector = { ...selector, [LABEL.namespace]: origin.namespace };
    }
    found = selectByLabels(index, { zone, kind: ref.kind, mesh: origin.mesh, selector });
  } else if (ref.name !== undefined && features.legacyReferences) {
    found = selectNamed(index, { zone, ref, origin, features }, ref.name);
  } else {
    return { match: undefined, contenders: [], problem: "it selects nothing" };
  }
  if (found.length === 0) {
    return { match: undefined, contenders: [], problem: "no destination matches it" };
  }
  const sorted = [...found].sort(compareAge);
  const destination = sorted[0]!;
  const contenders = found.length > 1 ? sorted : [];
  if (ref.kind === KIND.meshExternalService) {
    return { match: { destination, section: undefined }, contenders };
  }
  const wanted = features.backendRefSectionName && ref.sectionName !== undefined
    ? ref.sectionName
    : ref.port !== undefined
    ? String(ref.port)
    : undefined;
  if (wanted === undefined) {
    if (destination.ports.length === 1 && features.v3) {
      return { match: { destination, section: sectionOf(destination.ports[0]!) }, contenders };
    }
    return { match: undefined, contenders, problem: "it names no port" };
  }
  const port = destination.ports.find((p) => p.name === wanted || String(p.port) === wanted);
  if (!port) {
    return {
      match: undefined,
      contenders,
      problem: `${destination.kind} "${destination.name}" has no port ${wanted}`,
    };
  }
  return { match: { destination, section: sectionOf(port) }, contenders };
}

/** Oldest first; unknown creation times last; then by name for a stable order. */
function compareAge(a: Destination, b: Destination): number {
  const ta = a.creationTime ?? "\uffff";
  const tb = b.creationTime ?? "\uffff";
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.createdIn}\u0000${a.namespace ?? ""}\u0000${a.name}`;
  const kb = `${b.createdIn}\u0000${b.namespace ?? ""}\u0000${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
