/**
 * Phase 8, merge: generated items merged into the item list (replaced in
 * place on a rerun, dropped when no longer generated), file layout
 * annotations set, previews given the hostname status Kuma would write, and
 * a warning for every generated item holding a Flux placeholder.
 *
 * @module
 */

import type { KubeObject, Result } from "../model/krm.ts";
import { hostnameStatus, type ResourceViews } from "../steps/hostname_preview.ts";
import { type Generated, mergeItems, type MergeOutput } from "../steps/merge.ts";
import { substitutionResults } from "../steps/substitution.ts";
import type { RunConfig } from "./config.ts";
import type { ZoneStores } from "./zone_stores.ts";
import type { DerivedZone } from "./zones.ts";

/** Inputs of {@link mergePhase}. */
export interface MergeInput {
  run: RunConfig;
  /** Every input item, in order. */
  items: readonly KubeObject[];
  /** Input items the run replaces, by input item. */
  replaced: ReadonlyMap<KubeObject, KubeObject>;
  zones: readonly DerivedZone[];
  stores: ZoneStores;
  /** The hostname phase's views, by object. */
  viewsOf: ReadonlyMap<KubeObject, ResourceViews>;
  /** True when some input text holds a Flux placeholder (`${`): only then are generated items searched. */
  placeholders: boolean;
}

/** Output of {@link mergePhase}. */
export interface MergePhaseOutput {
  merged: MergeOutput;
  results: Result[];
}

/** Merges the generated items into the item list. */
export function mergePhase(input: MergeInput): MergePhaseOutput {
  const { zones, stores, viewsOf } = input;
  const generated: Generated[] = [];
  for (const z of zones) {
    for (const ms of z.step.meshServices) {
      generated.push({
        object: z.output === "preview"
          ? withHostnameStatus(ms.object, { views: viewsOf.get(ms.object), zone: z.name })
          : ms.object,
        output: z.output,
        zone: z.name,
        source: ms.object,
      });
    }
  }
  for (const object of [...stores.renderedGenerators, ...stores.multiZoneServices]) {
    generated.push({ object, output: "apply", zone: undefined, source: object });
  }
  const replaced = input.replaced;
  const items = replaced.size === 0 ? input.items : input.items.map((i) => replaced.get(i) ?? i);
  const merged = mergeItems(items, generated, { outputPath: input.run.config.outputPath });
  // A generated item copies its text from the input: without `${` there, none holds one.
  const substitution = input.placeholders ? substitutionResults(merged.items) : [];
  return { merged, results: [...merged.results, ...substitution] };
}

/** The preview's `status`: Kuma's `addresses` and `hostnameGenerators` for the MeshService's own zone. */
function withHostnameStatus(
  object: KubeObject,
  at: { views: ResourceViews | undefined; zone: string },
): KubeObject {
  const own = at.views?.views.find((v) => v.zone === at.zone);
  if (!own || own.hostnames.length === 0) return object;
  const { addresses, hostnameGenerators } = hostnameStatus(own.hostnames);
  const previous = (object.status ?? {}) as Record<string, unknown>;
  const status: Record<string, unknown> = {};
  if (addresses.length > 0) status.addresses = addresses;
  if (previous.vips !== undefined) status.vips = previous.vips;
  if (hostnameGenerators.length > 0) status.hostnameGenerators = hostnameGenerators;
  return Object.keys(status).length === 0 ? object : { ...object, status };
}
