/**
 * Field paths in Kuma's form, the one every result uses: fields joined by `.`, list indexes in
 * brackets and map keys quoted in brackets, as Kuma's validators print them
 * (`pkg/core/validators/types.go`, `PathBuilder.Field`/`Index`/`Key`): `spec.ports[2].protocol`,
 * `metadata.labels["kuma.io/workload"]`.
 *
 * @module
 */

/** A map key in a field path (printed `["key"]`), made by {@link mapKey}. */
export interface MapKey {
  readonly mapKey: string;
}

/** One part of a field path: field names (`"spec.ports"` may hold several), an index, a map key. */
export type PathPart = string | number | MapKey;

/** Marks `key` as a map key, so {@link fieldPath} prints it quoted in brackets. */
export function mapKey(key: string): MapKey {
  return { mapKey: key };
}

/**
 * Joins parts into Kuma's field-path form.
 *
 * @example
 * ```ts
 * import { fieldPath, mapKey } from "./field_path.ts";
 * if (fieldPath("spec.ports", 2, "protocol") !== "spec.ports[2].protocol") throw new Error();
 * if (fieldPath("metadata.labels", mapKey("kuma.io/zone")) !== 'metadata.labels["kuma.io/zone"]') {
 *   throw new Error();
 * }
 * ```
 */
export function fieldPath(...parts: readonly PathPart[]): string {
  let out = "";
  for (const part of parts) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string") out += out === "" || part === "" ? part : `.${part}`;
    else out += `[${goQuote(part.mapKey)}]`;
  }
  return out;
}

/** Fields whose entries are map keys (labels, annotations, tags, selectors, ConfigMap data). */
const MAP_FIELDS: ReadonlySet<string> = new Set([
  "labels",
  "annotations",
  "tags",
  "matchLabels",
  "selector",
  "data",
  "stringData",
]);

const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A path from the segments of a walk over an object. A segment after a map field ({@link MAP_FIELDS})
 * is a map key; otherwise numbers and digit strings (a walk's list keys) are indexes, plain names
 * are fields and anything else is a map key.
 *
 * @example
 * ```ts
 * import { fieldPathOf } from "./field_path.ts";
 * const path = fieldPathOf(["spec", "template", "metadata", "labels", "app"]);
 * if (path !== 'spec.template.metadata.labels["app"]') throw new Error(path);
 * ```
 */
export function fieldPathOf(segments: readonly (string | number)[]): string {
  const parts: PathPart[] = [];
  let previous: string | number | undefined;
  for (const segment of segments) {
    const afterMap = typeof previous === "string" && MAP_FIELDS.has(previous);
    if (typeof segment === "number" || afterMap) {
      parts.push(afterMap ? mapKey(String(segment)) : segment);
    } else if (/^\d+$/.test(segment)) parts.push(Number(segment));
    else parts.push(PLAIN_FIELD.test(segment) ? segment : mapKey(segment));
    previous = segment;
  }
  return fieldPath(...parts);
}

/** Go's `%q` for a string: escapes quotes, backslashes and control characters, keeps the rest. */
function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else if (code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16)}`;
    else out += char;
  }
  return `${out}"`;
}
