/**
 * GitHub Action adapter (`action.yml` at the repository root runs this file):
 * reads the action's inputs from `INPUT_*` variables, runs directory mode
 * (`render` or `check`) in-process, then reports back to GitHub:
 *
 * - a job summary (`$GITHUB_STEP_SUMMARY`): a verdict line, the report as
 *   Markdown (tables and a Mermaid graph, {@link reportMarkdown}) and a table
 *   of the results that did not fit in annotations, cut to GitHub's 1 MiB
 *   per step with a note;
 * - annotations (`::error`, `::warning`, `::notice` workflow commands) on the
 *   file and line of each result, at most {@link ANNOTATION_LIMIT} per
 *   severity, as GitHub shows no more per step;
 * - step outputs (`$GITHUB_OUTPUT`): result counts, MeshServices, references,
 *   staleness and the paths of the JSON report and the Markdown summary;
 * - optionally one pull-request comment, found again by a hidden marker and
 *   updated on every run; only a comment the token's own user wrote is
 *   updated (anyone can write a comment that starts with the marker), so the
 *   action first asks who it is (GraphQL `viewer { login }`: an installation
 *   token such as `GITHUB_TOKEN` cannot call `GET /user`, and its login is
 *   `github-actions[bot]`); an API failure (a fork's read-only token) is a
 *   warning, never a failure.
 *
 * The exit code is 1 when results at or above `fail-on` exist, when `check`
 * found stale files, or when a render has error results (it then wrote
 * nothing); 2 for invalid inputs; else 0. While directory mode runs, workflow
 * commands are suspended (`::stop-commands::` with a random token), so text
 * from the manifests it prints cannot issue commands; every line directory
 * mode and this adapter print is escaped as well (`terminal.ts`), and
 * annotation texts have their control characters escaped. The pure parts (input parsing, escaping,
 * annotation selection, the verdict, outputs, summary and comment bodies) are
 * exported for tests; {@link main} does the I/O.
 *
 * @module
 */

import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { CONFIG_KIND } from "../config.ts";
import type { Result, Severity } from "../model/krm.ts";
import type { Report } from "../report.ts";
import { markdownText, reportMarkdown } from "../report_markdown.ts";
import { baseReport } from "./base_report.ts";
import { runDirectory } from "./directory.ts";
import { writeAll } from "./krm_stdio.ts";
import { escapeLine, escapeText } from "./terminal.ts";
import { locateField, parseSource, type SourceDocuments } from "./source_lines.ts";

/** Annotations GitHub shows per severity and step; more are dropped. */
export const ANNOTATION_LIMIT = 10;

/** GitHub's limit of a step summary, in bytes (1 MiB); longer summaries are not shown. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** GitHub's limit of an issue or pull-request comment, in characters. */
export const COMMENT_LIMIT = 65_536;

/** Rows of the summary's "not annotated" table before the rest is only counted. */
export const SUMMARY_MAX_ROWS = 200;

/** Rows per table in a pull-request comment, which must stay under {@link COMMENT_LIMIT}. */
export const COMMENT_MAX_ROWS = 50;

/** Directory mode command the action runs. */
export type Mode = "render" | "check";

/** Lowest severity that fails the step, or `never`. */
export type FailOn = "error" | "warning" | "never";

/** The action's inputs, validated. */
export interface ActionInputs {
  /** Manifest directory (relative to the working directory, the workspace). */
  path: string;
  /** Config file; else the `RenderMeshServices` object found in {@link path}. */
  config: string | undefined;
  mode: Mode;
  /** render: where files are written; check: the directory compared. Default: {@link path}. */
  outputDir: string | undefined;
  failOn: FailOn;
  /** Write the job summary. */
  summary: boolean;
  /** Post or update one pull-request comment. */
  comment: boolean;
  /** Token for the comment; may be empty when {@link comment} is false. */
  token: string;
  /** Result annotations per severity, 0 to {@link ANNOTATION_LIMIT}. */
  maxAnnotations: number;
  /** The base commit to compare with (a pull request's base SHA); none on other events. */
  baseRef: string | undefined;
}

/** Outcome of {@link parseInputs}: the inputs, or every problem found. */
export type ParsedInputs = { ok: true; inputs: ActionInputs } | { ok: false; problems: string[] };

