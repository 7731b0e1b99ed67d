/**
 * A sandboxed evaluator for Go's `text/template` language, as Kuma's
 * HostnameGenerator uses it: `template.New("").Funcs(…).Parse(text)` followed
 * by `Execute` against a struct of string fields.
 *
 * Parse and execution errors carry exactly the text Go's `err.Error()` gives
 * for the same input (checked against real Go by the oracle under
 * `tests/tools/go_template_oracle`). Semantics follow Go 1.24+ (the newest
 * `text/template`): `else with`, `break`/`continue`, short-circuit `and`/`or`,
 * `range` over an integer; ranging over a string is an error.
 *
 * Everything is bounded: template length, nesting depth (parse and
 * execution), execution steps, output size, printf widths and nested
 * template calls. Exceeding a bound gives a `"limit"` error; a construct this
 * implementation does not model (complex numbers, output that is not valid
 * UTF-8) gives an `"unsupported"` error. Neither ever produces output Go would
 * not produce.
 *
 * @example Kuma's default hostname template
 * ```ts
 * import { executeGoTemplate, parseGoTemplate, stringFunction } from "./go_template.ts";
 *
 * const labels = new Map([["k8s.kuma.io/service-name", "redis"]]);
 * const label = stringFunction((key) => labels.get(key) ?? null, (key) => `label ${key} not found`);
 * const data = { typeName: "hostname.meshedName", fields: { Name: "redis", Zone: "east" } };
 *
 * const parsed = parseGoTemplate('{{ label "k8s.kuma.io/service-name" }}.{{ .Zone }}', ["label"]);
 * if (!parsed.ok) throw new Error(parsed.error.message);
 * const hit = executeGoTemplate(parsed.template, data, { funcs: { label } });
 * if (!hit.ok || hit.output !== "redis.east") throw new Error("unexpected result");
 *
 * const miss = executeGoTemplate(parseOk('{{ label "app" }}'), data, { funcs: { label } });
 * if (miss.ok || miss.error.message !== 'template: :1:3: executing "" at <label "app">: ' +
 *     "error calling label: label app not found") throw new Error("unexpected error");
 *
 * function parseOk(text: string) {
 *   const p = parseGoTemplate(text, ["label"]);
 *   if (!p.ok) throw new Error(p.error.message);
 *   return p.template;
 * }
 * ```
 *
 * @module
 */

import {
  type Bytes,
  decodeLastRune,
  decodeRune,
  formatSharpU,
  htmlEscape,
  INVALID,
  isAllSpace,
  isDigit,
  isLetter,
  isPrint,
  jsEscape,
  LimitError,
  NIL,
  parseFloat64,
  parseInt0,
  parseUint0,
  quote,
  sprint,
  sprintf,
  sprintln,
  typeName,
  unquote,
  unquoteChar,
  UnsupportedError,
  urlQueryEscape,
  utf8Decode,
  utf8Encode,
  type Val,
} from "./go_fmt.ts";

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/** Resource bounds for parsing and executing one template. */
export interface GoTemplateLimits {
  /** Longest accepted template text, in UTF-16 code units. */
  maxTemplateLength: number;
  /** Deepest nesting of control structures and parenthesised pipelines (parse and execution). */
  maxNestingDepth: number;
  /** Most execution steps (nodes walked, commands evaluated, range iterations). */
  maxSteps: number;
  /** Longest output, and longest string any function may produce, in bytes. */
  maxOutputLength: number;
  /** Largest printf width or precision. */
  maxFormatWidth: number;
  /** Deepest chain of nested `{{template}}` calls. */
  maxTemplateCalls: number;
}

/** Defaults: generous for hostname templates, small enough to stay cheap. */
export const DEFAULT_LIMITS: GoTemplateLimits = Object.freeze({
  maxTemplateLength: 16384,
  maxNestingDepth: 64,
  maxSteps: 100_000,
  maxOutputLength: 65_536,
  maxFormatWidth: 1024,
  maxTemplateCalls: 1000,
});

/**
 * Work shared by many executions (one run's templates), consumed in place:
 * every step and every byte a function takes or produces or the template
 * writes counts against it, across all executions that share it. When it is
 * used up, the execution fails with a `"limit"` error.
 */
export interface TemplateBudget {
  /** Steps left. */
  steps: number;
  /** Bytes left. */
  bytes: number;
  /** Steps at the start (for messages). */
  readonly maxSteps: number;
  /** Bytes at the start (for messages). */
  readonly maxBytes: number;
}

/** `5000000` as `5,000,000`. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A fresh {@link TemplateBudget}. */
export function templateBudget(maxSteps: number, maxBytes: number): TemplateBudget {
  return { steps: maxSteps, bytes: maxBytes, maxSteps, maxBytes };
}

/**
 * Error kinds: `parse` and `exec` carry Go's exact `err.Error()` text;
 * `unsupported` and `limit` carry our own English sentence.
 */
export type TemplateErrorKind = "parse" | "exec" | "unsupported" | "limit";

/** A failure to parse or execute a template. */
export interface TemplateError {
  /** What failed: Go's parser or executor, or one of our own bounds or omissions. */
  kind: TemplateErrorKind;
  /** Go's exact `err.Error()` text (`parse`, `exec`), or our sentence (`unsupported`, `limit`). */
  message: string;
}

/** The dot value: a Go struct whose fields are all strings, in declaration order. */
export interface DataStruct {
  /** How Go prints the type, e.g. `hostname.meshedName`. */
  typeName: string;
  /** Field names (exported Go identifiers) and values, in declaration order. */
  fields: Readonly<Record<string, string>>;
}

/** A Go value crossing the function-call boundary. */
export type GoValue =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "uint8"; readonly value: number }
  | { readonly kind: "float64"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "struct"; readonly value: DataStruct }
  | { readonly kind: "nil" };

/** The Go type of one parameter of a custom function (`any` is `interface{}`). */
export type GoParamType = "string" | "int" | "float64" | "bool" | "any";

/**
 * A custom template function with a fixed parameter list, like Go's
 * `func(key string) (string, error)`. Arguments are checked exactly as Go
 * checks them before `call` runs. To fail the way a Go function returns an
 * error, throw a {@link FunctionError}: execution stops with
 * `error calling <name>: <message>`.
 */
export interface GoFunction {
  /** The parameter types, in order (no variadic parameter). */
  readonly params: readonly GoParamType[];
  /** Runs the function on arguments already checked against `params`. */
  call(args: readonly GoValue[]): GoValue;
}

/** Thrown by a {@link GoFunction} to return a Go error. */
export class FunctionError extends Error {
  /** `message` becomes the text after `error calling <name>: `. */
  constructor(message: string) {
    super(message);
    this.name = "FunctionError";
  }
}

/**
 * A `func(string) (string, error)`: `lookup` returns the result, or `null`
 * to fail with the message `onMissing` builds.
 */
export function stringFunction(
  lookup: (arg: string) => string | null,
  onMissing: (arg: string) => string,
): GoFunction {
  return {
    params: ["string"],
    call(args) {
      const arg = args[0];
      const key = arg !== undefined && arg.kind === "string" ? arg.value : "";
      const value = lookup(key);
      if (value === null) throw new FunctionError(onMissing(key));
      return { kind: "string", value };
    },
  };
}

/** A successfully parsed template set (the main template plus its `define`s and `block`s). */
export interface ParsedTemplate {
  /** The template text as given. */
  readonly source: string;
  /** Names of the templates in the set; the main template is `""`. */
  readonly templateNames: readonly string[];
}

interface ParsedInternals {
  readonly text: Bytes;
  readonly trees: ReadonlyMap<Bytes, ListNode>;
}

const parsedInternals = new WeakMap<ParsedTemplate, ParsedInternals>();

/**
 * Parses `text` as Go's `template.New("").Funcs(funcs).Parse(text)` does,
 * where `funcNames` are the names of the custom functions.
 */
export function parseGoTemplate(
  text: string,
  funcNames: readonly string[],
  limits: GoTemplateLimits = DEFAULT_LIMITS,
): { ok: true; template: ParsedTemplate } | { ok: false; error: TemplateError } {
  if (text.length > limits.maxTemplateLength) {
    return fail(
      "limit",
      `the template is ${text.length} characters long, more than the limit of ${limits.maxTemplateLength}`,
    );
  }
  for (const name of funcNames) {
    if (!goodName(utf8Encode(name))) {
      throw new TypeError(`function name ${JSON.stringify(name)} is not a valid identifier`);
    }
  }
  const bytes = utf8Encode(text);
  const funcs = new Set<Bytes>([...BUILTIN_NAMES, ...funcNames.map(utf8Encode)]);
  try {
    const trees = parseTrees(bytes, funcs, limits);
    const template: ParsedTemplate = Object.freeze({
      source: text,
      templateNames: Object.freeze([...trees.keys()].map((n) => utf8Decode(n) ?? n).sort()),
    });
    parsedInternals.set(template, { text: bytes, trees });
    return { ok: true, template };
  } catch (e) {
    return caught(e, "parse");
  }
}

/** How {@link executeGoTemplate} runs a template. */
export interface ExecuteOptions {
  /** Every custom function named when parsing (Go's `tmpl.Funcs`). */
  funcs: Readonly<Record<string, GoFunction>>;
  /** Steps, nesting, widths and lengths; {@link DEFAULT_LIMITS} when left out. */
  limits?: GoTemplateLimits;
  /** A budget shared with other executions, counted down by this one. */
  budget?: TemplateBudget | undefined;
}

