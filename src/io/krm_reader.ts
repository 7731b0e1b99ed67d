/**
 * The fast path of the YAML reader: the block style kpt and kustomize write
 * (maps and lists by indentation, plain, single- and double-quoted one-line
 * scalars, literal block scalars, `[]` and `{}`, comments, `---` between
 * documents), read line by line without building parser events. Scalars
 * resolve exactly as in the full reader (src/io/yaml_scalars.ts).
 *
 * Anything outside that subset (anchors, aliases, tags, merge keys, flow
 * collections, folded or indented block scalars, multi-line plain or quoted
 * scalars, tabs, CR, a byte order mark, directives, duplicate keys, unusual
 * indentation, errors) makes {@link readFast} return `undefined`, and the
 * caller reads the text with the full reader (src/io/yaml_full.ts), which
 * also reports any error. tests/yaml_reader_test.ts checks that both readers
 * agree on generated, fuzzed and golden inputs.
 *
 * @module
 */

import { PARSER_MAX_DEPTH, setKey } from "./yaml_full.ts";
import { isPlainString, keyString, plainValue, resolvePlain } from "./yaml_scalars.ts";
import { TextCache } from "./yaml_text/text_cache.ts";

const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
const PIPE = 0x7c;
const LBRACKET = 0x5b;
const LBRACE = 0x7b;
const DOT = 0x2e;

/** First characters of a plain scalar or key the fast path leaves to the full reader. */
const AWKWARD = new Uint8Array(128);
for (const c of "&*!|>%@`?:,[]{}#'\"-") AWKWARD[c.charCodeAt(0)] = 1;

/**
 * Characters the fast path leaves to the full parser: tabs, carriage returns,
 * and what js-yaml or go-yaml v2 may treat specially (control characters, a
 * byte order mark, line separators). One class, one pass over the text.
 */
// deno-lint-ignore no-control-regex
const UNUSUAL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;

/** Where one map entry is: its key, its one-line scalar value (else -1), and where it ends. */
export interface EntryLocation {
  keyStart: number;
  valueStart: number;
  valueEnd: number;
  /** Start of the line after the entry (the next key's line or the end of the map). */
  end: number;
}

/** Where one list item is: from the start of its `-` line to the start of the line after it. */
export interface ItemLocation {
  start: number;
  end: number;
}

/** Where a block map or list is; `end` is the start of the line after it. */
export type Location =
  | { indent: number; entries: Map<string, EntryLocation>; end: number }
  | { indent: number; items: ItemLocation[]; end: number };

/**
 * Reads `text` like {@link readFast} and also returns where every block map
 * and list is, for editing the text; `undefined` when the fast path does not
 * take the text.
 */
export function locateFast(
  text: string,
): { documents: unknown[]; locations: Map<object, Location> } | undefined {
  return withFastReader(text, (reader) => {
    return { documents: reader.documents(), locations: reader.locations! };
  }, { locate: true, plainAscii: false });
}

/**
 * Plain keys read before that are their own key (no `<<`, nothing
 * {@link isPlainString} rejects); plain values read before that are strings
 * of their own text; quoted values without escapes (the text between the
 * quotes). tests/yaml_reader_test.ts checks them across texts.
 */
const KEYS = new TextCache();
const PLAIN_VALUES = new TextCache();
const QUOTED_VALUES = new TextCache();
/** Longest plain value looked up in {@link PLAIN_VALUES}. */
const CACHED_PLAIN_LENGTH = 24;

/** Thrown inside the fast reader when the text leaves its subset. */
class Outside extends Error {}
const OUTSIDE = new Outside("outside the fast path");

/**
 * Reads every document of `text` (empty ones as `null`) when the text is in
 * the fast path's subset; `undefined` otherwise.
 */
export function readFast(text: string): unknown[] | undefined {
  return withFastReader(text, (reader) => reader.documents());
}

/**
 * {@link readFast}, and where each entry of the first document's top-level
 * `items` list starts (the offset of its `- ` line; empty when `items` is
 * not a block list), for cutting a ResourceList's text into item texts
 * (src/io/yaml_text/item_spans.ts).
 */
