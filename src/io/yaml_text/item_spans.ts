/**
 * Finds the source text of each `items[]` entry of a block-style ResourceList,
 * so items that pass through unchanged are written back byte for byte (kpt
 * restores comments but not quoting or flow style of what a function
 * re-serializes). Anything unusual returns `undefined` and the caller
 * serializes everything instead.
 *
 * @module
 */

/**
 * The first own key of a map item (what `Object.keys(item)[0]` gives), else
 * `undefined`: what the cut checks each item text against.
 */
export function firstKeyOf(item: unknown): string | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
  for (const key in item) if (Object.hasOwn(item, key)) return key;
  return undefined;
}

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
const NEWLINE = 0x0a;

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
  options: { aliasFree?: boolean } = {},
): ItemSpans | undefined {
  const block = locateItems(text, options);
  if (!block || block.starts.length !== firstKeys.length) return undefined;
  return cutSpans(text, { starts: block.starts, end: block.end, indent: block.indent, firstKeys });
}

/**
 * Where an anchor (`&a`) or alias (`*a`) can stand: at the start of a node,
 * i.e. after nothing but spaces and tabs following a line start, a block
 * indicator (`-`, `?`, `:`) or a flow indicator (`[`, `{`, `,`), or after a
 * tag and a space. A tag is matched from its last `!` (`[^\s!]*`), so a run of
 * `!` costs linear time (`[^\s]*` backtracked from every `!`: quadratic).
 */