/**
 * Executes the main template of `t` with `data` as dot, as Go's
 * `tmpl.Execute(&sb, data)` does, with the custom functions of `options`.
 */
export function executeGoTemplate(
  t: ParsedTemplate,
  data: DataStruct,
  options: ExecuteOptions,
): { ok: true; output: string } | { ok: false; error: TemplateError } {
  const internals = parsedInternals.get(t);
  if (internals === undefined) {
    throw new TypeError("executeGoTemplate needs a template returned by parseGoTemplate");
  }
  const pieces = simplePiecesOf(internals);
  const simple = pieces && runSimple(pieces, data, options);
  return simple ?? interpret(internals, data, options);
}

/**
 * {@link executeGoTemplate} without the shortcut for templates of text and
 * `{{ .Field }}` actions only: every template through the interpreter (for
 * the test that both agree).
 */
export function executeGoTemplateInterpreted(
  t: ParsedTemplate,
  data: DataStruct,
  options: ExecuteOptions,
): { ok: true; output: string } | { ok: false; error: TemplateError } {
  const internals = parsedInternals.get(t);
  if (internals === undefined) {
    throw new TypeError("executeGoTemplate needs a template returned by parseGoTemplate");
  }
  return interpret(internals, data, options);
}

/** A piece of a simple template: text, or the value of a field of dot. */
type SimplePiece = { text: Bytes; field?: undefined } | { field: Bytes; text?: undefined };

/** The pieces of each parsed template that is simple, `null` for the others. */
const simplePieces = new WeakMap<ParsedInternals, readonly SimplePiece[] | null>();

/**
 * The main template as pieces when it is only text and `{{ .Field }}`
 * actions (Kuma's default hostname templates), else `null`.
 */
function simplePiecesOf(internals: ParsedInternals): readonly SimplePiece[] | null {
  const known = simplePieces.get(internals);
  if (known !== undefined) return known;
  const root = internals.trees.get("");
  const list: SimplePiece[] = [];
  let simple = root !== undefined;
  for (const node of root?.nodes ?? []) {
    if (node.t === "text") {
      list.push({ text: node.text });
      continue;
    }
    const cmd = node.t === "action" && node.pipe.decl.length === 0 && node.pipe.cmds.length === 1
      ? node.pipe.cmds[0]!
      : undefined;
    const arg = cmd?.args.length === 1 ? cmd.args[0] : undefined;
    if (arg?.t !== "field" || arg.ident.length !== 1) {
      simple = false;
      break;
    }
    list.push({ field: arg.ident[0]! });
  }
  const pieces = simple ? list : null;
  simplePieces.set(internals, pieces);
  return pieces;
}

/**
 * Runs a simple template as the interpreter would, with the same steps and
 * bytes counted: one step for the main list, one per piece and one per
 * action's command; every piece's bytes written. `undefined` whenever the
 * interpreter might do anything else (a missing or unexported field, a
 * limit or the budget reached, output that is not UTF-8): it then runs the
 * template itself, from the untouched budget.
 */
function runSimple(
  pieces: readonly SimplePiece[],
  data: DataStruct,
  { limits = DEFAULT_LIMITS, budget }: ExecuteOptions,
): { ok: true; output: string } | undefined {
  if (limits.maxNestingDepth + limits.maxTemplateCalls < 1) return undefined;
  let steps = 1 + pieces.length;
  let bytes = 0;
  const out: Bytes[] = [];
  for (const piece of pieces) {
    let written: Bytes;
    if (piece.field === undefined) written = piece.text;
    else {
      const name = piece.field;
      // An ASCII name is its own UTF-8, so it names the field of that JavaScript key.
      const field = /^[A-Z][A-Za-z0-9_]*$/.test(name) &&
        Object.prototype.propertyIsEnumerable.call(data.fields, name);
      if (!field) {
        return undefined;
      }
      written = utf8Encode(data.fields[name]!);
      steps++;
    }
    bytes += written.length;
    out.push(written);
  }
  if (steps > limits.maxSteps || bytes > limits.maxOutputLength) return undefined;
  if (budget !== undefined && (steps > budget.steps || bytes > budget.bytes)) return undefined;
  const output = utf8Decode(out.join(""));
  if (output === null) return undefined;
  if (budget !== undefined) {
    budget.steps -= steps;
    budget.bytes -= bytes;
  }
  return { ok: true, output };
}

function interpret(
  internals: ParsedInternals,
  data: DataStruct,
  { funcs, limits = DEFAULT_LIMITS, budget }: ExecuteOptions,
): { ok: true; output: string } | { ok: false; error: TemplateError } {
  try {
    const exec = new Executor(internals, { funcs, limits, budget });
    const out = exec.run(structVal(data));
    const output = utf8Decode(out);
    if (output === null) {
      return fail("unsupported", "the template output is not valid UTF-8");
    }
    return { ok: true, output };
  } catch (e) {
    return caught(e, "exec");
  }
}

function fail(kind: TemplateErrorKind, message: string): { ok: false; error: TemplateError } {
  return { ok: false, error: { kind, message } };
}

function caught(e: unknown, kind: "parse" | "exec"): { ok: false; error: TemplateError } {
  if (e instanceof GoError) {
    const message = utf8Decode(e.bytes);
    if (message === null) {
      return fail("unsupported", `the ${kind} error message is not valid UTF-8`);
    }
    return fail(kind, message);
  }
  if (e instanceof LimitError) return fail("limit", e.message);
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    // Defence in depth: the depth counters should make this unreachable.
    return fail("limit", "the template nests too deeply for the JavaScript stack");
  }
  if (e instanceof UnsupportedError) return fail("unsupported", e.message);
  throw e;
}

/** An error whose message is Go's exact error text, as bytes. */
class GoError extends Error {
  constructor(readonly bytes: Bytes) {
    super(utf8Decode(bytes) ?? bytes);
    this.name = "GoError";
  }
}

