/**
 * Bench of the pipelines users run, part of `deno task bench` (issue 16):
 * kustomize (tests/bench/kustomize_rows.ts) and directory mode
 * (tests/bench/directory_rows.ts, and tests/bench/edited_rows.ts without a
 * target), each against its baseline. Medians of
 * interleaved whole-process runs, as the rest of the bench.
 *
 * @module
 */

import { directoryRuns } from "./directory_rows.ts";
import { editedRun } from "./edited_rows.ts";
import { kustomizeRuns } from "./kustomize_rows.ts";
import { fmtInt, fmtRatio, printTable } from "./measure.ts";
import type { PipelineRow } from "./pipeline_row.ts";
import type { Target } from "./report.ts";

/** The rows, printed as a table, and their targets. */
export interface PipelineResults {
  rows: PipelineRow[];
  targets: Target[];
  print(): void;
}

/** Runs the selected pipeline measurements; `quick` keeps the 1,000 sizes only. */
export async function pipelineRuns(
  options: { dir: string; quick: boolean; kustomize: boolean; directory: boolean },
): Promise<PipelineResults> {
  const { dir, quick } = options;
  const rows = [
    ...options.kustomize ? await kustomizeRuns(dir, quick) : [],
    ...options.directory ? await directoryRuns(dir, quick ? [1000] : [1000, 20000]) : [],
    ...options.directory && !quick ? [await editedRun(dir)] : [],
  ];
  const targets = rows.filter((row) => row.target !== undefined).map((row): Target => {
    const ratio = row.fnMs / row.baseMs;
    return {
      target: `${row.pipeline}, N = ${fmtInt(row.n)}: <= ${row.target}x ${row.baseline}`,
      value: row.missing ??
        `${fmtRatio(ratio, row.target)}x (${fmtInt(row.fnMs)} / ${fmtInt(row.baseMs)} ms)`,
      result: !row.missing && ratio <= row.target! ? "PASS" : "FAIL",
    };
  });
  return {
    rows,
    targets,
    print() {
      if (rows.length === 0) return;
      console.log("\nPipelines: the function's pipeline against its baseline\n");
      printTable(
        ["pipeline", "N", "runs", "ms", "baseline", "baseline ms", "ratio"],
        rows.map((r) => [
          r.pipeline,
          fmtInt(r.n),
          String(r.runs),
          r.missing ? "n/a" : fmtInt(r.fnMs),
          r.baseline,
          r.missing ? "n/a" : fmtInt(r.baseMs),
          r.missing ? r.missing : `${(r.fnMs / r.baseMs).toFixed(2)}x`,
        ]),
      );
    },
  };
}
