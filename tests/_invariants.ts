/**
 * Invariants shared by the property tests, the terminal-injection tests and
 * the fuzzer: canonical JSON, the KRM function run in process, "every item
 * the tool does not own comes back", "printed text is safe for a terminal and
 * a GitHub Actions log", "no stack trace" and deep equality of read values.
 *
 * @module
 */

import assert from "node:assert/strict";
import { runKrmFunction } from "../src/io/krm_stdio.ts";
import { isOwned } from "../src/model/inventory.ts";
import type { KubeObject } from "../src/model/krm.ts";

type Json = Record<string, unknown>;

function isObj(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON with sorted keys, so equal objects compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) => isObj(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** Deep equality with Object.is on numbers (so -0 and 0 differ) and key order ignored. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") return Object.is(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => sameValue(item, b[i]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length &&
      ka.every((k, i) =>
        k === kb[i] &&
        sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
      );
  }
  return a === b;
}

/** What one in-process run of the KRM function printed. */
export interface KrmRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the KRM function in process (what stdin mode runs), capturing both streams. */
export async function runKrmInProcess(stdin: string | Uint8Array): Promise<KrmRun> {
  const decoder = new TextDecoder();
  let stdout = "";
  let stderr = "";
  const code = await runKrmFunction({
    stdin: new Blob([stdin as BlobPart]).stream(),
    stdout: new WritableStream({ write: (chunk) => void (stdout += decoder.decode(chunk)) }),
    stderr: new WritableStream({ write: (chunk) => void (stderr += decoder.decode(chunk)) }),
  });
  return { code, stdout, stderr };
}

/**
 * Characters that must never reach a terminal or a CI log raw: C0 controls
 * but the line feed, DEL, C1 controls, line and paragraph separators and
 * bidirectional formatting characters.
 */
const UNSAFE =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/**
 * Asserts printed text is safe: no character of {@link UNSAFE}, no line that
 * the GitHub Actions runner reads as a workflow command (`::` after leading
 * white space, or a legacy `##[` anywhere). `allowed` lists exact lines the
 * caller printed as commands on purpose (`::stop-commands::…`).
 */
export function assertTerminalSafe(
  text: string,
  what: string,
  allowed: readonly RegExp[] = [],
): void {
  const bad = UNSAFE.exec(text);
  if (bad !== null) {
    const code = bad[0].codePointAt(0)!.toString(16).padStart(4, "0");
    const around = text.slice(Math.max(0, bad.index - 80), bad.index + 80);
    assert.fail(`${what} prints U+${code} raw: ${JSON.stringify(around)}`);
  }
  for (const line of text.split("\n")) {
    if (allowed.some((pattern) => pattern.test(line))) continue;
    assert.ok(!/^\s*::/u.test(line), `${what} prints a workflow command: ${JSON.stringify(line)}`);
    assert.ok(!line.includes("##["), `${what} prints a legacy command: ${JSON.stringify(line)}`);
  }
}

/** Asserts the text holds no JavaScript stack trace or uncaught-error report. */
export function assertNoStackTrace(text: string, what: string): void {
  assert.ok(
    !/^\s+at .+:\d+:\d+\)?$/m.test(text) && !/Uncaught|Stack backtrace|panicked at/.test(text),
    `${what} has a stack trace:\n${text.slice(0, 3000)}`,
  );
}

/**
 * Asserts every input item the tool does not own comes out, in input order,
 * unchanged (canonical JSON), or, when `rewritable` allows it (routes,
 * policies, a staged Mesh, workloads), rewritten only under `spec` and in a
 * Pod's `kuma.io/reachable-backends` annotation. Returns how many were
 * compared.
 */
export function assertUnownedPreserved(
  inputItems: readonly unknown[],
  outputItems: readonly unknown[],
  options: { rewritable?: (item: KubeObject) => boolean; what?: string } = {},
): number {
  const what = options.what ?? "output";
  const ownedNot = (item: unknown) => !isObj(item) || !isOwned(item as KubeObject);
  const kept = inputItems.filter(ownedNot);
  const out = outputItems.filter(ownedNot);
  assert.ok(
    out.length === kept.length,
    `${what}: ${kept.length} unowned input item(s), ${out.length} in the output`,
  );
  kept.forEach((input, i) => {
    const output = out[i];
    if (canonical(output) === canonical(input)) return;
    if (isObj(input) && isObj(output) && isGeneratorManaged(input)) {
      // Kuma's Universal generator updates its own MeshServices: spec and its kuma.io labels.
      assert.equal(
        canonical(withoutKumaLabels(outsideSpec(output))),
        canonical(withoutKumaLabels(outsideSpec(input))),
        `${what}: generator-managed item ${i} changed outside spec and kuma.io labels`,
      );
      return;
    }
    const rewritable = isObj(input) && options.rewritable?.(input as KubeObject) === true;
    assert.ok(
      rewritable && isObj(output) &&
        canonical(outsideSpec(output)) === canonical(outsideSpec(input)),
      `${what}: unowned item ${i} changed: ${canonical(input).slice(0, 400)}\n-> ${
        canonical(output).slice(0, 400)
      }`,
    );
  });
  return kept.length;
}

/** A MeshService labelled as Kuma's generator's own (`kuma.io/managed-by: meshservice-generator`). */
export function isGeneratorManaged(item: Json): boolean {
  const labels = isObj(item.metadata) && isObj(item.metadata.labels) ? item.metadata.labels : {};
  return item.kind === "MeshService" && labels["kuma.io/managed-by"] === "meshservice-generator";
}

/** The item without its `kuma.io/` labels. */
export function withoutKumaLabels(item: Json): Json {
  if (!isObj(item.metadata) || !isObj(item.metadata.labels)) return item;
  const labels = Object.fromEntries(
    Object.entries(item.metadata.labels).filter(([key]) => !key.startsWith("kuma.io/")),
  );
  return { ...item, metadata: { ...item.metadata, labels } };
}

/** The item without `spec` and without the reachable-backends annotation the migration writes. */
export function outsideSpec(item: Json): Json {
  const metadata = isObj(item.metadata) ? { ...item.metadata } : item.metadata;
  if (isObj(metadata) && isObj(metadata.annotations)) {
    const annotations = { ...metadata.annotations };
    delete annotations["kuma.io/reachable-backends"];
    metadata.annotations = annotations;
  }
  return { ...item, metadata, spec: null };
}
