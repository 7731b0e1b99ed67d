/**
 * The KRM rows: the release bundle (`deno run --no-prompt meshservice-krm.js`,
 * what kpt, kustomize, Argo CD and Flux run) on a ResourceList against the
 * identity round trip of the same list (tests/bench/identity.ts, js-yaml
 * load + dump), median wall time and peak RSS of interleaved whole-process
 * runs. Workloads: k8s Services at N = 1,000 and 20,000 (issue 16's targets;
 * with their floors when asked), universal Dataplanes, Services + N/2
 * routes and Services + real-repo shapes (flow lists, folded scalars, tabs,
 * CRDs, which the fast reader leaves to the full reader) at 1,000 and 5,000. The Services rows also time `mod.ts` from the
 * clone, which starts slower (many modules, see the cold start row).
 *
 * @module
 */

import { join } from "node:path";
import { MOD_TS } from "../e2e_support.ts";
import { type Floor, floors } from "./floor_rows.ts";
import {
  kubernetesList,
  kubernetesWithRoutes,
  realShapesEntries,
  universalList,
} from "./inputs.ts";
import {
  count,
  fmtInt,
  IDENTITY_TS,
  median,
  peakMb,
  runScript,
  type Sample,
  yamlText,
} from "./measure.ts";

type Obj = Record<string, unknown>;

/** One workload at one size. */
export interface Row {
  floor?: Floor;
  workload: string;
  n: number;
  inputMb: number;
  outputMb: number;
  runs: number;
  fnMs: number;
  /** `deno run mod.ts` on the same list (the Services rows). */
  sourceMs?: number;
  baseMs: number;
  fnRssMb: number | undefined;
  baseRssMb: number | undefined;
}

/** The workload whose rows carry issue 16's targets (and the floors). */
export const SERVICES_WORKLOAD = "k8s Services";

/** One workload: how to make its list and how many MeshServices it must produce. */
interface Workload {
  workload: string;
  make(n: number): Obj;
  /** The input text, when it is not `make(n)` dumped. */
  text?(n: number): string;
  expected(n: number): number;
  sizes: number[];
}

/** What to measure. */
export interface KrmRowsOptions {
  dir: string;
  /** The script measured: the release bundle. */
  fn: string;
  quick: boolean;
  /** The k8s Services rows (issue 16's targets). */
  services: boolean;
  /** The universal Dataplanes and Services + routes rows. */
  workloads: boolean;
  /** Also the floors of the k8s Services rows. */
  floor: boolean;
}

/** Runs per size: more where a target applies, fewer for big inputs. */
function runsFor(n: number): number {
  return n <= 1000 ? 7 : n <= 5000 ? 5 : 3;
}

/** Measures the selected workloads, each at each of its sizes. */
export async function krmRows(options: KrmRowsOptions): Promise<Row[]> {
  const sizes = options.quick ? [1000] : [1000, 5000];
  const kinds: Workload[] = [];
  if (options.services) {
    kinds.push({
      workload: SERVICES_WORKLOAD,
      make: kubernetesList,
      expected: (n) => n,
      sizes: options.quick ? [1000] : [1000, 20000],
    });
  }
  if (options.workloads) {
    kinds.push(
      { workload: "universal Dataplanes", make: universalList, expected: (n) => n / 2, sizes },
      {
        workload: "k8s Services + N/2 routes",
        make: kubernetesWithRoutes,
        expected: (n) => n,
        sizes,
      },
      {
        // Flow lists, folded scalars, tabs and CRDs (src/io/yaml_text/item_wise_reader.ts).
        workload: "k8s Services + real-repo shapes",
        make: kubernetesList,
        text: (n) => yamlText(kubernetesList(n)) + realShapesEntries(n),
        expected: (n) => n,
        sizes,
      },
    );
  }
  const rows: Row[] = [];
  for (const kind of kinds) {
    for (const n of kind.sizes) rows.push(await krmRow(kind, { n, ...options }));
  }
  return rows;
}

/** One workload at size `n`: warm-up and check, then interleaved runs against the identity. */
async function krmRow(
  kind: Workload,
  at: { n: number; dir: string; floor: boolean; fn: string },
): Promise<Row> {
  const { workload, make, expected } = kind;
  const { n, dir } = at;
  const tag = `${workload.replace(/[^A-Za-z0-9]+/g, "-")}-${n}`;
  const input = join(dir, `${tag}.yaml`);
  const text = kind.text ? kind.text(n) : yamlText(make(n));
  await Deno.writeTextFile(input, text);
  const fnOut = join(dir, `${tag}.fn.out`);
  const baseOut = join(dir, `${tag}.base.out`);

  const withSource = workload === SERVICES_WORKLOAD;
  // Warm-up (and V8 code cache); also checks the function did the work.
  await runScript(at.fn, { input, output: fnOut });
  if (withSource) await runScript(MOD_TS, { input, output: fnOut });
  await runScript(IDENTITY_TS, { input, output: baseOut });
  const generated = count(await Deno.readTextFile(fnOut), /^ {4}kind: MeshService$/gm);
  if (generated !== expected(n)) {
    throw new Error(`${tag}: expected ${expected(n)} MeshServices in the output, got ${generated}`);
  }

  const runs = runsFor(n);
  const fn: Sample[] = [];
  const source: Sample[] = [];
  const base: Sample[] = [];
  for (let r = 0; r < runs; r++) {
    fn.push(await runScript(at.fn, { input, output: fnOut, rss: true }));
    if (withSource) source.push(await runScript(MOD_TS, { input, output: fnOut }));
    base.push(await runScript(IDENTITY_TS, { input, output: baseOut, rss: true }));
  }
  const floor = workload === SERVICES_WORKLOAD && at.floor
    ? await floors({ list: make(n), input, prefix: join(dir, tag), runs })
    : undefined;
  const row: Row = {
    workload,
    n,
    inputMb: text.length / 1e6,
    outputMb: (await Deno.stat(fnOut)).size / 1e6,
    runs,
    fnMs: median(fn.map((s) => s.ms)),
    ...(withSource ? { sourceMs: median(source.map((s) => s.ms)) } : {}),
    baseMs: median(base.map((s) => s.ms)),
    fnRssMb: peakMb(fn),
    baseRssMb: peakMb(base),
    ...(floor ? { floor } : {}),
  };
  console.log(
    `measured ${workload} N=${n}: fn ${fmtInt(row.fnMs)} ms, baseline ${fmtInt(row.baseMs)} ms`,
  );
  return row;
}
