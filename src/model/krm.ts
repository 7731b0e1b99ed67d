/**
 * KRM shapes (kpt/kustomize functions spec): objects, ResourceList, results,
 * and the one home of the path annotations orchestrators set (read, written,
 * stripped).
 *
 * @module
 */

/** A JSON-compatible value as parsed from YAML. */
export type JsonValue = string | number | boolean | null | JsonValue[] | {
  [key: string]: JsonValue;
};

/** A JSON-compatible object. */
export type JsonObject = { [key: string]: JsonValue };

/** A Kubernetes Resource Model object, loosely typed: only what every item has. */
export interface KubeObject {
  /** API group and version, `v1` or `kuma.io/v1alpha1`. */
  apiVersion?: string;
  /** Kind, `Service` or `MeshService`. */
  kind?: string;
  /** Name, namespace, labels and annotations. */
  metadata?: ObjectMeta;
  /** Every other field (`spec`, `status`, Universal `mesh`, ...). */
  [key: string]: unknown;
}

/** The metadata fields the tool reads. */
export interface ObjectMeta {
  /** `metadata.name`. */
  name?: string;
  /** `metadata.namespace`; absent for cluster-scoped and Universal objects. */
  namespace?: string;
  /** `metadata.labels`. */
  labels?: Record<string, string>;
  /** `metadata.annotations`, orchestrator annotations (`config.kubernetes.io/path`) included. */
  annotations?: Record<string, string>;
  /** `metadata.creationTimestamp`, when the input has one. */
  creationTimestamp?: string | null;
  /** Every other metadata field. */
  [key: string]: unknown;
}

/** KRM `results[].severity`. */
export type Severity = "error" | "warning" | "info";

/** KRM `results[].resourceRef`. */
export interface ResourceRef {
  /** The object's `apiVersion`. */
  apiVersion: string;
  /** The object's `kind`. */
  kind: string;
  /** The object's `metadata.name`. */
  name: string;
  /** The object's `metadata.namespace`, when it has one. */
  namespace?: string;
}

/** One KRM result (functions spec `results[]`). */
export interface Result {
  /** What is wrong and what to do, in one sentence. */
  message: string;
  /** `error` makes the run exit 1; `warning` and `info` do not. */
  severity: Severity;
  /** The object the result is about. */
  resourceRef?: ResourceRef;
  /** The field (`spec.to[0].targetRef`), its value and the proposed one. */
  field?: { path: string; currentValue?: JsonValue; proposedValue?: JsonValue };
  /** The file (package-relative) and document index of the object. */
  file?: { path: string; index?: number };
  /** `reason`: one of the `REASON` values (Kuma's event names where they exist). */
  tags?: Record<string, string>;
}

/** A KRM `ResourceList`. */
export interface ResourceList {
  /** `config.kubernetes.io/v1` (or `v1beta1` on input). */
  apiVersion: string;
  /** Always `ResourceList`. */
  kind: "ResourceList";
  /** The resources, in order. */
  items: KubeObject[];
  /** The function's configuration: a `RenderMeshServices` object or a ConfigMap. */
  functionConfig?: KubeObject;
  /** The run's results. */
  results?: Result[];
}

/** ResourceList API versions accepted on input. */
export const RESOURCE_LIST_API_VERSIONS = [
  "config.kubernetes.io/v1",
  "config.kubernetes.io/v1beta1",
] as const;

/** ResourceList API version written on output. */
export const RESOURCE_LIST_API_VERSION = "config.kubernetes.io/v1";

/** Annotations orchestrators use; functions copy them through untouched. */
export const KRM_ANNOTATION = {
  path: "internal.config.kubernetes.io/path",
  index: "internal.config.kubernetes.io/index",
  legacyPath: "config.kubernetes.io/path",
  legacyIndex: "config.kubernetes.io/index",
  localConfig: "config.kubernetes.io/local-config",
} as const;

