/**
 * The cold start row: a one-item list through mod.ts, the release bundle
 * (tools/bundle.ts), the identity baseline and an empty script, alternating.
 *
 * @module
 */

import { dump } from "js-yaml";
import { join } from "node:path";
import { MOD_TS } from "../e2e_support.ts";
import { oneItemList } from "./inputs.ts";
import { IDENTITY_TS, median, runScript } from "./measure.ts";

const COLD_RUNS = 31;

/** Median cold starts. */
export interface ColdResult {
  fnMs: number;
  bundleMs: number;
  baseMs: number;
  /** An empty script: what `deno run` costs before any code (issue 16's floor). */
  emptyMs: number;
  runs: number;
}

/** Measures the cold starts. */
export async function coldStart(dir: string, bundle: string): Promise<ColdResult> {
  const input = join(dir, "one.yaml");
  await Deno.writeTextFile(input, dump(oneItemList(), { lineWidth: -1 }));
  const output = join(dir, "one.out");
  const empty = join(dir, "empty.ts");
  await Deno.writeTextFile(empty, "");
  const scripts = [MOD_TS, bundle, IDENTITY_TS, empty];
  for (const script of scripts) await runScript(script, { input, output });
  const times: number[][] = scripts.map(() => []);
  for (let r = 0; r < COLD_RUNS; r++) {
    for (const [i, script] of scripts.entries()) {
      times[i]!.push((await runScript(script, { input, output })).ms);
    }
  }
  return {
    fnMs: median(times[0]!),
    bundleMs: median(times[1]!),
    baseMs: median(times[2]!),
    emptyMs: median(times[3]!),
    runs: COLD_RUNS,
  };
}