export function readFastItems(
  text: string,
  options: FastReadOptions = {},
): { documents: unknown[]; itemStarts: number[] } | undefined {
  return withFastReader(text, (reader) => {
    const itemStarts: number[] = reader.itemStarts = [];
    return { documents: reader.documents(), itemStarts };
  }, { locate: false, plainAscii: options.plainAscii ?? false });
}

/** What the caller already knows about the text. */
export interface FastReadOptions {
  /**
   * Every character is printable ASCII or a line feed (src/io/yaml_text/input_bytes.ts
   * `isPlainAscii` on the bytes it was decoded from): the search for the
   * characters the fast path leaves to the full parser is skipped.
   */
  plainAscii?: boolean;
}

/**
 * `read` with a fast reader on `text` (recording locations when `locate`);
 * `undefined` when the text has characters the fast path leaves to the full
 * parser (tabs, carriage returns, controls) or the reader leaves its subset.
 */
function withFastReader<T>(
  text: string,
  read: (reader: FastReader) => T,
  options: { locate: boolean; plainAscii: boolean } = { locate: false, plainAscii: false },
): T | undefined {
  if (!options.plainAscii && UNUSUAL.test(text)) return undefined;
  try {
    return read(new FastReader(text, options.locate));
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

class FastReader {
  readonly text: string;
  readonly n: number;
  /** Start of the current line. */
  start = 0;
  /** End of the current line (its "\n", or the end of the text). */
  end = 0;
  /** Column of the current content (moved past "- " for a map that starts on a list line). */
  indent = 0;
  /** Offset of the current content. */
  content = 0;
  /** The current line is a `---` separator. */
  separator = false;
  /** No more lines. */
  eof = false;
  depth = 0;
  /** Documents read so far. */
  documentCount = 0;
  /** Where the last one-line scalar started and ended (-1: not a one-line scalar). */
  scalarStart = -1;
  scalarEnd = -1;
  /** Set to record where each map and list is in the text. */
  locations: Map<object, Location> | undefined;
  /** Set to record where the entries of the first document's top-level `items` list start. */
  itemStarts: number[] | undefined;
  /** The next collection read is that `items` list (cleared by every map and list read). */
  itemsNext = false;

  constructor(text: string, locate = false) {
    this.text = text;
    this.n = text.length;
    if (locate) this.locations = new Map();
  }

  /** One or more non-empty documents, with an optional leading `---`; anything else leaves. */
  documents(): unknown[] {
    const docs: unknown[] = [];
    this.seek(0);
    if (this.eof) throw OUTSIDE;
    if (this.separator) this.seek(this.end + 1);
    for (;;) {
      if (this.eof || this.separator) throw OUTSIDE; // an empty document
      docs.push(this.block(this.indent));
      this.documentCount++;
      if (this.eof) return docs;
      if (!this.separator) throw OUTSIDE;
      this.seek(this.end + 1);
    }
  }

  /** Moves to the first content line at or after `from`, skipping blank and comment lines. */
  seek(from: number): void {
    const text = this.text;
    let at = from;
    while (at < this.n) {
      let end = text.indexOf("\n", at);
      if (end === -1) end = this.n;
      let c = at;
      while (c < end && text.charCodeAt(c) === SPACE) c++;
      if (c === end || text.charCodeAt(c) === HASH) {
        at = end + 1;
        continue;
      }
      this.start = at;
      this.end = end;
      this.content = c;
      this.indent = c - at;
      this.separator = false;
      if (c === at) {
        const first = text.charCodeAt(c);
        if (first === DASH && text.startsWith("---", c)) {
          if (end !== c + 3) throw OUTSIDE;
          this.separator = true;
          this.indent = -1;
        } else if ((first === DOT && text.startsWith("...", c)) || first === 0x25 /* % */) {
          throw OUTSIDE;
        }
      }
      return;
    }
    this.eof = true;
    this.separator = false;
    this.indent = -1;
    this.start = this.end = this.content = this.n;
  }

  isEntry(): boolean {
    const c = this.content;
    return this.text.charCodeAt(c) === DASH &&
      (c + 1 === this.end || this.text.charCodeAt(c + 1) === SPACE);
  }

  block(indent: number): unknown {
    if (++this.depth > PARSER_MAX_DEPTH) throw OUTSIDE;
    const value = this.isEntry() ? this.sequence(indent) : this.mapping(indent);
    this.depth--;
    return value;
  }

  mapping(indent: number): Record<string, unknown> {
    this.itemsNext = false;
    const map: Record<string, unknown> = {};
    const where = this.locations
      ? { indent, entries: new Map<string, EntryLocation>(), end: 0 }
      : undefined;
    let previous: EntryLocation | undefined;
    for (;;) {
      if (this.isEntry()) throw OUTSIDE;
      const keyStart = this.content;
      if (previous) previous.end = this.start;
      const key = this.key();
      let valueStart = -1;
      let valueEnd = -1;
      let value: unknown;
      let at = this.content;
      while (at < this.end && this.text.charCodeAt(at) === SPACE) at++;
      if (at === this.end || this.text.charCodeAt(at) === HASH) {
        this.seek(this.end + 1);
        // The first document's root map is read at depth 1.
        this.itemsNext = this.itemStarts !== undefined && this.depth === 1 && key === "items" &&
          this.itemStarts.length === 0 && this.documentCount === 0;
        if (this.indent > indent) value = this.block(this.indent);
        else if (this.indent === indent && this.isEntry()) value = this.sequence(indent);
        else value = null;
        this.itemsNext = false;
      } else {
        value = this.scalar(at, indent);
        valueStart = this.scalarStart;
        valueEnd = this.scalarEnd;
      }
      if (Object.hasOwn(map, key)) throw OUTSIDE;
      setKey(map, key, value);
      if (where) {
        previous = { keyStart, valueStart, valueEnd, end: 0 };
        where.entries.set(key, previous);
      }
      if (this.indent < indent) {
        if (where) {
          previous!.end = where.end = this.start;
          this.locations!.set(map, where);
        }
        return map;
      }
      if (this.indent > indent) throw OUTSIDE;
    }
  }

  sequence(indent: number): unknown[] {
    const starts = this.itemsNext ? this.itemStarts : undefined;
    this.itemsNext = false;
    const list: unknown[] = [];
    const text = this.text;
    const where = this.locations ? { indent, items: [] as ItemLocation[], end: 0 } : undefined;
    for (;;) {
      starts?.push(this.start);
      if (where) {
        const last = where.items[where.items.length - 1];
        if (last) last.end = this.start;
        where.items.push({ start: this.start, end: 0 });
      }
      let at = this.content + 1;
      while (at < this.end && text.charCodeAt(at) === SPACE) at++;
      let item: unknown;
      if (at === this.end || text.charCodeAt(at) === HASH) {
        this.seek(this.end + 1);
        item = this.indent > indent ? this.block(this.indent) : null;
      } else if (this.startsMapEntry(at)) {
        this.content = at;
        this.indent = at - this.start;
        if (++this.depth > PARSER_MAX_DEPTH) throw OUTSIDE;
        item = this.mapping(this.indent);
        this.depth--;
      } else {
        const c = text.charCodeAt(at);
        if (c === DASH && (at + 1 === this.end || text.charCodeAt(at + 1) === SPACE)) throw OUTSIDE;
        item = this.scalar(at, indent);
      }
      list.push(item);
      if (this.indent > indent) throw OUTSIDE;
      if (this.indent < indent || !this.isEntry()) {
        if (where) {
          where.items[where.items.length - 1]!.end = where.end = this.start;
          this.locations!.set(list, where);
        }
        return list;
      }
    }
  }

  /** True when the content at `at` is `key:` followed by a space or the line's end. */
  startsMapEntry(at: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(at);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.closingQuote(at);
      return close !== -1 && text.charCodeAt(close + 1) === COLON;
    }
    return this.plainColon(at) !== -1;
  }

  /**
   * Offset of the `:` ending a plain key that starts at `at`, or -1 (also when
   * a comment starts first). Scans this line only: never past its end.
   */
  plainColon(at: number): number {
    const text = this.text;
    const end = this.end;
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === COLON) {
        if (i + 1 === end || text.charCodeAt(i + 1) === SPACE) return i;
      } else if (c === HASH && i > at && text.charCodeAt(i - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Reads the key at the current content and leaves `content` just after its `:`. */
  key(): string {
    const text = this.text;
    const at = this.content;
    const c = text.charCodeAt(at);
    let key: string;
    let colon: number;
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.closingQuote(at);
      if (close === -1 || text.charCodeAt(close + 1) !== COLON) throw OUTSIDE;
      colon = close + 1;
      if (colon + 1 !== this.end && text.charCodeAt(colon + 1) !== SPACE) throw OUTSIDE;
      key = this.quoted(at, close);
    } else {
      if (c < 128 && AWKWARD[c] === 1) throw OUTSIDE;
      colon = this.plainColon(at);
      if (colon === -1) throw OUTSIDE;
      let last = colon;
      while (text.charCodeAt(last - 1) === SPACE) last--;
      const known = KEYS.recall(text, at, last);
      if (known !== undefined) {
        this.content = colon + 1;
        return known;
      }
      const plain = text.slice(at, last);
      if (plain === "<<") throw OUTSIDE;
      if (isPlainString(plain)) {
        key = plain;
        KEYS.remember(text, at, plain);
      } else {
        try {
          key = keyString(resolvePlain(plain));
        } catch {
          throw OUTSIDE;
        }
      }
    }
    this.content = colon + 1;
    return key;
  }

  /** Offset of the quote closing the quoted scalar at `at` on this line, or -1. */
  closingQuote(at: number): number {
    const text = this.text;
    const quote = text.charCodeAt(at);
    for (let i = at + 1; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (quote === DQUOTE && c === BACKSLASH) i++;
      else if (c === quote) {
        if (quote === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) i++;
        else return i;
      }
    }
    return -1;
  }

  quoted(at: number, close: number): string {
    const raw = this.text.slice(at + 1, close);
    if (this.text.charCodeAt(at) === SQUOTE) {
      return raw.includes("''") ? raw.replaceAll("''", "'") : raw;
    }
    return raw.includes("\\") ? unescape(raw) : raw;
  }

  /** Reads the scalar starting at `at` on the current line and moves to the next content line. */
  scalar(at: number, indent: number): unknown {
    const text = this.text;
    const c = text.charCodeAt(at);
    let value: unknown;
    this.scalarStart = at;
    this.scalarEnd = -1;
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.closingQuote(at);
      if (close === -1) throw OUTSIDE;
      this.commentOnly(close + 1);
      value = QUOTED_VALUES.recall(text, at + 1, close);
      if (value === undefined) {
        const read = value = this.quoted(at, close);
        // Without escapes the value is the text between the quotes.
        if (read.length === close - at - 1) {
          QUOTED_VALUES.remember(text, at + 1, read);
        }
      }
      this.scalarEnd = close + 1;
    } else if (c === PIPE) {
      return this.literal(at, indent);
    } else if (c === LBRACKET || c === LBRACE) {
      if (text.charCodeAt(at + 1) !== c + 2) throw OUTSIDE;
      this.commentOnly(at + 2);
      value = c === LBRACKET ? [] : {};
      this.scalarEnd = at + 2;
    } else {
      const dashPlain = c === DASH && at + 1 < this.end && text.charCodeAt(at + 1) !== SPACE;
      if (c < 128 && AWKWARD[c] === 1 && !dashPlain) {
        throw OUTSIDE;
      }
      let stop = this.end;
      for (let i = at + 1; i < stop; i++) {
        const ch = text.charCodeAt(i);
        if (ch === HASH && text.charCodeAt(i - 1) === SPACE) stop = i;
        else if (ch === COLON && (i + 1 === stop || text.charCodeAt(i + 1) === SPACE)) {
          throw OUTSIDE;
        }
      }
      while (text.charCodeAt(stop - 1) === SPACE) stop--;
      // Long values are mostly unique (paths, names with a namespace), and slices of 13
      // characters or more are small views of the text anyway: those skip the cache.
      const cached = stop - at <= CACHED_PLAIN_LENGTH;
      value = cached ? PLAIN_VALUES.recall(text, at, stop) : undefined;
      if (value === undefined) {
        const plain = text.slice(at, stop);
        value = plainValue(plain);
        if (cached && value === plain) PLAIN_VALUES.remember(text, at, plain);
      }
      this.scalarEnd = stop;
    }
    this.seek(this.end + 1);
    if (this.indent > indent) throw OUTSIDE;
    return value;
  }

  /** Requires only spaces or a comment from `at` to the line's end. */
  commentOnly(at: number): void {
    let i = at;
    while (i < this.end && this.text.charCodeAt(i) === SPACE) i++;
    if (i < this.end && (this.text.charCodeAt(i) !== HASH || i === at)) throw OUTSIDE;
  }

  /** A literal block scalar (`|`, `|-`, `|+`) whose header is at `at`. */
  literal(at: number, indent: number): string {
    const text = this.text;
    let chomp = 0; // 0 clip, 1 strip, 2 keep
    let i = at + 1;
    const h = text.charCodeAt(i);
    if (h === DASH) (chomp = 1), i++;
    else if (h === 0x2b /* + */) (chomp = 2), i++;
    if (i < this.end) this.commentOnly(i);
    // Content lines: from the next line on, until a line with content left of the block's indent.
    let pos = this.end + 1;
    let blockIndent = -1;
    const lines: string[] = [];
    let next = this.n;
    while (pos < this.n) {
      const end = text.indexOf("\n", pos);
      if (end === -1) throw OUTSIDE; // no final line break: leave it to the full reader
      let c = pos;
      while (c < end && text.charCodeAt(c) === SPACE) c++;
      if (c === end) {
        if (blockIndent === -1 && c - pos > indent + 1) throw OUTSIDE;
        lines.push(blockIndent === -1 ? "" : text.slice(Math.min(pos + blockIndent, end), end));
        pos = end + 1;
        continue;
      }
      if (blockIndent === -1) {
        if (c - pos <= indent) {
          next = pos;
          break;
        }
        blockIndent = c - pos;
      } else if (c - pos < blockIndent) {
        next = pos;
        break;
      }
      lines.push(text.slice(pos + blockIndent, end));
      pos = end + 1;
    }
    if (pos >= this.n) next = this.n;
    let last = lines.length;
    while (last > 0 && lines[last - 1] === "") last--;
    const body = lines.slice(0, last).join("\n");
    let value: string;
    if (chomp === 2) value = lines.length === 0 ? "" : `${lines.join("\n")}\n`;
    else if (last === 0) value = "";
    else value = chomp === 1 ? body : `${body}\n`;
    this.seek(next);
    if (this.indent > indent) throw OUTSIDE;
    return value;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  v: "\v",
  " ": " ",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Decodes the escapes of a one-line double-quoted scalar; unusual ones leave the fast path. */
function unescape(raw: string): string {
  let out = "";
  let from = 0;
  for (let i = raw.indexOf("\\"); i !== -1; i = raw.indexOf("\\", from)) {
    out += raw.slice(from, i);
    const kind = raw[i + 1]!;
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      out += simple;
      from = i + 2;
      continue;
    }
    const length = HEX_LENGTH[kind];
    if (length === undefined) throw OUTSIDE;
    const hex = raw.slice(i + 2, i + 2 + length);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw OUTSIDE;
    const code = parseInt(hex, 16);
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) throw OUTSIDE;
    out += String.fromCodePoint(code);
    from = i + 2 + length;
  }
  return out + raw.slice(from);
}