function goodName(name: Bytes): boolean {
  if (name === "") return false;
  for (let i = 0; i < name.length;) {
    const [r, size] = decodeRune(name, i);
    if (r !== 0x5f && !(isLetter(r) || (i > 0 && isDigit(r)))) return false;
    i += size;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Lexer (Go 1.23 text/template/parse semantics)
// ---------------------------------------------------------------------------

type ItemType =
  | "error"
  | "bool"
  | "char"
  | "charConstant"
  | "complex"
  | "assign"
  | "declare"
  | "EOF"
  | "field"
  | "identifier"
  | "leftDelim"
  | "leftParen"
  | "number"
  | "pipe"
  | "rawString"
  | "rightDelim"
  | "rightParen"
  | "space"
  | "string"
  | "text"
  | "variable"
  // keywords
  | "block"
  | "break"
  | "continue"
  | "dot"
  | "define"
  | "else"
  | "end"
  | "if"
  | "nil"
  | "range"
  | "template"
  | "with";

const KEYWORDS: ReadonlyMap<Bytes, ItemType> = new Map<Bytes, ItemType>([
  [".", "dot"],
  ["block", "block"],
  ["break", "break"],
  ["continue", "continue"],
  ["define", "define"],
  ["else", "else"],
  ["end", "end"],
  ["if", "if"],
  ["range", "range"],
  ["nil", "nil"],
  ["template", "template"],
  ["with", "with"],
]);
const KEYWORD_TYPES = new Set<ItemType>(KEYWORDS.values());

interface Item {
  readonly typ: ItemType;
  readonly pos: number;
  readonly val: Bytes;
  readonly line: number;
}

const EOF_RUNE = -1;
const LEFT_DELIM = "{{";
const RIGHT_DELIM = "}}";

function itemString(i: Item): Bytes {
  if (i.typ === "EOF") return "EOF";
  if (i.typ === "error") return i.val;
  if (KEYWORD_TYPES.has(i.typ)) return "<" + i.val + ">";
  let n = 0;
  for (let j = 0; j < i.val.length; n++) {
    if (n === 10) return quote(i.val.slice(0, j)) + "...";
    j += decodeRune(i.val, j)[1];
  }
  return quote(i.val);
}

function isSpaceRune(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

function isAlphaNumeric(r: number): boolean {
  return r === 0x5f || isLetter(r) || isDigit(r);
}

interface StateFn {
  (l: Lexer): StateFn | null;
}

class Lexer {
  pos = 0;
  start = 0;
  atEOF = false;
  parenDepth = 0;
  line = 1;
  startLine = 1;
  insideAction = false;
  item: Item = { typ: "EOF", pos: 0, val: "EOF", line: 1 };

  constructor(public input: Bytes, readonly breakOK: boolean, readonly continueOK: boolean) {}

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF_RUNE;
    }
    const [r, w] = decodeRune(this.input, this.pos);
    this.pos += w;
    if (r === 0x0a) this.line++;
    return r;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const [r, w] = decodeLastRune(this.input, this.pos);
      this.pos -= w;
      if (r === 0x0a) this.line--;
    }
  }

  thisItem(typ: ItemType): Item {
    const i = {
      typ,
      pos: this.start,
      val: this.input.slice(this.start, this.pos),
      line: this.startLine,
    };
    this.start = this.pos;
    this.startLine = this.line;
    return i;
  }

  emit(typ: ItemType): null {
    this.item = this.thisItem(typ);
    return null;
  }

  emitItem(i: Item): null {
    this.item = i;
    return null;
  }

  ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  accept(valid: string): boolean {
    const r = this.next();
    if (r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r))) return true;
    this.backup();
    return false;
  }

  acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (!(r >= 0 && r < 0x80 && valid.includes(String.fromCharCode(r)))) break;
    }
    this.backup();
  }

  errorf(message: Bytes): null {
    this.item = { typ: "error", pos: this.start, val: message, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = "";
    return null;
  }

  nextItem(): Item {
    this.item = { typ: "EOF", pos: this.pos, val: "EOF", line: this.startLine };
    let state: StateFn | null = this.insideAction ? lexInsideAction : lexText;
    while (state !== null) state = state(this);
    return this.item;
  }

  startsWith(prefix: string, at: number): boolean {
    return this.input.startsWith(prefix, at);
  }

  /** Go's atRightDelim: [delim, trimSpaces]. */
  atRightDelim(): [boolean, boolean] {
    if (hasRightTrimMarker(this.input, this.pos) && this.startsWith(RIGHT_DELIM, this.pos + 2)) {
      return [true, true];
    }
    if (this.startsWith(RIGHT_DELIM, this.pos)) return [true, false];
    return [false, false];
  }

  atTerminator(): boolean {
    const r = this.peek();
    if (isSpaceRune(r)) return true;
    switch (r) {
      case EOF_RUNE:
      case 0x2e: // .
      case 0x2c: // ,
      case 0x7c: // |
      case 0x3a: // :
      case 0x29: // )
      case 0x28: // (
        return true;
    }
    return this.startsWith(RIGHT_DELIM, this.pos);
  }

  scanNumber(): boolean {
    this.accept("+-");
    let digits = "0123456789_";
    if (this.accept("0")) {
      if (this.accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (this.accept("oO")) digits = "01234567_";
      else if (this.accept("bB")) digits = "01_";
    }
    this.acceptRun(digits);
    if (this.accept(".")) this.acceptRun(digits);
    if (digits.length === 11 && this.accept("eE")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    if (digits.length === 23 && this.accept("pP")) {
      this.accept("+-");
      this.acceptRun("0123456789_");
    }
    this.accept("i");
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }
}

function countNewlines(s: Bytes, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 0x0a) n++;
  return n;
}

function hasLeftTrimMarker(s: Bytes, at: number): boolean {
  return s.length - at >= 2 && s[at] === "-" && isSpaceRune(s.charCodeAt(at + 1));
}

function hasRightTrimMarker(s: Bytes, at: number): boolean {
  return s.length - at >= 2 && isSpaceRune(s.charCodeAt(at)) && s[at + 1] === "-";
}

function rightTrimLength(s: Bytes, from: number, to: number): number {
  let i = to;
  while (i > from && isSpaceRune(s.charCodeAt(i - 1))) i--;
  return to - i;
}

function leftTrimLength(s: Bytes, from: number): number {
  let i = from;
  while (i < s.length && isSpaceRune(s.charCodeAt(i))) i++;
  return i - from;
}

const lexText: StateFn = (l) => {
  const x = l.input.indexOf(LEFT_DELIM, l.pos);
  if (x >= 0) {
    if (x > l.pos) {
      l.pos = x;
      let trimLength = 0;
      const delimEnd = l.pos + LEFT_DELIM.length;
      if (hasLeftTrimMarker(l.input, delimEnd)) {
        trimLength = rightTrimLength(l.input, l.start, l.pos);
      }
      l.pos -= trimLength;
      l.line += countNewlines(l.input, l.start, l.pos);
      const i = l.thisItem("text");
      l.pos += trimLength;
      l.ignore();
      if (i.val.length > 0) return l.emitItem(i);
    }
    return lexLeftDelim;
  }
  l.pos = l.input.length;
  if (l.pos > l.start) {
    l.line += countNewlines(l.input, l.start, l.pos);
    return l.emit("text");
  }
  return l.emit("EOF");
};

const lexLeftDelim: StateFn = (l) => {
  l.pos += LEFT_DELIM.length;
  const trimSpace = hasLeftTrimMarker(l.input, l.pos);
  const afterMarker = trimSpace ? 2 : 0;
  if (l.startsWith("/*", l.pos + afterMarker)) {
    l.pos += afterMarker;
    l.ignore();
    return lexComment;
  }
  const i = l.thisItem("leftDelim");
  l.insideAction = true;
  l.pos += afterMarker;
  l.ignore();
  l.parenDepth = 0;
  return l.emitItem(i);
};

const lexComment: StateFn = (l) => {
  l.pos += 2;
  const x = l.input.indexOf("*/", l.pos);
  if (x < 0) return l.errorf("unclosed comment");
  l.pos = x + 2;
  const [delim, trimSpace] = l.atRightDelim();
  if (!delim) return l.errorf("comment ends before closing delimiter");
  l.thisItem("text"); // Go builds (and, without ParseComments, drops) a comment item here.
  if (trimSpace) l.pos += 2;
  l.pos += RIGHT_DELIM.length;
  if (trimSpace) l.pos += leftTrimLength(l.input, l.pos);
  l.ignore();
  return lexText;
};

const lexRightDelim: StateFn = (l) => {
  const [, trimSpace] = l.atRightDelim();
  if (trimSpace) {
    l.pos += 2;
    l.ignore();
  }
  l.pos += RIGHT_DELIM.length;
  const i = l.thisItem("rightDelim");
  if (trimSpace) {
    l.pos += leftTrimLength(l.input, l.pos);
    l.ignore();
  }
  l.insideAction = false;
  return l.emitItem(i);
};

const lexInsideAction: StateFn = (l) => {
  const [delim] = l.atRightDelim();
  if (delim) {
    if (l.parenDepth === 0) return lexRightDelim;
    return l.errorf("unclosed left paren");
  }
  const r = l.next();
  if (r === EOF_RUNE) return l.errorf("unclosed action");
  if (isSpaceRune(r)) {
    l.backup();
    return lexSpace;
  }
  switch (r) {
    case 0x3d: // =
      return l.emit("assign");
    case 0x3a: // :
      if (l.next() !== 0x3d) return l.errorf("expected :=");
      return l.emit("declare");
    case 0x7c: // |
      return l.emit("pipe");
    case 0x22: // "
      return lexQuote;
    case 0x60: // `
      return lexRawQuote;
    case 0x24: // $
      return lexVariable;
    case 0x27: // '
      return lexChar;
  }
  if (r === 0x2e) {
    if (l.pos < l.input.length) {
      const c = l.input.charCodeAt(l.pos);
      if (c < 0x30 || c > 0x39) return lexField;
    }
    l.backup();
    return lexNumber;
  }
  if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
    l.backup();
    return lexNumber;
  }
  if (isAlphaNumeric(r)) {
    l.backup();
    return lexIdentifier;
  }
  if (r === 0x28) {
    l.parenDepth++;
    return l.emit("leftParen");
  }
  if (r === 0x29) {
    l.parenDepth--;
    if (l.parenDepth < 0) return l.errorf("unexpected right paren");
    return l.emit("rightParen");
  }
  if (r < 0x80 && isPrint(r)) return l.emit("char");
  return l.errorf("unrecognized character in action: " + formatSharpU(r));
};

const lexSpace: StateFn = (l) => {
  let numSpaces = 0;
  for (;;) {
    const r = l.peek();
    if (!isSpaceRune(r)) break;
    l.next();
    numSpaces++;
  }
  if (hasRightTrimMarker(l.input, l.pos - 1) && l.startsWith(RIGHT_DELIM, l.pos - 1 + 2)) {
    l.backup();
    if (numSpaces === 1) return lexRightDelim;
  }
  return l.emit("space");
};

const lexIdentifier: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (isAlphaNumeric(r)) continue;
    l.backup();
    const word = l.input.slice(l.start, l.pos);
    if (!l.atTerminator()) return l.errorf("bad character " + formatSharpU(r));
    const kw = KEYWORDS.get(word);
    if (kw !== undefined) {
      if ((kw === "break" && !l.breakOK) || (kw === "continue" && !l.continueOK)) {
        return l.emit("identifier");
      }
      return l.emit(kw);
    }
    if (word[0] === ".") return l.emit("field");
    if (word === "true" || word === "false") return l.emit("bool");
    return l.emit("identifier");
  }
};

const lexField: StateFn = (l) => lexFieldOrVariable(l, "field");

const lexVariable: StateFn = (l) => {
  if (l.atTerminator()) return l.emit("variable");
  return lexFieldOrVariable(l, "variable");
};

function lexFieldOrVariable(l: Lexer, typ: "field" | "variable"): null {
  if (l.atTerminator()) return l.emit(typ === "variable" ? "variable" : "dot");
  let r: number;
  for (;;) {
    r = l.next();
    if (!isAlphaNumeric(r)) {
      l.backup();
      break;
    }
  }
  if (!l.atTerminator()) return l.errorf("bad character " + formatSharpU(r));
  return l.emit(typ);
}

const lexChar: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF_RUNE && e !== 0x0a) continue;
      return l.errorf("unterminated character constant");
    }
    if (r === EOF_RUNE || r === 0x0a) return l.errorf("unterminated character constant");
    if (r === 0x27) break;
  }
  return l.emit("charConstant");
};

const lexNumber: StateFn = (l) => {
  if (!l.scanNumber()) {
    return l.errorf("bad number syntax: " + quote(l.input.slice(l.start, l.pos)));
  }
  const sign = l.peek();
  if (sign === 0x2b || sign === 0x2d) {
    if (!l.scanNumber() || l.input[l.pos - 1] !== "i") {
      return l.errorf("bad number syntax: " + quote(l.input.slice(l.start, l.pos)));
    }
    return l.emit("complex");
  }
  return l.emit("number");
};

