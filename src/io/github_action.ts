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
import type { Result } from "../model/krm.ts";
import type { Report } from "../report.ts";
import { markdownText } from "../report_markdown.ts";
import { baseReport } from "./base_report.ts";
import { runDirectory } from "./directory.ts";
import { writeAll } from "./krm_stdio.ts";
import { escapeLine, escapeText } from "./terminal.ts";
import { parseSource, type SourceDocuments } from "./yaml_text/source_lines.ts";
import { type ActionInputs, parseInputs } from "./github_action/inputs.ts";
import {
  type Annotation,
  ANNOTATION_LIMIT,
  type AnnotationBudget,
  annotationCommand,
  annotationOf,
  escapeData,
  type LocatedResult,
  resultLine,
  selectAnnotations,
  why,
} from "./github_action/commands.ts";
import {
  countResults,
  type Counts,
  type Outcome,
  outcomeOf,
  plural,
  STEP_SUMMARY_LIMIT,
  summaryMarkdown,
  truncateMarkdown,
  utf8Length,
} from "./github_action/summary.ts";
import { comment, type CommentStatus } from "./github_action/comment.ts";
export * from "./github_action/inputs.ts";
export * from "./github_action/commands.ts";
export * from "./github_action/summary.ts";
export * from "./github_action/comment.ts";

// ---------------------------------------------------------------------------
// Workflow commands

// ---------------------------------------------------------------------------
// Verdict

// ---------------------------------------------------------------------------
// Markdown

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

// ---------------------------------------------------------------------------
// I/O

/** What every step of a run knows: the environment, the inputs and where its files go. */
interface ActionRun {
  env: (name: string) => string | undefined;
  inputs: ActionInputs;
  workspace: string;
  /** The `output-dir` input, else `path`. */
  outputDir: string;
  /** `meshservice-krm MODE: PATH`, the summary's and comment's heading. */
  title: string;
  /** The run's scratch directory (under RUNNER_TEMP). */
  temp: string;
  /** The JSON report (output `report`). */
  reportPath: string;
  /** The Markdown summary (output `summary-file`). */
  summaryPath: string;
  /** Writes a workflow command this adapter built (its texts escaped by {@link annotationCommand}). */
  stdout: (line: string) => Promise<void>;
  /** Writes a log line, escaped: it may hold text from the manifests or an API answer. */
  log: (line: string) => Promise<void>;
}

