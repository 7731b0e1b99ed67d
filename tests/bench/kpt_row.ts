/**
 * The kpt row: a package of the 1,000 Services (one file each, plus a
 * Kptfile); `kpt fn eval PKG --exec noop` (a shell script that `cat`s the
 * ResourceList back) against the function's whole process on the
 * ResourceList kpt sends (captured once with `tee`), and, for information,
 * `kpt fn eval PKG --exec tests/bin/meshservice-krm`.
 *
 * @module
 */

import { dump } from "js-yaml";
import { dirname, join } from "node:path";
import { MOD_TS, WRAPPER } from "../e2e_support.ts";
import { kubernetesList } from "./inputs.ts";
import { count, fmtInt, measure, median, peakMb, runScript, type Sample } from "./measure.ts";

type Obj = Record<string, unknown>;

const KPT = "kpt";
const KPT_RUNS = 5;
const N = 1000;

/** kpt's no-op against the function. */
export interface KptResult {
  /** Why kpt could not be measured, when it could not. */
  missing?: string;
  items: number;
  noopMs: number;
  fnMs: number;
  fnRssMb: number | undefined;
  kptFnMs: number;
  runs: number;
}

/** Writes the package of {@link kubernetesList}(1,000) and a Kptfile under `source`. */
async function writeKptPackage(source: string): Promise<void> {
  for (const item of kubernetesList(N).items as Obj[]) {
    const metadata = item.metadata as Obj;
    const annotations = metadata.annotations as Record<string, string>;
    const path = annotations["config.kubernetes.io/path"]!;
    for (const key of Object.keys(annotations)) {
      if (key.includes("config.kubernetes.io/")) delete annotations[key];
    }
    await Deno.mkdir(dirname(join(source, path)), { recursive: true });
    await Deno.writeTextFile(join(source, path), dump(item, { lineWidth: -1 }));
  }
  await Deno.writeTextFile(
    join(source, "Kptfile"),
    `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: bench
  annotations:
    config.kubernetes.io/local-config: "true"
`,
  );
}

/** Writes an executable shell script. */
async function script(path: string, text: string): Promise<string> {
  await Deno.writeTextFile(path, text);
  await Deno.chmod(path, 0o755);
  return path;
}

/** Counts the MeshService files kpt wrote under the package's kuma-generated/default. */
async function writtenMeshServices(work: string): Promise<number> {
  let written = 0;
  for await (const entry of Deno.readDir(join(work, "kuma-generated", "default"))) {
    if (!entry.isDirectory) continue;
    for await (const _ of Deno.readDir(join(work, "kuma-generated", "default", entry.name))) {
      written++;
    }
  }
  return written;
}

/**
 * kpt against the function on the package. Every kpt run gets a fresh copy
 * of the package (kpt writes in place; the copy is not timed).
 */
export async function kptComparison(dir: string): Promise<KptResult> {
  const none = { items: N, noopMs: NaN, fnMs: NaN, fnRssMb: undefined, kptFnMs: NaN, runs: 0 };
  try {
    await measure([KPT, "version"]);
  } catch (error) {
    return { ...none, missing: `kpt not runnable: ${(error as Error).message.split("\n")[0]}` };
  }
  const source = join(dir, "kpt-package");
  await writeKptPackage(source);
  const captured = join(dir, "kpt-captured.yaml");
  const noop = await script(
    join(dir, "noop.sh"),
    "#!/bin/sh\n# The no-op exec function: the ResourceList back as is.\nexec cat\n",
  );
  const tee = await script(join(dir, "tee.sh"), `#!/bin/sh\nexec tee '${captured}'\n`);
  const work = join(dir, "kpt-work");
  const kpt = async (exec: string) => {
    await Deno.remove(work, { recursive: true }).catch(() => {});
    await measure(["cp", "-R", source, work]);
    return await measure([KPT, "fn", "eval", work, "--exec", exec], { cwd: dir });
  };

  // What kpt sends, captured once: the function is timed on exactly that list.
  await kpt(tee);
  const sent = count(await Deno.readTextFile(captured), /^ {2}kind: Service$/gm);
  if (sent !== N) throw new Error(`kpt sent ${sent} Services, expected ${N}`);
  // Warm-ups, and checks: the no-op leaves the package as kpt formats it; the
  // function through kpt writes one MeshService file per Service.
  await kpt(noop);
  await kpt(WRAPPER);
  const written = await writtenMeshServices(work);
  if (written !== N) {
    throw new Error(`kpt --exec meshservice-krm wrote ${written} MeshService files, expected ${N}`);
  }
  const fnOut = join(dir, "kpt-captured.fn.out");
  await runScript(MOD_TS, { input: captured, output: fnOut });
  // kpt writes items at column 0 ("- apiVersion"); the function keeps that indent.
  const generated = count(await Deno.readTextFile(fnOut), /^ {2}kind: MeshService$/gm);
  if (generated !== N) {
    throw new Error(`function on kpt's list: ${generated} MeshServices, expected ${N}`);
  }
  return await timed({ kpt, noop, captured, fnOut });
}

/** The interleaved timed runs of {@link kptComparison}. */
async function timed(
  run: { kpt(exec: string): Promise<Sample>; noop: string; captured: string; fnOut: string },
): Promise<KptResult> {
  const noopRuns: number[] = [];
  const fnRuns: Sample[] = [];
  const kptFnRuns: number[] = [];
  for (let r = 0; r < KPT_RUNS; r++) {
    noopRuns.push((await run.kpt(run.noop)).ms);
    fnRuns.push(await runScript(MOD_TS, { input: run.captured, output: run.fnOut, rss: true }));
    kptFnRuns.push((await run.kpt(WRAPPER)).ms);
  }
  const result: KptResult = {
    items: N,
    noopMs: median(noopRuns),
    fnMs: median(fnRuns.map((s) => s.ms)),
    fnRssMb: peakMb(fnRuns),
    kptFnMs: median(kptFnRuns),
    runs: KPT_RUNS,
  };
  console.log(
    `measured kpt N=${N}: kpt no-op ${fmtInt(result.noopMs)} ms, fn ${
      fmtInt(result.fnMs)
    } ms, kpt + fn ${fmtInt(result.kptFnMs)} ms`,
  );
  return result;
}