/**
 * Reads and validates the inputs from `INPUT_<NAME>` variables (`INPUT_PATH`,
 * `INPUT_CONFIG`, `INPUT_MODE`, `INPUT_OUTPUT_DIR`, `INPUT_FAIL_ON`,
 * `INPUT_SUMMARY`, `INPUT_COMMENT`, `INPUT_GITHUB_TOKEN`,
 * `INPUT_MAX_ANNOTATIONS`, `INPUT_BASE_REF`). Values are trimmed; an empty value takes the
 * default. Booleans accept `true`/`false` in any case, as GitHub's toolkit does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInputs } from "./github_action.ts";
 *
 * const env: Record<string, string> = { INPUT_MODE: "render", INPUT_FAIL_ON: "warning" };
 * const parsed = parseInputs((name) => env[name]);
 * assert.ok(parsed.ok);
 * assert.equal(parsed.inputs.path, ".");
 * assert.equal(parsed.inputs.failOn, "warning");
 * assert.deepEqual(parseInputs(() => "nope").ok, false);
 * ```
 */
export function parseInputs(env: (name: string) => string | undefined): ParsedInputs {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env(`INPUT_${name}`)?.trim();
    return value === "" ? undefined : value;
  };
  const oneOf = <T extends string>(input: string, name: string, allowed: readonly T[]): T => {
    const value = read(name) ?? allowed[0]!;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(
      `Cannot use ${input} "${value}": expected ${allowed.slice(0, -1).join(", ")} or ${
        allowed[allowed.length - 1]
      }`,
    );
    return allowed[0]!;
  };
  const flag = (input: string, name: string, fallback: boolean): boolean => {
    const value = read(name);
    if (value === undefined) return fallback;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    problems.push(`Cannot use ${input} "${value}": expected true or false`);
    return fallback;
  };
  const mode = oneOf("mode", "MODE", ["check", "render"] as const);
  const failOn = oneOf("fail-on", "FAIL_ON", ["error", "warning", "never"] as const);
  const summary = flag("summary", "SUMMARY", true);
  const comment = flag("comment", "COMMENT", false);
  const rawMax = read("MAX_ANNOTATIONS") ?? String(ANNOTATION_LIMIT);
  const maxAnnotations = /^\d+$/.test(rawMax) ? Number(rawMax) : NaN;
  if (!(maxAnnotations >= 0 && maxAnnotations <= ANNOTATION_LIMIT)) {
    problems.push(
      `Cannot use max-annotations "${rawMax}": expected a whole number from 0 to ${ANNOTATION_LIMIT}`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    inputs: {
      path: read("PATH") ?? ".",
      config: read("CONFIG"),
      mode,
      outputDir: read("OUTPUT_DIR"),
      failOn,
      summary,
      comment,
      token: read("GITHUB_TOKEN") ?? "",
      maxAnnotations,
      baseRef: read("BASE_REF"),
    },
  };
}

// ---------------------------------------------------------------------------
// Workflow commands

/**
 * Escapes a workflow command's message (`%`, CR, LF), so it stays one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeData } from "./github_action.ts";
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
 * import { escapeProperty } from "./github_action.ts";
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
 * import { annotationCommand } from "./github_action.ts";
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
 * import { annotationOf } from "./github_action.ts";
 *
 * const annotation = annotationOf({
 *   result: {
 *     severity: "warning",
 *     message: "Ignored port",
 *     resourceRef: { apiVersion: "v1", kind: "Service", name: "redis", namespace: "db" },
 *     field: { path: "spec.ports.2.protocol" },
 *   },
 *   file: "redis.yaml",
 *   line: 19,
 * });
 * assert.equal(annotation.title, "Service db/redis spec.ports.2.protocol");
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
 * import { selectAnnotations } from "./github_action.ts";
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
 * import { fieldPathCandidates } from "./github_action.ts";
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

// ---------------------------------------------------------------------------
// Verdict

/** Results by severity. */
export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

/** Counts results by severity. */
export function countResults(results: readonly Result[]): Counts {
  const counts: Counts = { errors: 0, warnings: 0, infos: 0 };
  for (const result of results) {
    if (result.severity === "error") counts.errors++;
    else if (result.severity === "warning") counts.warnings++;
    else counts.infos++;
  }
  return counts;
}

/** Whether `check` found stale files: `unknown` when error results also made it exit 1. */
export type Staleness = "true" | "false" | "unknown" | "";

/** What the run means for the step. */
export interface Outcome {
  failed: boolean;
  /** `check` only; empty for `render`. */
  stale: Staleness;
  /** Why the step fails (one `::error` annotation), empty when it passes. */
  failures: string[];
  /** Warnings about the run itself. */
  warnings: string[];
  /** One line for the summary and the log. */
  headline: string;
}

/**
 * The verdict of a run from the mode, `fail-on`, the result counts and the
 * exit code of directory mode (1 for error results or, in `check`, stale
 * files). A render with error results always fails: it wrote nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outcomeOf } from "./github_action.ts";
 *
 * const outcome = outcomeOf({
 *   mode: "check",
 *   failOn: "error",
 *   counts: { errors: 0, warnings: 1, infos: 0 },
 *   exitCode: 1,
 *   dir: "k8s",
 *   outputDir: "k8s",
 * });
 * assert.equal(outcome.failed, true);
 * assert.equal(outcome.stale, "true");
 * ```
 */
