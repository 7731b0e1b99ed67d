/**
 * Finds the source text of each `items[]` entry of a block-style ResourceList,
 * so items that pass through unchanged are written back byte for byte (kpt
 * restores comments but not quoting or flow style of what a function
 * re-serializes). Anything unusual returns `undefined` and the caller
 * serializes everything instead.
 *
 * @module
 */

/** The raw item texts, and the indent of their `- ` markers. */
export interface ItemSpans {
  /** Text of each item, including its `- ` line and everything up to the next item. */
  spans: string[];
  /** Column of the `- ` markers. */
  indent: number;
}

const TOP_LEVEL_KEY = /^[A-Za-z_"'][^#]*?:(\s|$)/;

/**
 * Splits the `items:` block of `text` into item texts; `firstKeys[i]` is the
 * first key of the parsed item `i` (or `undefined` for a non-map item) and is
 * used to check the split. Returns `undefined` when the text is not in the
 * simple block form this understands.
 */
export function findItemSpans(
  text: string,
  firstKeys: readonly (string | undefined)[],
): ItemSpans | undefined {
  if (text.includes("\r") || text.includes("\t")) return undefined;
  // Anchors and aliases could cross items; keep it simple and re-serialize.
  if (text.includes("&") && text.includes("*")) return undefined;
  const lines = text.split("\n");
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "---" && i === 0) continue;
    if (/^items:\s*(#.*)?$/.test(line)) {
      if (start !== -1) return undefined;
      start = i + 1;
    } else if (line.startsWith("...") || (line.startsWith("---") && i > 0)) return undefined;
  }
  if (start === -1) return undefined;
  let end = start;
  while (end < lines.length && !TOP_LEVEL_KEY.test(lines[end]!)) end++;
  // Trailing blank and comment lines before the next key belong to no item.
  let last = end;
  while (last > start && /^\s*(#.*)?$/.test(lines[last - 1]!)) last--;

  let indent = -1;
  const starts: number[] = [];
  for (let i = start; i < last; i++) {
    const line = lines[i]!;
    const match = /^( *)-( |$)/.exec(line);
    if (match) {
      const column = match[1]!.length;
      if (indent === -1) indent = column;
      if (column === indent) {
        starts.push(i);
        continue;
      }
    }
    if (indent === -1 && !/^\s*(#.*)?$/.test(line)) return undefined;
    if (indent !== -1 && !/^\s*(#.*)?$/.test(line) && leadingSpaces(line) <= indent) {
      return undefined;
    }
  }
  if (starts.length !== firstKeys.length) return undefined;
  const spans: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]!;
    const to = k + 1 < starts.length ? starts[k + 1]! : last;
    const span = lines.slice(from, to).join("\n") + "\n";
    const key = firstKeys[k];
    if (key !== undefined && !startsWithKey(lines, from, to, indent, key)) return undefined;
    spans.push(span);
  }
  return { spans, indent: Math.max(indent, 0) };
}

/** True when the first content of the entry (after `- ` and comment lines) is `key:`. */
function startsWithKey(
  lines: string[],
  from: number,
  to: number,
  indent: number,
  key: string,
): boolean {
  for (let i = from; i < to; i++) {
    const content = lines[i]!.slice(indent + 2);
    if (content === "" || content.trimStart().startsWith("#")) continue;
    return content.startsWith(`${key}:`) || content.startsWith(`"${key}":`);
  }
  return false;
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}
