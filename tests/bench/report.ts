/**
 * The bench's report: one table per row set, then every target with its
 * measured value and PASS/FAIL (SKIP for a row set not run).
 *
 * @module
 */

import type { ColdResult } from "./cold_start.ts";
import type { KptResult } from "./kpt_row.ts";
import { type Row, SERVICES_WORKLOAD } from "./krm_rows.ts";
import type { LargeRow } from "./large_rows.ts";
import { fmtInt, fmtMb, fmtRatio, printTable } from "./measure.ts";

/** One target and its verdict. */
export interface Target {
  target: string;
  value: string;
  result: "PASS" | "FAIL" | "SKIP";
}

/** Everything one bench run measured; a row set not run is empty or undefined. */
export interface Measured {
  rows: Row[];
  kpt: KptResult | undefined;
  large: LargeRow[];
  cold: ColdResult | undefined;
  /** Why a missing row set is missing (`--quick`, `--only`). */
  skipped: string;
}

const TARGET_RATIO_1000 = 1.5;
const TARGET_KPT_SHARE = 0.2;
const TARGET_LARGE_MS = 5000;
/** 1.5 GB, in bytes. */
const TARGET_LARGE_RSS_BYTES = 1.5e9;
const TARGET_SCALING = 2.0;
/** Issue 16: KRM mode at most this share of the identity round trip, at 1k, 20k and the large repo. */
const TARGET_IDENTITY_SHARE = 0.75;
const TARGET_COLD_MS = 80;
/** Issue 16: a cold start within this multiple of an empty `deno run`. */
const TARGET_COLD_EMPTY_RATIO = 2.6;

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const thousands = (n: number) => n.toLocaleString("en-US");

/** Prints the tables of the KRM, kpt, large repo, floor and cold start rows that ran. */
export function printTables(measured: Measured): void {
  const { rows, kpt, large, cold } = measured;
  if (rows.length > 0) {
    console.log(
      "\nWorkloads: the release bundle (fn) against the identity baseline (js-yaml load + dump)\n",
    );
    printTable(
      ["workload", "N", "in MB", "fn out MB", "runs", "fn ms", "mod.ts ms", "baseline ms"]
        .concat(["ratio", "fn RSS MB", "base RSS MB"]),
      rows.map((r) => [
        r.workload,
        thousands(r.n),
        r.inputMb.toFixed(1),
        r.outputMb.toFixed(1),
        String(r.runs),
        fmtInt(r.fnMs),
        r.sourceMs === undefined ? "-" : fmtInt(r.sourceMs),
        fmtInt(r.baseMs),
        ratio(r.fnMs, r.baseMs),
        fmtMb(r.fnRssMb),
        fmtMb(r.baseRssMb),
      ]),
    );
  }
  if (kpt) printKpt(kpt);
  if (large.length > 0) printLarge(large);
  printFloors(rows, large);
  if (cold) {
    console.log("\nCold start: one Service, whole process\n");
    const row = (name: string, ms: number) => [
      name,
      String(cold.runs),
      fmtInt(ms),
      ratio(ms, cold.emptyMs),
    ];
    printTable(["script", "runs", "median ms", "x empty"], [
      row("release bundle (tools/bundle.ts)", cold.bundleMs),
      row("mod.ts (from a clone)", cold.fnMs),
      row("identity baseline", cold.baseMs),
      row("empty script", cold.emptyMs),
    ]);
  }
}

function printKpt(kpt: KptResult): void {
  console.log(`\nkpt: package of ${thousands(kpt.items)} Services (one file each)\n`);
  if (kpt.missing) {
    console.log(kpt.missing);
    return;
  }
  printTable(["run", "runs", "ms", "share of kpt no-op"], [
    ["kpt fn eval --exec noop (cat)", String(kpt.runs), fmtInt(kpt.noopMs), "100%"],
    [
      "function, whole process, on kpt's ResourceList",
      String(kpt.runs),
      fmtInt(kpt.fnMs),
      `${(100 * kpt.fnMs / kpt.noopMs).toFixed(1)}%`,
    ],
    [
      "kpt fn eval --exec meshservice-krm (information)",
      String(kpt.runs),
      fmtInt(kpt.kptFnMs),
      `${(100 * kpt.kptFnMs / kpt.noopMs).toFixed(0)}%`,
    ],
  ]);
}