/** Runs the action; returns the exit code. */
export async function main(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Promise<number> {
  const stdout = (line: string) => writeAll(Deno.stdout.writable, `${line}\n`);
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
  const title = `meshservice-krm ${inputs.mode}: ${inputs.path}`;
  let temp: string;
  try {
    const runnerTemp = env("RUNNER_TEMP");
    temp = await Deno.makeTempDir(
      runnerTemp ? { dir: runnerTemp, prefix: "meshservice-krm-" } : { prefix: "meshservice-krm-" },
    );
  } catch (error) {
    return await crashed(
      { env, inputs, title },
      `Cannot create a temporary directory: ${why(error)}`,
    );
  }
  const run: ActionRun = {
    env,
    inputs,
    workspace: resolve(env("GITHUB_WORKSPACE") || Deno.cwd()),
    outputDir: inputs.outputDir ?? inputs.path,
    title,
    temp,
    reportPath: join(temp, "report.json"),
    summaryPath: join(temp, "summary.md"),
    stdout,
    log: (line) => stdout(escapeLine(line)),
  };
  const rendered = await renderInGroup(run);
  if (!("report" in rendered)) return await crashed(run, rendered.failure);
  return await publish(run, rendered);
}

/**
 * Runs directory mode inside a log group with workflow commands suspended;
 * the report it returns (also written to the `report` file), or why there is
 * none.
 */
async function renderInGroup(
  run: ActionRun,
): Promise<{ report: Report; exitCode: number } | { failure: string }> {
  const { inputs, stdout } = run;
  await stdout(
    `::group::${escapeData(escapeLine(`meshservice-krm ${inputs.mode} ${inputs.path}`))}`,
  );
  const resume = `meshservice-krm-${crypto.randomUUID()}`;
  await stdout(`::stop-commands::${resume}`);
  try {
    const { exitCode, report } = await runDirectory({
      command: inputs.mode,
      dir: inputs.path,
      out: run.outputDir,
      config: inputs.config,
      report: run.reportPath,
      format: "yaml",
    });
    if (report !== undefined) return { report, exitCode };
    return {
      failure:
        `meshservice-krm ${inputs.mode} of "${inputs.path}" stopped before writing its report: see the log above`,
    };
  } catch (error) {
    return {
      failure: error instanceof Deno.errors.NotCapable
        ? `Cannot access a path: the action reads and writes only under GITHUB_WORKSPACE and RUNNER_TEMP (${
          why(error)
        })`
        : `meshservice-krm ${inputs.mode} crashed: ${why(error)}`,
    };
  } finally {
    await stdout(`::${resume}::`);
    await stdout("::endgroup::");
  }
}

/** Reports a run that produced a report: comment, annotations, summary, outputs, the verdict. */
async function publish(
  run: ActionRun,
  rendered: { report: Report; exitCode: number },
): Promise<number> {
  const { env, inputs, report } = { ...run, report: rendered.report };
  const base = inputs.baseRef === undefined ? undefined : await compareWithBase(inputs, run);
  const located = await locateResults(report.results, {
    workspace: run.workspace,
    dirs: [resolve(inputs.path), resolve(run.outputDir)],
    config: inputs.config === undefined ? undefined : resolve(inputs.config),
  });
  const counts = countResults(report.results);
  const outcome = outcomeOf({
    mode: inputs.mode,
    failOn: inputs.failOn,
    counts,
    exitCode: rendered.exitCode,
    dir: inputs.path,
    outputDir: run.outputDir,
  });
  const commentStatus = inputs.comment
    ? await comment(env, inputs, { report, outcome, title: run.title, base: base?.report })
    : undefined;
  const status = statusAnnotations(outcome, commentStatus);
  const { annotated, rest } = selectAnnotations(located, annotationBudget(status, inputs));
  const summary = summaryMarkdown({
    report,
    title: run.title,
    outcome,
    rest,
    annotated: annotated.length,
    notes: [
      ...(base?.note === undefined ? [] : [base.note]),
      ...(commentStatus === undefined ? [] : [commentStatus.text]),
    ],
    base: base?.report,
  });
  await Deno.writeTextFile(run.summaryPath, summary);
  if (inputs.summary) await appendStepSummary(env, summary);
  await appendOutputs(
    env,
    actionOutputs({
      report,
      counts,
      outcome,
      reportPath: run.reportPath,
      summaryPath: run.summaryPath,
    }),
  );
  for (const annotation of status) await run.stdout(annotationCommand(annotation));
  for (const result of annotated) await run.stdout(annotationCommand(annotationOf(result)));
  if (rest.length > 0) {
    await run.log(
      `${plural(rest.length, "more result is", "more results are")} listed only in the ${
        inputs.summary ? "job summary" : "summary file (output summary-file)"
      }`,
    );
  }
  if (commentStatus?.level === "info") await run.log(commentStatus.text);
  await run.log(outcome.headline);
  return outcome.failed ? 1 : 0;
}

/** The step's own annotations: the verdict's failure and warnings, and the comment's status. */
function statusAnnotations(
  outcome: Outcome,
  commentStatus: CommentStatus | undefined,
): Annotation[] {
  return [
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
}

/** Annotations left per severity for results once the step's own are counted. */
function annotationBudget(status: readonly Annotation[], inputs: ActionInputs): AnnotationBudget {
  const budget: AnnotationBudget = { error: 0, warning: 0, notice: 0 };
  for (const level of ["error", "warning", "notice"] as const) {
    const taken = status.filter((a) => a.level === level).length;
    budget[level] = Math.max(0, Math.min(inputs.maxAnnotations, ANNOTATION_LIMIT - taken));
  }
  return budget;
}

/** Appends step outputs to `$GITHUB_OUTPUT` (nothing outside a runner). */
async function appendOutputs(
  env: (name: string) => string | undefined,
  outputs: Record<string, string>,
): Promise<void> {
  const outputFile = env("GITHUB_OUTPUT");
  if (!outputFile) return;
  await Deno.writeTextFile(
    outputFile,
    outputLines(outputs, `meshservice_krm_${crypto.randomUUID()}`),
    { append: true },
  );
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
  run: Pick<ActionRun, "env" | "inputs" | "title"> & { summaryPath?: string },
  message: string,
): Promise<number> {
  const { env, inputs, summaryPath } = run;
  await writeAll(
    Deno.stdout.writable,
    `${annotationCommand({ level: "error", title: "meshservice-krm", message })}\n`,
  );
  const summary = `## ${markdownText(run.title)}\n\n**❌ ${markdownText(message)}**\n`;
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
    truncateMarkdown(summary, { max: STEP_SUMMARY_LIMIT - 1024, note, size: utf8Length }),
    { append: true },
  );
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