const lexQuote: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (r === 0x5c) {
      const e = l.next();
      if (e !== EOF_RUNE && e !== 0x0a) continue;
      return l.errorf("unterminated quoted string");
    }
    if (r === EOF_RUNE || r === 0x0a) return l.errorf("unterminated quoted string");
    if (r === 0x22) break;
  }
  return l.emit("string");
};

const lexRawQuote: StateFn = (l) => {
  for (;;) {
    const r = l.next();
    if (r === EOF_RUNE) return l.errorf("unterminated raw quoted string");
    if (r === 0x60) break;
  }
  return l.emit("rawString");
};

// ---------------------------------------------------------------------------
// Parse tree
// ---------------------------------------------------------------------------

interface TextNode {
  readonly t: "text";
  readonly pos: number;
  readonly text: Bytes;
}
interface ActionNode {
  readonly t: "action";
  readonly pos: number;
  readonly pipe: PipeNode;
}
interface BranchNode {
  readonly t: "if" | "range" | "with";
  readonly pos: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
interface TemplateNode {
  readonly t: "template";
  readonly pos: number;
  readonly name: Bytes;
  readonly pipe: PipeNode | null;
}
interface SimpleNode {
  readonly t: "break" | "continue" | "end" | "else" | "dot" | "nil";
  readonly pos: number;
}
interface ListNode {
  readonly t: "list";
  readonly pos: number;
  readonly nodes: Node[];
}
interface PipeNode {
  readonly t: "pipe";
  readonly pos: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
interface CommandNode {
  readonly t: "command";
  readonly pos: number;
  readonly args: ArgNode[];
}
interface FieldNode {
  readonly t: "field";
  readonly pos: number;
  readonly ident: readonly Bytes[];
}
interface VariableNode {
  readonly t: "variable";
  readonly pos: number;
  readonly ident: readonly Bytes[];
}
interface ChainNode {
  readonly t: "chain";
  readonly pos: number;
  readonly node: ArgNode;
  readonly field: readonly Bytes[];
}
interface IdentifierNode {
  readonly t: "identifier";
  readonly pos: number;
  readonly ident: Bytes;
}
interface BoolNode {
  readonly t: "bool";
  readonly pos: number;
  readonly val: boolean;
}
interface StringNode {
  readonly t: "string";
  readonly pos: number;
  readonly quoted: Bytes;
  readonly text: Bytes;
}
interface NumberNode {
  readonly t: "number";
  readonly pos: number;
  readonly text: Bytes;
  readonly isComplex: boolean;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly int64: bigint;
  readonly float64: number;
}

type ArgNode =
  | FieldNode
  | ChainNode
  | IdentifierNode
  | PipeNode
  | VariableNode
  | BoolNode
  | SimpleNode
  | NumberNode
  | StringNode;
type Node =
  | TextNode
  | ActionNode
  | BranchNode
  | TemplateNode
  | SimpleNode
  | ListNode
  | PipeNode
  | CommandNode
  | ArgNode;

function pipeString(p: PipeNode): Bytes {
  let s = "";
  if (p.decl.length > 0) {
    s += p.decl.map((v) => v.ident.join(".")).join(", ");
    s += p.isAssign ? " = " : " := ";
  }
  return s + p.cmds.map(nodeString).join(" | ");
}

/** Go's `Node.String()`. */
function nodeString(n: Node): Bytes {
  switch (n.t) {
    case "text":
      return n.text;
    case "action":
      return "{{" + pipeString(n.pipe) + "}}";
    case "pipe":
      return pipeString(n);
    case "command":
      return n.args.map((a) => (a.t === "pipe" ? "(" + pipeString(a) + ")" : nodeString(a)))
        .join(" ");
    case "identifier":
      return n.ident;
    case "variable":
      return n.ident.join(".");
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "field":
      return n.ident.map((i) => "." + i).join("");
    case "chain":
      return (n.node.t === "pipe" ? "(" + pipeString(n.node) + ")" : nodeString(n.node)) +
        n.field.map((f) => "." + f).join("");
    case "bool":
      return n.val ? "true" : "false";
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "if":
    case "range":
    case "with":
      return "{{" + n.t + " " + pipeString(n.pipe) + "}}" + nodeString(n.list) +
        (n.elseList !== null ? "{{else}}" + nodeString(n.elseList) : "") + "{{end}}";
    case "template":
      return "{{template " + quote(n.name) + (n.pipe !== null ? " " + pipeString(n.pipe) : "") +
        "}}";
    case "break":
    case "continue":
    case "end":
    case "else":
      return "{{" + n.t + "}}";
    case "list":
      return n.nodes.map(nodeString).join("");
  }
}

function isEmptyTree(n: Node): boolean {
  switch (n.t) {
    case "list":
      return n.nodes.every(isEmptyTree);
    case "text":
      return isAllSpace(n.text);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Parser (Go 1.23 text/template/parse semantics)
// ---------------------------------------------------------------------------

class ParseFailure extends GoError {}

interface ParseShared {
  readonly text: Bytes;
  readonly lex: Lexer;
  readonly funcs: ReadonlySet<Bytes>;
  readonly treeSet: Map<Bytes, Tree>;
  readonly limits: GoTemplateLimits;
  depth: number;
}

const BUILTIN_NAMES: readonly Bytes[] = [
  "and",
  "call",
  "html",
  "index",
  "slice",
  "js",
  "len",
  "not",
  "or",
  "print",
  "printf",
  "println",
  "urlquery",
  "eq",
  "ge",
  "gt",
  "le",
  "lt",
  "ne",
];

function parseTrees(
  text: Bytes,
  funcs: ReadonlySet<Bytes>,
  limits: GoTemplateLimits,
): Map<Bytes, ListNode> {
  const shared: ParseShared = {
    text,
    lex: new Lexer(text, !funcs.has("break"), !funcs.has("continue")),
    funcs,
    treeSet: new Map(),
    limits,
    depth: 0,
  };
  const t = new Tree("", shared);
  t.parse();
  t.add();
  const out = new Map<Bytes, ListNode>();
  for (const [name, tree] of shared.treeSet) out.set(name, tree.root);
  return out;
}

const NO_ITEM: Item = { typ: "EOF", pos: 0, val: "", line: 0 };

class Tree {
  root: ListNode = { t: "list", pos: 0, nodes: [] };
  private token: [Item, Item, Item] = [NO_ITEM, NO_ITEM, NO_ITEM];
  private peekCount = 0;
  private vars: Bytes[] = ["$"];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(public name: Bytes, private readonly s: ParseShared) {}

  // -- token stream --------------------------------------------------------

  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.s.lex.nextItem();
    return this.token[this.peekCount]!;
  }

  private backup(): void {
    this.peekCount++;
  }

  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.s.lex.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    for (;;) {
      const token = this.next();
      if (token.typ !== "space") return token;
    }
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // -- errors ----------------------------------------------------------------

  private errorf(message: Bytes): never {
    throw new ParseFailure(`template: :${this.token[0].line}: ${message}`);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.typ !== e1 && token.typ !== e2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.typ === "error") {
      let extra = "";
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at :${this.actionLine}`;
        if (token.val.endsWith(" action")) extra = extra.slice(" in action".length);
      }
      this.errorf(itemString(token) + extra);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  private enter(): void {
    if (++this.s.depth > this.s.limits.maxNestingDepth) {
      throw new LimitError(
        `the template nests control structures or parentheses more than ${this.s.limits.maxNestingDepth} levels deep`,
      );
    }
  }

  private leave(): void {
    this.s.depth--;
  }

  // -- structure -----------------------------------------------------------

  add(): void {
    const tree = this.s.treeSet.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.s.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) {
      this.errorf(`template: multiple definition of template ${quote(this.name)}`);
    }
  }

  parse(): void {
    this.root = { t: "list", pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== "EOF") {
      if (this.peek().typ === "leftDelim") {
        const delim = this.next();
        if (this.nextNonSpace().typ === "define") {
          const newT = new Tree("definition", this.s);
          newT.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.t === "end" || n.t === "else") this.errorf(`unexpected ${nodeString(n)}`);
      this.root.nodes.push(n);
    }
  }

  private parseDefinition(): void {
    const context = "define clause";
    const name = this.expectOneOf("string", "rawString", context);
    const unq = unquote(name.val);
    if (unq === null) this.errorf("invalid syntax");
    this.name = unq;
    this.expect("rightDelim", context);
    this.enter();
    const [root, end] = this.itemList();
    this.leave();
    this.root = root;
    if (end.t !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add();
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { t: "list", pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== "EOF") {
      const n = this.textOrAction();
      if (n.t === "end" || n.t === "else") return [list, n];
      list.nodes.push(n);
    }
    this.errorf("unexpected EOF");
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case "text":
        return { t: "text", pos: token.pos, text: token.val };
      case "leftDelim": {
        this.actionLine = token.line;
        const n = this.action();
        this.actionLine = 0;
        return n;
      }
      default:
        this.unexpected(token, "input");
    }
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case "block":
        return this.blockControl();
      case "break":
        return this.breakControl(token.pos, "break");
      case "continue":
        return this.breakControl(token.pos, "continue");
      case "else":
        return this.elseControl();
      case "end":
        return this.endControl();
      case "if":
        return this.branchControl("if");
      case "range":
        return this.branchControl("range");
      case "template":
        return this.templateControl();
      case "with":
        return this.branchControl("with");
    }
    this.backup();
    const pos = this.peek().pos;
    return { t: "action", pos, pipe: this.pipeline("command", "rightDelim") };
  }

  private breakControl(pos: number, kind: "break" | "continue"): Node {
    const token = this.nextNonSpace();
    if (token.typ !== "rightDelim") this.unexpected(token, `{{${kind}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${kind}}} outside {{range}}`);
    return { t: kind, pos };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = { t: "pipe", pos: token.pos, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === "variable") {
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.typ === "assign" || next.typ === "declare") {
          pipe.isAssign = next.typ === "assign";
          this.nextNonSpace();
          pipe.decl.push(newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.typ === "char" && next.val === ",") {
          this.nextNonSpace();
          pipe.decl.push(newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === "range" && pipe.decl.length < 2) {
            const p = this.peekNonSpace().typ;
            if (p === "variable" || p === "rightDelim" || p === "rightParen") continue decls;
            this.errorf("range can only initialize variables");
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === "space") {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (token.typ) {
        case "bool":
        case "charConstant":
        case "complex":
        case "dot":
        case "field":
        case "identifier":
        case "number":
        case "nil":
        case "rawString":
        case "string":
        case "variable":
        case "leftParen":
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]!.t;
      if (t === "bool" || t === "dot" || t === "nil" || t === "number" || t === "string") {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private branchControl(context: "if" | "range" | "with"): BranchNode {
    const nvars = this.vars.length;
    this.enter();
    const pipe = this.pipeline(context, "rightDelim");
    if (context === "range") this.rangeDepth++;
    let [list, next] = this.itemList();
    if (context === "range") this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.t === "else") {
      if (context === "if" && this.peek().typ === "if") {
        this.next();
        elseList = { t: "list", pos: next.pos, nodes: [this.branchControl("if")] };
      } else if (context === "with" && this.peek().typ === "with") {
        this.next();
        elseList = { t: "list", pos: next.pos, nodes: [this.branchControl("with")] };
      } else {
        [elseList, next] = this.itemList();
        if (next.t !== "end") this.errorf(`expected end; found ${nodeString(next)}`);
      }
    }
    this.leave();
    this.vars.length = nvars;
    return { t: context, pos: pipe.pos, pipe, list, elseList };
  }

  private endControl(): Node {
    return { t: "end", pos: this.expect("rightDelim", "end").pos };
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.typ === "if" || peek.typ === "with") return { t: "else", pos: peek.pos };
    const token = this.expect("rightDelim", "else");
    return { t: "else", pos: token.pos };
  }

  private blockControl(): Node {
    const context = "block clause";
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, "rightDelim");
    const block = new Tree(name, this.s);
    this.enter();
    const [root, end] = block.itemList();
    this.leave();
    block.root = root;
    if (end.t !== "end") this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add();
    return { t: "template", pos: token.pos, name, pipe };
  }

  private templateControl(): Node {
    const context = "template clause";
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== "rightDelim") {
      this.backup();
      pipe = this.pipeline(context, "rightDelim");
    }
    return { t: "template", pos: token.pos, name, pipe };
  }

  private parseTemplateName(token: Item, context: string): Bytes {
    if (token.typ === "string" || token.typ === "rawString") {
      const s = unquote(token.val);
      if (s === null) this.errorf("invalid syntax");
      return s;
    }
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd: CommandNode = { t: "command", pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === "space") continue;
      if (token.typ === "rightDelim" || token.typ === "rightParen") this.backup();
      else if (token.typ !== "pipe") this.unexpected(token, "operand");
      break;
    }
    if (cmd.args.length === 0) this.errorf("empty command");
    return cmd;
  }

  private operand(): ArgNode | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().typ === "field") {
      const pos = this.peek().pos;
      const fields: Bytes[] = [];
      while (this.peek().typ === "field") fields.push(this.next().val.slice(1));
      switch (node.t) {
        case "field":
          node = { t: "field", pos, ident: [...node.ident, ...fields] };
          break;
        case "variable":
          node = { t: "variable", pos, ident: [...node.ident, ...fields] };
          break;
        case "bool":
        case "string":
        case "number":
        case "nil":
        case "dot":
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
          break;
        default:
          node = { t: "chain", pos, node, field: fields };
      }
    }
    return node;
  }

  private term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case "identifier":
        if (!this.s.funcs.has(token.val)) {
          this.errorf(`function ${quote(token.val)} not defined`);
        }
        return { t: "identifier", pos: token.pos, ident: token.val };
      case "dot":
        return { t: "dot", pos: token.pos };
      case "nil":
        return { t: "nil", pos: token.pos };
      case "variable":
        return this.useVar(token.pos, token.val);
      case "field":
        return { t: "field", pos: token.pos, ident: token.val.slice(1).split(".") };
      case "bool":
        return { t: "bool", pos: token.pos, val: token.val === "true" };
      case "charConstant":
      case "complex":
      case "number":
        return this.newNumber(token.pos, token.val, token.typ);
      case "leftParen": {
        this.enter();
        const p = this.pipeline("parenthesized pipeline", "rightParen");
        this.leave();
        return p;
      }
      case "string":
      case "rawString": {
        const s = unquote(token.val);
        if (s === null) this.errorf("invalid syntax");
        return { t: "string", pos: token.pos, quoted: token.val, text: s };
      }
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: Bytes): VariableNode {
    const v = newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
    return v;
  }

  private newNumber(pos: number, text: Bytes, typ: ItemType): NumberNode {
    const base = { t: "number" as const, pos, text };
    if (typ === "charConstant") {
      const u = unquoteChar(text, 1, 0x27);
      if (u === null) this.errorf("invalid syntax");
      if (text.slice(u.next) !== "'") this.errorf(`malformed character constant: ${text}`);
      const r = BigInt(u.value);
      return {
        ...base,
        isComplex: false,
        isInt: true,
        isUint: true,
        isFloat: true,
        int64: r,
        float64: u.value,
      };
    }
    if (typ === "complex") {
      throw new UnsupportedError(`complex number constants such as ${text} are not supported`);
    }
    if (text.endsWith("i")) {
      const imag = parseFloat64(text.slice(0, -1));
      if (imag !== null) {
        // An imaginary constant: Go keeps parsing; only evaluating it as a value is unsupported.
        const real = imag === 0; // Go's simplifyComplex: a zero imaginary part is also a float/int.
        return {
          ...base,
          isComplex: true,
          isInt: real,
          isUint: real,
          isFloat: real,
          int64: 0n,
          float64: 0,
        };
      }
    }
    let isInt = false;
    let isUint = false;
    let isFloat = false;
    let int64 = 0n;
    let uint64 = 0n;
    let float64 = 0;
    const u = parseUint0(text);
    if (typeof u === "bigint") {
      isUint = true;
      uint64 = u;
    }
    const i = parseInt0(text);
    if (typeof i === "bigint") {
      isInt = true;
      int64 = i;
      if (i === 0n) {
        isUint = true;
        uint64 = typeof u === "bigint" ? u : 0n;
      }
    }
    if (isInt) {
      isFloat = true;
      float64 = Number(int64);
    } else if (isUint) {
      isFloat = true;
      float64 = Number(uint64);
    } else {
      const f = parseFloat64(text);
      if (f !== null) {
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${quote(text)}`);
        isFloat = true;
        float64 = f;
        if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
          isInt = true;
          int64 = BigInt(f);
        }
        if (!isUint && Number.isInteger(f) && f >= 0 && f < 2 ** 64) isUint = true;
      }
    }
    if (!isInt && !isUint && !isFloat) this.errorf(`illegal number syntax: ${quote(text)}`);
    return { ...base, isComplex: false, isInt, isUint, isFloat, int64, float64 };
  }
}

