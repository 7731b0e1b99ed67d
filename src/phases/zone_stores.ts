/**
 * Phase 4, zone stores: what each control plane's store holds. Every
 * destination of the run (each zone's generated and input MeshServices,
 * MeshMultiZoneServices and MeshExternalServices, and the ones created on
 * global) with its view on global and in every zone after KDS sync
 * (`sync.ts`), the HostnameGenerators of the run, and the
 * MeshMultiZoneServices the config asks for. The hostname and reference
 * phases both read these stores; neither recomputes them.
 *
 * @module
 */

import type { Config, Environment } from "../config.ts";
import type { TargetKind } from "../model/hostname_generator.ts";
import { isOwned } from "../model/inventory.ts";
import type { KubeObject, Result } from "../model/krm.ts";
import { KIND } from "../model/kuma.ts";
import type { MeshServicePort } from "../model/mesh_service.ts";
import type { KumaFeatures } from "../model/version.ts";
import {
  generatorInZone,
  type GeneratorRecord,
  generatorRecordsOf,
  renderConfiguredGenerators,
  type TemplateValidator,
} from "../steps/generators.ts";
import type { GeneratorView } from "../model/hostname_generator.ts";
import { generateMultiZoneServices, type ZoneMeshService } from "../steps/multizone_services.ts";
import { checkInputMultiZoneServices } from "../steps/multizone_validation.ts";
import {
  coreView,
  globalCreatedView,
  globalToZone,
  kdsSyncDisabled,
  type StoredView,
  withZoneCreatedLabels,
  zoneToGlobal,
} from "../steps/sync.ts";
import type { ZoneLayout } from "../steps/zones.ts";
import type { DerivedZone } from "./zones.ts";

/** A destination of the run: one resource, wherever it is stored. */
export interface StoredResource {
  kind: TargetKind;
  /** The object (generated or input) of the run. */
  object: KubeObject;
  /** Zone it was created in, or `global`. */
  createdIn: string;
  /** Its copy on the global control plane when KDS syncs it there from its zone (multizone runs). */
  onGlobal?: StoredView;
}

/** One resource as a zone's store holds it. */
export interface StoreEntry {
  resource: StoredResource;
  view: StoredView;
}

/** A generator as a zone's store holds it, with the run's record of it. */
export interface StoredGenerator {
  view: GeneratorView;
  record: GeneratorRecord;
}

/** What one zone's store holds. */
export interface ZoneStore {
  name: string;
  environment: Environment;
  /** Every destination in the store, in the run's order: zone-created ones (zones in config order), then global-created. */
  entries: StoreEntry[];
  /** The valid HostnameGenerators in the store. */
  generators: StoredGenerator[];
}

/** Every store of the run. */
export interface ZoneStores {
  /** Every destination, in the run's order (each zone's, then the global ones). */
  resources: StoredResource[];
  /** The zones' stores, in config order. */
  zones: ZoneStore[];
  /** HostnameGenerators rendered from config (emitted). */
  renderedGenerators: KubeObject[];
  /** MeshMultiZoneServices generated from config (emitted). */
  multiZoneServices: KubeObject[];
}

/** Inputs of {@link zoneStoresPhase}. */
export interface ZoneStoresInput {
  config: Config;
  features: KumaFeatures;
  configObject: KubeObject | undefined;
  layout: ZoneLayout;
  zones: readonly DerivedZone[];
  validateTemplate: TemplateValidator;
}

/** Builds every store of the run. */
export function zoneStoresPhase(input: ZoneStoresInput): { stores: ZoneStores; results: Result[] } {
  const { config, features, layout, zones } = input;
  const generatorStore = layout.multizone ? config.globalEnvironment : zones[0]!.environment;
  const generators = renderConfiguredGenerators(config, input.configObject, generatorStore);
  const multiZone = generateMultiZoneServices({
    config,
    features,
    zoneServices: config.multiZoneServicesFromZones === undefined
      ? []
      : zones.flatMap((z) => zoneMeshServices(z)),
    configObject: input.configObject,
  });
  // Input MeshMultiZoneServices Kuma's validator rejects are never stored: not previewed, not resolved.
  const inputMultiZone = checkInputMultiZoneServices([
    ...zones.map((z) => ({ environment: z.environment, items: z.own })),
    { environment: config.globalEnvironment, items: layout.multizone ? layout.global : [] },
  ], features);
  const stored = (object: KubeObject) => !inputMultiZone.rejected.has(object);
  const contents: StoreContents = {
    config,
    multizone: layout.multizone,
    zones: zones.map((z) => ({
      name: z.name,
      environment: z.environment,
      meshServices: z.step.meshServices,
      own: z.own.map((o) => z.updates.get(o)?.to ?? o).filter(stored),
    })),
    global: layout.global.filter(stored),
    multiZoneServices: multiZone.objects,
  };
  const records = generatorRecordsOf({
    config,
    features,
    validateTemplate: input.validateTemplate,
    multizone: layout.multizone,
    rendered: generators.objects,
    global: contents.global,
    zones: contents.zones,
  });
  return {
    stores: {
      ...buildStores(contents, records.records),
      renderedGenerators: generators.objects,
      multiZoneServices: multiZone.objects,
    },
    results: [
      ...generators.results,
      ...multiZone.results,
      ...inputMultiZone.results,
      ...records.results,
    ],
  };
}

