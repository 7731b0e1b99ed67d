/**
 * Human-facing output: results as lines, coloured by severity only when
 * stderr is a terminal and `NO_COLOR` is not set (`Deno.noColor` reads it
 * without an env permission), and the one escaping function every printed
 * line goes through ({@link escapeLine}, {@link escapeText}).
 *
 * Text in a printed line can come from a pull request (resource names, file
 * names, field values, a config's text), and the line may land in a terminal
 * or a CI log. So, in every line:
 *
 * - control characters (C0, DEL, C1: ANSI escapes, carriage returns, line
 *   breaks inside a value), Unicode line and paragraph separators and
 *   bidirectional formatting characters are shown as `\n`, `\r`, `\t`,
 *   `\xHH` or `\u{HHHH}`;
 * - a line never starts a GitHub Actions workflow command: the runner (its
 *   `ActionCommand.TryParseV2` in actions/runner) takes a line as a command
 *   when it starts with `::` after leading white space, so the first `:`
 *   becomes `\x3a`; and it takes `##[name]` anywhere in a line as a legacy
 *   command (`ActionCommand.TryParse`), so `##[` becomes `##\x5b`.
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

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Characters shown escaped: C0 controls, DEL, C1 controls, the Arabic letter
 * mark, left-to-right and right-to-left marks, line and paragraph separators,
 * bidirectional embeddings, overrides and isolates.
 */
const HIDDEN =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * One line as it may be printed: every control, line-separator and
 * bidirectional character escaped, and no workflow command (see the module
 * documentation). A line break inside `line` is escaped too, so the result is
 * always one line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeLine } from "./terminal.ts";
 *
 * assert.equal(escapeLine("a\x1b[31mb\nc"), "a\\x1b[31mb\\nc");
 * assert.equal(escapeLine("  ::error::spoofed"), "  \\x3a:error::spoofed");
 * assert.equal(escapeLine("see ##[warning]x"), "see ##\\x5bwarning]x");
 * ```
 */
export function escapeLine(line: string): string {
  const shown = line.replace(HIDDEN, (c) => {
    const code = c.codePointAt(0)!;
    return NAMED[c] ??
      (code <= 0xff
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u{${code.toString(16).padStart(4, "0")}}`);
  });
  // .NET's String.TrimStart (the runner) trims every Unicode white space; JavaScript's \s
  // covers the same set, plus U+FEFF.
  return shown.replace(/^(\s*):(?=:)/u, "$1\\x3a").replaceAll("##[", "##\\x5b");
}

/**
 * Text of several lines as it may be printed: {@link escapeLine} on every
 * line; the `\n` line breaks between them (and a trailing one) stay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeText } from "./terminal.ts";
 *
 * assert.equal(escapeText("ok\n::warning::x\n"), "ok\n\\x3a:warning::x\n");
 * ```
 */
export function escapeText(text: string): string {
  return text.split("\n").map(escapeLine).join("\n");
}

/**
 * Results as stderr lines, one per result, ending with a newline (empty for
 * no results). Each line's text is escaped with {@link escapeLine} before it
 * is coloured, so the colour codes are the only escape sequences printed.
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
    const line = escapeLine(formatResult(result));
    return options.colour ? `${COLOURS[result.severity]}${line}${RESET}` : line;
  }).join("\n") + "\n";
}
