/**
 * The composition root: one pure function from a parsed ResourceList to the
 * output ResourceList and the report, as a list of named phases (each a file
 * under `src/phases/` with one input and one output; every phase returns its
 * results). No I/O, no clock, no environment, no mutation of the input. Read
 * this file first, then ARCHITECTURE.md.
 *
 * @module
 */

import { type ConfigInput, configObject as typedConfigObject } from "./config.ts";
import { hostnameTemplates } from "./hostnames/evaluate.ts";
import {
  type KubeObject,
  RESOURCE_LIST_API_VERSION,
  type ResourceList,
  type Result,
} from "./model/krm.ts";
import type { Report } from "./report.ts";
import { configPhase } from "./phases/config.ts";
import { hostnamesPhase } from "./phases/hostnames.ts";
import { mergePhase } from "./phases/merge.ts";
import { migrationPhase } from "./phases/migration.ts";
import { type ReadInput, readPhase } from "./phases/read.ts";
import { referencesPhase } from "./phases/references.ts";
import { emptyReport, finalResults, runReport } from "./phases/report.ts";
import { zoneStoresPhase } from "./phases/zone_stores.ts";
import { zonesPhase } from "./phases/zones.ts";
import { holdsPlaceholder, textMayHoldPlaceholder } from "./steps/substitution.ts";

/** Output of {@link render}. */
export interface RenderOutput {
  /** The output ResourceList, results included. */
  resourceList: ResourceList;
  /** The report of the run. */
  report: Report;
}

/**
 * Renders manifests: validates them, reads the configuration, generates
 * MeshServices the way Kuma would, rewrites references, merges everything into
 * the items and reports. Pure: no I/O, no clock, no environment; the input is
 * not mutated.
 *
 * Call it with the items and a typed {@link ConfigInput}, or with a whole
 * ResourceList (its `functionConfig` is the configuration).
 *
 * @example Items and a typed configuration
 * ```ts
 * import { render } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { resourceList, report } = render([{
 *   apiVersion: "v1",
 *   kind: "Service",
 *   metadata: { name: "web", namespace: "shop" },
 *   spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
 * }], { kumaVersion: "2.14", zone: "east", meshServiceOutput: "apply" });
 * assert.equal(report.meshServices[0]?.name, "web");
 * const meshService = resourceList.items.find((item) => item.kind === "MeshService");
 * assert.equal(meshService?.metadata?.labels?.["kuma.io/zone"], "east");
 * ```
 *
 * @example An invalid configuration is an error result, not an exception
 * ```ts
 * import { exitCodeOf, render } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { resourceList } = render([], { kumaVersion: "9.9" });
 * assert.equal(exitCodeOf(resourceList.results ?? []), 1);
 * ```
 */
export function render(items: readonly KubeObject[], config?: ConfigInput): RenderOutput;
/** Renders a whole ResourceList (`config.kubernetes.io/v1` or `v1beta1`). */
export function render(resourceList: unknown): RenderOutput;
export function render(input: unknown, configInput?: ConfigInput): RenderOutput {
  return renderResourceList(
    Array.isArray(input)
      ? {
        apiVersion: RESOURCE_LIST_API_VERSION,
        kind: "ResourceList",
        items: input,
        ...(configInput ? { functionConfig: typedConfigObject(configInput) } : {}),
      }
      : input,
  );
}

/**
 * Renders whatever was parsed from a ResourceList's text: anything that is
 * not a ResourceList (a bare list included) is an error result. The adapters
 * call this; {@link render} is the library's door.
 *
 * The phases, in order: read → config → zones → zone stores → hostnames →
 * references → migration → merge → report.
 */
export function renderResourceList(input: unknown, options: RenderListOptions = {}): RenderOutput {
  // Without `${` (or an escape) in the input's text, no item is searched for Flux placeholders.
  const textClean = options.text !== undefined && !textMayHoldPlaceholder(options.text);
  const read = readPhase(input, { mayHoldPlaceholders: !textClean });
  if (!read.ok) return failed([], read.results);
  const { items } = read.read;
  const configured = configPhase(read.read);
  if (!configured.ok) return failed(items, [...read.read.shapeResults, ...configured.results]);
  const { run } = configured;
  const zoned = zonesPhase({ items: run.items, config: run.config, features: run.features });
  const { layout, zones } = zoned;
  const templates = hostnameTemplates(run.features); // One template budget for the whole run.
  const stored = zoneStoresPhase({
    ...run,
    layout,
    zones,
    validateTemplate: templates.validate,
  });
  const { stores } = stored;
  const hostnames = hostnamesPhase({ stores, evaluate: templates.evaluate });
  const references = referencesPhase({ run, layout, zones, stores });
  const migration = migrationPhase({ run, valid: read.read.valid, zones, references });
  const merged = mergePhase({
    run,
    items,
    replaced: migration.replaced,
    zones,
    stores,
    viewsOf: hostnames.viewsOf,
    placeholders: !textClean && mayHoldPlaceholders(read.read),
  });
  const results = finalResults([
    ...read.read.results,
    ...configured.results,
    ...zoned.results,
    ...stored.results,
    ...hostnames.results,
    ...references.results,
    ...migration.results,
    ...merged.results,
  ]);
  let report: Report | undefined;
  return {
    resourceList: output(merged.merged.items, results),
    // The report is built on first read: the KRM path never reads it.
    get report(): Report {
      return report ??= runReport({
        run,
        multizone: layout.multizone,
        zones,
        stores,
        resources: hostnames.resources,
        viewsOf: hostnames.viewsOf,
        findings: references.references.findings,
        migration: migration.migration,
        trafficChanges: migration.trafficChanges,
        placed: merged.merged.placed,
      }, results);
    },
  };
}

/** Options of {@link renderResourceList}. */
export interface RenderListOptions {
  /**
   * The text the input was parsed from, when the caller has it: without `${`
   * (or an escape) in it, neither the input items nor the generated ones are
   * searched for Flux placeholders.
   */
  text?: string;
}

/** True unless the input's items and config provably hold no `${`. */
function mayHoldPlaceholders(read: ReadInput): boolean {
  return holdsPlaceholder(read.items) || holdsPlaceholder(read.functionConfig);
}

/** {@link render} without the report: ResourceList in, ResourceList out. */
export function transform(input: unknown): ResourceList {
  return render(input).resourceList;
}

function output(items: KubeObject[], results: Result[]): ResourceList {
  return { apiVersion: RESOURCE_LIST_API_VERSION, kind: "ResourceList", items, results };
}

function failed(items: KubeObject[], results: Result[]): RenderOutput {
  return { resourceList: output(items, results), report: emptyReport(results) };
}
