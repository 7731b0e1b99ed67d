/**
 * Builds every zone's store (its own MeshServices, the ones synced from other
 * zones, MeshMultiZoneServices and MeshExternalServices, and the
 * HostnameGenerators it holds), runs Kuma's hostname generator in each, and
 * returns the hostnames per resource and zone with the results to report.
 *
 * @module
 */

import type { Config, Environment } from "../config.ts";
import type { TargetKind, TargetView } from "../model/hostname_generator.ts";
import {
  type JsonObject,
  type KubeObject,
  type Result,
  stringAt,
  stringMap,
} from "../model/krm.ts";
import { KIND, LABEL, ORIGIN } from "../model/kuma.ts";
import { isOwned } from "../model/inventory.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";
import {
  generatorInZone,
  type GeneratorRecord,
  KUMA_DEFAULT_GENERATOR_NAMES,
  kumaDefaultGenerators,
  type TemplateValidator,
  validateGenerator,
} from "./generators.ts";
import { assignHostnames, type HostnameOutcome, type TemplateEvaluator } from "./hostnames.ts";
import { type MatchedMeshService, multiZoneServiceStatus } from "./multizone_services.ts";
import {
  coreView,
  globalCreatedView,
  globalToZone,
  kdsSyncDisabled,
  type StoredView,
  withZoneCreatedLabels,
  zoneToGlobal,
} from "./sync.ts";

/** A zone of the run with what it derived. */
export interface ZoneInput {
  name: string;
  environment: Environment;
  /** MeshService objects derived in this zone (generation output) and when Kuma would create them. */
  meshServices: readonly { object: KubeObject; creationTime: string | undefined }[];
  /** Input items of the zone itself. */
  own: readonly KubeObject[];
}

/** Inputs of {@link previewHostnames}. */
export interface PreviewInput {
  config: Config;
  features: KumaFeatures;
  multizone: boolean;
  zones: readonly ZoneInput[];
  /** Items the global control plane holds (multizone runs). */
  global: readonly KubeObject[];
  /** HostnameGenerators rendered from config. */
  renderedGenerators: readonly KubeObject[];
  /** MeshMultiZoneServices generated from config. */
  renderedMultiZoneServices: readonly KubeObject[];
  evaluate: TemplateEvaluator;
  validateTemplate: TemplateValidator;
}

/** A resource as one control plane stores it, and the hostnames it gets there. */
export interface ResourceView {
  /** Zone name, or `global`. */
  zone: string;
  name: string;
  namespace?: string;
  coreName: string;
  origin: string;
  /** Mesh of the resource. */
  mesh: string;
  /** Labels as that store holds them (what label selectors of references match). */
  labels: Record<string, string>;
  /** Creation time when the input says (oldest wins among backendRef label matches). */
  creationTime?: string;
  /** Hostnames and failures in that zone (none on global: Kuma computes them in zones only). */
  hostnames: HostnameOutcome[];
  /** For MeshMultiZoneServices: `status.meshServices` in that zone. */
  meshServices?: MatchedMeshService[];
  /** For MeshMultiZoneServices: the `MeshServicesMatched` condition. */
  condition?: { type: string; status: string; reason: string; message: string };
}

/** Every view of one resource of the run. */
export interface ResourceViews {
  kind: TargetKind;
  /** The object (generated or input) the views are of. */
  object: KubeObject;
  /** Zone it was created in, or `global`. */
  createdIn: string;
  views: ResourceView[];
}

/** Output of {@link previewHostnames}. */
export interface PreviewOutput {
  resources: ResourceViews[];
  results: Result[];
}

