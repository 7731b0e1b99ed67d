/**
 * Phase 5, hostnames: Kuma's hostname generator run in each zone's store
 * (`src/steps/hostname_preview.ts`, `src/steps/hostnames.ts`, the Go template
 * evaluator in `src/hostnames/`), with the status each preview MeshService
 * gets.
 *
 * @module
 */

import type { KubeObject, Result } from "../model/krm.ts";
import { previewHostnames, type ResourceViews } from "../steps/hostname_preview.ts";
import type { TemplateEvaluator } from "../steps/hostnames.ts";
import type { ZoneStores } from "./zone_stores.ts";

/** Inputs of {@link hostnamesPhase}. */
export interface HostnamesInput {
  stores: ZoneStores;
  evaluate: TemplateEvaluator;
}

/** Output of {@link hostnamesPhase}. */
export interface HostnamesOutput {
  /** Every destination with its views and hostnames, in the stores' order. */
  resources: ResourceViews[];
  /** The same, by object. */
  viewsOf: Map<KubeObject, ResourceViews>;
  results: Result[];
}

/** Assigns the hostnames of every zone. */
export function hostnamesPhase(input: HostnamesInput): HostnamesOutput {
  const preview = previewHostnames(input);
  return {
    resources: preview.resources,
    viewsOf: new Map(preview.resources.map((r) => [r.object, r])),
    results: preview.results,
  };
}
