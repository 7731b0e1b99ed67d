/**
 * Byte strings, UTF-8, `strconv` and `fmt` behaviour of Go, as needed by the
 * `text/template` evaluator in `go_template.ts`.
 *
 * Go strings are byte sequences. Inside this module and `go_template.ts` a Go
 * string is a JavaScript string whose every UTF-16 unit is one byte (0-255):
 * a {@link Bytes} value. Conversion to and from ordinary JavaScript strings
 * happens only at the public API boundary.
 *
 * Written from the documented behaviour of Go's `fmt` and `strconv`
 * packages and checked against real Go by the oracle under
 * `tests/tools/go_template_oracle`.
 *
 * @module
 */

/** A Go string: one UTF-16 unit per byte, every unit in 0..255. */
export type Bytes = string;

/** Thrown when a configured resource limit is hit. */
export class LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LimitError";
  }
}

/** Thrown when the input uses a construct this implementation deliberately does not model. */
export class UnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedError";
  }
}

// ---------------------------------------------------------------------------
// UTF-8
// ---------------------------------------------------------------------------

export const RUNE_ERROR = 0xfffd;
export const MAX_RUNE = 0x10ffff;

function bytesFromCodes(codes: number[]): Bytes {
  let out = "";
  for (let i = 0; i < codes.length; i += 8192) {
    out += String.fromCharCode(...codes.slice(i, i + 8192));
  }
  return out;
}

/** Encodes a JavaScript string as UTF-8 bytes (lone surrogates become U+FFFD). */
export function utf8Encode(s: string): Bytes {
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  const codes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = RUNE_ERROR;
    pushRune(codes, c);
  }
  return bytesFromCodes(codes);
}