/** What the stores are built from. */
interface StoreContents {
  config: Config;
  multizone: boolean;
  zones: readonly {
    name: string;
    environment: Environment;
    /** MeshServices derived in the zone and when Kuma would create them. */
    meshServices: readonly { object: KubeObject; creationTime?: string | undefined }[];
    /** The zone's own stored items. */
    own: readonly KubeObject[];
  }[];
  /** Items the global control plane stores (multizone runs). */
  global: readonly KubeObject[];
  /** MeshMultiZoneServices generated from config. */
  multiZoneServices: readonly KubeObject[];
}

type ZoneContents = StoreContents["zones"][number];

/** A zone-created resource with its view in its own zone. */
interface Local {
  resource: StoredResource;
  zone: ZoneContents;
  view: StoredView;
}

function buildStores(
  contents: StoreContents,
  records: readonly GeneratorRecord[],
): Pick<ZoneStores, "resources" | "zones"> {
  const { config } = contents;
  const global = { environment: config.globalEnvironment, systemNamespace: config.systemNamespace };
  const locals = contents.zones.flatMap((zone) => localsOf(zone));
  const globals = globalsOf(contents, global);
  // Global views: zone resources synced up, and global-created ones.
  const globalViews = new Map<StoredResource, StoredView>();
  if (contents.multizone) {
    for (const local of locals) {
      if (kdsSyncDisabled(local.view)) continue;
      const up = zoneToGlobal(local.view, local.zone, global);
      globalViews.set(local.resource, up);
      local.resource.onGlobal = up;
    }
  }
  for (const g of globals) globalViews.set(g.resource, g.view);
  const zones = contents.zones.map((zone): ZoneStore => {
    const store = { environment: zone.environment, systemNamespace: config.systemNamespace };
    const entries: StoreEntry[] = [];
    for (const local of locals) {
      if (local.zone === zone) {
        entries.push({ resource: local.resource, view: local.view });
      } else if (globalViews.has(local.resource)) {
        const view = globalToZone(globalViews.get(local.resource)!, global, store);
        entries.push({ resource: local.resource, view });
      }
    }
    for (const g of globals) {
      if (kdsSyncDisabled(g.view)) continue;
      entries.push({ resource: g.resource, view: globalToZone(g.view, global, store) });
    }
    const generators = records.flatMap((record) => {
      const view = generatorInZone(record, zone, config);
      return view === undefined ? [] : [{ view, record }];
    });
    return { name: zone.name, environment: zone.environment, entries, generators };
  });
  return {
    resources: [...locals.map((l) => l.resource), ...globals.map((g) => g.resource)],
    zones,
  };
}

/** A zone's destinations: its MeshServices, then its own input destinations. */
function localsOf(zone: ZoneContents): Local[] {
  const locals: Local[] = [];
  const options = { environment: zone.environment, meshScoped: true };
  for (const ms of zone.meshServices) {
    const view = coreView(ms.object, { ...options, kind: "MeshService" });
    if (ms.creationTime !== undefined) view.creationTime = ms.creationTime;
    const resource = { kind: "MeshService" as const, object: ms.object, createdIn: zone.name };
    locals.push({ resource, zone, view });
  }
  for (const item of zone.own) {
    if (isOwned(item)) continue;
    const kind = destinationKind(item);
    if (!kind) continue;
    const view = withZoneCreatedLabels(coreView(item, { ...options, kind }), zone);
    locals.push({ resource: { kind, object: item, createdIn: zone.name }, zone, view });
  }
  return locals;
}

/** Destinations created on global: the generated MeshMultiZoneServices, then the global items. */
function globalsOf(
  contents: StoreContents,
  global: { environment: Environment; systemNamespace: string },
): { resource: StoredResource; view: StoredView }[] {
  const rendered = new Set(contents.multiZoneServices);
  const objects = [...contents.multiZoneServices, ...(contents.multizone ? contents.global : [])];
  return objects.flatMap((object) => {
    if (isOwned(object) && !rendered.has(object)) return [];
    const kind = destinationKind(object);
    if (!kind || kind === "MeshService") return [];
    const view = globalCreatedView(object, global, { kind, meshScoped: true });
    return [{ resource: { kind, object, createdIn: "global" }, view }];
  });
}

/** The destination kind of an input item, or `undefined`. */
function destinationKind(object: KubeObject): TargetKind | undefined {
  switch (object.kind) {
    case KIND.meshService:
      return "MeshService";
    case KIND.meshMultiZoneService:
      return "MeshMultiZoneService";
    case KIND.meshExternalService:
      return "MeshExternalService";
    default:
      return undefined;
  }
}

/** The zone's MeshServices as the auto MeshMultiZoneService mode groups them. */
function zoneMeshServices(zone: DerivedZone): ZoneMeshService[] {
  const options = { kind: "MeshService" as const, environment: zone.environment, meshScoped: true };
  return zone.step.meshServices.map((ms) => ({
    zone: zone.name,
    view: coreView(ms.object, options),
    ports: (ms.object.spec as { ports: MeshServicePort[] }).ports,
  }));
}
