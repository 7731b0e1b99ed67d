/**
 * Source positions for results: the line of a KRM field path (`field.path`,
 * e.g. `spec.ports.2.protocol`) in one document of a multi-document YAML file,
 * so an annotation can point at the line that caused it.
 *
 * Documents are counted as the directory reader counts them: empty documents
 * (no content, or `null`) are skipped. A field path is dot-separated; a
 * numeric segment is a sequence index, and `[n]` (`spec.to[0].targetRef`)
 * means the same. Map keys that contain dots (`metadata.labels.kuma.io/zone`)
 * are matched against the keys the map actually has, longest first. The
 * line is that of the deepest node the path reaches: the key of a map entry,
 * the first line of a sequence item, else the document's first content line.
 * Nothing here throws on malformed YAML.
 *
 * Uses the `yaml` package (through `yaml_package.ts`, which keeps it from
 * reading the environment) for its node positions; js-yaml, the project's
 * parser, keeps none.
 *
 * @module
 */

import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from "../yaml_package.ts";

/** Where a field path was found. */
export interface FieldLocation {
  /** 1-based line of the deepest node reached. */
  line: number;
  /** How many path segments were matched (0: only the document was found). */
  matched: number;
  /** How many segments the path has. */
  segments: number;
}

/**
 * The 1-based line of `fieldPath` in document `documentIndex` of `text`, or
 * of the deepest part of the path that exists; the document's first line when
 * no segment matches or no path is given; 1 when the document does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lineOf } from "./source_lines.ts";
 *
 * const text = "kind: A\n---\nkind: Service\nspec:\n  ports:\n    - port: 53\n      protocol: UDP\n";
 * assert.equal(lineOf(text, 1, "spec.ports.0.protocol"), 7);
 * assert.equal(lineOf(text, 1, "spec.missing"), 4);
 * assert.equal(lineOf(text, 1), 3);
 * ```
 */
export function lineOf(text: string, documentIndex: number, fieldPath?: string): number {
  return locateField(text, documentIndex, fieldPath).line;
}

/**
 * Like {@link lineOf}, and says how much of the path matched, so a caller can
 * compare candidate paths (a Universal document has no `spec` key).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locateField } from "./source_lines.ts";
 *
 * const text = "type: Dataplane\nname: dp\nnetworking:\n  inbound:\n    - port: 80\n";
 * assert.deepEqual(locateField(text, 0, "spec.networking.inbound"), {
 *   line: 1,
 *   matched: 0,
 *   segments: 3,
 * });
 * assert.deepEqual(locateField(text, 0, "networking.inbound.0"), {
 *   line: 5,
 *   matched: 3,
 *   segments: 3,
 * });
 * ```
 */
export function locateField(
  source: string | SourceDocuments,
  documentIndex: number,
  fieldPath?: string,
): FieldLocation {
  const segments = fieldPath === undefined ? [] : splitFieldPath(fieldPath);
  const notFound: FieldLocation = { line: 1, matched: 0, segments: segments.length };
  const parsed = typeof source === "string" ? parseSource(source) : source;
  const root = parsed.roots[documentIndex];
  if (root === undefined) return notFound;
  try {
    const lineAt = (offset: number | undefined): number | undefined =>
      offset === undefined ? undefined : parsed.lineCounter.linePos(offset).line;
    let line = lineAt(rangeStart(root)) ?? 1;
    let node: unknown = root;
    let matched = 0;
    while (matched < segments.length) {
      const step = descend(node, segments, matched);
      if (step === undefined) break;
      line = lineAt(step.offset) ?? line;
      node = step.node;
      matched += step.used;
    }
    return { line, matched, segments: segments.length };
  } catch {
    return notFound;
  }
}

/** A file's documents parsed once, for many {@link locateField} lookups. */
export interface SourceDocuments {
  /** The non-empty documents' root nodes, in order. */
  roots: unknown[];
  lineCounter: LineCounter;
}

/** Parses a file's documents with positions; malformed YAML gives no documents, never throws. */
export function parseSource(text: string): SourceDocuments {
  const lineCounter = new LineCounter();
  try {
    const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
    if (!Array.isArray(docs)) return { roots: [], lineCounter };
    const roots: unknown[] = docs
      .map((doc) => doc.contents)
      .filter((node) => node !== null && !(isScalar(node) && node.value === null));
    return { roots, lineCounter };
  } catch {
    return { roots: [], lineCounter };
  }
}

/**
 * Splits a field path into segments: `a.b[0]["c.d"]` is `a`, `b`, `0`, `c.d`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitFieldPath } from "./source_lines.ts";
 *
 * assert.deepEqual(splitFieldPath("spec.to[0].rules[1].default"), [
 *   "spec",
 *   "to",
 *   "0",
 *   "rules",
 *   "1",
 *   "default",
 * ]);
 * ```
 */
export function splitFieldPath(fieldPath: string): string[] {
  const segments: string[] = [];
  const pattern = /\[\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\d+))\s*\]|([^.[\]]+)/g;
  for (const match of fieldPath.matchAll(pattern)) {
    const [, doubleQuoted, singleQuoted, index, plain] = match;
    if (doubleQuoted !== undefined) segments.push(doubleQuoted.replace(/\\(.)/g, "$1"));
    else if (singleQuoted !== undefined) segments.push(singleQuoted);
    else if (index !== undefined) segments.push(index);
    else if (plain !== undefined) segments.push(plain);
  }
  return segments;
}

/** One step down: the child node, where it starts, and how many segments it used. */
function descend(
  node: unknown,
  segments: readonly string[],
  from: number,
): { node: unknown; offset: number | undefined; used: number } | undefined {
  if (isSeq(node)) {
    const segment = segments[from]!;
    if (!/^\d+$/.test(segment)) return undefined;
    const item: unknown = node.items[Number(segment)];
    if (item === undefined || item === null) return undefined;
    return { node: item, offset: rangeStart(item), used: 1 };
  }
  if (!isMap(node)) return undefined;
  // Longest key first: `kuma.io/zone` is one key, not `kuma` then `io/zone`.
  for (let used = segments.length - from; used >= 1; used--) {
    const key = segments.slice(from, from + used).join(".");
    for (const pair of node.items) {
      if (!isPair(pair) || keyText(pair.key) !== key) continue;
      return { node: pair.value, offset: rangeStart(pair.key) ?? rangeStart(pair.value), used };
    }
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? "" : String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = (node as { range?: unknown }).range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}