export function outcomeOf(input: {
  mode: Mode;
  failOn: FailOn;
  counts: Counts;
  exitCode: number;
  /** The manifest directory, for messages. */
  dir: string;
  /** The directory written or compared, for messages. */
  outputDir: string;
}): Outcome {
  const { mode, failOn, counts, exitCode, dir, outputDir } = input;
  const failures: string[] = [];
  const warnings: string[] = [];
  const stale: Staleness = mode === "render"
    ? ""
    : exitCode === 0
    ? "false"
    : counts.errors === 0
    ? "true"
    : "unknown";
  if (mode === "render" && counts.errors > 0) {
    failures.push(
      `Render failed with ${plural(counts.errors, "error", "errors")}: nothing was written`,
    );
  } else if (counts.errors > 0 && failOn !== "never") {
    failures.push(`${plural(counts.errors, "error result", "error results")} (fail-on: ${failOn})`);
  }
  if (counts.warnings > 0 && failOn === "warning") {
    failures.push(
      `${plural(counts.warnings, "warning result", "warning results")} (fail-on: warning)`,
    );
  }
  if (stale === "true") {
    failures.push(
      `Rendered files in "${outputDir}" are stale: run this action with mode render (or ` +
        `"render ${dir} --out ${outputDir}") and commit the result; the diff is in the log`,
    );
  }
  if (stale === "unknown" && failOn === "never") {
    warnings.push(
      `Cannot tell whether the rendered files in "${outputDir}" are current: the run has error results`,
    );
  }
  const failed = failures.length > 0;
  const tally = `${plural(counts.errors, "error", "errors")}, ${
    plural(counts.warnings, "warning", "warnings")
  }, ${plural(counts.infos, "info", "infos")}`;
  const state = mode === "render"
    ? failed ? "nothing was written" : "the files are written"
    : stale === "true"
    ? "the rendered files are stale"
    : stale === "false"
    ? "the rendered files are up to date"
    : "staleness unknown";
  return {
    failed,
    stale,
    failures,
    warnings,
    headline: `${failed ? "❌ Step failed" : "✅ Step passed"} (${mode}): ${state}; ${tally}`,
  };
}

// ---------------------------------------------------------------------------
// Markdown

/**
 * Markdown of the report with a verdict paragraph after its heading, and,
 * when given, a table of results that are not annotations.
 */
export function summaryMarkdown(input: {
  report: Report;
  title: string;
  outcome: Outcome;
  /** Results not shown as annotations, with where they are. */
  rest?: readonly LocatedResult[];
  /** Results shown as annotations. */
  annotated?: number;
  /** Rows per table. */
  maxRows?: number;
  /** Extra lines for the verdict paragraph (comment status). */
  notes?: readonly string[];
  /** The base branch's report: the summary leads with what the pull request changes. */
  base?: Report | undefined;
}): string {
  const maxRows = input.maxRows ?? SUMMARY_MAX_ROWS;
  const lead = [
    `**${markdownText(input.outcome.headline)}**`,
    ...input.outcome.failures.map((f) => `- ❌ ${markdownText(f)}`),
    ...input.outcome.warnings.map((w) => `- ⚠️ ${markdownText(w)}`),
    ...(input.notes ?? []).map((n) => `- ${markdownText(n)}`),
  ].join("\n");
  // The step's verdict first; the report's own verdict follows as "Migration status: ...".
  const withVerdict = reportMarkdown(input.report, {
    title: input.title,
    maxRows,
    base: input.base,
    lead,
  });
  const rest = input.rest ?? [];
  if (rest.length === 0) return withVerdict;
  return `${withVerdict}\n${restSection(rest, input.annotated ?? 0, maxRows)}\n`;
}

function restSection(rest: readonly LocatedResult[], annotated: number, maxRows: number): string {
  const rows = rest.slice(0, maxRows).map(({ result, file, line }) => {
    const ref = result.resourceRef;
    const where = file ?? result.file?.path;
    return `| ${result.severity === "error" ? "**error**" : result.severity} | ${
      where === undefined ? "–" : markdownText(line === undefined ? where : `${where}:${line}`)
    } | ${
      ref ? markdownText(`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`) : "–"
    } | ${result.field ? markdownText(result.field.path) : "–"} | ${
      markdownText(result.message)
    } |`;
  });
  const more = rest.length - rows.length;
  return [
    "### Results not shown as annotations",
    "",
    `GitHub shows at most ${ANNOTATION_LIMIT} annotations of each severity per step: ` +
    `${plural(annotated, "result is", "results are")} annotated, ${
      plural(rest.length, "more is", "more are")
    } listed here.`,
    "",
    "| Severity | File | Resource | Field | Message |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    ...(more > 0
      ? ["", `_${plural(more, "more result", "more results")} not shown; see the JSON report._`]
      : []),
  ].join("\n");
}

