/**
 * A small, fast block-style YAML emitter for plain JSON data (the objects this
 * tool generates). Strings stay plain only when no YAML 1.1 or 1.2 reader can
 * take them for anything else; every other string is written as a JSON
 * string, which is a valid YAML double-quoted scalar.
 *
 * @module
 */

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED = /^(y|yes|n|no|true|false|on|off|null)$/i;
/** Printable ASCII without `"` or `\`. */
const SIMPLE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const NOT_YAML_PRINTABLE = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/** How maps and sequences are written: {@link emitEntry}'s block style or kpt's compact one. */
interface Style {
  /** A scalar, as text. */
  scalar(value: unknown): string;
  /** A map key, as text. */
  key(key: string): string;
  /** How much deeper than its key a sequence's entries are indented. */
  sequenceIndent: number;
  /** Writes one sequence entry at `indent`. */
  entry(value: unknown, indent: number, out: Out): void;
  /** Key lines written so far (`indent` spaces, the key, `:`), by indent and key. */
  keyLines: Map<string, string>[];
}

const BLOCK: Style = { scalar, key: keyScalar, sequenceIndent: 2, entry, keyLines: [] };
const COMPACT: Style = {
  scalar: goScalar,
  key: goScalar,
  sequenceIndent: 0,
  entry: compactEntry,
  keyLines: [],
};

/**
 * One sequence entry (`- ...`) at `indent`, ending in a newline. A
 * `headComment` (one line, without `#`) is written before a map's first key,
 * where kpt keeps it as the head comment of the file it writes.
 */
export function emitEntry(value: unknown, indent: number, headComment?: string): string {
  const out: Out = { s: "" };
  if (headComment !== undefined && isBlock(value) && !Array.isArray(value)) {
    out.s += pad(indent) + "- # " + commentLine(headComment) + "\n";
    mapping(value, out, { indent: indent + 2, first: false, style: BLOCK });
  } else entry(value, indent, out);
  return out.s;
}

/** The last head comment and its line (every generated item has the same one). */
let lastComment: { text: string; line: string } | undefined;

/** `text` on one line: each run of line breaks one space. */
function commentLine(text: string): string {
  if (lastComment?.text !== text) lastComment = { text, line: text.replace(/[\r\n]+/g, " ") };
  return lastComment.line;
}

/**
 * One map as a YAML document, byte for byte as kpt (kyaml) writes a new file
 * from {@link emitEntry}'s output: two-space indentation, sequences at their
 * key's indentation (kyaml's compact style), `- - x` for nested sequences,
 * and the same scalar styles, double-quoted strings escaped as go-yaml
 * escapes them.
 */
export function emitDocument(value: Record<string, unknown>): string {
  const out: Out = { s: "" };
  if (Object.keys(value).length === 0) return "{}\n";
  mapping(value, out, { indent: 0, first: true, style: COMPACT });
  return out.s;
}

function compactEntry(value: unknown, indent: number, out: Out): void {
  out.s += pad(indent) + "- ";
  if (!isBlock(value)) out.s += inline(value, COMPACT) + "\n";
  else if (Array.isArray(value)) {
    const inner: Out = { s: "" };
    for (const element of value) compactEntry(element, indent + 2, inner);
    out.s += inner.s.slice(indent + 2);
  } else mapping(value, out, { indent: indent + 2, first: true, style: COMPACT });
}

/** {@link scalar}, with double-quoted strings escaped as go-yaml's emitter does. */
function goScalar(value: unknown): string {
  const text = scalar(value);
  if (!text.startsWith('"') || typeof value === "number") return text;
  let out = '"';
  for (const char of String(value)) out += goEscape(char);
  return out + '"';
}

const GO_ESCAPES: Record<string, string> = {
  "\0": "\\0",
  "\x07": "\\a",
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\v": "\\v",
  "\f": "\\f",
  "\r": "\\r",
  "\x1b": "\\e",
  '"': '\\"',
  "\\": "\\\\",
  "\x85": "\\N",
  "\u2028": "\\L",
  "\u2029": "\\P",
};