/** Returns true when `value` is a plain (non-array) object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The kind/name/namespace reference of an object, for results. */
export function refOf(object: KubeObject): ResourceRef {
  const ref: ResourceRef = {
    apiVersion: typeof object.apiVersion === "string" ? object.apiVersion : "",
    kind: typeof object.kind === "string" ? object.kind : "",
    name: typeof object.metadata?.name === "string" ? object.metadata.name : "",
  };
  const namespace = object.metadata?.namespace;
  if (typeof namespace === "string" && namespace !== "") ref.namespace = namespace;
  return ref;
}

/** `kind namespace/name` for messages. */
export function displayRef(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/**
 * The source file (package-relative path) and document index of an item, from
 * the path annotations orchestrators set: `internal.config.kubernetes.io/path`
 * and `.../index`, else the legacy `config.kubernetes.io/path` and `.../index`.
 * The index is 0 when absent or not a non-negative integer; `undefined` when
 * there is no path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceOf } from "./krm.ts";
 *
 * const annotations = { "internal.config.kubernetes.io/path": "a.yaml" };
 * assert.deepEqual(sourceOf({ metadata: { annotations } }), { path: "a.yaml", index: 0 });
 * assert.equal(sourceOf({ metadata: {} }), undefined);
 * ```
 */
export function sourceOf(object: KubeObject): { path: string; index: number } | undefined {
  if (!isObject(object)) return undefined;
  const annotations = object.metadata?.annotations;
  if (!isObject(annotations)) return undefined;
  const path = annotations[KRM_ANNOTATION.path] ?? annotations[KRM_ANNOTATION.legacyPath];
  if (typeof path !== "string" || path === "") return undefined;
  const rawIndex = annotations[KRM_ANNOTATION.index] ?? annotations[KRM_ANNOTATION.legacyIndex];
  const index = typeof rawIndex === "string" ? Number.parseInt(rawIndex, 10) : NaN;
  return { path, index: Number.isInteger(index) && index > 0 ? index : 0 };
}

/** The source file of an item for a result's `file`: {@link sourceOf}, index left out when 0. */
export function fileOf(object: KubeObject): { path: string; index?: number } | undefined {
  const source = sourceOf(object);
  if (source === undefined) return undefined;
  return source.index > 0 ? source : { path: source.path };
}

/**
 * Annotations orchestrators and readers set for an item's file
 * (`internal.config.kubernetes.io/*`, the legacy `config.kubernetes.io/path`
 * and `.../index`): never compared, never written to a file.
 */
export function isPathAnnotation(key: string): boolean {
  return key.startsWith("internal.config.kubernetes.io/") || key === KRM_ANNOTATION.legacyPath ||
    key === KRM_ANNOTATION.legacyIndex;
}

/**
 * The path annotations for an item at `source`: kpt's
 * `internal.config.kubernetes.io/path` and `.../index`, and the legacy
 * `config.kubernetes.io/path` and `.../index` too when `legacy` (the items
 * of the run carry them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceAnnotations } from "./krm.ts";
 *
 * assert.deepEqual(sourceAnnotations({ path: "a.yaml", index: 1 }), {
 *   "internal.config.kubernetes.io/path": "a.yaml",
 *   "internal.config.kubernetes.io/index": "1",
 * });
 * ```
 */
export function sourceAnnotations(
  source: { path: string; index: number },
  options: { legacy?: boolean } = {},
): Record<string, string> {
  const annotations: Record<string, string> = {
    [KRM_ANNOTATION.path]: source.path,
    [KRM_ANNOTATION.index]: String(source.index),
  };
  if (options.legacy) {
    annotations[KRM_ANNOTATION.legacyPath] = source.path;
    annotations[KRM_ANNOTATION.legacyIndex] = String(source.index);
  }
  return annotations;
}

/**
 * A copy of `object` with the path annotations of `source`
 * ({@link sourceAnnotations}) set and its other annotations kept; a
 * `metadata` or `annotations` that is not a map is replaced.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sourceOf, withSource } from "./krm.ts";
 *
 * const object = { kind: "Service", metadata: { name: "web", annotations: { a: "b" } } };
 * const placed = withSource(object, { path: "web.yaml", index: 2 });
 * assert.deepEqual(sourceOf(placed), { path: "web.yaml", index: 2 });
 * assert.equal(placed.metadata.annotations.a, "b");
 * assert.deepEqual(object.metadata.annotations, { a: "b" });
 * ```
 */
export function withSource<T extends Record<string, unknown>>(
  object: T,
  source: { path: string; index: number },
): T {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  return {
    ...object,
    metadata: { ...metadata, annotations: { ...annotations, ...sourceAnnotations(source) } },
  } as T;
}

/**
 * A copy of `object` without its path annotations ({@link isPathAnnotation});
 * `metadata.annotations` is left out when nothing else remains.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutPathAnnotations } from "./krm.ts";
 *
 * const annotations = {
 *   "internal.config.kubernetes.io/path": "a.yaml",
 *   "config.kubernetes.io/index": "0",
 *   keep: "me",
 * };
 * assert.deepEqual(withoutPathAnnotations({ metadata: { name: "a", annotations } }), {
 *   metadata: { name: "a", annotations: { keep: "me" } },
 * });
 * const only = { "config.kubernetes.io/path": "a.yaml" };
 * assert.deepEqual(withoutPathAnnotations({ metadata: { name: "a", annotations: only } }), {
 *   metadata: { name: "a" },
 * });
 * ```
 */
export function withoutPathAnnotations(object: KubeObject): KubeObject {
  const annotations = { ...(object.metadata?.annotations ?? {}) };
  for (const key of Object.keys(annotations)) {
    if (isPathAnnotation(key)) delete annotations[key];
  }
  const metadata: Record<string, unknown> = { ...object.metadata };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  else metadata.annotations = annotations;
  return { ...object, metadata } as KubeObject;
}

/**
 * True when an item carries the legacy `config.kubernetes.io/path` annotation, whatever its value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasLegacyPath } from "./krm.ts";
 *
 * assert.equal(hasLegacyPath({ metadata: { annotations: { "config.kubernetes.io/path": "" } } }), true);
 * assert.equal(hasLegacyPath({ metadata: { annotations: { "internal.config.kubernetes.io/path": "a.yaml" } } }), false);
 * assert.equal(hasLegacyPath(null), false);
 * ```
 */
export function hasLegacyPath(item: unknown): boolean {
  return isObject(item) && isObject(item.metadata) && isObject(item.metadata.annotations) &&
    KRM_ANNOTATION.legacyPath in item.metadata.annotations;
}

/** A string-valued map field, or `{}` when absent or malformed. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  // for-in over own keys: Object.entries' order without an array per entry.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const entry = value[key];
    if (typeof entry === "string") out[key] = entry;
  }
  return out;
}

/** The value at `path` below `object` (map keys only), or `undefined` where the path stops. */
export function valueAt(object: unknown, path: readonly string[]): unknown {
  let current = object;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * `stringMap(value)[key]` without copying the map: the entry when `value` is
 * a map and the entry is its own string property.
 */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isObject(value) || !Object.hasOwn(value, key)) return undefined;
  const entry = value[key];
  return typeof entry === "string" ? entry : undefined;
}

/** A copy of `map` with keys in sorted order, so output is stable. */
export function sortedMap<T>(map: Record<string, T>): Record<string, T> {
  const keys = Object.keys(map);
  if (keys.length > 16) keys.sort();
  else {
    // Insertion sort in code-unit order (what sort() does with strings): labels and
    // annotations have a few keys, often in order already, where sort()'s set-up dominates.
    for (let i = 1; i < keys.length; i++) {
      const key = keys[i]!;
      let j = i - 1;
      for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
      keys[j + 1] = key;
    }
  }
  const out: Record<string, T> = {};
  for (const key of keys) out[key] = map[key] as T;
  return out;
}

/** Code-unit string order (locale-independent), for stable sorting. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
