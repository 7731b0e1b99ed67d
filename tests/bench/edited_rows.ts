/**
 * The rewritten-files row of directory mode: 4,000 Services and 2,000
 * MeshHTTPRoutes (each naming two Services by `kuma.io/service`) spread over
 * 250 multi-document files with a comment per document, so every file is
 * edited in place by the comment-preserving editor. `render TREE --out
 * FRESH` against the KRM run on the same content. Issue 16 sets no target
 * for this shape (its directory targets are one file per Service); the row
 * is printed so the cost of in-place edits stays visible.
 *
 * @module
 */

import { dump } from "js-yaml";
import { join } from "node:path";
import { DENO, MOD_TS } from "../e2e_support.ts";
import { kubernetesWithRoutes } from "./inputs.ts";
import { count, measure, median, runScript, yamlText } from "./measure.ts";
import type { PipelineRow } from "./pipeline_row.ts";

type Obj = Record<string, unknown>;

const SERVICES = 4000;
const FILES = 250;
const RUNS = 3;

/** `item` without kpt's annotations (a file in a repo has none). */
function asWritten(item: Obj): Obj {
  const copy = structuredClone(item);
  const metadata = copy.metadata as Obj;
  const annotations = metadata.annotations as Record<string, string> | undefined;
  for (const key of Object.keys(annotations ?? {})) {
    if (key.includes("config.kubernetes.io/")) delete annotations![key];
  }
  if (annotations && Object.keys(annotations).length === 0) delete metadata.annotations;
  return copy;
}

/**
 * Writes the tree (item i in file `f<i % 250>.yaml`) and returns the same
 * items as kpt would send them: path and index annotations of that layout.
 */
async function writeTree(items: readonly Obj[], root: string): Promise<Obj[]> {
  const files: string[][] = Array.from({ length: FILES }, () => []);
  const sent: Obj[] = [];
  items.forEach((item, i) => {
    const written = asWritten(item);
    const docs = files[i % FILES]!;
    const path = `f${i % FILES}.yaml`;
    const index = String(docs.length);
    docs.push(
      `# ${(written.metadata as Obj).name}\n${dump(written, { lineWidth: -1 })}`,
    );
    const annotated = structuredClone(written);
    const metadata = annotated.metadata as Obj;
    metadata.annotations = {
      ...(metadata.annotations as Obj | undefined),
      "config.kubernetes.io/index": index,
      "config.kubernetes.io/path": path,
      "internal.config.kubernetes.io/index": index,
      "internal.config.kubernetes.io/path": path,
    };
    sent.push(annotated);
  });
  await Deno.mkdir(root, { recursive: true });
  for (const [i, docs] of files.entries()) {
    await Deno.writeTextFile(join(root, `f${i}.yaml`), docs.join("---\n"));
  }
  return sent;
}

/** Measures the row. */
export async function editedRun(dir: string): Promise<PipelineRow> {
  const tree = join(dir, "edited-tree");
  const list = kubernetesWithRoutes(SERVICES);
  const sent = await writeTree(list.items as Obj[], tree);
  const input = join(dir, "edited.krm.yaml");
  const krmOut = join(dir, "edited.krm.out");
  await Deno.writeTextFile(input, yamlText({ ...list, items: sent }));
  const outputs: string[] = [];
  const render = async () => {
    const out = join(dir, `edited-out-${outputs.length}`);
    outputs.push(out);
    const args = ["render", tree, "--out", out, "--quiet"];
    return (await measure([DENO, "run", "--no-prompt", "-R", "-W", MOD_TS, ...args])).ms;
  };
  const krm = async () => (await runScript(MOD_TS, { input, output: krmOut })).ms;
  // Warm-ups and checks: every route rewritten in both.
  await krm();
  await render();
  const routes = SERVICES / 2;
  const krmText = await Deno.readTextFile(krmOut);
  let rewrittenFiles = 0;
  for (let i = 0; i < FILES; i++) {
    const text = await Deno.readTextFile(join(outputs[0]!, `f${i}.yaml`));
    if (!/_svc_80/.test(text)) rewrittenFiles++;
  }
  if (/_svc_80/.test(krmText) || rewrittenFiles !== FILES) {
    throw new Error(
      `edited tree: ${rewrittenFiles} of ${FILES} files rewritten, KRM output ${
        count(krmText, /_svc_80/g)
      } legacy names left of ${routes * 4}`,
    );
  }
  const times: number[][] = [[], []];
  for (let r = 0; r < RUNS; r++) {
    times[0]!.push(await krm());
    times[1]!.push(await render());
  }
  for (const out of outputs) await Deno.remove(out, { recursive: true });
  return {
    pipeline: `directory render --out (${FILES} files, ${routes} routes rewritten in place)`,
    baseline: "KRM run",
    n: SERVICES,
    runs: RUNS,
    baseMs: median(times[0]!),
    fnMs: median(times[1]!),
  };
}