/** UTF-8 length of a text, GitHub's measure for step summaries. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * Cuts Markdown to at most `max` (measured by `size`, UTF-16 code units by
 * default) at a line boundary and appends `note`; a cut inside a code fence
 * (a Mermaid graph) moves before the fence, so no fence is left open.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncateMarkdown } from "./github_action.ts";
 *
 * const fence = "`".repeat(3);
 * const text = `intro\n${fence}mermaid\nflowchart LR\n  a --> b\n${fence}\nend\n`;
 * assert.equal(truncateMarkdown(text, 30, "_cut_"), "intro\n\n_cut_\n");
 * assert.equal(truncateMarkdown(text, 1000, "_cut_"), text);
 * ```
 */
export function truncateMarkdown(
  text: string,
  max: number,
  note: string,
  size: (text: string) => number = (t) => t.length,
): string {
  if (size(text) <= max) return text;
  const budget = max - size(`\n${note}\n`);
  const lines = text.split("\n");
  let used = 0;
  let kept = 0;
  /** Index of the line that opened the fence the cut is in, or -1. */
  let openFence = -1;
  for (const line of lines) {
    const length = size(line) + 1;
    if (used + length > budget) break;
    used += length;
    if (/^\s{0,3}(```|~~~)/.test(line)) openFence = openFence < 0 ? kept : -1;
    kept++;
  }
  if (openFence >= 0) kept = openFence;
  const head = lines.slice(0, Math.max(0, kept)).join("\n");
  return `${head}${head === "" ? "" : "\n"}\n${note}\n`;
}

/**
 * The hidden marker that identifies this action's comment for a directory, so
 * several runs (one per zone) keep one comment each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentMarker } from "./github_action.ts";
 *
 * assert.equal(commentMarker("k8s/east"), "<!-- meshservice-krm:k8s/east -->");
 * assert.equal(commentMarker("a -->b"), "<!-- meshservice-krm:a_--_b -->");
 * ```
 */
export function commentMarker(key: string): string {
  return `<!-- meshservice-krm:${
    key.replace(/[^A-Za-z0-9._\/-]/g, "_").replace(/-->/g, "--_")
  } -->`;
}

/**
 * A comment body: the marker, the Markdown and a link to the run, cut to
 * `max` characters (default {@link COMMENT_LIMIT}) with a note that links to
 * the run's job summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentBody } from "./github_action.ts";
 *
 * const body = commentBody({ marker: "<!-- m -->", markdown: "x\n".repeat(100), max: 120 });
 * assert.ok(body.startsWith("<!-- m -->\n"));
 * assert.ok(body.length <= 120);
 * ```
 */
export function commentBody(input: {
  marker: string;
  markdown: string;
  runUrl?: string | undefined;
  max?: number;
}): string {
  const max = input.max ?? COMMENT_LIMIT;
  const link = input.runUrl === undefined ? "" : `\n[Workflow run](${input.runUrl})\n`;
  const head = `${input.marker}\n`;
  const note = input.runUrl === undefined
    ? "_The report is cut here: the full report is in the job summary._"
    : `_The report is cut here: the full report is in the [job summary](${input.runUrl})._`;
  const room = max - head.length - link.length;
  return `${head}${truncateMarkdown(input.markdown, room, note)}${link}`;
}

/**
 * The id of the first comment written by `author` (a login) whose body starts
 * with `marker`, from the JSON of the issue-comments API. Comments by anyone
 * else are never the action's, whatever they start with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findMarkedComment } from "./github_action.ts";
 *
 * const comments = [
 *   { id: 1, body: "<!-- m -->\nfake", user: { login: "mallory" } },
 *   { id: 2, body: "<!-- m -->\nreport", user: { login: "github-actions[bot]" } },
 * ];
 * assert.equal(findMarkedComment(comments, "<!-- m -->", "github-actions[bot]"), 2);
 * ```
 */
export function findMarkedComment(
  comments: unknown,
  marker: string,
  author: string,
): number | undefined {
  if (!Array.isArray(comments)) return undefined;
  for (const comment of comments) {
    if (typeof comment !== "object" || comment === null) continue;
    const { id, body, user } = comment as { id?: unknown; body?: unknown; user?: unknown };
    const login = typeof user === "object" && user !== null
      ? (user as { login?: unknown }).login
      : undefined;
    if (
      typeof id === "number" && typeof body === "string" && body.startsWith(marker) &&
      login === author
    ) {
      return id;
    }
  }
  return undefined;
}

/**
 * The login of a token's user from the answer to the GraphQL query
 * `{ viewer { login } }`, or `undefined` (an `errors` answer, another shape).
 */
export function viewerLogin(answer: unknown): string | undefined {
  if (typeof answer !== "object" || answer === null) return undefined;
  const data = (answer as { data?: unknown }).data;
  const viewer = typeof data === "object" && data !== null
    ? (data as { viewer?: unknown }).viewer
    : undefined;
  const login = typeof viewer === "object" && viewer !== null
    ? (viewer as { login?: unknown }).login
    : undefined;
  return typeof login === "string" && login !== "" ? login : undefined;
}

/**
 * The GraphQL endpoint: `GITHUB_GRAPHQL_URL` when set (the runner sets it),
 * else derived from the REST one (`https://api.github.com` has
 * `https://api.github.com/graphql`, GHES's `https://HOST/api/v3` has
 * `https://HOST/api/graphql`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphqlUrl } from "./github_action.ts";
 *
 * assert.equal(graphqlUrl("https://ghe.example/api/v3", undefined), "https://ghe.example/api/graphql");
 * assert.equal(graphqlUrl("https://api.github.com", undefined), "https://api.github.com/graphql");
 * ```
 */
export function graphqlUrl(restApi: string, configured: string | undefined): string {
  if (configured) return configured;
  const base = restApi.replace(/\/+$/, "");
  return base.endsWith("/api/v3") ? `${base.slice(0, -"/v3".length)}/graphql` : `${base}/graphql`;
}

/** The pull-request number of a `pull_request` or `pull_request_target` event payload. */
export function pullRequestNumber(
  eventName: string | undefined,
  event: unknown,
): number | undefined {
  if (eventName !== "pull_request" && eventName !== "pull_request_target") return undefined;
  if (typeof event !== "object" || event === null) return undefined;
  const pr = (event as { pull_request?: unknown }).pull_request;
  const number = typeof pr === "object" && pr !== null
    ? (pr as { number?: unknown }).number
    : undefined;
  return typeof number === "number" && Number.isSafeInteger(number) && number > 0
    ? number
    : undefined;
}

/**
 * `$GITHUB_OUTPUT` lines: `name=value`, or the `name<<delimiter` form for a
 * value with a line break.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputLines } from "./github_action.ts";
 *
 * assert.equal(outputLines({ errors: "0", note: "a\nb" }, "EOF_1"), "errors=0\nnote<<EOF_1\na\nb\nEOF_1\n");
 * ```
 *
 * @throws {RangeError} when a value contains the delimiter.
 */
export function outputLines(outputs: Record<string, string>, delimiter: string): string {
  let text = "";
  for (const [name, value] of Object.entries(outputs)) {
    if (!/[\r\n]/.test(value)) {
      text += `${name}=${value}\n`;
      continue;
    }
    if (value.includes(delimiter)) {
      throw new RangeError(`Cannot write output "${name}": its value contains the delimiter`);
    }
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  return text;
}

/** The step outputs of a run that produced a report. */
export function actionOutputs(input: {
  report: Report;
  counts: Counts;
  outcome: Outcome;
  reportPath: string;
  summaryPath: string;
}): Record<string, string> {
  const { report, counts } = input;
  return {
    errors: String(counts.errors),
    warnings: String(counts.warnings),
    infos: String(counts.infos),
    meshservices: String(report.summary?.meshServices ?? 0),
    "references-rewritten": String(report.summary?.references?.rewritten ?? 0),
    "references-remaining": String(report.migration?.remaining ?? 0),
    "migration-complete": String(report.migration?.complete ?? false),
    stale: input.outcome.stale,
    report: input.reportPath,
    "summary-file": input.summaryPath,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------------------
// I/O

/** What posting the comment did. */
interface CommentStatus {
  /** `info` is a log line; `notice` and `warning` become annotations. */
  level: "info" | "notice" | "warning";
  text: string;
}

/** Runs the action; returns the exit code. */
export async function main(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Promise<number> {
  /** A workflow command this adapter built (its texts escaped by {@link annotationCommand}). */
  const stdout = (line: string) => writeAll(Deno.stdout.writable, `${line}\n`);
  /** A log line, escaped: it may hold text from the manifests or an API answer. */
  const log = (line: string) => stdout(escapeLine(line));
  const parsed = parseInputs(env);
  if (!parsed.ok) {
    for (const problem of parsed.problems) {
      await stdout(
        annotationCommand({ level: "error", title: "meshservice-krm", message: problem }),
      );
    }
    return 2;
  }
  const inputs = parsed.inputs;
  const workspace = resolve(env("GITHUB_WORKSPACE") || Deno.cwd());
  const outputDir = inputs.outputDir ?? inputs.path;
  const title = `meshservice-krm ${inputs.mode}: ${inputs.path}`;
  let temp: string;
  try {
    const runnerTemp = env("RUNNER_TEMP");
    temp = await Deno.makeTempDir(
      runnerTemp ? { dir: runnerTemp, prefix: "meshservice-krm-" } : { prefix: "meshservice-krm-" },
    );
  } catch (error) {
    return await crashed(env, inputs, title, `Cannot create a temporary directory: ${why(error)}`);
  }
  const reportPath = join(temp, "report.json");
  const summaryPath = join(temp, "summary.md");

  await stdout(
    `::group::${escapeData(escapeLine(`meshservice-krm ${inputs.mode} ${inputs.path}`))}`,
  );
  const resume = `meshservice-krm-${crypto.randomUUID()}`;
  await stdout(`::stop-commands::${resume}`);
  let exitCode = 1;
  let failure: string | undefined;
  try {
    exitCode = await runDirectory({
      command: inputs.mode,
      dir: inputs.path,
      out: outputDir,
      config: inputs.config,
      report: reportPath,
      format: "yaml",
    });
  } catch (error) {
    failure = error instanceof Deno.errors.NotCapable
      ? `Cannot access a path: the action reads and writes only under GITHUB_WORKSPACE and RUNNER_TEMP (${
        why(error)
      })`
      : `meshservice-krm ${inputs.mode} crashed: ${why(error)}`;
  } finally {
    await stdout(`::${resume}::`);
    await stdout("::endgroup::");
  }
  const report = failure === undefined ? await readReport(reportPath) : undefined;
  if (report === undefined) {
    return await crashed(
      env,
      inputs,
      title,
      failure ??
        `meshservice-krm ${inputs.mode} of "${inputs.path}" stopped before writing its report: see the log above`,
      summaryPath,
    );
  }

  const base = inputs.baseRef === undefined
    ? undefined
    : await compareWithBase(inputs, { workspace, temp, stdout });

  const located = await locateResults(report.results, {
    workspace,
    dirs: [resolve(inputs.path), resolve(outputDir)],
    config: inputs.config === undefined ? undefined : resolve(inputs.config),
  });
  const counts = countResults(report.results);
  const outcome = outcomeOf({
    mode: inputs.mode,
    failOn: inputs.failOn,
    counts,
    exitCode,
    dir: inputs.path,
    outputDir,
  });

  const commentStatus = inputs.comment
    ? await comment(env, inputs, { report, outcome, title, base: base?.report })
    : undefined;

  const status: Annotation[] = [
    ...(outcome.failed
      ? [{
        level: "error" as const,
        title: "meshservice-krm",
        message: outcome.failures.join("; "),
      }]
      : []),
    ...outcome.warnings.map((message) => ({
      level: "warning" as const,
      title: "meshservice-krm",
      message,
    })),
    ...(commentStatus !== undefined && commentStatus.level !== "info"
      ? [{ level: commentStatus.level, title: "meshservice-krm", message: commentStatus.text }]
      : []),
  ];
  const budget: AnnotationBudget = { error: 0, warning: 0, notice: 0 };
  for (const level of ["error", "warning", "notice"] as const) {
    const taken = status.filter((a) => a.level === level).length;
    budget[level] = Math.max(0, Math.min(inputs.maxAnnotations, ANNOTATION_LIMIT - taken));
  }
  const { annotated, rest } = selectAnnotations(located, budget);

  const summary = summaryMarkdown({
    report,
    title,
    outcome,
    rest,
    annotated: annotated.length,
    notes: [
      ...(base?.note === undefined ? [] : [base.note]),
      ...(commentStatus === undefined ? [] : [commentStatus.text]),
    ],
    base: base?.report,
  });
  await Deno.writeTextFile(summaryPath, summary);
  if (inputs.summary) await appendStepSummary(env, summary);
  const outputFile = env("GITHUB_OUTPUT");
  if (outputFile) {
    await Deno.writeTextFile(
      outputFile,
      outputLines(
        actionOutputs({ report, counts, outcome, reportPath, summaryPath }),
        `meshservice_krm_${crypto.randomUUID()}`,
      ),
      { append: true },
    );
  }
  for (const annotation of status) await stdout(annotationCommand(annotation));
  for (const result of annotated) await stdout(annotationCommand(annotationOf(result)));
  if (rest.length > 0) {
    await log(
      `${plural(rest.length, "more result is", "more results are")} listed only in the ${
        inputs.summary ? "job summary" : "summary file (output summary-file)"
      }`,
    );
  }
  if (commentStatus?.level === "info") await log(commentStatus.text);
  await log(outcome.headline);
  return outcome.failed ? 1 : 0;
}

/**
 * Renders the base commit's copy of the directory (inside its own log group,
 * workflow commands suspended) for the summary's "Changes from the base
 * branch"; a failure is a note for the summary.
 */
async function compareWithBase(
  inputs: ActionInputs,
  io: { workspace: string; temp: string; stdout: (line: string) => Promise<void> },
): Promise<{ report?: Report; note?: string }> {
  const ref = inputs.baseRef!;
  await io.stdout(
    `::group::${escapeData(escapeLine(`meshservice-krm: render of the base ${ref}`))}`,
  );
  const resume = `meshservice-krm-${crypto.randomUUID()}`;
  await io.stdout(`::stop-commands::${resume}`);
  try {
    const outcome = await baseReport({
      workspace: io.workspace,
      ref,
      path: inputs.path,
      config: inputs.config,
      temp: join(io.temp, "base"),
    });
    return "report" in outcome ? { report: outcome.report } : { note: outcome.note };
  } catch (error) {
    return { note: `Cannot compare with the base branch: ${why(error)}` };
  } finally {
    await io.stdout(`::${resume}::`);
    await io.stdout("::endgroup::");
  }
}

/** Reports a run that produced no report: `::error`, the summary, exit 1. */
async function crashed(
  env: (name: string) => string | undefined,
  inputs: ActionInputs,
  title: string,
  message: string,
  summaryPath?: string,
): Promise<number> {
  await writeAll(
    Deno.stdout.writable,
    `${annotationCommand({ level: "error", title: "meshservice-krm", message })}\n`,
  );
  const summary = `## ${markdownText(title)}\n\n**❌ ${markdownText(message)}**\n`;
  try {
    if (summaryPath !== undefined) await Deno.writeTextFile(summaryPath, summary);
    if (inputs.summary) await appendStepSummary(env, summary);
    const outputFile = env("GITHUB_OUTPUT");
    if (outputFile && summaryPath !== undefined) {
      await Deno.writeTextFile(
        outputFile,
        outputLines({ "summary-file": summaryPath }, "unused"),
        { append: true },
      );
    }
  } catch (error) {
    await writeAll(
      Deno.stderr.writable,
      `${escapeLine(`Cannot write the job summary: ${why(error)}`)}\n`,
    );
  }
  return 1;
}

async function appendStepSummary(
  env: (name: string) => string | undefined,
  summary: string,
): Promise<void> {
  const file = env("GITHUB_STEP_SUMMARY");
  if (!file) return;
  const note = "_The summary is cut here: GitHub shows at most 1 MiB per step; " +
    "the full report is in the JSON report (output `report`)._";
  await Deno.writeTextFile(
    file,
    truncateMarkdown(summary, STEP_SUMMARY_LIMIT - 1024, note, utf8Length),
    { append: true },
  );
}

async function readReport(path: string): Promise<Report | undefined> {
  try {
    const value: unknown = JSON.parse(await Deno.readTextFile(path));
    if (typeof value !== "object" || value === null) return undefined;
    const report = value as Partial<Report>;
    if (!Array.isArray(report.results) || typeof report.summary !== "object") return undefined;
    return report as Report;
  } catch {
    return undefined;
  }
}

/**
 * Finds each result's file (under the input or output directory) and line; a
 * result about the config without a file points at the `config` input's file.
 */
async function locateResults(
  results: readonly Result[],
  roots: { workspace: string; dirs: string[]; config: string | undefined },
): Promise<LocatedResult[]> {
  // Each file is read and parsed once, however many results point into it.
  const sources = new Map<string, SourceDocuments | undefined>();
  const read = async (path: string): Promise<SourceDocuments | undefined> => {
    if (!sources.has(path)) {
      try {
        sources.set(path, parseSource(await Deno.readTextFile(path)));
      } catch {
        sources.set(path, undefined);
      }
    }
    return sources.get(path);
  };
  const inWorkspace = (absolute: string): string | undefined => {
    const path = relative(roots.workspace, absolute).split(sep).join("/");
    return path.startsWith("../") || isAbsolute(path) ? undefined : path;
  };
  const located: LocatedResult[] = [];
  for (const result of results) {
    const path = result.file?.path;
    if (path === undefined && roots.config !== undefined && isConfigResult(result)) {
      const text = await read(roots.config);
      const file = inWorkspace(roots.config);
      located.push(
        text === undefined || file === undefined
          ? { result }
          : { result, file, line: resultLine(text, result) },
      );
      continue;
    }
    if (path === undefined || isAbsolute(path) || path.split(/[\\/]/).includes("..")) {
      located.push({ result });
      continue;
    }
    let found: LocatedResult = { result };
    for (const dir of new Set(roots.dirs)) {
      const absolute = join(dir, path);
      const text = await read(absolute);
      if (text === undefined) continue;
      const fromWorkspace = inWorkspace(absolute);
      if (fromWorkspace === undefined) break;
      found = { result, file: fromWorkspace, line: resultLine(text, result) };
      break;
    }
    located.push(found);
  }
  return located;
}

/** A result about the function config (`RenderMeshServices` or the ConfigMap form). */
function isConfigResult(result: Result): boolean {
  const kind = result.resourceRef?.kind;
  return kind === CONFIG_KIND || kind === "ConfigMap";
}

/** Posts or updates the pull-request comment; never throws. */
async function comment(
  env: (name: string) => string | undefined,
  inputs: ActionInputs,
  run: { report: Report; outcome: Outcome; title: string; base?: Report | undefined },
): Promise<CommentStatus> {
  const eventName = env("GITHUB_EVENT_NAME");
  let event: unknown;
  try {
    const eventPath = env("GITHUB_EVENT_PATH");
    event = eventPath ? JSON.parse(await Deno.readTextFile(eventPath)) : undefined;
  } catch (error) {
    return { level: "warning", text: `Cannot read the event payload: ${why(error)}` };
  }
  const number = pullRequestNumber(eventName, event);
  if (number === undefined) {
    return {
      level: "notice",
      text: `No pull-request comment posted: the event is ${
        eventName || "unknown"
      }, not a pull request`,
    };
  }
  const repository = env("GITHUB_REPOSITORY") ?? "";
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    return {
      level: "warning",
      text: `Cannot comment: GITHUB_REPOSITORY "${repository}" is invalid`,
    };
  }
  if (inputs.token === "") {
    return { level: "warning", text: "Cannot comment: the github-token input is empty" };
  }
  const server = env("GITHUB_SERVER_URL") || "https://github.com";
  const runId = env("GITHUB_RUN_ID");
  const runUrl = runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
  const marker = commentMarker(inputs.path);
  const body = commentBody({
    marker,
    markdown: summaryMarkdown({
      report: run.report,
      title: run.title,
      outcome: run.outcome,
      maxRows: COMMENT_MAX_ROWS,
      base: run.base,
    }),
    runUrl,
  });
  const api = (env("GITHUB_API_URL") || "https://api.github.com").replace(/\/+$/, "");
  const call = apiCaller(inputs.token);
  try {
    // The token's own login: only a comment it wrote is the action's to update.
    const graphql = graphqlUrl(api, env("GITHUB_GRAPHQL_URL"));
    const login = viewerLogin(await call("POST", graphql, { query: "query { viewer { login } }" }));
    if (login === undefined) {
      throw new Error(`POST ${graphql} answered no viewer login, so no comment is updated`);
    }
    const issue = `${api}/repos/${repository}/issues/${number}`;
    let existing: number | undefined;
    for (let page = 1; page <= 30 && existing === undefined; page++) {
      const comments = await call("GET", `${issue}/comments?per_page=100&page=${page}`);
      existing = findMarkedComment(comments, marker, login);
      if (!Array.isArray(comments) || comments.length < 100) break;
    }
    if (existing === undefined) {
      await call("POST", `${issue}/comments`, { body });
      return { level: "info", text: `Posted the report on pull request #${number}` };
    }
    await call("PATCH", `${api}/repos/${repository}/issues/comments/${existing}`, { body });
    return { level: "info", text: `Updated the report comment on pull request #${number}` };
  } catch (error) {
    return {
      level: "warning",
      text: `Cannot comment on pull request #${number} (a pull request from a fork gets a ` +
        `read-only token; the workflow needs pull-requests: write): ${why(error)}`,
    };
  }
}

/** A JSON API call with the token; a status other than 2xx throws with the answer's message. */
function apiCaller(
  token: string,
): (method: string, url: string, payload?: unknown) => Promise<unknown> {
  return async (method, url, payload) => {
    const response = await fetch(url, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "user-agent": "meshservice-krm-action",
        "x-github-api-version": "2022-11-28",
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = "";
      try {
        const message = (JSON.parse(text) as { message?: unknown }).message;
        if (typeof message === "string") detail = `: ${message}`;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new Error(`${method} ${new URL(url).pathname} answered ${response.status}${detail}`);
    }
    return text === "" ? undefined : JSON.parse(text);
  };
}

function why(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    // A bug or an unwritable runner file: still fail with an annotation, not only a stack trace.
    console.log(annotationCommand({
      level: "error",
      title: "meshservice-krm",
      message: `meshservice-krm failed: ${why(error)}`,
    }));
    const trace = error instanceof Error ? error.stack ?? error.message : String(error);
    console.error(escapeText(trace));
    code = 1;
  }
  Deno.exit(code);
}
