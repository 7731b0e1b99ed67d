/**
 * The large multizone repo rows (see {@link largeRepo}): 20,000 Services,
 * 20,000 Dataplanes, 5,000 routes and 5,000 policies, and the same shape at
 * half the scale, for time(2N) / time(N): the release bundle against the
 * identity round trip.
 * The output is checked: every MeshService generated, every reference
 * rewritten, no error result.
 *
 * @module
 */

import { load } from "js-yaml";
import { join } from "node:path";
import { type Floor, floors } from "./floor_rows.ts";
import { largeRepo, largeRepoExpected } from "./inputs.ts";
import {
  fmtInt,
  IDENTITY_TS,
  median,
  peakMb,
  runScript,
  type Sample,
  yamlText,
} from "./measure.ts";

type Obj = Record<string, unknown>;

/** Scales of the large repo: N Services, N Dataplanes, N/4 routes, N/4 policies. */
export const LARGE_SCALES: readonly number[] = [10000, 20000];
/**
 * Timed runs per scale. Five, not three: three full bench runs of the same
 * code gave medians of 3 runs between 0.73x and 0.79x of the identity (and
 * 1.98-2.04 for time(2N)/time(N)); a median of 5 moves less.
 */
const LARGE_RUNS = 5;

/** The large repo at one scale. */
export interface LargeRow {
  n: number;
  items: number;
  inputMb: number;
  outputMb: number;
  meshServices: number;
  rewritten: number;
  warnings: number;
  runs: number;
  fnMs: number;
  baseMs: number;
  fnRssMb: number | undefined;
  baseRssMb: number | undefined;
  floor?: Floor;
}

const REFERRER_KINDS = new Set(["MeshHTTPRoute", "MeshTCPRoute", "MeshTimeout", "MeshRetry"]);

/**
 * Reads the function's output of {@link largeRepo}(n) and checks the work:
 * every input item back, N + N/2 MeshServices, every one of the N references
 * rewritten (a rewritten targetRef has `sectionName` or `labels`, a rewritten
 * backendRef `port` or `labels`; the input's have neither), no error result.
 */
function checkLarge(
  text: string,
  n: number,
  inputItems: number,
): { meshServices: number; rewritten: number; warnings: number } {
  const list = load(text) as { items: Obj[]; results?: { severity: string; message: string }[] };
  const expected = largeRepoExpected(n);
  const meshServices = list.items.filter((item) => item.kind === "MeshService").length;
  let rewritten = 0;
  for (const item of list.items) {
    if (!REFERRER_KINDS.has(String(item.kind))) continue;
    for (const to of ((item.spec as Obj).to as Obj[])) {
      const target = to.targetRef as Obj;
      if (target.sectionName !== undefined || target.labels !== undefined) rewritten++;
      for (const rule of (to.rules as Obj[] | undefined) ?? []) {
        const refs = ((rule.default as Obj).backendRefs as Obj[] | undefined) ?? [];
        for (const ref of refs) if (ref.port !== undefined || ref.labels !== undefined) rewritten++;
      }
    }
  }
  const errors = (list.results ?? []).filter((r) => r.severity === "error");
  const problems = [
    list.items.length !== inputItems + expected.meshServices
      ? `${list.items.length} items out, expected ${inputItems + expected.meshServices}`
      : "",
    meshServices !== expected.meshServices
      ? `${meshServices} MeshServices, expected ${expected.meshServices}`
      : "",
    rewritten !== expected.references
      ? `${rewritten} references rewritten, expected ${expected.references}`
      : "",
    errors.length > 0 ? `${errors.length} error results, first: ${errors[0]!.message}` : "",
  ].filter((p) => p !== "");
  if (problems.length > 0) throw new Error(`large repo N=${n}: ${problems.join("; ")}`);
  const warnings = (list.results ?? []).filter((r) => r.severity === "warning").length;
  return { meshServices, rewritten, warnings };
}

/** One scale, written, warmed up and checked, with the samples of its timed runs. */
interface Prepared {
  n: number;
  input: string;
  fnOut: string;
  baseOut: string;
  items: number;
  inputMb: number;
  outputMb: number;
  meshServices: number;
  rewritten: number;
  warnings: number;
  fn: Sample[];
  base: Sample[];
  list: Obj | undefined;
}

async function prepare(at: { dir: string; fn: string }, n: number): Promise<Prepared> {
  const { dir } = at;
  const list = largeRepo(n);
  const text = yamlText(list);
  const input = join(dir, `large-${n}.yaml`);
  await Deno.writeTextFile(input, text);
  const fnOut = join(dir, `large-${n}.fn.out`);
  const baseOut = join(dir, `large-${n}.base.out`);
  // Warm-up and check.
  await runScript(at.fn, { input, output: fnOut });
  await runScript(IDENTITY_TS, { input, output: baseOut });
  const checked = checkLarge(await Deno.readTextFile(fnOut), n, (list.items as Obj[]).length);
  return {
    n,
    input,
    fnOut,
    baseOut,
    items: (list.items as Obj[]).length,
    inputMb: text.length / 1e6,
    outputMb: (await Deno.stat(fnOut)).size / 1e6,
    ...checked,
    fn: [],
    base: [],
    list: n === LARGE_SCALES[LARGE_SCALES.length - 1] ? list : undefined,
  };
}

/** Measures every scale (and, with `floor`, the floors of the largest). */
export async function largeRows(
  options: { dir: string; floor: boolean; fn: string },
): Promise<LargeRow[]> {
  const { dir } = options;
  const prepared: Prepared[] = [];
  for (const n of LARGE_SCALES) prepared.push(await prepare(options, n));
  // Interleaved rounds over both scales, so that drift hits every figure alike.
  for (let r = 0; r < LARGE_RUNS; r++) {
    for (const p of prepared) {
      p.fn.push(await runScript(options.fn, { input: p.input, output: p.fnOut, rss: true }));
      p.base.push(await runScript(IDENTITY_TS, { input: p.input, output: p.baseOut, rss: true }));
    }
  }
  const rows: LargeRow[] = [];
  for (const p of prepared) {
    const floor = p.list && options.floor
      ? await floors({
        list: p.list,
        input: p.input,
        prefix: join(dir, `large-${p.n}`),
        runs: LARGE_RUNS,
      })
      : undefined;
    const row: LargeRow = {
      ...(floor ? { floor } : {}),
      n: p.n,
      items: p.items,
      inputMb: p.inputMb,
      outputMb: p.outputMb,
      meshServices: p.meshServices,
      rewritten: p.rewritten,
      warnings: p.warnings,
      runs: LARGE_RUNS,
      fnMs: median(p.fn.map((s) => s.ms)),
      baseMs: median(p.base.map((s) => s.ms)),
      fnRssMb: peakMb(p.fn),
      baseRssMb: peakMb(p.base),
    };
    console.log(
      `measured large repo N=${p.n}: fn ${fmtInt(row.fnMs)} ms, baseline ${
        fmtInt(row.baseMs)
      } ms; output checked: ${fmtInt(row.meshServices)} MeshServices, ${
        fmtInt(row.rewritten)
      } references rewritten, no errors, ${row.warnings} warnings`,
    );
    rows.push(row);
  }
  return rows;
}
