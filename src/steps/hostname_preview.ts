/**
 * Kuma's hostname generator run in every zone's store (from the zone stores
 * phase): the hostnames per resource and zone, `status.meshServices` of
 * every MeshMultiZoneService there, and the results to report.
 *
 * @module
 */

import type { JsonObject, KubeObject, Result } from "../model/krm.ts";
import { stringMap } from "../model/krm.ts";
import type { TargetKind } from "../model/hostname_generator.ts";
import { LABEL } from "../model/kuma.ts";
import { REASON, resultAt } from "../results.ts";
import type { StoredResource, ZoneStore, ZoneStores } from "../phases/zone_stores.ts";
import type { GeneratorRecord } from "./generators.ts";
import { assignHostnames, type HostnameOutcome, type TemplateEvaluator } from "./hostnames.ts";
import { type MatchedMeshService, multiZoneServiceStatus } from "./multizone_services.ts";
import type { StoredView } from "./sync.ts";

/** Inputs of {@link previewHostnames}. */
export interface PreviewInput {
  stores: ZoneStores;
  evaluate: TemplateEvaluator;
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
  /** Every destination of the run with its views (global first, then zones in config order). */
  resources: ResourceViews[];
  results: Result[];
}

/** Runs Kuma's hostname generator in every zone's store. */
export function previewHostnames(input: PreviewInput): PreviewOutput {
  const { stores } = input;
  const results: Result[] = [];
  const viewsOf = new Map<StoredResource, ResourceViews>();
  const resources = stores.resources.map((resource) => {
    const views: ResourceView[] = resource.onGlobal
      ? [viewOf("global", resource.onGlobal, [])]
      : [];
    const out: ResourceViews = {
      kind: resource.kind,
      object: resource.object,
      createdIn: resource.createdIn,
      views,
    };
    viewsOf.set(resource, out);
    return out;
  });
  for (const zone of stores.zones) {
    results.push(...zoneHostnames(zone, { evaluate: input.evaluate, viewsOf }));
  }
  // Every resource gets at most one view per store: ordering by store is deterministic.
  const order = new Map(stores.zones.map((z, i) => [z.name, i]));
  for (const resource of resources) {
    if (resource.views.length < 2) continue;
    const rank = (zone: string) => zone === "global" ? -1 : order.get(zone) ?? -1;
    resource.views.sort((a, b) => rank(a.zone) - rank(b.zone));
  }
  return { resources, results };
}

/** The hostnames in one zone's store; each view is added to its resource's views. */
function zoneHostnames(
  zone: ZoneStore,
  run: { evaluate: TemplateEvaluator; viewsOf: ReadonlyMap<StoredResource, ResourceViews> },
): Result[] {
  const results: Result[] = [];
  const recordOf = new Map(zone.generators.map((g) => [g.view.coreName, g.record]));
  const assigned = assignHostnames({
    zone: zone.name,
    generators: zone.generators.map((g) => g.view),
    targets: zone.entries.map((e) => ({ target: e.view, ref: run.viewsOf.get(e.resource)! })),
    evaluate: run.evaluate,
  });
  const meshServicesInZone = zone.entries.filter((e) => e.view.kind === "MeshService")
    .map((e) => e.view);
  for (const a of assigned) {
    const view = viewOf(zone.name, a.target as StoredView, a.outcomes);
    if (a.target.kind === "MeshMultiZoneService") {
      const matchLabels = stringMap(
        (a.ref.object.spec as { selector?: { meshService?: { matchLabels?: unknown } } })
          ?.selector?.meshService?.matchLabels,
      );
      const status = multiZoneServiceStatus(matchLabels, meshServicesInZone);
      view.meshServices = status.meshServices;
      view.condition = status.condition;
      if (status.condition.status === "False") {
        results.push(noMatchResult(a.ref.object, zone.name, status.condition.message));
      }
    }
    a.ref.views.push(view);
    results.push(...outcomeResults(a.ref, { zone: zone.name, outcomes: a.outcomes, recordOf }));
  }
  return results;
}

function noMatchResult(object: KubeObject, zone: string, message: string): Result {
  return resultAt(object, {
    severity: "warning",
    message:
      `MeshMultiZoneService "${object.metadata?.name}" matches no MeshService in zone "${zone}": ${message}`,
    reason: REASON.noMatchesFound,
    field: "spec.selector.meshService.matchLabels",
  });
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

function outcomeResults(
  resource: ResourceViews,
  zoneOutcomes: {
    zone: string;
    outcomes: readonly HostnameOutcome[];
    recordOf: ReadonlyMap<string, GeneratorRecord>;
  },
): Result[] {
  const { zone, outcomes, recordOf } = zoneOutcomes;
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