function newVariable(pos: number, ident: Bytes): VariableNode {
  return { t: "variable", pos, ident: ident.split(".") };
}

// ---------------------------------------------------------------------------
// Execution (Go 1.24 text/template exec semantics)
// ---------------------------------------------------------------------------

/** The parameter types Go's reflection distinguishes when checking arguments. */
type ParamType = "value" | "any" | "string" | "int" | "float64" | "bool";

const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  value: "reflect.Value",
  any: "interface {}",
  string: "string",
  int: "int",
  float64: "float64",
  bool: "bool",
};

interface Signature {
  readonly fixed: readonly ParamType[];
  readonly variadic: ParamType | null;
}

interface Func {
  readonly sig: Signature;
  readonly builtin: boolean;
  call(args: readonly Val[], exec: Executor): Val;
}

/** A builtin's Go error; the message is bytes. */
class BuiltinError extends Error {
  constructor(readonly bytes: Bytes) {
    super(bytes);
  }
}

type Flow = "normal" | "break" | "continue";

const MISSING: Val = { k: "invalid" }; // identity marks Go's missingVal

function isTrue(v: Val): boolean {
  switch (v.k) {
    case "invalid":
    case "nil":
      return false;
    case "string":
      return v.s.length > 0;
    case "bool":
      return v.b;
    case "int":
    case "uint8":
      return v.i !== 0n;
    case "float64":
      return v.f !== 0;
    case "struct":
      return true;
  }
}

function structVal(data: DataStruct): Val {
  return {
    k: "struct",
    type: utf8Encode(data.typeName),
    fields: Object.entries(data.fields).map(([k, v]) => [utf8Encode(k), utf8Encode(v)] as const),
  };
}