function pushRune(codes: number[], r: number): void {
  if (r < 0 || r > MAX_RUNE || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x80) codes.push(r);
  else if (r < 0x800) codes.push(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  else if (r < 0x10000) {
    codes.push(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  } else {
    codes.push(
      0xf0 | (r >> 18),
      0x80 | ((r >> 12) & 0x3f),
      0x80 | ((r >> 6) & 0x3f),
      0x80 | (r & 0x3f),
    );
  }
}

/** The UTF-8 encoding of one rune, as Go's `utf8.AppendRune` (invalid runes give U+FFFD). */
export function runeBytes(r: number): Bytes {
  if (r >= 0 && r < 0x80) return String.fromCharCode(r);
  const codes: number[] = [];
  pushRune(codes, r);
  return String.fromCharCode(...codes);
}

/** Go's `utf8.DecodeRuneInString(s[i:])`: [rune, width]; invalid input gives [U+FFFD, 1]. */
export function decodeRune(b: Bytes, i: number): [number, number] {
  const n = b.length - i;
  if (n < 1) return [RUNE_ERROR, 0];
  const c0 = b.charCodeAt(i);
  if (c0 < 0x80) return [c0, 1];
  if (c0 < 0xc2 || c0 > 0xf4) return [RUNE_ERROR, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    if (k >= n) return -1;
    const c = b.charCodeAt(i + k);
    return c >= lo && c <= hi ? c & 0x3f : -1;
  };
  if (c0 < 0xe0) {
    const c1 = cont(1);
    return c1 < 0 ? [RUNE_ERROR, 1] : [((c0 & 0x1f) << 6) | c1, 2];
  }
  if (c0 < 0xf0) {
    const c1 = cont(1, c0 === 0xe0 ? 0xa0 : 0x80, c0 === 0xed ? 0x9f : 0xbf);
    if (c1 < 0) return [RUNE_ERROR, 1];
    const c2 = cont(2);
    if (c2 < 0) return [RUNE_ERROR, 1];
    return [((c0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  const c1 = cont(1, c0 === 0xf0 ? 0x90 : 0x80, c0 === 0xf4 ? 0x8f : 0xbf);
  if (c1 < 0) return [RUNE_ERROR, 1];
  const c2 = cont(2);
  if (c2 < 0) return [RUNE_ERROR, 1];
  const c3 = cont(3);
  if (c3 < 0) return [RUNE_ERROR, 1];
  return [((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
}

/** Go's `utf8.DecodeLastRuneInString(s[:end])`. */
export function decodeLastRune(b: Bytes, end: number): [number, number] {
  if (end <= 0) return [RUNE_ERROR, 0];
  const last = b.charCodeAt(end - 1);
  if (last < 0x80) return [last, 1];
  const lim = Math.max(0, end - 4);
  let start = end - 1;
  while (start > lim && (b.charCodeAt(start) & 0xc0) === 0x80) start--;
  const [r, size] = decodeRune(b, start);
  if (start + size !== end) return [RUNE_ERROR, 1];
  return [r, size];
}

/** Go's `utf8.RuneCountInString`. */
export function runeCount(b: Bytes): number {
  let n = 0;
  for (let i = 0; i < b.length;) {
    const c = b.charCodeAt(i);
    i += c < 0x80 ? 1 : decodeRune(b, i)[1];
    n++;
  }
  return n;
}

/** Decodes UTF-8 bytes into a JavaScript string; `null` when the bytes are not valid UTF-8. */
export function utf8Decode(b: Bytes): string | null {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return b;
  const units: number[] = [];
  let out = "";
  for (let i = 0; i < b.length;) {
    const [r, size] = decodeRune(b, i);
    if (r === RUNE_ERROR && size === 1) return null;
    if (r >= 0x10000) {
      const v = r - 0x10000;
      units.push(0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff));
    } else units.push(r);
    i += size;
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

export function validRune(r: number): boolean {
  return (r >= 0 && r < 0xd800) || (r > 0xdfff && r <= MAX_RUNE);
}

// Unicode classes. Each regex is anchored and tests exactly one code point. They are built on first
// use: creating the four takes 0.5-0.9 ms, a sixth of the module code a KRM run starts with, and
// only a template that prints beyond ASCII needs them.
const unicodeClass = (pattern: () => RegExp): () => RegExp => {
  let built: RegExp | undefined;
  return () => built ??= pattern();
};
const RE_LETTER = unicodeClass(() => /^\p{L}$/u);
const RE_DIGIT = unicodeClass(() => /^\p{Nd}$/u);
const RE_GRAPHIC = unicodeClass(() => /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u);
const RE_WHITE_SPACE = unicodeClass(() => /^\p{White_Space}$/u);

/** Go's `unicode.IsLetter`. */
export function isLetter(r: number): boolean {
  if (r < 0x80) return (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  return validRune(r) && RE_LETTER().test(String.fromCodePoint(r));
}

/** Go's `unicode.IsDigit`. */
export function isDigit(r: number): boolean {
  if (r < 0x80) return r >= 0x30 && r <= 0x39;
  return validRune(r) && RE_DIGIT().test(String.fromCodePoint(r));
}

/** Go's `strconv.IsPrint` / `unicode.IsPrint`: categories L, M, N, P, S and U+0020. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  return validRune(r) && RE_GRAPHIC().test(String.fromCodePoint(r));
}

/** Go's `unicode.IsSpace`. */
export function isUnicodeSpace(r: number): boolean {
  if (r < 0x80) return r === 0x20 || (r >= 0x09 && r <= 0x0d);
  return validRune(r) && RE_WHITE_SPACE().test(String.fromCodePoint(r));
}

/** Go's `bytes.TrimSpace(b)` is empty. */
export function isAllSpace(b: Bytes): boolean {
  for (let i = 0; i < b.length;) {
    const [r, size] = decodeRune(b, i);
    if (!(size > 1 || r !== RUNE_ERROR) || !isUnicodeSpace(r)) return false;
    i += size;
  }
  return true;
}

// ---------------------------------------------------------------------------
// strconv: quoting
// ---------------------------------------------------------------------------

const LOWER_HEX = "0123456789abcdef";
const UPPER_HEX = "0123456789ABCDEF";

function hexN(v: number, n: number): string {
  let s = "";
  for (let shift = (n - 1) * 4; shift >= 0; shift -= 4) s += LOWER_HEX[(v >> shift) & 0xf];
  return s;
}

function escapedRune(r: number, quote: number, asciiOnly: boolean): Bytes {
  if (r === quote || r === 0x5c) return "\\" + String.fromCharCode(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCharCode(r);
  } else if (isPrint(r)) return runeBytes(r);
  switch (r) {
    case 0x07:
      return "\\a";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x0b:
      return "\\v";
  }
  if (r < 0x20 || r === 0x7f) return "\\x" + hexN(r, 2);
  if (!validRune(r)) r = RUNE_ERROR;
  if (r < 0x10000) return "\\u" + hexN(r, 4);
  return "\\U" + hexN(r, 8);
}

/** Go's `strconv.Quote` (or `QuoteToASCII` when `asciiOnly`). */
export function quote(s: Bytes, asciiOnly = false): Bytes {
  let out = '"';
  for (let i = 0; i < s.length;) {
    const [r, width] = decodeRune(s, i);
    if (width === 1 && r === RUNE_ERROR) {
      const c = s.charCodeAt(i);
      out += "\\x" + LOWER_HEX[c >> 4] + LOWER_HEX[c & 0xf];
    } else out += escapedRune(r, 0x22, asciiOnly);
    i += width;
  }
  return out + '"';
}

/** Go's `strconv.QuoteRune` (or `QuoteRuneToASCII`). */
export function quoteRune(r: number, asciiOnly = false): Bytes {
  if (!validRune(r)) r = RUNE_ERROR;
  return "'" + escapedRune(r, 0x27, asciiOnly) + "'";
}

/** Go's `strconv.CanBackquote`. */
export function canBackquote(s: Bytes): boolean {
  for (let i = 0; i < s.length;) {
    const [r, wid] = decodeRune(s, i);
    i += wid;
    if (wid > 1) {
      if (r === 0xfeff) return false;
      continue;
    }
    if (r === RUNE_ERROR) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Go's `strconv.UnquoteChar(s[i:], quote)`; `null` means `ErrSyntax`. */
export function unquoteChar(
  s: Bytes,
  i: number,
  q: number,
): { value: number; multibyte: boolean; next: number } | null {
  if (i >= s.length) return null;
  const c = s.charCodeAt(i);
  if (c === q && (q === 0x27 || q === 0x22)) return null;
  if (c >= 0x80) {
    const [r, size] = decodeRune(s, i);
    return { value: r, multibyte: true, next: i + size };
  }
  if (c !== 0x5c) return { value: c, multibyte: false, next: i + 1 };
  if (i + 1 >= s.length) return null;
  const e = s.charCodeAt(i + 1);
  let j = i + 2;
  const simple: Record<number, number> = {
    0x61: 7,
    0x62: 8,
    0x66: 12,
    0x6e: 10,
    0x72: 13,
    0x74: 9,
    0x76: 11,
    0x5c: 0x5c,
  };
  const sv = simple[e];
  if (sv !== undefined) return { value: sv, multibyte: false, next: j };
  if (e === 0x78 || e === 0x75 || e === 0x55) {
    const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
    if (s.length - j < n) return null;
    let v = 0;
    for (let k = 0; k < n; k++) {
      const x = unhex(s.charCodeAt(j + k));
      if (x < 0) return null;
      v = v * 16 + x;
    }
    j += n;
    if (e === 0x78) return { value: v, multibyte: false, next: j };
    if (!validRune(v)) return null;
    return { value: v, multibyte: true, next: j };
  }
  if (e >= 0x30 && e <= 0x37) {
    let v = e - 0x30;
    if (s.length - j < 2) return null;
    for (let k = 0; k < 2; k++) {
      const x = s.charCodeAt(j + k) - 0x30;
      if (x < 0 || x > 7) return null;
      v = (v << 3) | x;
    }
    j += 2;
    if (v > 255) return null;
    return { value: v, multibyte: false, next: j };
  }
  if (e === 0x27 || e === 0x22) {
    if (e !== q) return null;
    return { value: e, multibyte: false, next: j };
  }
  return null;
}

/** Go's `strconv.Unquote` for "…" and `…` literals; `null` means `ErrSyntax`. */
export function unquote(s: Bytes): Bytes | null {
  if (s.length < 2) return null;
  const q = s.charCodeAt(0);
  if (q === 0x60) {
    const end = s.indexOf("`", 1);
    if (end !== s.length - 1) return null;
    return s.slice(1, end).replaceAll("\r", "");
  }
  if (q !== 0x22) return null;
  let out = "";
  let i = 1;
  while (i < s.length && s.charCodeAt(i) !== q) {
    if (s.charCodeAt(i) === 0x0a) return null;
    const u = unquoteChar(s, i, q);
    if (u === null) return null;
    i = u.next;
    out += u.value < 0x80 || !u.multibyte ? String.fromCharCode(u.value) : runeBytes(u.value);
  }
  if (i !== s.length - 1) return null;
  return out;
}

// ---------------------------------------------------------------------------
// strconv: number parsing (base 0 integers, floats)
// ---------------------------------------------------------------------------

function lower(c: number): number {
  return c | 0x20;
}

/** Go's `strconv.underscoreOK`. */
function underscoreOK(s: Bytes): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (
    s.length >= 2 && s[0] === "0" &&
    (lower(s.charCodeAt(1)) === 0x62 || lower(s.charCodeAt(1)) === 0x6f ||
      lower(s.charCodeAt(1)) === 0x78)
  ) {
    i = 2;
    saw = "0";
    hex = lower(s.charCodeAt(1)) === 0x78;
  }
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (hex && lower(c) >= 0x61 && lower(c) <= 0x66)) {
      saw = "0";
      continue;
    }
    if (c === 0x5f) {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** Go's `strconv.ParseUint(s, 0, 64)`: the value, or "syntax" / "range". */
export function parseUint0(s: Bytes): bigint | "syntax" | "range" {
  if (s === "") return "syntax";
  const s0 = s;
  let base = 10;
  if (s[0] === "0") {
    const c1 = s.length >= 3 ? lower(s.charCodeAt(1)) : 0;
    if (c1 === 0x62) [base, s] = [2, s.slice(2)];
    else if (c1 === 0x6f) [base, s] = [8, s.slice(2)];
    else if (c1 === 0x78) [base, s] = [16, s.slice(2)];
    else [base, s] = [8, s.slice(1)];
  }
  const b = BigInt(base);
  let n = 0n;
  let underscores = false;
  let range = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let d: number;
    if (c === 0x5f) {
      underscores = true;
      continue;
    } else if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (lower(c) >= 0x61 && lower(c) <= 0x7a) d = lower(c) - 0x61 + 10;
    else return "syntax";
    if (d >= base) return "syntax";
    if (range) continue;
    n = n * b + BigInt(d);
    if (n > MAX_UINT64) range = true;
  }
  if (range) return "range";
  if (underscores && !underscoreOK(s0)) return "syntax";
  return n;
}

/** Go's `strconv.ParseInt(s, 0, 64)`. */
export function parseInt0(s: Bytes): bigint | "syntax" | "range" {
  if (s === "") return "syntax";
  let neg = false;
  let body = s;
  if (s[0] === "+") body = s.slice(1);
  else if (s[0] === "-") {
    neg = true;
    body = s.slice(1);
  }
  const un = parseUint0(body);
  if (un === "syntax") return "syntax";
  if (un === "range") return "range";
  const cutoff = 1n << 63n;
  if (!neg && un >= cutoff) return "range";
  if (neg && un > cutoff) return "range";
  return neg ? -un : un;
}

/** Correctly rounded `m * 2**e2` as a float64 (m >= 0). */
function bigToDouble(m: bigint, e2: number): number {
  if (m === 0n) return 0;
  const bitlen = m.toString(2).length;
  let lsb = Math.max(e2 + bitlen - 53, -1074);
  const shift = lsb - e2;
  let q: bigint;
  if (shift > 0) {
    const s = BigInt(shift);
    q = m >> s;
    const rem = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  } else q = m << BigInt(-shift);
  if (q === 1n << 53n) {
    q >>= 1n;
    lsb++;
  }
  if (lsb > 971) return Infinity;
  // q < 2**53 and the product is exactly representable, so it is exact.
  return Number(q) * 2 ** lsb;
}

/** Go's `strconv.ParseFloat(s, 64)` for finite inputs; `null` on any error (syntax or range). */
export function parseFloat64(s: Bytes): number | null {
  let i = 0;
  let neg = false;
  let underscores = false;
  if (i < s.length && (s[i] === "+" || s[i] === "-")) {
    neg = s[i] === "-";
    i++;
  }
  // Go also accepts "inf", "infinity" and "nan"; the template lexer never produces them.
  let hex = false;
  if (i + 2 < s.length && s[i] === "0" && lower(s.charCodeAt(i + 1)) === 0x78) {
    hex = true;
    i += 2;
  }
  let sawdot = false;
  let sawdigits = false;
  let mant = "";
  let fracDigits = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5f) {
      underscores = true;
      continue;
    }
    if (c === 0x2e) {
      if (sawdot) break;
      sawdot = true;
      continue;
    }
    if ((c >= 0x30 && c <= 0x39) || (hex && lower(c) >= 0x61 && lower(c) <= 0x66)) {
      sawdigits = true;
      mant += s[i];
      if (sawdot) fracDigits++;
      continue;
    }
    break;
  }
  if (!sawdigits) return null;
  let exp = 0;
  const expChar = hex ? 0x70 : 0x65;
  if (i < s.length && lower(s.charCodeAt(i)) === expChar) {
    i++;
    if (i >= s.length) return null;
    let esign = 1;
    if (s[i] === "+") i++;
    else if (s[i] === "-") {
      i++;
      esign = -1;
    }
    if (i >= s.length || s.charCodeAt(i) < 0x30 || s.charCodeAt(i) > 0x39) return null;
    let e = 0;
    for (; i < s.length && ((s[i]! >= "0" && s[i]! <= "9") || s[i] === "_"); i++) {
      if (s[i] === "_") {
        underscores = true;
        continue;
      }
      if (e < 10000) e = e * 10 + s.charCodeAt(i) - 0x30;
    }
    exp = e * esign;
  } else if (hex) return null;
  if (underscores && !underscoreOK(s.slice(0, i))) return null;
  if (i !== s.length) return null;
  let v: number;
  if (hex) {
    v = bigToDouble(BigInt("0x" + mant), exp - 4 * fracDigits);
  } else {
    v = Number(
      (sawdot
        ? mant.slice(0, mant.length - fracDigits) + "." + mant.slice(mant.length - fracDigits)
        : mant) + "e" + exp,
    );
  }
  if (!Number.isFinite(v)) return null;
  return neg ? -v : v;
}

// ---------------------------------------------------------------------------
// strconv: float formatting
// ---------------------------------------------------------------------------

interface Decimal {
  d: string; // significant digits, no leading or trailing zeros ("" for zero)
  dp: number; // decimal point position
}

function floatParts(x: number): { neg: boolean; mant: bigint; exp: number; special: string } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = (bits >> 63n) !== 0n;
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0x7ff) {
    return { neg, mant, exp, special: mant !== 0n ? "NaN" : neg ? "-Inf" : "+Inf" };
  }
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  exp += -1023;
  return { neg, mant, exp, special: "" };
}

function trimDecimal(d: string, dp: number): Decimal {
  let end = d.length;
  while (end > 0 && d[end - 1] === "0") end--;
  let start = 0;
  while (start < end && d[start] === "0") {
    start++;
    dp--;
  }
  if (start === end) return { d: "", dp: 0 };
  return { d: d.slice(start, end), dp };
}

/** Exact decimal expansion of mant * 2**(exp-52). */
function exactDecimal(mant: bigint, exp: number): Decimal {
  if (mant === 0n) return { d: "", dp: 0 };
  const e2 = exp - 52;
  if (e2 >= 0) {
    const s = (mant << BigInt(e2)).toString();
    return trimDecimal(s, s.length);
  }
  const s = (mant * 5n ** BigInt(-e2)).toString();
  return trimDecimal(s, s.length + e2);
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { d: "", dp: 0 };
  const e = Math.abs(x).toExponential();
  const k = e.indexOf("e");
  const digits = e.slice(0, k).replace(".", "");
  return trimDecimal(digits, Number(e.slice(k + 1)) + 1);
}

/** Rounds to nd digits, half to even on the exact value (Go's decimal.Round). */
function roundDecimal(a: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= a.d.length) return a;
  const c = a.d.charCodeAt(nd);
  let up: boolean;
  if (c === 0x35 && nd + 1 === a.d.length) {
    up = nd > 0 && (a.d.charCodeAt(nd - 1) - 0x30) % 2 === 1;
  } else up = c >= 0x35;
  if (!up) return trimDecimal(a.d.slice(0, nd), a.dp);
  let i = nd - 1;
  while (i >= 0 && a.d[i] === "9") i--;
  if (i < 0) return { d: "1", dp: a.dp + 1 };
  return trimDecimal(a.d.slice(0, i) + String.fromCharCode(a.d.charCodeAt(i) + 1), a.dp);
}

/** Go's `fmt byte, prec int` pair of strconv's float formatting. */
interface FloatFormat {
  fmt: string;
  prec: number;
}

/** Go's strconv `fmtE(dst, neg, d, prec, fmt)`. */
function fmtE(neg: boolean, d: Decimal, { fmt, prec }: FloatFormat): string {
  let out = neg ? "-" : "";
  out += d.d.length !== 0 ? d.d[0] : "0";
  if (prec > 0) {
    out += ".";
    let i = 1;
    const m = Math.min(d.d.length, prec + 1);
    if (i < m) {
      out += d.d.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += "0";
  }
  out += fmt;
  let exp = d.dp - 1;
  if (d.d.length === 0) exp = 0;
  out += exp < 0 ? "-" : "+";
  exp = Math.abs(exp);
  out += exp < 10 ? "0" + exp : String(exp);
  return out;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? "-" : "";
  if (d.dp > 0) {
    const m = Math.min(d.d.length, d.dp);
    out += d.d.slice(0, m) + "0".repeat(d.dp - m);
  } else out += "0";
  if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      out += j >= 0 && j < d.d.length ? d.d[j] : "0";
    }
  }
  return out;
}

/** Go's strconv `fmtX(dst, prec, fmt, neg, mant, exp, flt)` for float64. */
function fmtX(
  { fmt, prec }: FloatFormat,
  bits: { neg: boolean; mant: bigint; exp: number },
): string {
  const MASK64 = (1n << 64n) - 1n;
  const { neg } = bits;
  let { mant, exp } = bits;
  if (mant === 0n) exp = 0;
  mant <<= 8n;
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === "X" ? UPPER_HEX : LOWER_HEX;
  let out = neg ? "-" : "";
  out += "0" + fmt + String(Number((mant >> 60n) & 1n));
  mant = (mant << 4n) & MASK64;
  if (prec < 0 && mant !== 0n) {
    out += ".";
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & MASK64;
    }
  } else if (prec > 0) {
    out += ".";
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & MASK64;
    }
  }
  out += fmt === "X" ? "P" : "p";
  out += exp < 0 ? "-" : "+";
  exp = Math.abs(exp);
  out += exp < 10 ? "0" + exp : String(exp);
  return out;
}

/** Go's `strconv.FormatFloat(x, fmt, prec, 64)` for fmt in b e E f g G x X. */
export function formatFloat(x: number, fmt: string, prec: number): string {
  const { neg, mant, exp, special } = floatParts(x);
  if (special !== "") return special;
  if (fmt === "b") {
    const e = exp - 52;
    return (neg ? "-" : "") + mant.toString() + "p" + (e >= 0 ? "+" : "") + String(e);
  }
  if (fmt === "x" || fmt === "X") return fmtX({ fmt, prec }, { neg, mant, exp });
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(x);
    if (fmt === "e" || fmt === "E") prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === "f") prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const exact = exactDecimal(mant, exp);
    if (fmt === "e" || fmt === "E") digs = roundDecimal(exact, prec + 1);
    else if (fmt === "f") digs = roundDecimal(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDecimal(exact, prec);
    }
  }
  if (fmt === "e" || fmt === "E") return fmtE(neg, digs, { fmt, prec });
  if (fmt === "f") return fmtF(neg, digs, prec);
  // g, G
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const e = digs.dp - 1;
  if (e < -4 || e >= eprec) {
    if (prec > digs.d.length) prec = digs.d.length;
    return fmtE(neg, digs, { fmt: fmt === "g" ? "e" : "E", prec: prec - 1 });
  }
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/** A Go value as the evaluator sees it (strings are {@link Bytes}). */
export type Val =
  | { readonly k: "string"; readonly s: Bytes }
  | { readonly k: "int"; readonly i: bigint }
  | { readonly k: "uint8"; readonly i: bigint }
  | { readonly k: "float64"; readonly f: number }
  | { readonly k: "bool"; readonly b: boolean }
  | {
    readonly k: "struct";
    readonly type: string;
    readonly fields: readonly (readonly [string, Bytes])[];
  }
  /** A nil `interface{}` (an untyped nil handed to an `any` parameter). */
  | { readonly k: "nil" }
  /** Go's zero `reflect.Value` ("no value"). */
  | { readonly k: "invalid" };

export const INVALID: Val = { k: "invalid" };
export const NIL: Val = { k: "nil" };

/** The Go type name of a value, as `%T` and error messages print it. */
export function typeName(v: Val): string {
  switch (v.k) {
    case "struct":
      return v.type;
    case "nil":
    case "invalid":
      return "<nil>";
    default:
      return v.k;
  }
}

// ---------------------------------------------------------------------------
// fmt
// ---------------------------------------------------------------------------

export interface FmtLimits {
  /** Largest accepted width or precision. */
  readonly maxWidth: number;
  /** Largest produced string, in bytes. */
  readonly maxLength: number;
}

const TOO_LARGE = 1e6;

/** doPrintf's loop variables: the format index, the next argument, and whether an index was read. */
interface PrintfState {
  i: number;
  argNum: number;
  afterIndex: boolean;
}

class Printer {
  private parts: string[] = [];
  private n = 0;
  // flags
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  wid = 0;
  prec = 0;
  private arg: Val | null = null;
  reordered = false;
  goodArgNum = true;

  constructor(private readonly lim: FmtLimits) {}

  result(): Bytes {
    return this.parts.join("");
  }

  write(s: string): void {
    if (s.length === 0) return;
    this.n += s.length;
    if (this.n > this.lim.maxLength) {
      throw new LimitError(
        `a formatted string would exceed the limit of ${this.lim.maxLength} bytes`,
      );
    }
    this.parts.push(s);
  }

  clearflags(): void {
    this.widPresent =
      this.precPresent =
      this.minus =
      this.plus =
      this.sharp =
        false;
    this.space =
      this.zero =
      this.plusV =
      this.sharpV =
        false;
    this.wid = 0;
    this.prec = 0;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.write((this.zero && !this.minus ? "0" : " ").repeat(n));
  }

  pad(b: Bytes): void {
    if (!this.widPresent || this.wid === 0) {
      this.write(b);
      return;
    }
    const width = this.wid - runeCount(b);
    if (!this.minus) {
      this.writePadding(width);
      this.write(b);
    } else {
      this.write(b);
      this.writePadding(width);
    }
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? "true" : "false");
  }

  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let tail = "";
    if (this.sharp && u <= BigInt(MAX_RUNE) && isPrint(Number(u))) {
      tail = " '" + runeBytes(Number(u)) + "'";
    }
    let digits = u.toString(16).toUpperCase();
    if (digits.length < prec) digits = "0".repeat(prec - digits.length) + digits;
    const oldZero = this.zero;
    this.zero = false;
    this.pad("U+" + digits + tail);
    this.zero = oldZero;
  }

  /** Go's `fmtInteger(u, base, isSigned, verb, digits)`; `upper` stands for udigits. */
  fmtInteger(
    v: bigint,
    base: number,
    { isSigned, verb, upper }: { isSigned: boolean; verb: string; upper: boolean },
  ): void {
    const negative = isSigned && v < 0n;
    const u = negative ? -v : v;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && !this.minus && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = u.toString(base);
    if (upper) s = s.toUpperCase();
    if (s.length < prec) s = "0".repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = "0b" + s;
      else if (base === 8) {
        if (s[0] !== "0") s = "0" + s;
      } else if (base === 16) s = (upper ? "0X" : "0x") + s;
    }
    if (verb === "O") s = "0o" + s;
    if (negative) s = "-" + s;
    else if (this.plus) s = "+" + s;
    else if (this.space) s = " " + s;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  truncate(s: Bytes): Bytes {
    if (this.precPresent) {
      let n = this.prec;
      for (let i = 0; i < s.length;) {
        n--;
        if (n < 0) return s.slice(0, i);
        i += decodeRune(s, i)[1];
      }
    }
    return s;
  }

  fmtS(s: Bytes): void {
    this.pad(this.truncate(s));
  }

  fmtSx(s: Bytes, upper: boolean): void {
    const digits = upper ? UPPER_HEX : LOWER_HEX;
    let length = s.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    let out = "";
    const prefix = "0" + (upper ? "X" : "x");
    if (this.sharp) out += prefix;
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += " ";
        if (this.sharp) out += prefix;
      }
      const c = s.charCodeAt(i);
      out += digits[c >> 4]! + digits[c & 0xf]!;
    }
    this.write(out);
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtQ(s: Bytes): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) {
      this.pad("`" + s + "`");
      return;
    }
    this.pad(quote(s, this.plus));
  }

  fmtC(c: bigint): void {
    const r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    this.pad(runeBytes(r));
  }

  fmtQc(c: bigint): void {
    const r = c > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(c);
    this.pad(quoteRune(r, this.plus));
  }

  fmtFloatCore(v: number, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec);
    if (num[0] !== "-" && num[0] !== "+") num = "+" + num;
    if (this.space && num[0] === "+" && !this.plus) num = " " + num.slice(1);
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === "N" && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== "b") {
      let digits = 0;
      if (verb === "v" || verb === "g" || verb === "G" || verb === "x") {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = "";
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < num.length; i++) {
        const c = num[i]!;
        if (c === ".") {
          hasDecimalPoint = true;
          continue;
        }
        if (c === "p" || c === "P") {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if ((c === "e" || c === "E") && verb !== "x" && verb !== "X") {
          tail = num.slice(i);
          num = num.slice(0, i);
          break;
        }
        if (c !== "0") sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (num.length === 2 && num[1] === "0") digits--;
        num += ".";
      }
      if (digits > 0) num += "0".repeat(digits);
      num += tail;
    }
    if (this.plus || num[0] !== "+") {
      if (this.zero && !this.minus && this.widPresent && this.wid > num.length) {
        this.write(num[0]!);
        this.writePadding(this.wid - num.length);
        this.write(num.slice(1));
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  badVerb(verb: string): void {
    this.write("%!" + verb + "(");
    const arg = this.arg;
    if (arg !== null && arg.k !== "nil" && arg.k !== "invalid") {
      this.write(typeName(arg) + "=");
      this.printArg(arg, "v");
    } else this.write("<nil>");
    this.write(")");
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === "t" || verb === "v") this.fmtBoolean(v);
    else this.badVerb(verb);
  }

  fmtIntegerVerb(v: bigint, isSigned: boolean, verb: string): void {
    const asUint = BigInt.asUintN(64, v);
    switch (verb) {
      case "v":
        if (this.sharpV && !isSigned) {
          const sharp = this.sharp;
          this.sharp = true;
          this.fmtInteger(v, 16, { isSigned: false, verb: "v", upper: false });
          this.sharp = sharp;
        } else this.fmtInteger(v, 10, { isSigned, verb, upper: false });
        return;
      case "d":
        return this.fmtInteger(v, 10, { isSigned, verb, upper: false });
      case "b":
        return this.fmtInteger(v, 2, { isSigned, verb, upper: false });
      case "o":
      case "O":
        return this.fmtInteger(v, 8, { isSigned, verb, upper: false });
      case "x":
        return this.fmtInteger(v, 16, { isSigned, verb, upper: false });
      case "X":
        return this.fmtInteger(v, 16, { isSigned, verb, upper: true });
      case "c":
        return this.fmtC(asUint);
      case "q":
        return this.fmtQc(asUint);
      case "U":
        return this.fmtUnicode(asUint);
      default:
        this.badVerb(verb);
    }
  }

  fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case "v":
        return this.fmtFloatCore(v, "g", -1);
      case "b":
      case "g":
      case "G":
      case "x":
      case "X":
        return this.fmtFloatCore(v, verb, -1);
      case "f":
      case "e":
      case "E":
        return this.fmtFloatCore(v, verb, 6);
      case "F":
        return this.fmtFloatCore(v, "f", 6);
      default:
        this.badVerb(verb);
    }
  }

  fmtString(v: Bytes, verb: string): void {
    switch (verb) {
      case "v":
        if (this.sharpV) this.fmtQ(v);
        else this.fmtS(v);
        return;
      case "s":
        return this.fmtS(v);
      case "x":
        return this.fmtSx(v, false);
      case "X":
        return this.fmtSx(v, true);
      case "q":
        return this.fmtQ(v);
      default:
        this.badVerb(verb);
    }
  }

  printArg(arg: Val, verb: string): void {
    this.arg = arg;
    if (arg.k === "nil" || arg.k === "invalid") {
      if (verb === "T" || verb === "v") this.pad("<nil>");
      else this.badVerb(verb);
      return;
    }
    if (verb === "T") {
      this.fmtS(typeName(arg));
      return;
    }
    if (verb === "p") {
      this.badVerb(verb);
      return;
    }
    switch (arg.k) {
      case "bool":
        return this.fmtBool(arg.b, verb);
      case "float64":
        return this.fmtFloat(arg.f, verb);
      case "int":
        return this.fmtIntegerVerb(arg.i, true, verb);
      case "uint8":
        return this.fmtIntegerVerb(arg.i, false, verb);
      case "string":
        return this.fmtString(arg.s, verb);
      case "struct": {
        if (verb === "w") {
          this.badVerb(verb);
          return;
        }
        if (this.sharpV) this.write(arg.type);
        this.write("{");
        arg.fields.forEach(([name, value], i) => {
          if (i > 0) this.write(this.sharpV ? ", " : " ");
          if (this.plusV || this.sharpV) this.write(name + ":");
          this.arg = { k: "string", s: value };
          this.fmtString(value, verb);
        });
        this.write("}");
        return;
      }
    }
  }

  doPrint(args: readonly Val[]): void {
    let prevString = false;
    args.forEach((arg, argNum) => {
      const isString = arg.k === "string";
      if (argNum > 0 && !isString && !prevString) this.write(" ");
      this.printArg(arg, "v");
      prevString = isString;
    });
  }

  doPrintln(args: readonly Val[]): void {
    args.forEach((arg, argNum) => {
      if (argNum > 0) this.write(" ");
      this.printArg(arg, "v");
    });
    this.write("\n");
  }

  private checkWidth(n: number, what: string): void {
    if (Math.abs(n) > this.lim.maxWidth) {
      throw new LimitError(
        `a printf ${what} of ${Math.abs(n)} exceeds the limit of ${this.lim.maxWidth}`,
      );
    }
  }

  /**
   * Go's `parsenum(s, start, end)` with the limit check applied before Go's own overflow handling;
   * `end` is always `len(s)` in Go's calls, so it is not passed.
   */
  private parsenum(s: Bytes, start: number, what: string): [number, boolean, number] {
    const end = s.length;
    if (start >= end) return [0, false, end];
    let num = 0;
    let isnum = false;
    let i = start;
    for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
      if (num > TOO_LARGE) return [0, false, end];
      num = num * 10 + s.charCodeAt(i) - 0x30;
      isnum = true;
      this.checkWidth(num, what);
    }
    return [num, isnum, i];
  }

  private intFromArg(a: readonly Val[], argNum: number, what: string): [number, boolean, number] {
    let num = 0;
    let isInt = false;
    let newArgNum = argNum;
    if (argNum < a.length) {
      const v = a[argNum]!;
      if (v.k === "int" || v.k === "uint8") {
        if (v.i <= BigInt(TOO_LARGE) && v.i >= -BigInt(TOO_LARGE)) {
          num = Number(v.i);
          isInt = true;
        }
      }
      newArgNum = argNum + 1;
      if (Math.abs(num) > TOO_LARGE) {
        num = 0;
        isInt = false;
      }
      if (isInt) this.checkWidth(num, what);
    }
    return [num, isInt, newArgNum];
  }

  /** Go's `argNumber(argNum, format, i, numArgs)`, with argNum and i read from `at`. */
  private argNumber(
    at: { argNum: number; i: number },
    format: Bytes,
    numArgs: number,
  ): [number, number, boolean] {
    const { argNum, i } = at;
    if (format.length <= i || format[i] !== "[") return [argNum, i, false];
    this.reordered = true;
    // parseArgNumber
    let index = 0;
    let wid = 1;
    let ok = false;
    const f = format.slice(i);
    if (f.length >= 3) {
      for (let j = 1; j < f.length; j++) {
        if (f[j] === "]") {
          let width = 0;
          let isnum = false;
          let k = 1;
          for (; k < j && f.charCodeAt(k) >= 0x30 && f.charCodeAt(k) <= 0x39; k++) {
            if (width > TOO_LARGE) {
              isnum = false;
              k = j + 1; // forces the "not a number" outcome below
              break;
            }
            width = width * 10 + f.charCodeAt(k) - 0x30;
            isnum = true;
          }
          if (!isnum || k !== j) {
            index = 0;
            wid = j + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = j + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && 0 <= index && index < numArgs) return [index, i + wid, true];
    this.goodArgNum = false;
    return [argNum, i + wid, ok];
  }

  /** Go's doPrintf; its loop variables live in `st` so the steps below can share them. */
  doPrintf(format: Bytes, a: readonly Val[]): void {
    const end = format.length;
    const st: PrintfState = { i: 0, argNum: 0, afterIndex: false };
    this.reordered = false;
    while (st.i < end) {
      this.goodArgNum = true;
      const lasti = st.i;
      while (st.i < end && format[st.i] !== "%") st.i++;
      if (st.i > lasti) this.write(format.slice(lasti, st.i));
      if (st.i >= end) break;
      st.i++;
      this.clearflags();
      if (this.simpleFormat(format, a, st)) continue;
      this.widthAndPrecision(format, a, st);
      if (!st.afterIndex) [st.argNum, st.i, st.afterIndex] = this.argNumber(st, format, a.length);
      if (st.i >= end) {
        this.write("%!(NOVERB)");
        break;
      }
      this.printVerb(format, a, st);
    }
    if (!this.reordered && st.argNum < a.length) this.printExtra(a.slice(st.argNum));
  }

  /**
   * doPrintf's `simpleFormat` loop: the flags, then Go's fast path for a verb that follows them
   * directly; true when that fast path printed the argument.
   */
  private simpleFormat(format: Bytes, a: readonly Val[], st: PrintfState): boolean {
    const end = format.length;
    for (; st.i < end; st.i++) {
      const c = format[st.i]!;
      switch (c) {
        case "#":
          this.sharp = true;
          break;
        case "0":
          this.zero = true;
          break;
        case "+":
          this.plus = true;
          break;
        case "-":
          this.minus = true;
          break;
        case " ":
          this.space = true;
          break;
        default:
          if (c >= "a" && c <= "z" && st.argNum < a.length) {
            if (c === "v" || c === "w") {
              this.sharpV = this.sharp;
              this.sharp = false;
              this.plusV = this.plus;
              this.plus = false;
            }
            this.printArg(a[st.argNum]!, c);
            st.argNum++;
            st.i++;
            return true;
          }
          return false;
      }
    }
    return false;
  }

  /** doPrintf's argument index, width (`*` or digits) and precision (`.` then `*` or digits). */
  private widthAndPrecision(format: Bytes, a: readonly Val[], st: PrintfState): void {
    const end = format.length;
    [st.argNum, st.i, st.afterIndex] = this.argNumber(st, format, a.length);
    if (st.i < end && format[st.i] === "*") {
      st.i++;
      [this.wid, this.widPresent, st.argNum] = this.intFromArg(a, st.argNum, "width");
      if (!this.widPresent) this.write("%!(BADWIDTH)");
      if (this.wid < 0) {
        this.wid = -this.wid;
        this.minus = true;
        this.zero = false;
      }
      st.afterIndex = false;
    } else {
      [this.wid, this.widPresent, st.i] = this.parsenum(format, st.i, "width");
      if (st.afterIndex && this.widPresent) this.goodArgNum = false;
    }
    if (st.i + 1 < end && format[st.i] === ".") {
      st.i++;
      if (st.afterIndex) this.goodArgNum = false;
      [st.argNum, st.i, st.afterIndex] = this.argNumber(st, format, a.length);
      if (st.i < end && format[st.i] === "*") {
        st.i++;
        [this.prec, this.precPresent, st.argNum] = this.intFromArg(a, st.argNum, "precision");
        if (this.prec < 0) {
          this.prec = 0;
          this.precPresent = false;
        }
        if (!this.precPresent) this.write("%!(BADPREC)");
        st.afterIndex = false;
      } else {
        [this.prec, this.precPresent, st.i] = this.parsenum(format, st.i, "precision");
        if (!this.precPresent) {
          this.prec = 0;
          this.precPresent = true;
        }
      }
    }
  }

  /** doPrintf's verb: `%%`, a bad index, a missing argument, or the argument printed. */
  private printVerb(format: Bytes, a: readonly Val[], st: PrintfState): void {
    let verb = format[st.i]!;
    let size = 1;
    if (format.charCodeAt(st.i) >= 0x80) {
      const [r, w] = decodeRune(format, st.i);
      verb = runeBytes(r);
      size = w;
    }
    st.i += size;
    if (verb === "%") {
      this.write("%");
    } else if (!this.goodArgNum) {
      this.write("%!" + verb + "(BADINDEX)");
    } else if (st.argNum >= a.length) {
      this.write("%!" + verb + "(MISSING)");
    } else {
      if (verb === "v" || verb === "w") {
        this.sharpV = this.sharp;
        this.sharp = false;
        this.plusV = this.plus;
        this.plus = false;
      }
      this.printArg(a[st.argNum]!, verb);
      st.argNum++;
    }
  }

  /** doPrintf's `%!(EXTRA ...)` for arguments no verb used. */
  private printExtra(extra: readonly Val[]): void {
    this.clearflags();
    this.write("%!(EXTRA ");
    extra.forEach((arg, i) => {
      if (i > 0) this.write(", ");
      if (arg.k === "nil" || arg.k === "invalid") this.write("<nil>");
      else {
        this.write(typeName(arg) + "=");
        this.printArg(arg, "v");
      }
    });
    this.write(")");
  }
}

/** Go's `fmt.Sprint`. */
export function sprint(args: readonly Val[], lim: FmtLimits): Bytes {
  const p = new Printer(lim);
  p.doPrint(args);
  return p.result();
}

/** Go's `fmt.Sprintln`. */
export function sprintln(args: readonly Val[], lim: FmtLimits): Bytes {
  const p = new Printer(lim);
  p.doPrintln(args);
  return p.result();
}

/** Go's `fmt.Sprintf`. */
export function sprintf(format: Bytes, args: readonly Val[], lim: FmtLimits): Bytes {
  const p = new Printer(lim);
  p.doPrintf(format, args);
  return p.result();
}

/** Go's `fmt.Sprintf("%#U", r)`, used by the lexer's error messages. */
export function formatSharpU(r: number): Bytes {
  const p = new Printer({ maxWidth: 0, maxLength: Number.MAX_SAFE_INTEGER });
  p.sharp = true;
  p.fmtUnicode(BigInt(r));
  return p.result();
}

// ---------------------------------------------------------------------------
// text/template escapers
// ---------------------------------------------------------------------------

/** Go's `template.HTMLEscapeString`. */
export function htmlEscape(s: Bytes): Bytes {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    let rep: string;
    switch (s[i]) {
      case "\0":
        rep = "\xef\xbf\xbd";
        break;
      case '"':
        rep = "&#34;";
        break;
      case "'":
        rep = "&#39;";
        break;
      case "&":
        rep = "&amp;";
        break;
      case "<":
        rep = "&lt;";
        break;
      case ">":
        rep = "&gt;";
        break;
      default:
        continue;
    }
    out += s.slice(last, i) + rep;
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Go's `template.JSEscapeString`. */
export function jsEscape(s: Bytes): Bytes {
  let out = "";
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const special = c === 0x5c || c === 0x27 || c === 0x22 || c === 0x3c || c === 0x3e ||
      c === 0x26 || c === 0x3d || c < 0x20 || c >= 0x80;
    if (!special) continue;
    out += s.slice(last, i);
    if (c < 0x80) {
      switch (c) {
        case 0x5c:
          out += "\\\\";
          break;
        case 0x27:
          out += "\\'";
          break;
        case 0x22:
          out += '\\"';
          break;
        case 0x3c:
          out += "\\u003C";
          break;
        case 0x3e:
          out += "\\u003E";
          break;
        case 0x26:
          out += "\\u0026";
          break;
        case 0x3d:
          out += "\\u003D";
          break;
        default:
          out += "\\u00" + UPPER_HEX[c >> 4] + UPPER_HEX[c & 0xf];
      }
    } else {
      const [r, size] = decodeRune(s, i);
      if (isPrint(r)) out += s.slice(i, i + size);
      else {
        let h = r.toString(16).toUpperCase();
        if (h.length < 4) h = "0".repeat(4 - h.length) + h;
        out += "\\u" + h;
      }
      i += size - 1;
    }
    last = i + 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Go's `url.QueryEscape`. */
export function urlQueryEscape(s: Bytes): Bytes {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e
    ) out += s[i];
    else if (c === 0x20) out += "+";
    else out += "%" + UPPER_HEX[c >> 4] + UPPER_HEX[c & 0xf];
  }
  return out;
}