function goEscape(char: string): string {
  const named = GO_ESCAPES[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0)!;
  const printable = code === 0x0a || (code >= 0x20 && code <= 0x7e) || code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (printable) return char;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, "0")}`;
  return `\\U${hex.padStart(8, "0")}`;
}

function scalar(value: unknown): string {
  if (typeof value === "string") return stringScalar(value);
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  }
  return stringScalar(String(value));
}

/** Written keys, by key: the same few keys recur in every generated object. */
const KEY_TEXT = new Map<string, string>();
const KEY_CACHE_LIMIT = 10000;

/** {@link scalar} of a map key, remembered. */
function keyScalar(key: string): string {
  let text = KEY_TEXT.get(key);
  if (text === undefined) {
    text = stringScalar(key);
    if (KEY_TEXT.size < KEY_CACHE_LIMIT) KEY_TEXT.set(key, text);
  }
  return text;
}

/**
 * A string as a scalar: plain when it matches {@link PLAIN} and is no
 * {@link RESERVED} word, else as a JSON string with the characters YAML
 * refuses escaped. Printable ASCII without `"` or `\` ({@link SIMPLE}), which
 * JSON writes unchanged between quotes, skips `JSON.stringify` and its
 * escape pass. tests/plain_yaml_test.ts checks it against the first
 * definition on generated strings.
 */
function stringScalar(text: string): string {
  if (PLAIN.test(text) && (text.length > 5 || !RESERVED.test(text))) return text;
  if (SIMPLE.test(text)) return `"${text}"`;
  // JSON leaves DEL, the C1 controls and non-characters raw, which YAML (and kpt's reader)
  // refuses, and NEL and the Unicode line and paragraph separators, which YAML folds as breaks.
  return JSON.stringify(text).replace(
    NOT_YAML_PRINTABLE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function isBlock(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

/** Key lines remembered, in both styles together (bounded: keys may be input). */
let keyLineCount = 0;

/** `indent` spaces, a key as the style writes it and `:`, remembered by indent and key. */
function keyLine(key: string, indent: number, style: Style): string {
  const lines = style.keyLines[indent] ??= new Map();
  let line = lines.get(key);
  if (line === undefined) {
    line = pad(indent) + style.key(key) + ":";
    if (keyLineCount < KEY_CACHE_LIMIT) {
      lines.set(key, line);
      keyLineCount++;
    }
  }
  return line;
}

/** Where the emitter appends its text. */
interface Out {
  s: string;
}

const PADS: string[] = [];

/** `indent` spaces. */
function pad(indent: number): string {
  return PADS[indent] ??= " ".repeat(indent);
}

function inline(value: unknown, style: Style): string {
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object" && value !== null) return "{}";
  return style.scalar(value);
}

/** Where {@link mapping} writes a map: its indentation, whether the first key follows `- `, the style. */
interface Place {
  indent: number;
  first: boolean;
  style: Style;
}

function mapping(value: Record<string, unknown>, out: Out, at: Place): void {
  const { indent, style } = at;
  let lead = !at.first;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child = value[key];
    if (child === undefined) continue;
    // The first key of an entry follows its `- `: the same line at indent 0.
    out.s += keyLine(key, lead ? indent : 0, style);
    lead = true;
    // Scalars first: most children are, and they need neither isBlock nor inline.
    if (typeof child !== "object" || child === null) out.s += " " + style.scalar(child) + "\n";
    else if (!isBlock(child)) out.s += " " + inline(child, style) + "\n";
    else if (Array.isArray(child)) {
      out.s += "\n";
      for (const element of child) style.entry(element, indent + style.sequenceIndent, out);
    } else {
      out.s += "\n";
      mapping(child, out, { indent: indent + 2, first: false, style });
    }
  }
}

function entry(value: unknown, indent: number, out: Out): void {
  out.s += pad(indent) + "- ";
  if (!isBlock(value)) out.s += inline(value, BLOCK) + "\n";
  else if (Array.isArray(value)) {
    out.s += "\n";
    for (const element of value) entry(element, indent + 2, out);
  } else mapping(value, out, { indent: indent + 2, first: true, style: BLOCK });
}