function printLarge(large: LargeRow[]): void {
  console.log(
    "\nLarge multizone repo: N Services (east), N Dataplanes (west), N/4 routes, N/4 policies\n",
  );
  printTable(
    ["N", "items", "in MB", "fn out MB", "MeshServices", "refs rewritten", "runs", "fn ms"]
      .concat(["baseline ms", "ratio", "fn RSS MB", "base RSS MB"]),
    large.map((r) => [
      thousands(r.n),
      thousands(r.items),
      r.inputMb.toFixed(1),
      r.outputMb.toFixed(1),
      thousands(r.meshServices),
      thousands(r.rewritten),
      String(r.runs),
      fmtInt(r.fnMs),
      fmtInt(r.baseMs),
      ratio(r.fnMs, r.baseMs),
      fmtMb(r.fnRssMb),
      fmtMb(r.baseRssMb),
    ]),
  );
}

function printFloors(rows: Row[], large: LargeRow[]): void {
  const floorRows = [
    ...rows.filter((r) => r.floor).map((r) => ({ label: `${r.workload} ${fmtInt(r.n)}`, ...r })),
    ...large.filter((r) => r.floor).map((r) => ({ label: `large repo ${fmtInt(r.n)}`, ...r })),
  ];
  if (floorRows.length === 0) return;
  console.log(
    "\nFloors: the cheapest whole processes on the same data (median ms), against the function\n",
  );
  printTable(
    ["input", "in MB", "Deno read+write", "JSON.parse", "js-yaml load", "identity (load+dump)"]
      .concat(["fn", "fn / identity"]),
    floorRows.map((r) => [
      r.label,
      r.inputMb.toFixed(1),
      fmtInt(r.floor!.copyMs),
      fmtInt(r.floor!.jsonMs),
      fmtInt(r.floor!.loadMs),
      fmtInt(r.baseMs),
      fmtInt(r.fnMs),
      ratio(r.fnMs, r.baseMs),
    ]),
  );
}

const verdict = (pass: boolean): Target["result"] => (pass ? "PASS" : "FAIL");

/** Every target of the KRM, kpt, large repo and cold start rows. */
export function targetsOf(measured: Measured): Target[] {
  const { rows, kpt, large } = measured;
  const skipped = { value: `not run (${measured.skipped})`, result: "SKIP" as const };
  const services = (n: number) => rows.find((r) => r.workload === SERVICES_WORKLOAD && r.n === n);
  const k1000 = services(1000);
  const full = large.find((r) => r.n === 20000);
  const targets: Target[] = [{
    target: `1,000 Services: fn / identity baseline < ${TARGET_RATIO_1000}x`,
    ...(k1000
      ? {
        value: ratio(k1000.fnMs, k1000.baseMs),
        result: verdict(k1000.fnMs / k1000.baseMs < TARGET_RATIO_1000),
      }
      : skipped),
  }, {
    target: `1,000 Services: fn whole process <= ${100 * TARGET_KPT_SHARE}% of kpt fn eval no-op`,
    ...(kpt
      ? {
        value: kpt.missing ??
          `${(100 * kpt.fnMs / kpt.noopMs).toFixed(1)}% (${fmtInt(kpt.fnMs)} / ${
            fmtInt(kpt.noopMs)
          } ms)`,
        result: verdict(!kpt.missing && kpt.fnMs <= TARGET_KPT_SHARE * kpt.noopMs),
      }
      : skipped),
  }];
  const labelled = [["1,000 Services", k1000], ["20,000 Services", services(20000)], [
    "large repo",
    full,
  ]] as const;
  for (const [label, row] of labelled) targets.push(...identityTargets(label, row, skipped));
  return [...targets, ...largeTargets(measured, skipped), ...coldTargets(measured, skipped)];
}

