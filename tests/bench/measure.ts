/**
 * How the bench measures: whole processes with stdin and stdout redirected
 * to files, wall time and peak RSS, medians, and the table printer.
 *
 * @module
 */

import { dump } from "js-yaml";
import { join } from "node:path";
import { DENO, REPO_ROOT } from "../e2e_support.ts";

type Obj = Record<string, unknown>;

/** The identity baseline: js-yaml load + dump of stdin to stdout. */
export const IDENTITY_TS: string = join(REPO_ROOT, "tests", "bench", "identity.ts");
/** The floor processes (read+write, JSON.parse, js-yaml load). */
export const FLOOR_TS: string = join(REPO_ROOT, "tests", "bench", "floor.ts");
/** `deno run` as the users run it. */
export const DENO_FLAGS: readonly string[] = ["run", "--no-prompt"];

export interface Sample {
  ms: number;
  /** Peak RSS in KiB, when measured. */
  rssKb: number | undefined;
}

/** GNU time, when present: its `%M` is the peak RSS. */
export const TIME_BIN: string | undefined = await findTimeBinary();

async function findTimeBinary(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", "true"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return probe.success && /^\d+\s*$/.test(new TextDecoder().decode(probe.stderr))
      ? "/usr/bin/time"
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `argv` once, stdin and stdout redirected to files (or /dev/null), and
 * returns its wall time. Peak RSS comes from GNU time (`%M`) when present,
 * else from polling /proc/PID/status VmHWM (`sh` execs the command, so the
 * PID is the command's). Throws when the command fails.
 */
export async function measure(
  argv: string[],
  options: { input?: string; output?: string; cwd?: string; rss?: boolean } = {},
): Promise<Sample> {
  const redirect = ["-c", 'exec "$@" < "$BENCH_IN" > "$BENCH_OUT"', "sh", ...argv];
  const env = {
    BENCH_IN: options.input ?? "/dev/null",
    BENCH_OUT: options.output ?? "/dev/null",
    NO_COLOR: "1",
  };
  const timeFile = options.rss && TIME_BIN
    ? await Deno.makeTempFile({ prefix: "bench-time-" })
    : undefined;
  const [command, args] = timeFile
    ? [TIME_BIN!, ["-f", "%M", "-o", timeFile, "sh", ...redirect]]
    : ["sh", redirect];
  // The previous run's output goes first, untimed: truncating it is not the command's work.
  if (options.output) await Deno.remove(options.output).catch(() => {});
  const start = performance.now();
  const child = new Deno.Command(command, {
    args,
    env,
    cwd: options.cwd ?? REPO_ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let hwm: number | undefined;
  let polling = (options.rss ?? false) && !timeFile;
  const poll = async () => {
    while (polling) {
      try {
        const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
        if (Number.isFinite(kb)) hwm = Math.max(hwm ?? 0, kb);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const poller = poll();
  const result = await child.output();
  const ms = performance.now() - start;
  polling = false;
  await poller;
  if (!result.success) {
    throw new Error(
      `${argv.join(" ")} exited ${result.code}: ${
        new TextDecoder().decode(result.stderr).slice(0, 2000)
      }`,
    );
  }
  let rssKb = hwm;
  if (timeFile) {
    rssKb = Number((await Deno.readTextFile(timeFile)).trim().split("\n").at(-1));
    await Deno.remove(timeFile);
  }
  return { ms, rssKb };
}

/** `deno run --no-prompt script < input > output`, peak RSS when `rss`. */
export function runScript(
  script: string,
  io: { input: string; output: string; rss?: boolean },
): Promise<Sample> {
  return measure([DENO, ...DENO_FLAGS, script], io);
}

/** Median of `values`. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Largest peak RSS of the samples, in MB (10^6 bytes), or `undefined` when not measured. */
export function peakMb(samples: Sample[]): number | undefined {
  return samples.length > 0 && samples.every((s) => s.rssKb !== undefined)
    ? Math.max(...samples.map((s) => s.rssKb!)) * 1024 / 1e6
    : undefined;
}

/** Matches of `pattern` in `text`. */
export function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** The list as YAML, as src/io/yaml.ts writes it. */
export function yamlText(list: Obj): string {
  return dump(list, { lineWidth: -1, noRefs: true, quoteStyle: "double" });
}

/**
 * A ratio with two decimals, or three when two would print the target itself
 * for a value on either side of it (1.502 is "1.502", not a failing "1.50").
 */
export function fmtRatio(value: number, target?: number): string {
  const two = value.toFixed(2);
  return target !== undefined && value !== target && two === target.toFixed(2)
    ? value.toFixed(3)
    : two;
}

/** Milliseconds (or any count) rounded, with thousands separators. */
export const fmtInt = (ms: number): string => Math.round(ms).toLocaleString("en-US");
/** Megabytes, or `n/a`. */
export const fmtMb = (mb: number | undefined): string => (mb === undefined ? "n/a" : fmtInt(mb));

/** Interleaves `a` and `b`, `runs` times each; returns both medians. */
export async function interleaved(
  runs: number,
  a: () => Promise<number>,
  b: () => Promise<number>,
): Promise<{ a: number; b: number }> {
  const as: number[] = [];
  const bs: number[] = [];
  for (let r = 0; r < runs; r++) {
    as.push(await a());
    bs.push(await b());
  }
  return { a: median(as), b: median(bs) };
}

/** Prints a Markdown table, the first column left-aligned, the others right-aligned. */
export function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")
    } |`;
  console.log(line(header));
  console.log(
    `|${
      widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")
    }|`,
  );
  for (const row of body) console.log(line(row));
}
