/**
 * The directory mode rows: a tree of one file per Service (plus the
 * Namespace files), at 1,000 and 20,000 Services: `render TREE --out FRESH`
 * (every MeshService file written) and `check TREE` (on a copy rendered in
 * place, so up to date), each against the KRM run on the same content (the
 * ResourceList kpt would send for that tree, through `mod.ts`). Target:
 * within 1.5x.
 *
 * The content differs: `render`'s tree holds the Services, so its KRM run is
 * the Services' list; `check`'s tree is rendered, so it also holds a
 * MeshService file per Service, and its KRM run is the rendered package's
 * list, which is the first KRM run's own output (kpt sends back what the
 * function wrote; the bench checks that the second run changes nothing).
 * `check` against the Services' list is printed too, without a target: it
 * reads twice the documents of that run; so is `render --out` in place on
 * the up-to-date tree (it compares every file and writes none).
 *
 * @module
 */

import { join } from "node:path";
import { DENO, MOD_TS } from "../e2e_support.ts";
import { kubernetesList } from "./inputs.ts";
import { count, fmtInt, measure, median, runScript, yamlText } from "./measure.ts";
import { type PipelineRow, writePackage } from "./pipeline_row.ts";

type Obj = Record<string, unknown>;

const TARGET_DIRECTORY_RATIO = 1.5;

async function countFiles(root: string): Promise<number> {
  let n = 0;
  for await (const entry of Deno.readDir(root)) {
    if (entry.isDirectory) n += await countFiles(join(root, entry.name));
    else if (entry.isFile) n++;
  }
  return n;
}

/** Flushes dirty pages to disk (`sync`), so a timed run does not pay for an earlier one's writes. */
async function settle(): Promise<void> {
  await new Deno.Command("sync", { stdout: "null", stderr: "null" }).output().catch(() => {});
}

/**
 * The rows of one size from the medians: KRM, render, KRM on the rendered
 * package, check, render in place (up to date: it writes nothing).
 */
function rowsOf(n: number, runs: number, medians: number[]): PipelineRow[] {
  const [krmMs, renderMs, renderedMs, checkMs, inPlaceMs] = medians as [
    number,
    number,
    number,
    number,
    number,
  ];
  console.log(
    `measured directory N=${n}: KRM ${fmtInt(krmMs)} ms, render --out ${
      fmtInt(renderMs)
    } ms, KRM on the rendered package ${fmtInt(renderedMs)} ms, check ${
      fmtInt(checkMs)
    } ms, render in place ${fmtInt(inPlaceMs)} ms`,
  );
  const base = { n, runs, target: TARGET_DIRECTORY_RATIO };
  return [
    {
      ...base,
      pipeline: "directory render --out (one file per Service)",
      baseline: "KRM run",
      baseMs: krmMs,
      fnMs: renderMs,
    },
    {
      ...base,
      pipeline: "directory check (up to date)",
      baseline: "KRM run on the rendered package",
      baseMs: renderedMs,
      fnMs: checkMs,
    },
    {
      n,
      runs,
      pipeline: "directory check (up to date), against the Services' KRM run",
      baseline: "KRM run",
      baseMs: krmMs,
      fnMs: checkMs,
    },
    {
      n,
      runs,
      pipeline: "directory render --out in place (up to date, nothing written)",
      baseline: "KRM run on the rendered package",
      baseMs: renderedMs,
      fnMs: inPlaceMs,
    },
  ];
}

export async function directoryRuns(dir: string, sizes: number[]): Promise<PipelineRow[]> {
  const rows: PipelineRow[] = [];
  for (const n of sizes) {
    const runs = n <= 1000 ? 5 : 3;
    const list = kubernetesList(n);
    const input = join(dir, `dir-${n}.krm.yaml`);
    const krmOut = join(dir, `dir-${n}.krm.out`);
    const renderedOut = join(dir, `dir-${n}.rendered.out`);
    await Deno.writeTextFile(input, yamlText(list));
    const tree = join(dir, `tree-${n}`);
    const checked = join(dir, `tree-${n}-checked`);
    const fresh = join(dir, `tree-${n}-out`);
    await writePackage(list.items as Obj[], tree);
    await writePackage(list.items as Obj[], checked);
    const cli = (flags: string[], args: string[]) =>
      measure([DENO, "run", "--no-prompt", ...flags, MOD_TS, ...args, "--quiet"]);
    await cli(["-R", "-W"], ["render", checked, "--out", checked]);
    // Each render writes a new directory: deleting the previous run's N files right before a
    // timed run would charge the kernel's deferred work for that deletion to the next one. Every
    // timed run starts after `sync`, so no run pays for an earlier one's dirty pages.
    const outputs: string[] = [];
    const render = async () => {
      const out = `${fresh}-${outputs.length}`;
      outputs.push(out);
      await settle();
      return (await cli(["-R", "-W"], ["render", tree, "--out", out])).ms;
    };
    const check = async () => (await settle(), await cli(["-R"], ["check", checked])).ms;
    const inPlace = async () =>
      (await settle(), await cli(["-R", "-W"], ["render", checked, "--out", checked])).ms;
    const krm = async () => (await settle(), await runScript(MOD_TS, { input, output: krmOut })).ms;
    const krmRendered = async () =>
      (await settle(), await runScript(MOD_TS, { input: krmOut, output: renderedOut })).ms;

    // Warm-ups and checks: N MeshServices from the KRM run, N files written.
    await krm();
    await krmRendered();
    await render();
    await check();
    const krmText = await Deno.readTextFile(krmOut);
    if ((await Deno.readTextFile(renderedOut)) !== krmText) {
      throw new Error(`directory N=${n}: the KRM run on its own output changed it`);
    }
    const generated = count(krmText, /^ {4}kind: MeshService$/gm);
    const written = await countFiles(join(outputs[0]!, "kuma-generated"));
    if (generated !== n || written !== n) {
      throw new Error(`directory N=${n}: KRM ${generated} MeshServices, render wrote ${written}`);
    }
    const times: number[][] = [[], [], [], [], []];
    for (let r = 0; r < runs; r++) {
      times[0]!.push(await krm());
      times[1]!.push(await render());
      times[2]!.push(await krmRendered());
      times[3]!.push(await check());
      times[4]!.push(await inPlace());
    }
    for (const out of outputs) await Deno.remove(out, { recursive: true });
    rows.push(...rowsOf(n, runs, times.map(median)));
  }
  return rows;
}
