/**
 * Results printed to stderr, capped per run: the first
 * {@link MAX_STDERR_RESULTS} (errors first, then warnings, then info, each in
 * list order), then one line saying how many more there are and where to
 * find them. The full list stays in the output (ResourceList, report).
 *
 * @module
 */

import type { Result } from "../model/krm.ts";
import { groupDigits } from "../results.ts";
import { formatResults } from "./terminal.ts";

/** Most result lines one run prints to stderr. */
export const MAX_STDERR_RESULTS = 100;

const RANK = { error: 0, warning: 1, info: 2 } as const;

/**
 * {@link formatResults} for at most {@link MAX_STDERR_RESULTS} results, then
 * `… and K more results (…); <hint>`.
 *
 * @example
 * ```ts
 * import { formatResultsCapped } from "./stderr_results.ts";
 * import assert from "node:assert/strict";
 *
 * const many = Array.from({ length: 250 }, (_, i) => ({ message: `Bad ${i}`, severity: "error" as const }));
 * const text = formatResultsCapped(many, { colour: false, hint: "see the output ResourceList" });
 * assert.equal(text.split("\n").length, 102);
 * assert.match(text, /… and 150 more results \(150 errors\); see the output ResourceList\n$/);
 * ```
 */
export function formatResultsCapped(
  results: readonly Result[],
  options: { colour: boolean; hint: string },
): string {
  if (results.length <= MAX_STDERR_RESULTS) return formatResults(results, options);
  const chosen = new Set(
    results.map((r, i) => ({ r, i }))
      .sort((a, b) => RANK[a.r.severity] - RANK[b.r.severity] || a.i - b.i)
      .slice(0, MAX_STDERR_RESULTS)
      .map(({ i }) => i),
  );
  const shown = results.filter((_, i) => chosen.has(i));
  const left = results.filter((_, i) => !chosen.has(i));
  const counts = (["error", "warning", "info"] as const)
    .map((severity) => [severity, left.filter((r) => r.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${groupDigits(n)} ${severity === "info" ? "info" : `${severity}s`}`);
  return `${formatResults(shown, options)}… and ${groupDigits(left.length)} more results (${
    counts.join(", ")
  }); ${options.hint}\n`;
}