/**
 * Go's `args []parse.Node, final reflect.Value` pair that the eval methods pass along: the words of
 * the command (the first is the field, variable or function itself) and the value piped into it,
 * or MISSING.
 */
interface Operands {
  readonly args: readonly ArgNode[] | null;
  readonly final: Val;
}

/** No arguments and nothing piped in. */
const NO_OPERANDS: Operands = { args: null, final: MISSING };

/** A field chain to evaluate (`.A.B`, `$x.A`, `(pipe).A`): its node, the field names, the operands. */
interface FieldChain extends Operands {
  readonly node: Node;
  readonly ident: readonly Bytes[];
}

class Executor {
  private tmplName: Bytes = "";
  private vars: { name: Bytes; value: Val }[] = [];
  private node: Node | null = null;
  private depth = 0;
  private nesting = 0;
  private steps = 0;
  private out: string[] = [];
  private outLen = 0;
  private readonly funcs = new Map<Bytes, Func>();
  readonly fmtLimits: { maxWidth: number; maxLength: number };

  private readonly text: Bytes;
  private readonly trees: ReadonlyMap<Bytes, ListNode>;
  readonly limits: GoTemplateLimits;
  private readonly budget: TemplateBudget | undefined;

  constructor(
    parsed: { text: Bytes; trees: ReadonlyMap<Bytes, ListNode> },
    { funcs: custom, limits, budget }: ExecuteOptions & { limits: GoTemplateLimits },
  ) {
    this.text = parsed.text;
    this.trees = parsed.trees;
    this.limits = limits;
    this.budget = budget;
    this.fmtLimits = { maxWidth: limits.maxFormatWidth, maxLength: limits.maxOutputLength };
    // The builtins are looked up in BUILTINS itself (a custom function of the same name wins,
    // as Go's Funcs does): no map of every builtin per execution.
    for (const [name, f] of Object.entries(custom)) this.funcs.set(utf8Encode(name), customFunc(f));
  }

  run(dot: Val): Bytes {
    const root = this.trees.get("");
    this.vars = [{ name: "$", value: dot }];
    if (root === undefined) this.errorf(`${quote("")} is an incomplete or empty template`);
    this.walk(dot, root);
    return this.out.join("");
  }

  // -- bookkeeping -----------------------------------------------------------

  private at(node: Node): void {
    this.node = node;
  }

  private step(): void {
    if (++this.steps > this.limits.maxSteps) {
      throw new LimitError(
        `template execution exceeded the limit of ${this.limits.maxSteps} steps`,
      );
    }
    if (this.budget !== undefined && --this.budget.steps < 0) {
      this.budget.steps = 0;
      throw new LimitError(
        `the HostnameGenerator templates of this run used up their shared budget of ${
          grouped(this.budget.maxSteps)
        } steps; simplify the most expensive template`,
      );
    }
  }

  /** Counts `n` bytes of work against the run's budget. */
  private spend(n: number): void {
    if (this.budget === undefined) return;
    this.budget.bytes -= n;
    if (this.budget.bytes < 0) {
      this.budget.bytes = 0;
      throw new LimitError(
        `the HostnameGenerator templates of this run used up their shared budget of ${
          grouped(this.budget.maxBytes)
        } bytes; simplify the most expensive template`,
      );
    }
  }

  private enter(): void {
    if (++this.nesting > this.limits.maxNestingDepth + this.limits.maxTemplateCalls) {
      throw new LimitError(
        `template execution nests template calls and control structures more than ${
          this.limits.maxNestingDepth + this.limits.maxTemplateCalls
        } levels deep`,
      );
    }
  }

  private write(s: Bytes): void {
    this.spend(s.length);
    this.outLen += s.length;
    if (this.outLen > this.limits.maxOutputLength) {
      throw new LimitError(
        `the template output exceeds the limit of ${this.limits.maxOutputLength} bytes`,
      );
    }
    this.out.push(s);
  }

  checkString(s: Bytes): Val {
    this.spend(s.length);
    if (s.length > this.limits.maxOutputLength) {
      throw new LimitError(
        `a string produced during execution exceeds the limit of ${this.limits.maxOutputLength} bytes`,
      );
    }
    return { k: "string", s };
  }

  errorf(message: Bytes): never {
    const name = this.tmplName;
    if (this.node === null) throw new GoError(`template: ${name}: ${message}`);
    const pos = this.node.pos;
    const before = this.text.slice(0, pos);
    const nl = before.lastIndexOf("\n");
    const col = nl === -1 ? pos : pos - (nl + 1);
    const line = 1 + countNewlines(before, 0, before.length);
    throw new GoError(
      `template: :${line}:${col}: executing ${quote(name)} at <${
        nodeString(this.node)
      }>: ${message}`,
    );
  }

  // -- variables -------------------------------------------------------------