/** Runs the preview. */
export function previewHostnames(input: PreviewInput): PreviewOutput {
  const { config } = input;
  const results: Result[] = [];
  const global = { environment: config.globalEnvironment, systemNamespace: config.systemNamespace };
  const records = generatorRecords(input, results);

  // Every destination of the run with where it was created.
  const resources: ResourceViews[] = [];
  const locals: { resource: ResourceViews; zone: ZoneInput; view: StoredView }[] = [];
  for (const zone of input.zones) {
    const add = (object: KubeObject, kind: TargetKind, userCreated: boolean, time?: string) => {
      const resource: ResourceViews = { kind, object, createdIn: zone.name, views: [] };
      resources.push(resource);
      const view = coreView(object, kind, zone.environment, { meshScoped: true });
      if (time !== undefined) view.creationTime = time;
      locals.push({ resource, zone, view: userCreated ? withZoneCreatedLabels(view, zone) : view });
    };
    for (const ms of zone.meshServices) add(ms.object, "MeshService", false, ms.creationTime);
    for (const item of zone.own) {
      if (isOwned(item)) continue;
      const kind = destinationKind(item);
      if (kind) add(item, kind, true);
    }
  }
  const globals: { resource: ResourceViews; view: StoredView }[] = [];
  const globalObjects = [
    ...input.renderedMultiZoneServices,
    ...(input.multizone ? input.global : []),
  ];
  for (const object of globalObjects) {
    if (isOwned(object) && !input.renderedMultiZoneServices.includes(object)) continue;
    const kind = destinationKind(object);
    if (!kind || kind === "MeshService") continue;
    const resource: ResourceViews = { kind, object, createdIn: "global", views: [] };
    resources.push(resource);
    globals.push({ resource, view: globalCreatedView(object, kind, global, { meshScoped: true }) });
  }

  // Global views: zone resources synced up, and global-created ones.
  const globalViews = new Map<ResourceViews, StoredView>();
  if (input.multizone) {
    for (const local of locals) {
      if (kdsSyncDisabled(local.view)) continue;
      const up = zoneToGlobal(local.view, local.zone, global);
      globalViews.set(local.resource, up);
      local.resource.views.push(viewOf("global", up, []));
    }
  }
  for (const g of globals) globalViews.set(g.resource, g.view);

  for (const zone of input.zones) {
    const store = { environment: zone.environment, systemNamespace: config.systemNamespace };
    const targets: { target: TargetView; ref: ResourceViews }[] = [];
    for (const local of locals) {
      if (local.zone === zone) {
        targets.push({ target: local.view, ref: local.resource });
      } else if (globalViews.has(local.resource)) {
        targets.push({
          target: globalToZone(globalViews.get(local.resource)!, global, store),
          ref: local.resource,
        });
      }
    }
    for (const g of globals) {
      if (kdsSyncDisabled(g.view)) continue;
      targets.push({ target: globalToZone(g.view, global, store), ref: g.resource });
    }
    const generators = records
      .map((r) => generatorInZone(r, zone, config))
      .filter((g) => g !== undefined);
    const recordOf = new Map(
      generators.map((g) => [g.coreName, records.find((r) => r.object === g.object)!]),
    );
    const assigned = assignHostnames({
      zone: zone.name,
      generators,
      targets,
      evaluate: input.evaluate,
    });
    const meshServicesInZone = targets.filter((t) => t.target.kind === "MeshService")
      .map((t) => t.target);
    for (const a of assigned) {
      const stored = a.target as StoredView;
      const view = viewOf(zone.name, stored, a.outcomes);
      if (a.target.kind === "MeshMultiZoneService") {
        const matchLabels = stringMap(
          (a.ref.object.spec as { selector?: { meshService?: { matchLabels?: unknown } } })
            ?.selector?.meshService?.matchLabels,
        );
        const status = multiZoneServiceStatus(matchLabels, meshServicesInZone);
        view.meshServices = status.meshServices;
        view.condition = status.condition;
        if (status.condition.status === "False") {
          results.push(resultAt(a.ref.object, {
            severity: "warning",
            message:
              `MeshMultiZoneService "${a.ref.object.metadata?.name}" matches no MeshService in zone "${zone.name}": ${status.condition.message}`,
            reason: REASON.noMatchesFound,
            field: "spec.selector.meshService.matchLabels",
          }));
        }
      }
      a.ref.views.push(view);
      results.push(...outcomeResults(a.ref, zone.name, a.outcomes, recordOf));
    }
  }
  for (const resource of resources) {
    resource.views.sort((a, b) => zoneOrder(a.zone, input) - zoneOrder(b.zone, input));
  }
  return { resources, results };
}

function zoneOrder(zone: string, input: PreviewInput): number {
  if (zone === "global") return -1;
  return input.zones.findIndex((z) => z.name === zone);
}

