/**
 * The floor rows: the cheapest whole processes on the same data as the
 * function (tests/bench/floor.ts): Deno read + write of the YAML text,
 * `JSON.parse` of the same list as JSON, js-yaml `load` alone.
 *
 * @module
 */

import { DENO } from "../e2e_support.ts";
import { DENO_FLAGS, FLOOR_TS, measure, median } from "./measure.ts";

/** Floor processes on the same data: median ms. */
export interface Floor {
  copyMs: number;
  jsonMs: number;
  loadMs: number;
}

/** One input to measure the floors of. */
export interface FloorInput {
  /** The list, written as JSON for the `JSON.parse` floor. */
  list: Record<string, unknown>;
  /** The list's YAML file. */
  input: string;
  /** Prefix of the files written beside it. */
  prefix: string;
  runs: number;
}

/** Measures the floors of one input, each a whole process, interleaved. */
export async function floors(of: FloorInput): Promise<Floor> {
  const { list, input, prefix, runs } = of;
  const json = `${prefix}.json`;
  await Deno.writeTextFile(json, JSON.stringify(list));
  const out = `${prefix}.floor.out`;
  const run = (mode: string, from: string) =>
    measure([DENO, ...DENO_FLAGS, FLOOR_TS, mode], { input: from, output: out });
  for (const [mode, from] of [["copy", input], ["json", json], ["load", input]] as const) {
    await run(mode, from); // warm-up
  }
  const copy: number[] = [];
  const parse: number[] = [];
  const loadOnly: number[] = [];
  for (let r = 0; r < runs; r++) {
    copy.push((await run("copy", input)).ms);
    parse.push((await run("json", json)).ms);
    loadOnly.push((await run("load", input)).ms);
  }
  await Deno.remove(json);
  return { copyMs: median(copy), jsonMs: median(parse), loadMs: median(loadOnly) };
}