/** Issue 16: KRM mode against the identity round trip, time and peak RSS. */
function identityTargets(
  label: string,
  row: Row | LargeRow | undefined,
  skipped: Omit<Target, "target">,
): Target[] {
  return [{
    target: `${label}: KRM mode (bundle) / identity round trip <= ${TARGET_IDENTITY_SHARE}x`,
    ...(row
      ? {
        value: `${fmtRatio(row.fnMs / row.baseMs, TARGET_IDENTITY_SHARE)}x (${fmtInt(row.fnMs)} / ${
          fmtInt(row.baseMs)
        } ms)`,
        result: verdict(row.fnMs <= TARGET_IDENTITY_SHARE * row.baseMs),
      }
      : skipped),
  }, {
    target: `${label}: KRM mode peak RSS <= the identity's`,
    ...(row
      ? row.fnRssMb === undefined || row.baseRssMb === undefined
        ? { value: "not measured", result: "FAIL" as const }
        : {
          value: `${fmtMb(row.fnRssMb)} / ${fmtMb(row.baseRssMb)} MB`,
          result: verdict(row.fnRssMb <= row.baseRssMb),
        }
      : skipped),
  }];
}

function largeTargets(measured: Measured, skipped: Omit<Target, "target">): Target[] {
  const full = measured.large.find((r) => r.n === 20000);
  const half = measured.large.find((r) => r.n === 10000);
  return [{
    target: `large repo (20k Services, 20k Dataplanes, 5k routes, 5k policies) < ${
      TARGET_LARGE_MS / 1000
    } s`,
    ...(full
      ? { value: `${fmtInt(full.fnMs)} ms`, result: verdict(full.fnMs < TARGET_LARGE_MS) }
      : skipped),
  }, {
    target: `large repo peak RSS < ${TARGET_LARGE_RSS_BYTES / 1e9} GB`,
    ...(full
      ? full.fnRssMb === undefined ? { value: "not measured", result: "FAIL" as const } : {
        value: `${fmtMb(full.fnRssMb)} MB`,
        result: verdict(full.fnRssMb * 1e6 < TARGET_LARGE_RSS_BYTES),
      }
      : skipped),
  }, {
    target: `time(2N) / time(N), N = 10,000 -> 20,000 (large repo shape) <= ${TARGET_SCALING}`,
    ...(full && half
      ? {
        value: `${fmtRatio(full.fnMs / half.fnMs, TARGET_SCALING)} (${fmtInt(full.fnMs)} / ${
          fmtInt(half.fnMs)
        } ms)`,
        result: verdict(full.fnMs / half.fnMs <= TARGET_SCALING),
      }
      : skipped),
  }];
}

function coldTargets(measured: Measured, skipped: Omit<Target, "target">): Target[] {
  const cold = measured.cold;
  return [{
    target: `cold start, one-item list (mod.ts) < ${TARGET_COLD_MS} ms`,
    ...(cold
      ? { value: `${fmtInt(cold.fnMs)} ms`, result: verdict(cold.fnMs < TARGET_COLD_MS) }
      : skipped),
  }, {
    // The release bundle is what kpt, kustomize, Argo CD, Flux and the Helm wrapper run.
    target:
      `cold start, one-item list (release bundle) <= ${TARGET_COLD_EMPTY_RATIO}x an empty deno run`,
    ...(cold
      ? {
        value: `${fmtRatio(cold.bundleMs / cold.emptyMs, TARGET_COLD_EMPTY_RATIO)}x (${
          cold.bundleMs.toFixed(1)
        } / ${cold.emptyMs.toFixed(1)} ms)`,
        result: verdict(cold.bundleMs / cold.emptyMs <= TARGET_COLD_EMPTY_RATIO),
      }
      : skipped),
  }];
}
