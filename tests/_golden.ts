/**
 * Golden harness: every directory under `tests/golden/` that holds an
 * `input.yaml` (a full ResourceList) is a case; `expected.yaml` next to it is
 * the full output ResourceList, results included, as `stringifyYaml` writes
 * it. `UPDATE_GOLDEN=1` rewrites the expected files.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseConfig } from "../src/config.ts";
import { parseYaml, stringifyYaml } from "../src/io/yaml.ts";
import type { KubeObject, ResourceList } from "../src/model/krm.ts";
import { DEFAULT_KUMA_VERSION, type KumaVersion } from "../src/model/version.ts";
import { TOOL_ANNOTATION } from "../src/model/tool.ts";
import { render } from "../src/transform.ts";

/** `tags.reason` of the results that say a stale generated item was removed (first run only). */
const REMOVAL_REASON = "StaleGeneratedRemoved";

/** Root of the golden cases. */
export const GOLDEN_ROOT: URL = new URL("./golden/", import.meta.url);

/** Hint printed when a golden file differs. */
export const UPDATE_HINT =
  "rerun with deno task golden:update (UPDATE_GOLDEN=1) and review the diff";

/** One golden case. */
export interface GoldenCase {
  /** Path below `tests/golden/`, e.g. `kuma-ignore-annotation/2.9`. */
  name: string;
  input: URL;
  expected: URL;
  /** `expected-report.yaml`: when present, the report is compared too. */
  report: URL;
}

/** True when the run should rewrite expected files. */
export function updating(): boolean {
  return Deno.env.get("UPDATE_GOLDEN") === "1";
}

/** Every case below {@link GOLDEN_ROOT}, sorted by name. */
export async function listGoldenCases(root: URL = GOLDEN_ROOT): Promise<GoldenCase[]> {
  const cases: GoldenCase[] = [];
  async function walk(dir: URL, prefix: string): Promise<void> {
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
    if (entries.some((e) => e.isFile && e.name === "input.yaml")) {
      cases.push({
        name: prefix,
        input: new URL("input.yaml", dir),
        expected: new URL("expected.yaml", dir),
        report: new URL("expected-report.yaml", dir),
      });
    }
    for (const entry of entries) {
      if (entry.isDirectory) {
        await walk(new URL(`${entry.name}/`, dir), prefix ? `${prefix}/${entry.name}` : entry.name);
      }
    }
  }
  await walk(root, "");
  return cases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Reads a YAML file holding one ResourceList. */
export async function readResourceList(url: URL): Promise<ResourceList> {
  const parsed = await parseYaml(await Deno.readTextFile(url));
  assert.ok(
    typeof parsed === "object" && parsed !== null && !Array.isArray(parsed),
    `${url.pathname} must hold one ResourceList map`,
  );
  return parsed as ResourceList;
}

/** Renders a parsed ResourceList and serializes the output ResourceList. */
export function renderText(input: unknown): string {
  return stringifyYaml(render(input).resourceList);
}

/** The Kuma version a ResourceList's functionConfig selects (the default when it is invalid). */
export function kumaVersionOf(list: ResourceList): KumaVersion {
  const config = parseConfig(list.functionConfig);
  return config.ok ? config.config.kumaVersion : DEFAULT_KUMA_VERSION;
}

/** Output items of a case that this tool generated (they carry its annotation). */
export function generatedItems(items: readonly KubeObject[]): KubeObject[] {
  return items.filter((item) =>
    typeof item === "object" && item !== null &&
    typeof item.metadata?.annotations?.[TOOL_ANNOTATION.generatedFrom] === "string"
  );
}

/** Compares the report with `expected-report.yaml` when the case has one (cases opt in by creating it). */
async function checkReport(testCase: GoldenCase, input: ResourceList): Promise<void> {
  let expected: string;
  try {
    expected = await Deno.readTextFile(testCase.report);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const { results: _results, ...report } = render(structuredClone(input)).report;
  const text = stringifyYaml(report);
  if (updating()) {
    await Deno.writeTextFile(testCase.report, text);
    return;
  }
  assert.equal(
    text,
    expected,
    `${testCase.name}: report differs from expected-report.yaml; ${UPDATE_HINT}`,
  );
}

/** The outcome of {@link checkGoldenCase}. */
export interface GoldenOutcome {
  input: ResourceList;
  output: ResourceList;
  text: string;
}

/**
 * Renders the case and compares it with `expected.yaml` (or rewrites it),
 * then checks determinism, purity and idempotency.
 */
export async function checkGoldenCase(testCase: GoldenCase): Promise<GoldenOutcome> {
  const input = await readResourceList(testCase.input);
  const pristine = structuredClone(input);
  const text = renderText(input);
  assert.deepEqual(input, pristine, `${testCase.name}: render() must not mutate its input`);

  await checkReport(testCase, input);
  if (updating()) {
    await Deno.writeTextFile(testCase.expected, text);
  } else {
    let expected: string;
    try {
      expected = await Deno.readTextFile(testCase.expected);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        assert.fail(`${testCase.name}: expected.yaml is missing; ${UPDATE_HINT}`);
      }
      throw error;
    }
    assert.equal(
      text,
      expected,
      `${testCase.name}: output differs from expected.yaml; ${UPDATE_HINT}`,
    );
  }

  // Determinism: a second render of a fresh copy gives the same bytes.
  assert.equal(
    renderText(structuredClone(pristine)),
    text,
    `${testCase.name}: two renders of the same input differ`,
  );

  // Idempotency: rendering the output again (same functionConfig) changes nothing. Only
  // the results that report a removal (of a stale generated item) happen once.
  const output = await parseYaml(text) as ResourceList;
  const again = structuredClone(output) as ResourceList;
  if (input.functionConfig !== undefined) {
    again.functionConfig = structuredClone(input.functionConfig);
  }
  const once = (output.results ?? []).filter((r) => r.tags?.reason === REMOVAL_REASON);
  assert.equal(
    renderText(again),
    once.length === 0 ? text : stringifyYaml({
      ...output,
      results: (output.results ?? []).filter((r) => r.tags?.reason !== REMOVAL_REASON),
    }),
    `${testCase.name}: rendering the output again is not idempotent`,
  );
  return { input, output, text };
}
