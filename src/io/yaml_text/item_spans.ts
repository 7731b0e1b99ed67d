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
const BLANK_OR_COMMENT = /^\s*(#.*)?$/;
const SPACE = 0x20;
const DASH = 0x2d;
const HASH = 0x23;
const DEL = 0x7f;
const LOWER_I = 0x69;
const DOT = 0x2e;

/**
 * Splits the `items:` block of `text` into item texts; `firstKeys[i]` is the
 * first key of the parsed item `i` (or `undefined` for a non-map item) and is
 * used to check the split. Returns `undefined` when the text is not in the
 * simple block form this understands.
 *
 * Works on line offsets into `text` (no array of line strings): a line is
 * materialized only where a regular expression must look at it.
 */
export function findItemSpans(
  text: string,
  firstKeys: readonly (string | undefined)[],
): ItemSpans | undefined {
  if (text.includes("\r") || text.includes("\t")) return undefined;
  // Anchors and aliases could cross items; keep it simple and re-serialize.
  if (text.includes("&") && text.includes("*")) return undefined;
  // starts[i] is where line i begins; line i ends before starts[i + 1] - 1 (its "\n").
  const lineStart: number[] = [0];
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", nl + 1)) {
    lineStart.push(nl + 1);
  }
  const count = lineStart.length;
  const lineEnd = (i: number) => (i + 1 < count ? lineStart[i + 1]! - 1 : text.length);
  const line = (i: number) => text.slice(lineStart[i]!, lineEnd(i));

  let start = -1;
  for (let i = 0; i < count; i++) {
    const first = text.charCodeAt(lineStart[i]!);
    if (first !== LOWER_I && first !== DOT && first !== DASH) continue;
    const current = line(i);
    if (current === "---" && i === 0) continue;
    if (/^items:\s*(#.*)?$/.test(current)) {
      if (start !== -1) return undefined;
      start = i + 1;
    } else if (current.startsWith("...") || (current.startsWith("---") && i > 0)) return undefined;
  }
  if (start === -1) return undefined;
  let end = start;
  const lines: Lines = { text, lineStart, line };
  while (end < count && !isTopLevelKey(lines, end)) end++;
  // Trailing blank and comment lines before the next key belong to no item.
  let last = end;
  while (last > start && BLANK_OR_COMMENT.test(line(last - 1))) last--;

  let indent = -1;
  const starts: number[] = [];
  for (let i = start; i < last; i++) {
    const from = lineStart[i]!;
    const to = lineEnd(i);
    let at = from;
    while (at < to && text.charCodeAt(at) === SPACE) at++;
    const spaces = at - from;
    const first = at < to ? text.charCodeAt(at) : NaN;
    if (first === DASH && (at + 1 === to || text.charCodeAt(at + 1) === SPACE)) {
      if (indent === -1) indent = spaces;
      if (spaces === indent) {
        starts.push(i);
        continue;
      }
    }
    // Most lines start with spaces then printable ASCII other than "#": not
    // blank, indented by `spaces`. Anything else takes the regular expressions.
    const plain = first > SPACE && first < DEL && first !== HASH;
    const blank = !plain && BLANK_OR_COMMENT.test(line(i));
    if (indent === -1 && !blank) return undefined;
    if (indent !== -1 && !blank && (plain ? spaces : leadingSpaces(line(i))) <= indent) {
      return undefined;
    }
  }
  if (starts.length !== firstKeys.length) return undefined;
  const spans: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]!;
    const to = k + 1 < starts.length ? starts[k + 1]! : last;
    const key = firstKeys[k];
    if (key !== undefined && !startsWithKey(line, { from, to, indent }, key)) return undefined;
    // Lines from..to-1 and the "\n" after each (added when the text has none).
    const stop = lineEnd(to - 1);
    spans.push(
      stop < text.length
        ? text.slice(lineStart[from]!, stop + 1)
        : `${text.slice(lineStart[from]!)}\n`,
    );
  }
  return { spans, indent: Math.max(indent, 0) };
}

/** True when the first content of the entry (lines `from` to `to - 1`, after `- ` and comment lines) is `key:`. */
function startsWithKey(
  line: (i: number) => string,
  { from, to, indent }: { from: number; to: number; indent: number },
  key: string,
): boolean {
  for (let i = from; i < to; i++) {
    const content = line(i).slice(indent + 2);
    if (content === "" || content.trimStart().startsWith("#")) continue;
    return content.startsWith(`${key}:`) || content.startsWith(`"${key}":`);
  }
  return false;
}

/** The text cut into lines by offset: `line(i)` materializes line `i`. */
interface Lines {
  text: string;
  lineStart: readonly number[];
  line: (i: number) => string;
}

/** {@link TOP_LEVEL_KEY} on line `i`, without materializing indented and `-` lines. */
function isTopLevelKey({ text, lineStart, line }: Lines, i: number): boolean {
  const first = text.charCodeAt(lineStart[i]!);
  return first !== SPACE && first !== DASH && TOP_LEVEL_KEY.test(line(i));
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}