  private setVar(name: Bytes, value: Val): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) {
        v.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: Val): void {
    this.vars[this.vars.length - n]!.value = value;
  }

  private varValue(name: Bytes): Val {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === name) return v.value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // -- walking ---------------------------------------------------------------

  private walk(dot: Val, node: Node): Flow {
    this.at(node);
    this.step();
    switch (node.t) {
      case "action": {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return "normal";
      }
      case "break":
        return "break";
      case "continue":
        return "continue";
      case "if":
      case "with":
        return this.walkIfOrWith(node, dot);
      case "list":
        for (const child of node.nodes) {
          const flow = this.walk(dot, child);
          if (flow !== "normal") return flow;
        }
        return "normal";
      case "range":
        return this.walkRange(dot, node);
      case "template":
        this.walkTemplate(dot, node);
        return "normal";
      case "text":
        this.write(node.text);
        return "normal";
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkIfOrWith(node: BranchNode, dot: Val): Flow {
    const mark = this.vars.length;
    this.enter();
    const val = this.evalPipeline(dot, node.pipe);
    let flow: Flow = "normal";
    if (isTrue(val)) flow = this.walk(node.t === "with" ? val : dot, node.list);
    else if (node.elseList !== null) flow = this.walk(dot, node.elseList);
    this.nesting--;
    this.vars.length = mark;
    return flow;
  }

  private walkRange(dot: Val, r: BranchNode): Flow {
    this.at(r);
    const mark0 = this.vars.length;
    this.enter();
    const val = this.evalPipeline(dot, r.pipe);
    const mark = this.vars.length;
    const decl = r.pipe.decl;
    const oneIteration = (index: Val, elem: Val): Flow => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
        else this.setTopVar(1, elem);
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.setTopVar(2, index);
      }
      const flow = this.walk(elem, r.list);
      this.vars.length = mark;
      return flow;
    };
    let ran = false;
    switch (val.k) {
      case "int":
      case "uint8": {
        if (decl.length > 1) {
          this.errorf(`can't use ${this.sprintV(val)} to iterate over more than one variable`);
        }
        for (let i = 0n; i < val.i; i++) {
          this.step();
          ran = true;
          if (oneIteration(INVALID, { k: val.k, i }) === "break") break;
        }
        break;
      }
      case "invalid":
        break;
      default:
        this.errorf(`range can't iterate over ${this.sprintV(val)}`);
    }
    let flow: Flow = "normal";
    if (!ran && r.elseList !== null) {
      flow = this.walk(dot, r.elseList);
      if (flow === "break") flow = "normal"; // Go's walkRange recovers any break.
    }
    this.nesting--;
    this.vars.length = mark0;
    return flow;
  }

  private walkTemplate(dot: Val, t: TemplateNode): void {
    this.at(t);
    const root = this.trees.get(t.name);
    if (root === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= this.limits.maxTemplateCalls) {
      throw new LimitError(
        `template calls nest more than ${this.limits.maxTemplateCalls} levels deep`,
      );
    }
    this.enter();
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { name: this.tmplName, vars: this.vars, node: this.node };
    this.tmplName = t.name;
    this.vars = [{ name: "$", value: newDot }];
    this.depth++;
    this.walk(newDot, root);
    this.depth--;
    this.tmplName = saved.name;
    this.vars = saved.vars;
    this.node = saved.node;
    this.nesting--;
  }

  // -- evaluation ------------------------------------------------------------

  private evalPipeline(dot: Val, pipe: PipeNode | null): Val {
    if (pipe === null) return INVALID;
    this.at(pipe);
    this.enter();
    let value = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0]!, value);
      else this.vars.push({ name: v.ident[0]!, value });
    }
    this.nesting--;
    return value;
  }

  private notAFunction(args: readonly ArgNode[] | null, final: Val): void {
    if ((args !== null && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  private evalCommand(dot: Val, cmd: CommandNode, final: Val): Val {
    this.step();
    const firstWord = cmd.args[0]!;
    switch (firstWord.t) {
      case "field":
        return this.evalFieldNode(dot, firstWord, { args: cmd.args, final });
      case "chain":
        return this.evalChainNode(dot, firstWord, { args: cmd.args, final });
      case "identifier":
        return this.evalFunction(dot, firstWord, { cmd, args: cmd.args, final });
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, firstWord);
      case "variable":
        return this.evalVariableNode(dot, firstWord, { args: cmd.args, final });
    }
    this.at(firstWord);
    this.notAFunction(cmd.args, final);
    switch (firstWord.t) {
      case "bool":
        return { k: "bool", b: firstWord.val };
      case "dot":
        return dot;
      case "nil":
        this.errorf("nil is not a command");
        break;
      case "number":
        return this.idealConstant(firstWord);
      case "string":
        return { k: "string", s: firstWord.text };
    }
    this.errorf(`can't evaluate command ${quote(nodeString(firstWord))}`);
  }

  private idealConstant(constant: NumberNode): Val {
    this.at(constant);
    const text = constant.text;
    if (constant.isComplex) {
      throw new UnsupportedError(`complex values such as ${text} are not supported`);
    }
    const isHexInt = text.length > 2 && text[0] === "0" && (text[1] === "x" || text[1] === "X") &&
      !/[pP]/.test(text);
    const isRuneInt = text[0] === "'";
    if (constant.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(text)) {
      return { k: "float64", f: constant.float64 };
    }
    if (constant.isInt) return { k: "int", i: constant.int64 };
    if (constant.isUint) this.errorf(`${text} overflows int`);
    return INVALID;
  }

  private evalFieldNode(dot: Val, field: FieldNode, operands: Operands): Val {
    this.at(field);
    return this.evalFieldChain(dot, { node: field, ident: field.ident, ...operands });
  }

  private evalChainNode(dot: Val, chain: ChainNode, operands: Operands): Val {
    this.at(chain);
    if (chain.node.t === "nil") {
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    }
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(pipe, { node: chain, ident: chain.field, ...operands });
  }

  private evalVariableNode(_dot: Val, variable: VariableNode, operands: Operands): Val {
    this.at(variable);
    const value = this.varValue(variable.ident[0]!);
    if (variable.ident.length === 1) {
      this.notAFunction(operands.args, operands.final);
      return value;
    }
    return this.evalFieldChain(value, {
      node: variable,
      ident: variable.ident.slice(1),
      ...operands,
    });
  }

  /**
   * Go's `evalFieldChain(dot, receiver, node, ident, args, final)`; dot and node only matter to
   * Go for method calls, and these structs have none.
   */
  private evalFieldChain(receiver: Val, chain: FieldChain): Val {
    const { ident } = chain;
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      receiver = this.evalField(receiver, ident[i]!, NO_OPERANDS);
    }
    return this.evalField(receiver, ident[n - 1]!, chain);
  }

  /** Go's `evalFunction(dot, node, cmd, args, final)`. */
  private evalFunction(dot: Val, node: IdentifierNode, call: Operands & { cmd: Node }): Val {
    this.at(node);
    const name = node.ident;
    const fn = this.funcs.get(name) ?? BUILTINS.get(name);
    if (fn === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, fn, { node: call.cmd, name, args: call.args, final: call.final });
  }

  /**
   * Go's `evalField(dot, fieldName, node, args, final, receiver)`, the receiver first; dot and
   * node only matter to Go for method calls.
   */
  private evalField(receiver: Val, fieldName: Bytes, { args, final }: Operands): Val {
    if (receiver.k === "invalid") return INVALID;
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver.k === "struct") {
      const field = receiver.fields.find(([name]) => name === fieldName);
      if (field !== undefined) {
        if (!isExported(fieldName)) {
          this.errorf(
            `${fieldName} is an unexported field of struct type ${typeName(receiver)}`,
          );
        }
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return { k: "string", s: field[1] };
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typeName(receiver)}`);
  }

  /** Go's `evalCall(dot, fun, isBuiltin, node, name, args, final)`; `fn` knows if it is builtin. */
  private evalCall(dot: Val, fn: Func, call: Operands & { node: Node; name: Bytes }): Val {
    const { node, name, args: argNodes, final } = call;
    const args = argNodes !== null ? argNodes.slice(1) : [];
    const { fixed, variadic } = fn.sig;
    const numIn = args.length + (final !== MISSING ? 1 : 0);
    let numFixed = args.length;
    if (variadic !== null) {
      numFixed = fixed.length;
      if (numIn < numFixed) {
        this.errorf(
          `wrong number of args for ${name}: want at least ${numFixed} got ${args.length}`,
        );
      }
    } else if (numIn !== fixed.length) {
      this.errorf(`wrong number of args for ${name}: want ${fixed.length} got ${numIn}`);
    }

    if (fn.builtin && (name === "and" || name === "or")) {
      let v: Val = INVALID;
      for (const arg of args) {
        v = this.evalArg(dot, "value", arg);
        if (isTrue(v) === (name === "or")) return v;
      }
      if (final !== MISSING) v = this.validateType(final, "value");
      return v;
    }

    const argv: Val[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) {
      argv.push(this.evalArg(dot, fixed[i]!, args[i]!));
    }
    if (variadic !== null) {
      for (; i < args.length; i++) argv.push(this.evalArg(dot, variadic, args[i]!));
    }
    if (final !== MISSING) {
      let t = fixed[fixed.length - 1]!;
      if (variadic !== null) t = numIn - 1 < numFixed ? fixed[numIn - 1]! : variadic;
      argv.push(this.validateType(final, t));
    }
    if (fn.builtin && name === "call") {
      const callee = args.length === 0 ? reflectValueString(final) : nodeString(args[0]!);
      argv.unshift({ k: "string", s: callee });
    }
    let taken = 0;
    for (const arg of argv) if (arg.k === "string") taken += arg.s.length;
    this.spend(taken);
    try {
      return fn.call(argv, this);
    } catch (e) {
      let message: Bytes;
      if (e instanceof BuiltinError) message = e.bytes;
      else if (e instanceof FunctionError) message = utf8Encode(e.message);
      else throw e;
      this.at(node);
      this.errorf(`error calling ${name}: ${message}`);
    }
  }

  private validateType(value: Val, typ: ParamType | null): Val {
    if (value.k === "invalid") {
      if (typ === null || typ === "value") return INVALID;
      if (typ === "any") return NIL;
      this.errorf(`invalid value; expected ${PARAM_TYPE_NAMES[typ]}`);
    }
    if (typ === null || typ === "value" || typ === "any") return value;
    if (value.k !== typ) {
      this.errorf(
        `wrong type for value; expected ${PARAM_TYPE_NAMES[typ]}; got ${typeName(value)}`,
      );
    }
    return value;
  }

  private evalArg(dot: Val, typ: ParamType | null, n: ArgNode): Val {
    this.at(n);
    this.step(); // Every argument is work: a call may take thousands.
    switch (n.t) {
      case "dot":
        return this.validateType(dot, typ);
      case "nil":
        if (typ === "value") return INVALID;
        if (typ === "any") return NIL;
        this.errorf(`cannot assign nil to ${typ === null ? "<nil>" : PARAM_TYPE_NAMES[typ]}`);
        break;
      case "field":
        return this.validateType(this.evalFieldNode(dot, n, { args: [n], final: MISSING }), typ);
      case "variable":
        return this.validateType(this.evalVariableNode(dot, n, NO_OPERANDS), typ);
      case "pipe":
        return this.validateType(this.evalPipeline(dot, n), typ);
      case "identifier":
        return this.validateType(this.evalFunction(dot, n, { cmd: n, ...NO_OPERANDS }), typ);
      case "chain":
        return this.validateType(this.evalChainNode(dot, n, NO_OPERANDS), typ);
    }
    switch (typ) {
      case "bool":
        this.at(n);
        if (n.t === "bool") return { k: "bool", b: n.val };
        this.errorf(`expected bool; found ${nodeString(n)}`);
        break;
      case "float64":
        this.at(n);
        if (n.t === "number" && n.isFloat) return { k: "float64", f: n.float64 };
        this.errorf(`expected float; found ${nodeString(n)}`);
        break;
      case "int":
        this.at(n);
        if (n.t === "number" && n.isInt) return { k: "int", i: n.int64 };
        this.errorf(`expected integer; found ${nodeString(n)}`);
        break;
      case "any":
      case "value":
        return this.evalEmptyInterface(dot, n);
      case "string":
        this.at(n);
        if (n.t === "string") return { k: "string", s: n.text };
        this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`);
  }

  private evalEmptyInterface(dot: Val, n: ArgNode): Val {
    this.at(n);
    switch (n.t) {
      case "bool":
        return { k: "bool", b: n.val };
      case "dot":
        return dot;
      case "field":
        return this.evalFieldNode(dot, n, NO_OPERANDS);
      case "identifier":
        return this.evalFunction(dot, n, { cmd: n, ...NO_OPERANDS });
      case "nil":
        this.errorf("evalEmptyInterface: nil (can't happen)");
        break;
      case "number":
        return this.idealConstant(n);
      case "string":
        return { k: "string", s: n.text };
      case "variable":
        return this.evalVariableNode(dot, n, NO_OPERANDS);
      case "pipe":
        return this.evalPipeline(dot, n);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private printValue(n: Node, v: Val): void {
    this.at(n);
    // fmt.Sprint of one string within the length limit is the string itself.
    const simple = v.k === "string" && v.s.length <= this.fmtLimits.maxLength;
    this.write(
      v.k === "invalid" ? "<no value>" : simple ? v.s : sprint([v], this.fmtLimits),
    );
  }

  sprintV(v: Val): Bytes {
    return sprint([v.k === "invalid" ? NIL : v], this.fmtLimits);
  }
}

function isExported(name: Bytes): boolean {
  const c = name.charCodeAt(0);
  if (c < 0x80) return c >= 0x41 && c <= 0x5a; // ASCII: an upper-case letter is Lu, nothing else
  const [r] = decodeRune(name, 0);
  return /^\p{Lu}$/u.test(String.fromCodePoint(r));
}

/** Go's `reflect.Value.String()`. */
function reflectValueString(v: Val): Bytes {
  if (v.k === "string") return v.s;
  if (v.k === "invalid" || v.k === "nil") return "<invalid Value>";
  return `<${typeName(v)} Value>`;
}

// ---------------------------------------------------------------------------
// Builtin functions
// ---------------------------------------------------------------------------

function fnErr(message: Bytes): never {
  throw new BuiltinError(message);
}

type Kind = "invalid" | "bool" | "int" | "float" | "string" | "uint";

function basicKind(v: Val): Kind {
  switch (v.k) {
    case "bool":
      return "bool";
    case "int":
      return "int";
    case "uint8":
      return "uint";
    case "float64":
      return "float";
    case "string":
      return "string";
    default:
      return "invalid";
  }
}

function num(v: Val): bigint {
  return v.k === "int" || v.k === "uint8" ? v.i : 0n;
}

function eq(arg1: Val, rest: readonly Val[]): boolean {
  if (rest.length === 0) fnErr("missing argument for comparison");
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if ((k1 === "int" && k2 === "uint") || (k1 === "uint" && k2 === "int")) {
        truth = num(arg1) === num(arg);
      } else if (arg1.k !== "invalid" && arg.k !== "invalid") {
        fnErr("incompatible types for comparison");
      }
    } else {
      switch (k1) {
        case "bool":
          truth = (arg1 as { b: boolean }).b === (arg as { b: boolean }).b;
          break;
        case "float":
          truth = (arg1 as { f: number }).f === (arg as { f: number }).f;
          break;
        case "int":
        case "uint":
          truth = num(arg1) === num(arg);
          break;
        case "string":
          truth = (arg1 as { s: Bytes }).s === (arg as { s: Bytes }).s;
          break;
        default: {
          // invalid values and structs
          if (arg1.k === "invalid" || arg.k === "invalid") {
            truth = (arg1.k === "invalid") === (arg.k === "invalid");
          } else if (arg1.k === "struct" && arg.k === "struct") {
            truth = arg1.type === arg.type && arg1.fields.length === arg.fields.length &&
              arg1.fields.every(([n, v], i) =>
                arg.fields[i]?.[0] === n && arg.fields[i]?.[1] === v
              );
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: Val, arg2: Val): boolean {
  const k1 = basicKind(arg1);
  if (k1 === "invalid") fnErr("invalid type for comparison");
  const k2 = basicKind(arg2);
  if (k2 === "invalid") fnErr("invalid type for comparison");
  if (k1 !== k2) {
    if ((k1 === "int" && k2 === "uint") || (k1 === "uint" && k2 === "int")) {
      return num(arg1) < num(arg2);
    }
    fnErr("incompatible types for comparison");
  }
  switch (k1) {
    case "bool":
      fnErr("invalid type for comparison");
      break;
    case "float":
      return (arg1 as { f: number }).f < (arg2 as { f: number }).f;
    case "string":
      return (arg1 as { s: Bytes }).s < (arg2 as { s: Bytes }).s;
  }
  return num(arg1) < num(arg2);
}

function le(a: Val, b: Val): boolean {
  return lt(a, b) || eq(a, [b]);
}

function boolVal(b: boolean): Val {
  return { k: "bool", b };
}

function indexArg(index: Val, cap: number): number {
  if (index.k === "invalid") fnErr("cannot index slice/array with nil");
  if (index.k !== "int" && index.k !== "uint8") {
    fnErr(`cannot index slice/array with type ${typeName(index)}`);
  }
  if (index.i < 0n || index.i > BigInt(cap)) fnErr(`index out of range: ${index.i}`);
  return Number(index.i);
}

function evalArgsString(args: readonly Val[], exec: Executor): Bytes {
  const first = args[0];
  if (args.length === 1 && first !== undefined && first.k === "string") return first.s;
  const printable = args.map((a): Val =>
    a.k === "nil" || a.k === "invalid" ? { k: "string", s: "<no value>" } : a
  );
  return sprint(printable, exec.fmtLimits);
}

const V: ParamType = "value";

function builtin(
  fixed: readonly ParamType[],
  variadic: ParamType | null,
  call: (args: readonly Val[], exec: Executor) => Val,
): Func {
  return { sig: { fixed, variadic }, builtin: true, call };
}

const BUILTINS: ReadonlyMap<Bytes, Func> = new Map<Bytes, Func>([
  ["and", builtin([V], V, () => INVALID)],
  ["or", builtin([V], V, () => INVALID)],
  [
    "call",
    builtin([V], V, (args) => {
      const name = (args[0] as { s: Bytes }).s;
      const fn = args[1]!;
      if (fn.k === "invalid") fnErr("call of nil");
      return fnErr(`non-function ${name} of type ${typeName(fn)}`);
    }),
  ],
  ["html", builtin([], "any", (args, x) => x.checkString(htmlEscape(evalArgsString(args, x))))],
  ["js", builtin([], "any", (args, x) => x.checkString(jsEscape(evalArgsString(args, x))))],
  [
    "urlquery",
    builtin([], "any", (args, x) => x.checkString(urlQueryEscape(evalArgsString(args, x)))),
  ],
  ["print", builtin([], "any", (args, x) => x.checkString(sprint(args, x.fmtLimits)))],
  ["println", builtin([], "any", (args, x) => x.checkString(sprintln(args, x.fmtLimits)))],
  [
    "printf",
    builtin(
      ["string"],
      "any",
      (args, x) => x.checkString(sprintf((args[0] as { s: Bytes }).s, args.slice(1), x.fmtLimits)),
    ),
  ],
  [
    "index",
    builtin([V], V, (args) => {
      let item = args[0]!;
      if (item.k === "invalid") fnErr("index of untyped nil");
      for (const index of args.slice(1)) {
        if (item.k !== "string") fnErr(`can't index item of type ${typeName(item)}`);
        const x = indexArg(index, item.s.length);
        if (x === item.s.length) fnErr("reflect: string index out of range");
        item = { k: "uint8", i: BigInt(item.s.charCodeAt(x)) };
      }
      return item;
    }),
  ],
  [
    "slice",
    builtin([V], V, (args) => {
      const item = args[0]!;
      const indexes = args.slice(1);
      if (item.k === "invalid") fnErr("slice of untyped nil");
      if (indexes.length > 3) fnErr(`too many slice indexes: ${indexes.length}`);
      if (item.k !== "string") fnErr(`can't slice item of type ${typeName(item)}`);
      if (indexes.length === 3) fnErr("cannot 3-index slice a string");
      const idx = [0, item.s.length];
      indexes.forEach((index, i) => {
        idx[i] = indexArg(index, item.s.length);
      });
      if (idx[0]! > idx[1]!) fnErr(`invalid slice index: ${idx[0]} > ${idx[1]}`);
      return { k: "string", s: item.s.slice(idx[0], idx[1]) };
    }),
  ],
  [
    "len",
    builtin([V], null, (args) => {
      const item = args[0]!;
      if (item.k === "invalid") fnErr("reflect: call of reflect.Value.Type on zero Value");
      if (item.k === "string") return { k: "int", i: BigInt(item.s.length) };
      return fnErr(`len of type ${typeName(item)}`);
    }),
  ],
  ["not", builtin([V], null, (args) => boolVal(!isTrue(args[0]!)))],
  ["eq", builtin([V], V, (args) => boolVal(eq(args[0]!, args.slice(1))))],
  ["ne", builtin([V, V], null, (args) => boolVal(!eq(args[0]!, [args[1]!])))],
  ["lt", builtin([V, V], null, (args) => boolVal(lt(args[0]!, args[1]!)))],
  ["le", builtin([V, V], null, (args) => boolVal(le(args[0]!, args[1]!)))],
  ["gt", builtin([V, V], null, (args) => boolVal(!le(args[0]!, args[1]!)))],
  ["ge", builtin([V, V], null, (args) => boolVal(!lt(args[0]!, args[1]!)))],
]);

// ---------------------------------------------------------------------------
// Custom functions
// ---------------------------------------------------------------------------

function toGoValue(v: Val): GoValue {
  switch (v.k) {
    case "string": {
      const s = utf8Decode(v.s);
      if (s === null) {
        throw new UnsupportedError("a string that is not valid UTF-8 was passed to a function");
      }
      return { kind: "string", value: s };
    }
    case "int":
      return { kind: "int", value: v.i };
    case "uint8":
      return { kind: "uint8", value: Number(v.i) };
    case "float64":
      return { kind: "float64", value: v.f };
    case "bool":
      return { kind: "bool", value: v.b };
    case "struct": {
      const fields: Record<string, string> = {};
      for (const [name, value] of v.fields) {
        fields[utf8Decode(name) ?? name] = utf8Decode(value) ?? value;
      }
      return { kind: "struct", value: { typeName: utf8Decode(v.type) ?? v.type, fields } };
    }
    default:
      return { kind: "nil" };
  }
}

function fromGoValue(v: GoValue, exec: Executor): Val {
  switch (v.kind) {
    case "string":
      return exec.checkString(utf8Encode(v.value));
    case "int":
      return { k: "int", i: BigInt.asIntN(64, v.value) };
    case "uint8":
      return { k: "uint8", i: BigInt(v.value & 0xff) };
    case "float64":
      return { k: "float64", f: v.value };
    case "bool":
      return { k: "bool", b: v.value };
    case "struct":
      return structVal(v.value);
    case "nil":
      return INVALID;
  }
}

function customFunc(f: GoFunction): Func {
  return {
    sig: { fixed: f.params, variadic: null },
    builtin: false,
    call: (args, exec) => fromGoValue(f.call(args.map(toGoValue)), exec),
  };
}
