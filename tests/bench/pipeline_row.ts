/**
 * A pipeline row (the function's pipeline against its baseline) and the
 * package writer the kustomize and directory rows share.
 *
 * @module
 */

import { dump } from "js-yaml";
import { dirname, join } from "node:path";

type Obj = Record<string, unknown>;

/** One pipeline against its baseline. */
export interface PipelineRow {
  pipeline: string;
  baseline: string;
  n: number;
  runs: number;
  fnMs: number;
  baseMs: number;
  /** At most this ratio to the baseline; `undefined` for a row printed without a target. */
  target?: number;
  /** Why it could not be measured, when it could not. */
  missing?: string;
}

/** Writes every item at its `config.kubernetes.io/path`, without kpt's annotations. */
export async function writePackage(items: readonly Obj[], root: string): Promise<string[]> {
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
