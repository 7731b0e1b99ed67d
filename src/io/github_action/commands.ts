/**
 * Workflow commands of the GitHub Action: escaping, annotations on the file and line of each
 * result, and the selection GitHub's per-step limits allow.
 *
 * @module
 */

import type { Result, Severity } from "../../model/krm.ts";

import { escapeLine } from "../terminal.ts";
import { locateField, parseSource, type SourceDocuments } from "../yaml_text/source_lines.ts";
/** Annotations GitHub shows per severity and step; more are dropped. */
export const ANNOTATION_LIMIT = 10;

/**
 * Escapes a workflow command's message (`%`, CR, LF), so it stays one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeData } from "../github_action.ts";
 *
 * assert.equal(escapeData("100%\nnext"), "100%25%0Anext");
 * ```
 */
export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/**
 * Escapes a workflow command's property value: as {@link escapeData}, and
 * `:` and `,`, which end a property.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeProperty } from "../github_action.ts";
 *
 * assert.equal(escapeProperty("a,b: c"), "a%2Cb%3A c");
 * ```
 */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** One annotation (`::error`, `::warning` or `::notice` workflow command). */
export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  /** Path relative to the workspace, `/`-separated. */
  file?: string | undefined;
  /** 1-based line in {@link file}. */
  line?: number | undefined;
  title?: string | undefined;
}

/**
 * The workflow command line of an annotation (without the newline).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { annotationCommand } from "../github_action.ts";
 *
 * assert.equal(
 *   annotationCommand({ level: "warning", file: "k8s/redis.yaml", line: 19, message: "UDP port" }),
 *   "::warning file=k8s/redis.yaml,line=19::UDP port",
 * );
 * ```
 */
export function annotationCommand(annotation: Annotation): string {
  // Texts from the manifests: control characters (ANSI escapes, line breaks) shown escaped.
  const shown = (text: string) => escapeLine(text);
  const properties: string[] = [];
  if (annotation.file !== undefined) {
    properties.push(`file=${escapeProperty(shown(annotation.file))}`);
  }
  if (annotation.file !== undefined && annotation.line !== undefined) {
    properties.push(`line=${annotation.line}`);
  }
  if (annotation.title !== undefined) {
    properties.push(`title=${escapeProperty(shown(annotation.title))}`);
  }
  const head = properties.length === 0 ? annotation.level : `${annotation.level} ${properties}`;
  return `::${head}::${escapeData(shown(annotation.message))}`;
}

/** A result with the place GitHub should show it. */
export interface LocatedResult {
  result: Result;
  /** Path of its file relative to the workspace (`/`-separated), when inside it. */
  file?: string | undefined;
  /** 1-based line in {@link file}. */
  line?: number | undefined;
}

/** Annotation level of a result severity. */
export function levelOf(severity: Severity): Annotation["level"] {
  return severity === "info" ? "notice" : severity;
}

/**
 * The annotation of a result: the resource and field as title, the message
 * as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { annotationOf } from "../github_action.ts";
 *
 * const annotation = annotationOf({
 *   result: {
 *     severity: "warning",
 *     message: "Ignored port",
 *     resourceRef: { apiVersion: "v1", kind: "Service", name: "redis", namespace: "db" },
 *     field: { path: "spec.ports[2].protocol" },
 *   },
 *   file: "redis.yaml",
 *   line: 19,
 * });
 * assert.equal(annotation.title, "Service db/redis spec.ports[2].protocol");
 * ```
 */
export function annotationOf(located: LocatedResult): Annotation {
  const { result } = located;
  const ref = result.resourceRef;
  const subject = [
    ...(ref ? [`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`] : []),
    ...(result.field ? [result.field.path] : []),
  ].join(" ");
  const elsewhere = located.file === undefined && result.file !== undefined
    ? ` (${result.file.path})`
    : "";
  return {
    level: levelOf(result.severity),
    message: `${result.message}${elsewhere}`,
    file: located.file,
    line: located.file === undefined ? undefined : located.line,
    title: subject === "" ? "meshservice-krm" : subject,
  };
}

/** Annotations left per level. */
export type AnnotationBudget = Record<Annotation["level"], number>;

/**
 * Splits results into those shown as annotations (the first `budget[level]`
 * of each level, in report order) and the rest, which only the summary lists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { selectAnnotations } from "../github_action.ts";
 *
 * const warning = { result: { severity: "warning" as const, message: "w" } };
 * const { annotated, rest } = selectAnnotations([warning, warning, warning], {
 *   error: 10,
 *   warning: 2,
 *   notice: 10,
 * });
 * assert.equal(annotated.length, 2);
 * assert.equal(rest.length, 1);
 * ```
 */
export function selectAnnotations(
  results: readonly LocatedResult[],
  budget: AnnotationBudget,
): { annotated: LocatedResult[]; rest: LocatedResult[] } {
  const left = { ...budget };
  const annotated: LocatedResult[] = [];
  const rest: LocatedResult[] = [];
  for (const located of results) {
    const level = levelOf(located.result.severity);
    if (left[level] > 0) {
      left[level]--;
      annotated.push(located);
    } else {
      rest.push(located);
    }
  }
  return { annotated, rest };
}

/**
 * Field paths to try for a result in its file, best first: the path, then,
 * for a Universal document (no `spec` or `metadata` key), the same field at
 * the top level (`spec.networking` is `networking`, `metadata.name` is `name`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fieldPathCandidates } from "../github_action.ts";
 *
 * assert.deepEqual(fieldPathCandidates("spec.networking.inbound"), [
 *   "spec.networking.inbound",
 *   "networking.inbound",
 * ]);
 * ```
 */
export function fieldPathCandidates(fieldPath: string): string[] {
  const candidates = [fieldPath];
  if (fieldPath.startsWith("spec.")) candidates.push(fieldPath.slice("spec.".length));
  else if (fieldPath.startsWith("metadata.")) candidates.push(fieldPath.slice("metadata.".length));
  return candidates;
}

/**
 * The 1-based line of a result in its file's text: the best of
 * {@link fieldPathCandidates}, else the document's first line.
 */
export function resultLine(source: string | SourceDocuments, result: Result): number {
  const index = result.file?.index ?? 0;
  const parsed = typeof source === "string" ? parseSource(source) : source;
  if (result.field === undefined) return locateField(parsed, index).line;
  let best = locateField(parsed, index, result.field.path);
  for (const candidate of fieldPathCandidates(result.field.path).slice(1)) {
    const found = locateField(parsed, index, candidate);
    if (found.matched / found.segments > best.matched / best.segments) best = found;
  }
  return best.line;
}

export function why(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
