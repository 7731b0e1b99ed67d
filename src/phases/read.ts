/**
 * Phase 1, read: the parsed input becomes a ResourceList's items and its
 * `functionConfig`. Anything that is not a ResourceList is an error result.
 * Items the tool reads are checked for the shapes the API server and Kuma's
 * CRDs accept; Flux placeholders and a second `RenderMeshServices` are
 * reported.
 *
 * @module
 */

import { configItemConflicts } from "../config_choice.ts";
import {
  fileOf,
  isObject,
  type KubeObject,
  RESOURCE_LIST_API_VERSIONS,
  type Result,
} from "../model/krm.ts";
import { REASON } from "../results.ts";
import { checkItems, checkKumaObjects, checkNamespaces } from "../steps/input_checks.ts";
import { placeholderResults } from "../steps/substitution.ts";

/** What the read phase found: the items, the config object and the readable items. */
export interface ReadInput {
  /** Every input item, in order (unreadable ones included: they pass through). */
  items: KubeObject[];
  /** The ResourceList's `functionConfig`, unparsed. */
  functionConfig: unknown;
  /** Items that are KRM objects with the shapes the tool reads, in order. */
  valid: KubeObject[];
  /** Results of the shape checks of every item (the only ones kept when the config is invalid). */
  shapeResults: Result[];
  /** Every result of the phase: the shape checks, then the Namespace, placeholder, config-item and Kuma checks. */
  results: Result[];
}

/** Output of {@link readPhase}: the read input, or the error results when it is no ResourceList. */
export type ReadOutput = { ok: true; read: ReadInput } | { ok: false; results: Result[] };

/** Options of {@link readPhase}. */
export interface ReadOptions {
  /** False when the input's text provably holds no `${` (then no item is searched for one). */
  mayHoldPlaceholders?: boolean;
}

/** Reads a parsed ResourceList and checks its items. */
export function readPhase(input: unknown, options: ReadOptions = {}): ReadOutput {
  const list = readResourceList(input);
  if (!list.ok) return list;
  const { items, functionConfig } = list;
  const readable = checkItems(items);
  const checked = checkKumaObjects(readable.valid);
  return {
    ok: true,
    read: {
      items,
      functionConfig,
      valid: checked.valid,
      shapeResults: readable.results,
      results: [
        ...readable.results,
        ...checkNamespaces(readable.valid),
        ...(options.mayHoldPlaceholders === false ? [] : placeholderResults(readable.valid)),
        ...configItemConflicts(functionConfig, items.filter(isObject) as KubeObject[]),
        ...checked.results,
      ],
    },
  };
}

/** Package-relative file of an item, when the orchestrator says. */
export function pathOf(object: KubeObject): string | undefined {
  return fileOf(object)?.path;
}

type ListOutcome =
  | { ok: true; items: KubeObject[]; functionConfig: unknown }
  | { ok: false; results: Result[] };

function readResourceList(input: unknown): ListOutcome {
  const error = (message: string, path?: string): ListOutcome => ({
    ok: false,
    results: [{
      message,
      severity: "error",
      ...(path ? { field: { path } } : {}),
      tags: { reason: REASON.invalidInput },
    }],
  });
  if (!isObject(input)) {
    return error(
      `Cannot read input: expected a ResourceList map, got ${
        input === null ? "nothing" : typeof input
      }`,
    );
  }
  if (input.kind !== "ResourceList") {
    return error(
      `Cannot read input: expected kind ResourceList, got ${JSON.stringify(input.kind ?? null)}`,
      "kind",
    );
  }
  if (!(RESOURCE_LIST_API_VERSIONS as readonly unknown[]).includes(input.apiVersion)) {
    return error(
      `Cannot read ResourceList: apiVersion must be ${
        RESOURCE_LIST_API_VERSIONS.join(" or ")
      }, got ${JSON.stringify(input.apiVersion ?? null)}`,
      "apiVersion",
    );
  }
  const items = input.items ?? [];
  if (!Array.isArray(items)) {
    return error("Cannot read ResourceList: items must be a list", "items");
  }
  return { ok: true, items: items as KubeObject[], functionConfig: input.functionConfig };
}
