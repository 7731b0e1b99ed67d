/**
 * Whole-process benchmark of the tool, with issue 16's targets.
 *
 * `deno task bench` runs every row set; `--quick` keeps N = 1,000 only (the
 * large repo and scaling targets are then skipped); `--only ROWS` runs the
 * listed row sets (tests/bench/options.ts: services, workloads, floor, kpt,
 * large, cold, kustomize, directory), e.g. `deno task bench --only
 * services,large`. Every measurement runs a whole process, stdin and stdout
 * redirected to files, timings interleaved so that drift hits both sides
 * alike (tests/bench/measure.ts):
 *
 * 1. KRM rows (tests/bench/krm_rows.ts): `deno run --no-prompt mod.ts`
 *    against an identity round trip of the same list
 *    (`tests/bench/identity.ts`, js-yaml load + dump), median wall time and
 *    peak RSS; floors beside them (tests/bench/floor_rows.ts: Deno read +
 *    write, `JSON.parse` of the list as JSON, js-yaml `load` alone).
 * 2. kpt (tests/bench/kpt_row.ts): `kpt fn eval --exec noop` against the
 *    function on the ResourceList kpt sends.
 * 3. The large multizone repo (tests/bench/large_rows.ts) at 10,000 and
 *    20,000, output checked.
 * 4. Cold start (tests/bench/cold_start.ts) on a one-item list.
 * 5. Pipelines (tests/bench/pipelines.ts): kustomize and directory mode.
 *
 * Prints a table per part, then every target with its value and PASS/FAIL
 * (tests/bench/report.ts), and exits 1 when a target fails.
 *
 * @module
 */

import { join } from "node:path";
import { DENO, MOD_TS } from "../e2e_support.ts";
import { buildBundle } from "../../tools/bundle.ts";
import { coldStart } from "./cold_start.ts";
import { kptComparison } from "./kpt_row.ts";
import { krmRows } from "./krm_rows.ts";
import { LARGE_SCALES, largeRows } from "./large_rows.ts";
import { printTable, TIME_BIN } from "./measure.ts";
import { type BenchOptions, benchOptions, ROW_SETS } from "./options.ts";
import { pipelineRuns } from "./pipelines.ts";
import { type Measured, printTables, targetsOf } from "./report.ts";

export { largeRepo, largeRepoExpected } from "./inputs.ts";

if (import.meta.main) await main();

async function main(): Promise<void> {
  const options = benchOptions(Deno.args);
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-bench-" });
  const started = performance.now();
  try {
    console.log(`deno: ${DENO}`);
    console.log(
      `peak RSS via: ${TIME_BIN ? "/usr/bin/time -f %M" : "/proc/<pid>/status VmHWM polling"}`,
    );
    console.log(`row sets: ${[...options.only].join(", ")}${options.quick ? " (--quick)" : ""}`);
    console.log(
      options.quick
        ? "sizes: 1000 (--quick: no large repo)\n"
        : `large repo at ${LARGE_SCALES.join(", ")}\n`,
    );
    const measured = await measureAll(dir, options);
    const pipelines = await pipelineRuns({
      dir,
      quick: options.quick,
      kustomize: options.only.has("kustomize"),
      directory: options.only.has("directory"),
    });
    printTables(measured);
    pipelines.print();
    const targets = [...targetsOf(measured), ...pipelines.targets];
    console.log();
    printTable(["target", "measured", "result"], targets.map((t) => [t.target, t.value, t.result]));
    console.log(`\ntotal bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (targets.some((t) => t.result === "FAIL")) Deno.exitCode = 1;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The KRM, kpt, large repo and cold start row sets that were asked for. */
async function measureAll(dir: string, options: BenchOptions): Promise<Measured> {
  const { only, quick } = options;
  // The KRM, large repo and cold start rows measure the release bundle, built as `deno task bundle` does.
  const fn = join(dir, "meshservice-krm.js");
  await buildBundle({ deno: DENO, entry: MOD_TS, output: fn });
  const rows = await krmRows({
    dir,
    fn,
    quick,
    services: only.has("services"),
    workloads: only.has("workloads"),
    floor: only.has("floor"),
  });
  const kpt = only.has("kpt") ? await kptComparison(dir) : undefined;
  const large = !quick && only.has("large")
    ? await largeRows({ dir, floor: only.has("floor"), fn })
    : [];
  const cold = only.has("cold") ? await coldStart(dir, fn) : undefined;
  const skipped = quick ? "--quick" : only.size < ROW_SETS.length ? "--only" : "not measured";
  return { rows, kpt, large, cold, skipped };
}
