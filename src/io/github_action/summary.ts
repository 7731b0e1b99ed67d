/**
 * The GitHub Action's verdict (from the mode, `fail-on`, the results and the exit code) and
 * its job summary: the step's verdict, the report as Markdown, and the results that are not
 * annotations, cut to GitHub's size limits.
 *
 * @module
 */

import type { Result } from "../../model/krm.ts";
import type { Report } from "../../report.ts";
import { markdownText, reportMarkdown } from "../../report_markdown.ts";

import type { FailOn, Mode } from "./inputs.ts";
import { ANNOTATION_LIMIT, type LocatedResult } from "./commands.ts";

/** GitHub's limit of a step summary, in bytes (1 MiB); longer summaries are not shown. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** Rows of the summary's "not annotated" table before the rest is only counted. */
export const SUMMARY_MAX_ROWS = 200;

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
 * import { outcomeOf } from "../github_action.ts";
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

export function restSection(
  rest: readonly LocatedResult[],
  annotated: number,
  maxRows: number,
): string {
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

/** How {@link truncateMarkdown} cuts. */
export interface TruncateOptions {
  /** The most the text may measure. */
  max: number;
  /** Appended where the text was cut. */
  note: string;
  /** How text is measured (default: UTF-16 length; GitHub's limits are UTF-8 bytes). */
  size?: (text: string) => number;
}

/**
 * Cuts Markdown to at most `max` (measured by `size`, UTF-16 code units by
 * default) at a line boundary and appends `note`; a cut inside a code fence
 * (a Mermaid graph) moves before the fence, so no fence is left open.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncateMarkdown } from "../github_action.ts";
 *
 * const fence = "`".repeat(3);
 * const text = `intro\n${fence}mermaid\nflowchart LR\n  a --> b\n${fence}\nend\n`;
 * assert.equal(truncateMarkdown(text, { max: 30, note: "_cut_" }), "intro\n\n_cut_\n");
 * assert.equal(truncateMarkdown(text, { max: 1000, note: "_cut_" }), text);
 * ```
 */
export function truncateMarkdown(text: string, options: TruncateOptions): string {
  const { max, note, size = (t: string) => t.length } = options;
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

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
