/**
 * The JSON work of the cdk8s entry point, free of cdk8s: shaping a rendered
 * object the way cdk8s writes manifests, and the RFC 6902 operations that
 * turn one synthesized manifest into another.
 *
 * @module
 */

import type { JsonValue } from "../model/krm.ts";

/** One RFC 6902 operation; cdk8s's `JsonPatch` has a factory for each. */
export type PatchOperation =
  | { op: "add"; path: string; value: JsonValue }
  | { op: "replace"; path: string; value: JsonValue }
  | { op: "remove"; path: string };

/** The keys cdk8s writes first in every manifest, in this order. */
const LEADING_KEYS = ["apiVersion", "kind", "metadata"];

/**
 * A value as cdk8s writes it: `null` and `undefined` members of objects
 * dropped, object keys sorted when `sortKeys` (cdk8s sorts unless the
 * `CDK8S_DISABLE_SORT` environment variable is set), and at the top level
 * `apiVersion`, `kind` and `metadata` first.
 */
export function asManifest(value: unknown, sortKeys: boolean): JsonValue {
  const sanitized = sanitize(value, sortKeys);
  if (!isPlainObject(sanitized)) return sanitized ?? null;
  const ordered: Record<string, JsonValue> = {};
  for (const key of [...LEADING_KEYS, ...Object.keys(sanitized)]) {
    if (key in sanitized && !(key in ordered)) ordered[key] = sanitized[key]!;
  }
  return ordered;
}

function sanitize(value: unknown, sortKeys: boolean): JsonValue | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((entry) => sanitize(entry, sortKeys) ?? null);
  if (typeof value === "object") {
    const out: Record<string, JsonValue> = {};
    const keys = Object.keys(value);
    for (const key of sortKeys ? keys.sort() : keys) {
      const entry = sanitize((value as Record<string, unknown>)[key], sortKeys);
      if (entry !== undefined) out[key] = entry;
    }
    return out;
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  return undefined;
}

/**
 * The operations that turn manifest `from` into manifest `to`, both objects.
 * Top-level keys are added, removed or diffed one by one (cdk8s reorders them
 * after patching anyway). Below, an object whose keys keep their order is
 * diffed key by key and an array of unchanged length element by element;
 * anything else that differs is replaced whole, so the patched manifest has
 * exactly `to`'s key order.
 */
export function diffManifest(
  from: Record<string, JsonValue>,
  to: Record<string, JsonValue>,
): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const key of Object.keys(from)) {
    if (!(key in to)) ops.push({ op: "remove", path: pointer([key]) });
  }
  for (const [key, value] of Object.entries(to)) {
    if (key in from) ops.push(...diffValue(from[key]!, value, [key]));
    else ops.push({ op: "add", path: pointer([key]), value });
  }
  return ops;
}

function diffValue(from: JsonValue, to: JsonValue, path: string[]): PatchOperation[] {
  if (sameJson(from, to)) return [];
  if (isPlainObject(from) && isPlainObject(to) && sameJson(Object.keys(from), Object.keys(to))) {
    return Object.keys(to).flatMap((key) => diffValue(from[key]!, to[key]!, [...path, key]));
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return to.flatMap((entry, i) => diffValue(from[i]!, entry, [...path, String(i)]));
  }
  return [{ op: "replace", path: pointer(path), value: to }];
}

/** Equality including key order: both sides are plain JSON. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A JSON text with every object's keys sorted: equal for equal content in any key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sanitize(value, true) ?? null);
}

/** RFC 6901 pointer of a path (`~` and `/` escaped). */
export function pointer(path: readonly string[]): string {
  return path.map((segment) => `/${segment.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

function isPlainObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