function viewOf(zone: string, stored: StoredView, outcomes: HostnameOutcome[]): ResourceView {
  const view: ResourceView = {
    zone,
    name: stored.name,
    coreName: stored.coreName,
    origin: stored.labels[LABEL.origin] ?? "",
    mesh: stored.mesh,
    labels: stored.labels,
    hostnames: outcomes,
  };
  if (stored.namespace !== undefined) view.namespace = stored.namespace;
  if (stored.creationTime !== undefined) view.creationTime = stored.creationTime;
  return view;
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

/** Every generator of the run, validated. */
function generatorRecords(input: PreviewInput, results: Result[]): GeneratorRecord[] {
  const records = kumaDefaultGenerators(input.config);
  const add = (
    object: KubeObject,
    source: "config" | "input",
    createdIn: GeneratorRecord["createdIn"],
  ) => {
    const problems = validateGenerator(object, input.features, input.validateTemplate);
    results.push(...problems);
    const name = String(object.metadata?.name);
    if (source === "input" && KUMA_DEFAULT_GENERATOR_NAMES.has(name)) {
      results.push(resultAt(object, {
        severity: "warning",
        message:
          `HostnameGenerator "${name}" has the name of one Kuma creates itself: Kuma does not create its default when this one exists first, and never updates this one, so this generator replaces Kuma's default (rename it to add a generator instead)`,
        reason: REASON.shadowsDefaultGenerator,
        field: "metadata.name",
      }));
    }
    records.push({
      object,
      source,
      createdIn,
      environments: undefined,
      defaultRank: undefined,
      valid: problems.every((p) => p.severity !== "error"),
    });
  };
  const createdInForRendered: GeneratorRecord["createdIn"] = input.multizone
    ? "global"
    : { zone: input.zones[0]!.name };
  for (const object of input.renderedGenerators) add(object, "config", createdInForRendered);
  if (input.multizone) {
    for (const object of input.global) {
      if (object.kind === KIND.hostnameGenerator && !isOwned(object)) {
        add(object, "input", "global");
      }
    }
  }
  for (const zone of input.zones) {
    for (const object of zone.own) {
      if (object.kind !== KIND.hostnameGenerator || isOwned(object)) continue;
      const origin = stringAt(object.metadata?.labels, LABEL.origin);
      add(
        object,
        "input",
        !input.multizone && origin === ORIGIN.global ? "global" : { zone: zone.name },
      );
    }
  }
  // A user generator replaces Kuma's default of the same name.
  const userNames = new Set(
    records.filter((r) => r.source !== "kuma-default").map((r) => String(r.object.metadata?.name)),
  );
  return records.filter((r) =>
    r.source !== "kuma-default" || !userNames.has(String(r.object.metadata?.name))
  );
}

function outcomeResults(
  resource: ResourceViews,
  zone: string,
  outcomes: readonly HostnameOutcome[],
  recordOf: ReadonlyMap<string, GeneratorRecord>,
): Result[] {
  const results: Result[] = [];
  for (const outcome of outcomes) {
    if (outcome.reason === "Generated") continue;
    const generator = recordOf.get(outcome.generator);
    const userGenerator = generator !== undefined && generator.source !== "kuma-default";
    const where = `in zone "${zone}"`;
    if (outcome.reason === "TemplateError") {
      results.push(
        resultAt(resource.object, {
          severity: userGenerator ? "error" : "warning",
          message:
            `${resource.kind} "${resource.object.metadata?.name}" gets no hostname from HostnameGenerator "${
              generator ? generator.object.metadata?.name : outcome.generator
            }" ${where}: ${outcome.message}${
              userGenerator ? " (fix the generator's template or selector)" : ""
            }`,
          reason: REASON.templateError,
        }),
      );
    } else if (outcome.reason === "Collision") {
      results.push(
        resultAt(resource.object, {
          severity: "warning",
          message:
            `${resource.kind} "${resource.object.metadata?.name}" loses hostname "${outcome.hostname}" ${where} to "${
              outcome.contenders?.[0]
            }", which was created first (Kuma's condition: ${outcome.message}); change the generator's template so names differ`,
          reason: REASON.hostnameCollision,
        }),
      );
    } else {
      results.push(
        resultAt(resource.object, {
          severity: "warning",
          message: `${where[0]!.toUpperCase()}${
            where.slice(1)
          }: ${outcome.message}; set metadata.creationTimestamp on both sources, or change the generator's template so names differ`,
          reason: REASON.hostnameContested,
        }),
      );
    }
  }
  return results;
}

/** Kuma's `status.addresses` and `status.hostnameGenerators` from the outcomes (contested ones left out). */
export function hostnameStatus(outcomes: readonly HostnameOutcome[]): {
  addresses: JsonObject[];
  hostnameGenerators: JsonObject[];
} {
  const addresses: JsonObject[] = [];
  const hostnameGenerators: JsonObject[] = [];
  for (const outcome of outcomes) {
    if (outcome.reason === "Contested") continue;
    const ref = { coreName: outcome.generator };
    if (outcome.reason === "Generated") {
      addresses.push({
        hostname: outcome.hostname ?? "",
        origin: "HostnameGenerator",
        hostnameGeneratorRef: ref,
      });
    }
    hostnameGenerators.push({
      hostnameGeneratorRef: ref,
      conditions: [{
        type: "Generated",
        status: outcome.reason === "Generated" ? "True" : "False",
        reason: outcome.reason,
        message: outcome.message,
      }],
    });
  }
  return { addresses, hostnameGenerators };
}
