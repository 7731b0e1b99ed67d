/**
 * A small line diff in unified format, for `check` output. Every line of it
 * (the `---`/`+++` headers with the file's path, and the lines of the files)
 * goes through {@link escapeLine}: a path or a file line from a pull request
 * cannot print control characters or start a workflow command (`check` runs
 * on pull requests in CI).
 *
 * @module
 */

import { escapeLine } from "./terminal.ts";

/**
 * Unified diff of two texts (`---`/`+++` headers, one hunk per change run, 2
 * lines of context), every line escaped for a terminal or a CI log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unifiedDiff } from "./diff.ts";
 *
 * const diff = unifiedDiff("x\x1b[2J.yaml", "  ::warning::y\na: 1\n", "  ::warning::y\na: 2\n");
 * assert.deepEqual(diff.split("\n"), [
 *   "--- a/x\\x1b[2J.yaml",
 *   "+++ b/x\\x1b[2J.yaml",
 *   "@@ -1,2 +1,2 @@",
 *   "   \\x3a:warning::y",
 *   "-a: 1",
 *   "+a: 2",
 *   "",
 * ]);
 * ```
 */
export function unifiedDiff(path: string, before: string, after: string): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const out = [`--- a/${escapeLine(path)}`, `+++ b/${escapeLine(path)}`];
  const context = 2;
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === " ") {
      i++;
      continue;
    }
    let start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      if (ops[end]!.kind !== " ") {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run]!.kind === " ") run++;
      if (run - end > context * 2 || run === ops.length) {
        end = Math.min(ops.length, end + context);
        break;
      }
      end = run;
    }
    const hunk = ops.slice(start, end);
    const oldStart = (hunk[0]?.a ?? 0) + 1;
    const newStart = (hunk[0]?.b ?? 0) + 1;
    const oldCount = hunk.filter((op) => op.kind !== "+").length;
    const newCount = hunk.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const op of hunk) out.push(escapeLine(`${op.kind}${op.text}`));
    i = end;
    start = end;
  }
  return out.join("\n") + "\n";
}

interface Op {
  kind: " " | "-" | "+";
  text: string;
  a: number;
  b: number;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Longest-common-subsequence line alignment; inputs here are small generated files. */
function lineOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j]
        ? lcs[i + 1]![j + 1]! + 1
        : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: " ", text: a[i]!, a: i, b: j });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      ops.push({ kind: "-", text: a[i]!, a: i, b: j });
      i++;
    } else {
      ops.push({ kind: "+", text: b[j]!, a: i, b: j });
      j++;
    }
  }
  return ops;
}
