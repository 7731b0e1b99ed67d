/**
 * Human-facing stderr: results as lines, coloured by severity only when
 * stderr is a terminal and `NO_COLOR` is not set (`Deno.noColor` reads it
 * without an env permission).
 *
 * @module
 */

import type { Result, Severity } from "../model/krm.ts";
import { formatResult } from "../results.ts";

const COLOURS: Record<Severity, string> = {
  error: "\x1b[31m",
  warning: "\x1b[33m",
  info: "\x1b[2m",
};
const RESET = "\x1b[0m";

/** True when stderr output may carry ANSI colours. */
export function stderrHasColour(): boolean {
  return !Deno.noColor && Deno.stderr.isTerminal();
}

/**
 * Results as stderr lines, one per result, ending with a newline (empty for
 * no results).
 *
 * @example
 * ```ts
 * import { formatResults } from "./terminal.ts";
 * import assert from "node:assert/strict";
 *
 * const text = formatResults([{ message: "Bad port", severity: "error" }], { colour: true });
 * assert.equal(text, "\x1b[31m[error] Bad port\x1b[0m\n");
 * ```
 */
export function formatResults(results: readonly Result[], options: { colour: boolean }): string {
  if (results.length === 0) return "";
  return results.map((result) => {
    const line = formatResult(result);
    return options.colour ? `${COLOURS[result.severity]}${line}${RESET}` : line;
  }).join("\n") + "\n";
}
