/**
 * The long fuzz run: `deno task fuzz [--seed N] [--count N] [--cli-every K]
 * [--dir-every K]`. Case `i` has seed `N + i` (the same cases as
 * tests/fuzz_test.ts for the same seed); every case runs through the KRM path
 * in process, every K-th also through the CLI (default 50) and every K-th in
 * directory mode (default 250). Failures are collected with their seed
 * (replay one with `FUZZ_SEED=<seed> FUZZ_CASES=1 deno test -A
 * tests/fuzz_test.ts`); the summary gives the counts, the worst times, the
 * largest heap growth of one in-process case and the largest peak RSS of one
 * subprocess. Exits 1 when a case failed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  checkCli,
  checkDirectory,
  checkKrm,
  DEFAULT_BOUNDS,
  fuzzCase,
  goldenInputs,
  newStats,
} from "./harness.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seed: { type: "string", default: "15000" },
    count: { type: "string", default: "2000" },
    "cli-every": { type: "string", default: "50" },
    "dir-every": { type: "string", default: "250" },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
const cliEvery = Number(values["cli-every"]);
const dirEvery = Number(values["dir-every"]);
if (![seed, count, cliEvery, dirEvery].every((n) => Number.isSafeInteger(n) && n >= 0)) {
  console.error("Usage: deno task fuzz [--seed N] [--count N] [--cli-every K] [--dir-every K]");
  Deno.exit(2);
}

const inputs = await goldenInputs();
const stats = newStats();
const failures: string[] = [];
const started = performance.now();
/** The fuzz process's largest resident memory, sampled after each case. */
let rss = 0;
for (let i = 0; i < count; i++) {
  const caseSeed = seed + i;
  const input = fuzzCase(inputs, caseSeed);
  try {
    const inProcess = await checkKrm(input, caseSeed, { stats, bounds: DEFAULT_BOUNDS });
    if (cliEvery > 0 && i % cliEvery === 0) {
      await checkCli(input, caseSeed, { stats, bounds: DEFAULT_BOUNDS, inProcess });
    }
    if (dirEvery > 0 && i % dirEvery === 0) {
      await checkDirectory(input, caseSeed, { stats, bounds: DEFAULT_BOUNDS });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push(`seed ${caseSeed}: ${message.slice(0, 1500)}`);
    console.error(`FAIL seed ${caseSeed}: ${message.slice(0, 600)}`);
  }
  stats.cases++;
  rss = Math.max(rss, Deno.memoryUsage().rss / 2 ** 20);
  if ((i + 1) % 500 === 0) {
    console.error(`${i + 1}/${count} cases, ${failures.length} failure(s)`);
  }
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
console.log(
  [
    `seed ${seed}, ${stats.cases} case(s) in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s: ` +
    `${stats.krm} KRM in process, ${stats.cli} through the CLI, ${stats.directory} in directory mode`,
    `exit codes (in process): ${JSON.stringify(stats.exits)}`,
    `worst in-process case: ${ms(stats.worstKrmMs)} (${stats.worstKrmCase})`,
    `worst subprocess: ${ms(stats.worstSubprocessMs)} (${stats.worstSubprocessCase})`,
    `largest heap growth of one in-process case: ${stats.worstHeapMiB.toFixed(1)} MiB`,
    `largest peak RSS of one subprocess: ${
      stats.worstRssMiB.toFixed(1)
    } MiB (${stats.worstRssCase})`,
    `largest RSS of this fuzz process (sampled after each case): ${rss.toFixed(1)} MiB`,
    `${failures.length} failure(s)`,
    ...failures,
  ].join("\n"),
);
Deno.exit(failures.length > 0 ? 1 : 0);
