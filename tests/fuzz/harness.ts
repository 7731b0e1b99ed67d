/**
 * The fuzzer's harness: mutated golden inputs through the KRM path (in
 * process, and the CLI as a subprocess) and directory mode (the CLI on a
 * temporary directory), each case checked against the invariants of issue
 * 15: exit 0 or 1, no stack trace, a ResourceList out (KRM), every item the
 * tool does not own back unchanged, output safe for a terminal and a CI log,
 * determinism (same input, same bytes, in process and across processes),
 * idempotency (a rerun on the output changes nothing), and bounds on time,
 * heap and peak RSS.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { classifyDocument } from "../../src/model/manifest.ts";
import {
  assertNoStackTrace,
  assertTerminalSafe,
  assertUnownedPreserved,
  canonical,
  isGeneratorManaged,
  type KrmRun,
  outsideSpec,
  runKrmInProcess,
  withoutKumaLabels,
} from "../_invariants.ts";
import { listGoldenCases } from "../_golden.ts";
import { DENO, MOD_TS, snapshotTree } from "../e2e_support.ts";
import { parseYaml, parseYamlStream, stringifyYaml } from "../../src/io/yaml.ts";
import { isOwned } from "../../src/model/inventory.ts";
import type { KubeObject } from "../../src/model/krm.ts";
import { type FuzzInput, mutate, mutateText, Rng } from "./mutations.ts";

type Json = Record<string, unknown>;

/** Limits every case must stay within. */
export interface Bounds {
  /** One in-process KRM run, in milliseconds. */
  krmMs: number;
  /** One CLI subprocess (start-up included), in milliseconds. */
  subprocessMs: number;
  /** Heap growth over one in-process case, in MiB. */
  heapMiB: number;
  /** Peak resident memory of one CLI subprocess, in MiB (V8's old space is capped below it). */
  rssMiB: number;
}

/** Bounds generous enough for a loaded CI machine, tight enough to catch blow-ups. */
export const DEFAULT_BOUNDS: Bounds = {
  krmMs: 3_000,
  subprocessMs: 15_000,
  heapMiB: 256,
  rssMiB: 600,
};

/** What a run measured. */
export interface Stats {
  cases: number;
  krm: number;
  cli: number;
  directory: number;
  /** Directory cases whose render exited 0 (so check and the rerender ran too). */
  directoryRendered: number;
  exits: Record<string, number>;
  worstKrmMs: number;
  worstKrmCase: string;
  worstSubprocessMs: number;
  worstSubprocessCase: string;
  worstHeapMiB: number;
  worstRssMiB: number;
  worstRssCase: string;
}

/** Empty statistics. */
export function newStats(): Stats {
  return {
    cases: 0,
    krm: 0,
    cli: 0,
    directory: 0,
    directoryRendered: 0,
    exits: {},
    worstKrmMs: 0,
    worstKrmCase: "",
    worstSubprocessMs: 0,
    worstSubprocessCase: "",
    worstHeapMiB: 0,
    worstRssMiB: 0,
    worstRssCase: "",
  };
}

