/**
 * The GitHub Action's inputs: `INPUT_*` variables read and validated.
 *
 * @module
 */

import { ANNOTATION_LIMIT } from "./commands.ts";

/** Directory mode command the action runs. */
export type Mode = "render" | "check";

/** Lowest severity that fails the step, or `never`. */
export type FailOn = "error" | "warning" | "never";

/** The action's inputs, validated. */
export interface ActionInputs {
  /** Manifest directory (relative to the working directory, the workspace). */
  path: string;
  /** Config file; else the `RenderMeshServices` object found in {@link path}. */
  config: string | undefined;
  mode: Mode;
  /** render: where files are written; check: the directory compared. Default: {@link path}. */
  outputDir: string | undefined;
  failOn: FailOn;
  /** Write the job summary. */
  summary: boolean;
  /** Post or update one pull-request comment. */
  comment: boolean;
  /** Token for the comment; may be empty when {@link comment} is false. */
  token: string;
  /** Result annotations per severity, 0 to {@link ANNOTATION_LIMIT}. */
  maxAnnotations: number;
  /** The base commit to compare with (a pull request's base SHA); none on other events. */
  baseRef: string | undefined;
}

/** Outcome of {@link parseInputs}: the inputs, or every problem found. */
export type ParsedInputs = { ok: true; inputs: ActionInputs } | { ok: false; problems: string[] };

/**
 * Reads and validates the inputs from `INPUT_<NAME>` variables (`INPUT_PATH`,
 * `INPUT_CONFIG`, `INPUT_MODE`, `INPUT_OUTPUT_DIR`, `INPUT_FAIL_ON`,
 * `INPUT_SUMMARY`, `INPUT_COMMENT`, `INPUT_GITHUB_TOKEN`,
 * `INPUT_MAX_ANNOTATIONS`, `INPUT_BASE_REF`). Values are trimmed; an empty value takes the
 * default. Booleans accept `true`/`false` in any case, as GitHub's toolkit does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInputs } from "../github_action.ts";
 *
 * const env: Record<string, string> = { INPUT_MODE: "render", INPUT_FAIL_ON: "warning" };
 * const parsed = parseInputs((name) => env[name]);
 * assert.ok(parsed.ok);
 * assert.equal(parsed.inputs.path, ".");
 * assert.equal(parsed.inputs.failOn, "warning");
 * assert.deepEqual(parseInputs(() => "nope").ok, false);
 * ```
 */
export function parseInputs(env: (name: string) => string | undefined): ParsedInputs {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env(`INPUT_${name}`)?.trim();
    return value === "" ? undefined : value;
  };
  const oneOf = <T extends string>(input: string, name: string, allowed: readonly T[]): T => {
    const value = read(name) ?? allowed[0]!;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(
      `Cannot use ${input} "${value}": expected ${allowed.slice(0, -1).join(", ")} or ${
        allowed[allowed.length - 1]
      }`,
    );
    return allowed[0]!;
  };
  const flag = (input: string, name: string, fallback: boolean): boolean => {
    const value = read(name);
    if (value === undefined) return fallback;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    problems.push(`Cannot use ${input} "${value}": expected true or false`);
    return fallback;
  };
  const mode = oneOf("mode", "MODE", ["check", "render"] as const);
  const failOn = oneOf("fail-on", "FAIL_ON", ["error", "warning", "never"] as const);
  const summary = flag("summary", "SUMMARY", true);
  const comment = flag("comment", "COMMENT", false);
  const rawMax = read("MAX_ANNOTATIONS") ?? String(ANNOTATION_LIMIT);
  const maxAnnotations = /^\d+$/.test(rawMax) ? Number(rawMax) : NaN;
  if (!(maxAnnotations >= 0 && maxAnnotations <= ANNOTATION_LIMIT)) {
    problems.push(
      `Cannot use max-annotations "${rawMax}": expected a whole number from 0 to ${ANNOTATION_LIMIT}`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    inputs: {
      path: read("PATH") ?? ".",
      config: read("CONFIG"),
      mode,
      outputDir: read("OUTPUT_DIR"),
      failOn,
      summary,
      comment,
      token: read("GITHUB_TOKEN") ?? "",
      maxAnnotations,
      baseRef: read("BASE_REF"),
    },
  };
}