const NODE_START_ANCHOR = /(?:(?:^|[-?:[{,])[ \t]*|![^\s!]*[ \t]+)[&*]/m;

/**
 * False when `text` certainly holds no anchor or alias: no `&` or `*` stands
 * where a node can start (so an `&` or a `*` in values, as in a CRD's
 * descriptions and patterns or a shell script, does not count). True may be
 * a false alarm (`a: "x, *y"`), never a miss.
 */
export function mayHoldAnchors(text: string): boolean {
  return text.includes("&") || text.includes("*") ? NODE_START_ANCHOR.test(text) : false;
}

/** Where {@link locateItems} found the `items:` block. */
export interface ItemsBlock {
  /** Offset of the `items:` line. */
  keyLine: number;
  /** Offset of each entry's `- ` line. */
  starts: number[];
  /** Where the last entry ends (trailing blank and comment lines excluded). */
  end: number;
  /** Column of the `- ` markers (-1 when the block has no entry). */
  indent: number;
}

/**
 * The lines of the `items:` block of `text` in the simple block form
 * {@link findItemSpans} understands, before any check against the parsed
 * items; `undefined` outside that form.
 */
export function locateItems(
  text: string,
  options: { aliasFree?: boolean } = {},
): ItemsBlock | undefined {
  // Tabs may stand in values (a Makefile in a ConfigMap): lines are placed by
  // their leading spaces only, and a tab is never indentation in YAML.
  if (text.includes("\r")) return undefined;
  // Anchors and aliases could cross items: then re-serialize. `aliasFree`:
  // the caller knows the text has none (the fast reader took it).
  if (!options.aliasFree && mayHoldAnchors(text)) return undefined;
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
  // Lines start..last-1 as offsets: they end where line `last` starts (or the text ends).
  const stop = last < count ? lineStart[last]! : text.length;
  return {
    keyLine: lineStart[start - 1]!,
    starts: starts.map((i) => lineStart[i]!),
    end: stop,
    indent,
  };
}

/**
 * {@link findItemSpans} (with `aliasFree`) for a text the fast reader took
 * (`readFastItems` in src/io/krm_reader.ts), from the offsets where it found
 * the entries of the top-level `items` list: the same spans, without
 * scanning every line. Where the reader's spans might differ from what
 * {@link findItemSpans} would cut (an `items` key it would not recognise, an
 * end of the list it would not see as a top-level key), it defers to
 * {@link findItemSpans}; tests/item_spans_test.ts checks that both agree.
 */
export function itemSpansFromStarts(
  text: string,
  starts: readonly number[],
  firstKeys: readonly (string | undefined)[],
): ItemSpans | undefined {
  // The fast reader leaves every anchor and alias to the full reader
  // (src/io/krm_reader.ts: a value starting with `&` or `*`), so a text it
  // took has none.
  const slow = () => findItemSpans(text, firstKeys, { aliasFree: true });
  if (starts.length === 0 || starts.length !== firstKeys.length) return slow();
  // The `items:` line: the line before the first entry's, past blank and comment lines.
  let keyLine = text.lastIndexOf("\n", starts[0]! - 2) + 1;
  while (keyLine > 0 && BLANK_OR_COMMENT.test(text.slice(keyLine, text.indexOf("\n", keyLine)))) {
    keyLine = text.lastIndexOf("\n", keyLine - 2) + 1;
  }
  const keyEnd = text.indexOf("\n", keyLine);
  if (!/^items:\s*(#.*)?$/.test(text.slice(keyLine, keyEnd))) return slow();
  // The reader takes a `---` after leading comment lines; findItemSpans only on the first line.
  if (separatorAfterComments(text)) return slow();
  const first = starts[0]!;
  let indent = 0;
  while (text.charCodeAt(first + indent) === SPACE) indent++;
  // The end of the list: the next line at column 0 that is not `-`, blank or a comment.
  const last = starts[starts.length - 1]!;
  let stop = text.length;
  for (let at = text.indexOf("\n", last); at !== -1 && at + 1 < text.length;) {
    const c = text.charCodeAt(at + 1);
    if (c !== SPACE && c !== DASH && c !== HASH && c !== NEWLINE) {
      stop = at + 1;
      break;
    }
    at = text.indexOf("\n", at + 1);
  }
  if (stop < text.length) {
    const stopEnd = text.indexOf("\n", stop);
    if (!TOP_LEVEL_KEY.test(text.slice(stop, stopEnd === -1 ? text.length : stopEnd))) {
      return slow();
    }
  }
  // Trailing blank and comment lines before the next key belong to no item.
  let end = stop;
  while (end > last) {
    const lineStart = text.lastIndexOf("\n", end - 2) + 1;
    if (lineStart <= last) break;
    const lineEnd = end === text.length && text.charCodeAt(end - 1) !== NEWLINE ? end : end - 1;
    if (!BLANK_OR_COMMENT.test(text.slice(lineStart, lineEnd))) break;
    end = lineStart;
  }
  return cutSpans(text, { starts, end, indent, firstKeys });
}

/**
 * The item texts from `starts[k]` to the next start (the last to `end`),
 * offsets into `text`, each ending in a newline (added when the text has
 * none); `undefined` when an item's first content is not its first key.
 */
export function cutSpans(
  text: string,
  cut: {
    starts: readonly number[];
    end: number;
    indent: number;
    firstKeys: readonly (string | undefined)[];
  },
): ItemSpans | undefined {
  const { starts, end, indent, firstKeys } = cut;
  const line = (from: number) => {
    const to = text.indexOf("\n", from);
    return text.slice(from, to === -1 ? text.length : to);
  };
  const spans: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k]!;
    const to = k + 1 < starts.length ? starts[k + 1]! : end;
    const key = firstKeys[k];
    if (key !== undefined && !startsWithKey(line, { from, to, indent }, key)) return undefined;
    spans.push(
      text.charCodeAt(to - 1) === NEWLINE ? text.slice(from, to) : `${text.slice(from, to)}\n`,
    );
  }
  return { spans, indent: Math.max(indent, 0) };
}

/** True when the first line that is not blank or a comment is `---`, and is not the first line. */
function separatorAfterComments(text: string): boolean {
  let at = 0;
  for (;;) {
    const end = text.indexOf("\n", at);
    const line = text.slice(at, end === -1 ? text.length : end);
    if (!BLANK_OR_COMMENT.test(line)) return at > 0 && line.startsWith("---");
    if (end === -1) return false;
    at = end + 1;
  }
}

/**
 * True when the first content of the entry from offset `from` to `to` (after
 * `- ` and comment lines) is `key:`; `line(at)` is the line starting at `at`.
 */
function startsWithKey(
  line: (at: number) => string,
  { from, to, indent }: { from: number; to: number; indent: number },
  key: string,
): boolean {
  for (let at = from; at < to;) {
    const text = line(at);
    const content = text.slice(indent + 2);
    if (content === "" || content.trimStart().startsWith("#")) {
      at += text.length + 1;
      continue;
    }
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

/** The spaces (U+0020 only: YAML indents with nothing else) a line starts with. */
function leadingSpaces(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === SPACE) n++;
  return n;
}