function isObj(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every golden input, parsed. */
export async function goldenInputs(): Promise<{ name: string; list: Json }[]> {
  const inputs: { name: string; list: Json }[] = [];
  for (const testCase of await listGoldenCases()) {
    const list = await parseYaml(await Deno.readTextFile(testCase.input));
    if (isObj(list)) inputs.push({ name: testCase.name, list });
  }
  return inputs;
}

/** The case with seed `seed`: a golden input (by seed) and its mutations. */
export function fuzzCase(inputs: readonly { name: string; list: Json }[], seed: number): FuzzInput {
  const rng = new Rng(seed);
  return mutate(rng.pick(inputs), rng, stringifyYaml);
}

/**
 * Kinds the migration recognises by kind alone, whatever their apiVersion: workloads (their pod
 * template gets reachable backends), Dataplanes (Universal documents have no apiVersion) and
 * Meshes (`meshServices.mode`), and Services (config `fixAppProtocol` adds a port's `appProtocol`).
 */
const BY_KIND =
  /^(Deployment|StatefulSet|DaemonSet|ReplicaSet|Job|CronJob|Pod|Dataplane|Mesh|Service)$/;

/**
 * Items whose `spec` the migration may rewrite: every `kuma.io` object (policies of any kind
 * have their references rewritten; `isReferrerKind` in src/steps/references.ts) and the kinds of
 * {@link BY_KIND}.
 */
function rewritable(item: KubeObject): boolean {
  return (typeof item.apiVersion === "string" && item.apiVersion.startsWith("kuma.io/")) ||
    (typeof item.kind === "string" && BY_KIND.test(item.kind));
}

function describe(input: FuzzInput, seed: number): string {
  return `seed ${seed} (${input.source}: ${input.mutations.join(", ")})`;
}

/** Object items of a list-shaped value. */
function objectItems(value: unknown): Json[] {
  return isObj(value) && Array.isArray(value.items) ? value.items.filter(isObj) : [];
}

/** The input as the tool reads it (UTF-8 decoded, one BOM dropped), parsed; else `undefined`. */
async function parsedOrUndefined(text: string | Uint8Array): Promise<unknown> {
  try {
    const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
    return await parseYaml(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/** Checks one run's output: exit code, stack trace, escaping, a ResourceList, results. */
async function checkKrmOutput(run: KrmRun, what: string): Promise<Json> {
  assert.ok(run.code === 0 || run.code === 1, `${what}: exit ${run.code}`);
  assertNoStackTrace(run.stderr, what);
  assertTerminalSafe(run.stderr, `${what} stderr`);
  const output = await parseYaml(run.stdout);
  assert.ok(isObj(output) && output.kind === "ResourceList", `${what}: no ResourceList out`);
  assert.ok(Array.isArray(output.items), `${what}: no items`);
  const results = Array.isArray(output.results) ? output.results : [];
  const errors = results.some((r) => isObj(r) && r.severity === "error");
  assert.equal(run.code, errors ? 1 : 0, `${what}: exit code and error results disagree`);
  return output;
}

/**
 * The KRM path in process: invariants, determinism (twice, same bytes) and
 * idempotency (the output rendered again gives the same items). Returns the
 * first run.
 */
export async function checkKrm(
  input: FuzzInput,
  seed: number,
  options: { stats: Stats; bounds: Bounds },
): Promise<KrmRun> {
  const what = describe(input, seed);
  const heapBefore = Deno.memoryUsage().heapUsed;
  const started = performance.now();
  const first = await runKrmInProcess(input.text);
  const ms = performance.now() - started;
  const heap = (Deno.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const { stats, bounds } = options;
  stats.krm++;
  stats.exits[first.code] = (stats.exits[first.code] ?? 0) + 1;
  if (ms > stats.worstKrmMs) [stats.worstKrmMs, stats.worstKrmCase] = [ms, what];
  stats.worstHeapMiB = Math.max(stats.worstHeapMiB, heap);
  assert.ok(ms <= bounds.krmMs, `${what}: ${ms.toFixed(0)} ms`);
  assert.ok(heap <= bounds.heapMiB, `${what}: heap grew ${heap.toFixed(0)} MiB`);
  const output = await checkKrmOutput(first, what);
  const outputItems = output.items as unknown[];
  const parsedInput = await parsedOrUndefined(input.text);
  if (!(first.code === 1 && outputItems.length === 0)) {
    assertUnownedPreserved(objectItems(parsedInput), outputItems.filter(isObj), {
      rewritable,
      what,
    });
  }
  const second = await runKrmInProcess(input.text);
  assert.deepEqual(second, first, `${what}: a second run printed something else`);
  if (first.code === 0) {
    // The orchestrator runs the function again with the same functionConfig (the output has none).
    const config = isObj(parsedInput) && parsedInput.functionConfig !== undefined
      ? `functionConfig: ${JSON.stringify(parsedInput.functionConfig)}\n`
      : "";
    const rerun = await runKrmInProcess(`${first.stdout}${config}`);
    const again = await checkKrmOutput(rerun, `${what} (rerun on its output)`);
    assert.equal(rerun.code, 0, `${what}: the rerun on the output fails`);
    assert.equal(
      canonical(again.items),
      canonical(output.items),
      `${what}: the rerun on the output changes items`,
    );
  }
  return first;
}

/** A subprocess's output, duration and peak resident memory (Linux's VmHWM, sampled). */
interface Measured extends KrmRun {
  ms: number;
  rssMiB: number;
}

async function spawnMeasured(
  args: string[],
  options: { stdin?: string | Uint8Array } = {},
): Promise<Measured> {
  const started = performance.now();
  const child = new Deno.Command(DENO, {
    args: ["run", "--no-prompt", "--v8-flags=--max-old-space-size=384", ...args],
    env: { ...Deno.env.toObject(), NO_COLOR: "1" },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Deno reads /proc only with --allow-all, so a small shell loop samples the child's VmHWM
  // (its peak resident memory so far) until the child is gone; the last sample is the peak.
  const sampler = new Deno.Command("bash", {
    args: [
      "-c",
      'while [ -e "/proc/$1" ]; do awk \'/^VmHWM:/ {print $2}\' "/proc/$1/status" 2>/dev/null; sleep 0.01; done',
      "sampler",
      String(child.pid),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // Stdin is written while the output is read, and a child that stops reading it is reported
  // with its exit code and stderr (a write error alone would hide why it exited).
  const stdin = options.stdin;
  const writing = stdin === undefined ? Promise.resolve(undefined) : (async () => {
    try {
      const writer = child.stdin.getWriter();
      await writer.write(typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin);
      await writer.close();
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  })();
  const output = await child.output();
  const writeError = await writing;
  if (writeError !== undefined) {
    throw new Error(
      `the subprocess exited ${output.code} before reading its input (${writeError}):\n${
        new TextDecoder().decode(output.stderr).slice(0, 2000)
      }`,
    );
  }
  const samples = new TextDecoder().decode((await sampler.output()).stdout).trim().split("\n");
  const peakKiB = Math.max(0, ...samples.map(Number).filter(Number.isFinite));
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    ms: performance.now() - started,
    rssMiB: peakKiB / 1024,
  };
}

function recordSubprocess(run: Measured, what: string, options: { stats: Stats; bounds: Bounds }) {
  const { stats, bounds } = options;
  if (run.ms > stats.worstSubprocessMs) {
    [stats.worstSubprocessMs, stats.worstSubprocessCase] = [run.ms, what];
  }
  if (run.rssMiB > stats.worstRssMiB) [stats.worstRssMiB, stats.worstRssCase] = [run.rssMiB, what];
  assert.ok(run.ms <= bounds.subprocessMs, `${what}: ${run.ms.toFixed(0)} ms`);
  assert.ok(run.rssMiB <= bounds.rssMiB, `${what}: peak RSS ${run.rssMiB.toFixed(0)} MiB`);
  assert.ok(
    run.code === 0 || run.code === 1,
    `${what}: exit ${run.code}\n${run.stderr.slice(0, 2000)}`,
  );
  assertNoStackTrace(run.stderr, what);
  assertTerminalSafe(run.stderr, `${what} stderr`);
}

/** The KRM path through the CLI: the same bytes as in process, within bounds. */
export async function checkCli(
  input: FuzzInput,
  seed: number,
  options: { stats: Stats; bounds: Bounds; inProcess: KrmRun },
): Promise<void> {
  const what = `${describe(input, seed)} via the CLI`;
  const run = await spawnMeasured([MOD_TS], { stdin: input.text });
  options.stats.cli++;
  recordSubprocess(run, what, options);
  assert.deepEqual(
    { code: run.code, stdout: run.stdout, stderr: run.stderr },
    options.inProcess,
    `${what}: the CLI printed something else than the in-process run`,
  );
}

/** File names a pull request may use (no control characters: those are refused by the reader). */
const FILE_NAMES = [
  "services.yaml",
  "a b.yaml",
  "ünï.yml",
  "::error::x.yaml",
  "##[warning]y.yaml",
  "-dash.yaml",
  "#hash.yaml",
  "sub/dir/deep.yaml",
  "kuma-generated/fake.yaml",
];

/** Directory mode on a temporary tree: render (twice), render --out, check, render --out again. */
export async function checkDirectory(
  input: FuzzInput,
  seed: number,
  options: { stats: Stats; bounds: Bounds },
): Promise<void> {
  const what = `${describe(input, seed)} in directory mode`;
  const rng = new Rng(seed ^ 0x5bd1e995);
  const root = await Deno.makeTempDir({ prefix: "msk-fuzz-" });
  try {
    const dir = join(root, "repo");
    const items = objectItems(input.list);
    const files = new Map<string, string[]>();
    for (const item of items) {
      const name = rng.pick(FILE_NAMES);
      files.set(name, [...(files.get(name) ?? []), stringifyYaml(item)]);
    }
    await Deno.mkdir(dir, { recursive: true });
    const names = [...files.keys()];
    const mutated = names.length > 0 && rng.chance(0.5) ? rng.pick(names) : undefined;
    for (const [name, docs] of files) {
      await Deno.mkdir(join(dir, name, ".."), { recursive: true });
      const text = docs.join("---\n");
      await Deno.writeTextFile(join(dir, name), name === mutated ? mutateText(text, rng) : text);
    }
    const configArgs: string[] = [];
    if (isObj(input.list.functionConfig)) {
      await Deno.writeTextFile(join(root, "config.yaml"), stringifyYaml(input.list.functionConfig));
      configArgs.push("--config", join(root, "config.yaml"));
    }
    const cli = async (args: string[]) => {
      const run = await spawnMeasured([
        `--allow-read=${root}`,
        `--allow-write=${dir}`,
        MOD_TS,
        ...args,
        ...configArgs,
      ]);
      recordSubprocess(run, `${what}: ${args[0]}`, options);
      return run;
    };
    const before = await snapshotTree(dir);
    const printed = await cli(["render", dir]);
    const again = await cli(["render", dir]);
    assert.deepEqual(
      again,
      { ...printed, ms: again.ms, rssMiB: again.rssMiB },
      `${what}: render twice differs`,
    );
    if (printed.code === 0) await assertDocumentsKept(dir, printed.stdout, what);
    const written = await cli(["render", dir, "--out", dir]);
    assert.equal(written.code, printed.code, `${what}: render --out and render disagree`);
    const after = await snapshotTree(dir);
    if (written.code === 1) {
      assert.deepEqual(after, before, `${what}: a failed render --out changed the tree`);
    } else {
      const check = await cli(["check", dir]);
      assert.equal(
        check.code,
        0,
        `${what}: check after render --out\n${check.stdout.slice(0, 3000)}`,
      );
      assertTerminalSafe(check.stdout, `${what}: check's diff`);
      const rerun = await cli(["render", dir, "--out", dir]);
      assert.equal(rerun.code, 0, `${what}: second render --out`);
      assert.deepEqual(
        await snapshotTree(dir),
        after,
        `${what}: second render --out changed the tree`,
      );
      options.stats.directoryRendered++;
    }
    options.stats.directory++;
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Every document of the tree that the tool does not own is printed by `render`, unchanged or rewritten. */
async function assertDocumentsKept(dir: string, stdout: string, what: string): Promise<void> {
  const printed = (await parseYamlStream(stdout)).filter(isObj);
  const seen = new Set(printed.map(canonical));
  const rewritten = new Set(printed.map((doc) => canonical(outsideSpec(doc))));
  // Kuma's generator updates its own MeshServices (spec and kuma.io labels).
  const managed = new Set(printed.map((doc) => canonical(withoutKumaLabels(outsideSpec(doc)))));
  for (const [path, text] of await snapshotTree(dir)) {
    let docs: unknown[];
    try {
      docs = await parseYamlStream(text);
    } catch {
      throw new Error(`${what}: ${path} does not parse, yet render exited 0`);
    }
    for (const doc of docs.filter(isObj)) {
      if (isOwned(doc as KubeObject) || doc.kind === "RenderMeshServices") continue;
      // Not a manifest (issue 13): skipped with an info, not printed.
      if (classifyDocument(doc).class === "not-a-manifest") continue;
      if (seen.has(canonical(doc))) continue;
      if (
        isGeneratorManaged(doc) && managed.has(canonical(withoutKumaLabels(outsideSpec(doc))))
      ) continue;
      assert.ok(
        rewritable(doc as KubeObject) && rewritten.has(canonical(outsideSpec(doc))),
        `${what}: ${path}: a document is missing or changed: ${canonical(doc).slice(0, 400)}`,
      );
    }
  }
}
