/**
 * Exactly one config per run. A pull request must not be able to add a
 * second `RenderMeshServices` next to the protected one and have it win:
 *
 * - KRM mode and the library: the `functionConfig` (what the Kptfile or the
 *   kustomization names) is the config. A `RenderMeshServices` item in the
 *   input that differs from it is ignored, with a warning naming both (kpt
 *   also sends the config file itself as an item: that copy is not reported).
 * - Directory mode: more than one `RenderMeshServices` file in the tree is an
 *   error naming every file, unless `--config` chooses the config.
 *
 * Pure: the callers pass what they read.
 *
 * @module
 */

import { CONFIG_KIND } from "./config.ts";
import { fileOf, isObject, type KubeObject, type Result } from "./model/krm.ts";
import { REASON, resultAt, resultGlobal } from "./results.ts";

/** True for a `RenderMeshServices` object (any `meshservice-krm/` version). */
export function isConfigObject(value: unknown): value is KubeObject {
  return isObject(value) && value.kind === CONFIG_KIND &&
    typeof value.apiVersion === "string" && value.apiVersion.startsWith("meshservice-krm/");
}

/**
 * Warnings for every `RenderMeshServices` item of a ResourceList that is not
 * its `functionConfig`: the functionConfig wins, the item is ignored (and
 * passes through unchanged like any item).
 *
 * @example
 * ```ts
 * import { configItemConflicts } from "./config_choice.ts";
 * import assert from "node:assert/strict";
 *
 * const config = { apiVersion: "meshservice-krm/v1alpha1", kind: "RenderMeshServices", metadata: { name: "a" }, zone: "east" };
 * const other = { ...config, metadata: { name: "b" }, zone: "west" };
 * assert.equal(configItemConflicts(config, [config]).length, 0);
 * assert.match(configItemConflicts(config, [other])[0]!.message, /is ignored/);
 * ```
 */
export function configItemConflicts(
  functionConfig: unknown,
  items: readonly KubeObject[],
): Result[] {
  const results: Result[] = [];
  const used = isObject(functionConfig) ? describeConfig(functionConfig as KubeObject) : undefined;
  const usedKey = isObject(functionConfig) ? comparable(functionConfig as KubeObject) : undefined;
  for (const item of items) {
    if (!isConfigObject(item) || comparable(item) === usedKey) continue;
    const why = used === undefined
      ? "the run has no function config, so the defaults are used"
      : `the function config (${used}) is used`;
    results.push(
      resultAt(item, {
        severity: "warning",
        message: `${
          describeConfig(item)
        } is an input item, not this run's config: ${why} and this one is ignored; remove it, or make it the function config (kpt configPath or --fn-config, the kustomize transformer)`,
        reason: REASON.configConflict,
      }),
    );
  }
  return results;
}

/** Output of {@link chooseDirectoryConfig}. */
export interface DirectoryConfigChoice {
  /** The config found in the tree, or `undefined` (none, or `--config` chooses). */
  config: unknown;
  results: Result[];
}

/**
 * The one config of a directory run among the `RenderMeshServices` documents
 * found in the tree (each positioned with its path annotations, in sorted
 * path order). With `explicit` (`--config`), the tree's are not used. More
 * than one without it is an error naming every file; the first is used so
 * that the run still reports everything else, and writes nothing.
 */
export function chooseDirectoryConfig(
  found: readonly unknown[],
  options: { explicit: boolean },
): DirectoryConfigChoice {
  if (options.explicit || found.length === 0) return { config: undefined, results: [] };
  if (found.length === 1) return { config: found[0], results: [] };
  const files = found.map((c) => {
    const file = isObject(c) ? fileOf(c as KubeObject) : undefined;
    return file ? `"${file.path}${file.index ? `#${file.index}` : ""}"` : "(unknown file)";
  });
  const message = `Found ${found.length} RenderMeshServices configs in the tree: ${
    files.join(", ")
  }; a run takes exactly one, so keep one of them or choose it with --config`;
  const second = found[1];
  return {
    config: found[0],
    results: [
      isObject(second)
        ? resultAt(second as KubeObject, {
          severity: "error",
          message,
          reason: REASON.configConflict,
        })
        : resultGlobal("error", message, REASON.configConflict),
    ],
  };
}

function describeConfig(object: KubeObject): string {
  const name = isObject(object.metadata) && typeof object.metadata.name === "string"
    ? ` "${object.metadata.name}"`
    : "";
  const file = fileOf(object);
  return `${String(object.kind)}${name}${file ? ` in "${file.path}"` : ""}`;
}

/** Annotations kpt and kustomize add or read (path, index, ids, local-config, function). */
const ORCHESTRATOR_PREFIXES = [
  "config.kubernetes.io/",
  "internal.config.kubernetes.io/",
  "kustomize.config.k8s.io/",
  "config.k8s.io/",
];

/** The object as canonical JSON, without the annotations orchestrators add. */
function comparable(object: KubeObject): string {
  const metadata = isObject(object.metadata) ? { ...object.metadata } : {};
  if (isObject(metadata.annotations)) {
    metadata.annotations = Object.fromEntries(
      Object.entries(metadata.annotations).filter(([key]) =>
        !ORCHESTRATOR_PREFIXES.some((p) => key.startsWith(p))
      ),
    );
  }
  return canonical({ ...object, metadata });
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
