/**
 * Scalar resolution as Kubernetes reads YAML: kubectl and the API server turn
 * YAML into JSON with `sigs.k8s.io/yaml.YAMLToJSON`, which decodes with
 * go-yaml v2 (`gopkg.in/yaml.v2`, `resolve.go`) and then stringifies map keys
 * (`sigs.k8s.io/yaml`, `yaml.go`, `convertToJSONableObject`). The rules, as
 * checked against the real reader by tests/tools/k8s_yaml_oracle:
 *
 * - Booleans: `y Y yes Yes YES on On ON true True TRUE` and the matching
 *   `n ... off ... false` words; nulls: empty, `~ null Null NULL`;
 *   `.inf .Inf .INF` (signed too) and `.nan .NaN .NAN`.
 * - A plain scalar starting with a digit or a sign is an integer when Go's
 *   `strconv.ParseInt(s, 0, 64)` (then `ParseUint`) accepts it with every `_`
 *   removed: `0120` is octal 80, `0x1F`, `0o17` and `0b101` have their base;
 *   else a float when it has the YAML float form and does not overflow; else
 *   a `0b`-prefixed binary read by `ParseInt(rest, 2)`; else a string.
 * - One starting with `.` is a float when Go's `strconv.ParseFloat` reads it.
 * - Everything else (timestamps and sexagesimal numbers included) is a string.
 * - Map keys become strings: integers in decimal (exactly, beyond 2^53 too),
 *   floats in Go's shortest 32-bit `%g`, booleans as `true`/`false`; a null or
 *   unsigned 64-bit key is an error.
 *
 * @module
 */

/** What a plain scalar resolves to, before JSON conversion. */
export type Resolved =
  | { kind: "str"; value: string }
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: bigint }
  | { kind: "uint"; value: bigint }
  | { kind: "float"; value: number };

/** A value or key Kubernetes' reader cannot represent. */
export class ScalarError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "ScalarError";
  }
}

const WORDS = new Map<string, Resolved>();
for (const word of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) {
  WORDS.set(word, { kind: "bool", value: true });
}
for (const word of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) {
  WORDS.set(word, { kind: "bool", value: false });
}
for (const word of ["", "~", "null", "Null", "NULL"]) WORDS.set(word, { kind: "null" });
for (const word of [".nan", ".NaN", ".NAN"]) WORDS.set(word, { kind: "float", value: NaN });
for (const sign of ["", "+"]) {
  for (const word of [".inf", ".Inf", ".INF"]) {
    WORDS.set(sign + word, { kind: "float", value: Infinity });
  }
}
for (const word of ["-.inf", "-.Inf", "-.INF"]) {
  WORDS.set(word, { kind: "float", value: -Infinity });
}

/** First characters that may start a non-string plain scalar (go-yaml v2's resolve table). */
const HINT = new Uint8Array(128);
const H_MAP = 1;
const H_DOT = 2;
const H_NUMBER = 3;
for (const c of "yYnNtTfFoO~") HINT[c.charCodeAt(0)] = H_MAP;
HINT[".".charCodeAt(0)] = H_DOT;
for (const c of "+-0123456789") HINT[c.charCodeAt(0)] = H_NUMBER;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** What Go's ParseFloat reads of a text starting with `.` (underscores only between digits). */
const DOT_FLOAT = /^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?$/;
const DIGITS: Record<number, RegExp> = {
  2: /^[01]+$/,
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-fA-F]+$/,
};

/**
 * True when the plain scalar `text` is certainly a string (the common case,
 * checked first): {@link resolvePlain} would give `str`. A first letter of a
 * boolean or null word (`team`, `name`, `fooBar`) makes it a string unless it
 * is one of those words, without building a resolved value.
 */
export function isPlainString(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c >= 128) return text.length > 0;
  const hint = HINT[c];
  return hint === 0 || (hint === H_MAP && !isMapWord(text));
}

/**
 * The {@link WORDS} whose first character is an {@link H_MAP} hint, by
 * length: comparing against the few of the text's length is cheaper than
 * hashing a new string for a map lookup.
 */
const MAP_WORDS: string[][] = [];
for (const word of WORDS.keys()) {
  const c = word.charCodeAt(0);
  if (c < 128 && HINT[c] === H_MAP) (MAP_WORDS[word.length] ??= []).push(word);
}

/** `WORDS.has(text)` for a text whose first character is an {@link H_MAP} hint. */
function isMapWord(text: string): boolean {
  const words = MAP_WORDS[text.length];
  return words !== undefined && words.includes(text);
}

/** Resolves an untagged plain scalar the way go-yaml v2 does. */
export function resolvePlain(text: string): Resolved {
  if (text === "") return { kind: "null" };
  const c = text.charCodeAt(0);
  const hint = c < 128 ? HINT[c]! : 0;
  if (hint === 0) return { kind: "str", value: text };
  const word = WORDS.get(text);
  if (word) return word;
  if (hint === H_DOT) {
    if (DOT_FLOAT.test(text)) {
      const value = Number(text.replaceAll("_", ""));
      if (Number.isFinite(value)) return { kind: "float", value };
    }
  } else if (hint === H_NUMBER) {
    return resolveNumber(text);
  }
  return { kind: "str", value: text };
}

function resolveNumber(text: string): Resolved {
  const plain = text.includes("_") ? text.replaceAll("_", "") : text;
  const int = goParseInt(plain, 0);
  if (int !== undefined) return { kind: "int", value: int };
  const uint = goParseUint(plain, 0);
  if (uint !== undefined) return { kind: "uint", value: uint };
  if (YAML_FLOAT.test(plain)) {
    const value = Number(plain);
    if (Number.isFinite(value)) return { kind: "float", value };
  }
  if (plain.startsWith("0b")) {
    const binary = goParseInt(plain.slice(2), 2);
    if (binary !== undefined) return { kind: "int", value: binary };
    const ubinary = goParseUint(plain.slice(2), 2);
    if (ubinary !== undefined) return { kind: "uint", value: ubinary };
  } else if (plain.startsWith("-0b")) {
    const binary = goParseInt(`-${plain.slice(3)}`, 2);
    if (binary !== undefined) return { kind: "int", value: binary };
  }
  return { kind: "str", value: text };
}

/** Go's `strconv.ParseInt(s, base, 64)` for base 0 or 2, without underscores; `undefined` on error. */
function goParseInt(s: string, base: 0 | 2): bigint | undefined {
  let negative = false;
  let rest = s;
  if (rest.startsWith("+")) rest = rest.slice(1);
  else if (rest.startsWith("-")) {
    negative = true;
    rest = rest.slice(1);
  }
  const magnitude = goParseUint(rest, base);
  if (magnitude === undefined) return undefined;
  const value = negative ? -magnitude : magnitude;
  return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/** Go's `strconv.ParseUint(s, base, 64)` for base 0 or 2 (no sign); `undefined` on error. */
function goParseUint(s: string, base: 0 | 2): bigint | undefined {
  if (s === "") return undefined;
  let radix = base === 2 ? 2 : 10;
  let digits = s;
  if (base === 0 && s.charCodeAt(0) === 0x30) {
    const second = s.length >= 3 ? s[1]!.toLowerCase() : "";
    if (second === "b") radix = 2;
    else if (second === "o") radix = 8;
    else if (second === "x") radix = 16;
    if (radix !== 10) digits = s.slice(2);
    else {
      radix = 8;
      digits = s.slice(1);
      if (digits === "") return 0n;
    }
  }
  if (!DIGITS[radix]!.test(digits)) return undefined;
  const prefix = radix === 2 ? "0b" : radix === 8 ? "0o" : radix === 16 ? "0x" : "";
  const value = BigInt(prefix + digits);
  return value <= UINT64_MAX ? value : undefined;
}

/** The JSON value of a resolved scalar (numbers as the nearest double, as JSON.parse reads Go's). */
export function jsonValue(resolved: Resolved): string | number | boolean | null {
  switch (resolved.kind) {
    case "str":
    case "bool":
    case "float":
      return resolved.value;
    case "null":
      return null;
    case "int":
    case "uint":
      return Number(resolved.value);
  }
}

/** A decimal integer Go's `ParseInt(s, 0, 64)` reads as itself and a double holds exactly. */
const SMALL_DECIMAL = /^(?:0|-?[1-9][0-9]{0,14})$/;

/** The JSON value of an untagged plain scalar. */
export function plainValue(text: string): string | number | boolean | null {
  if (isPlainString(text)) return text;
  // Ports, replicas, indexes: skip the BigInt route of resolvePlain.
  if (SMALL_DECIMAL.test(text)) return Number(text);
  return jsonValue(resolvePlain(text));
}

/** The map key `sigs.k8s.io/yaml` makes of a resolved scalar key. */
export function keyString(resolved: Resolved): string {
  switch (resolved.kind) {
    case "str":
      return resolved.value;
    case "bool":
      return resolved.value ? "true" : "false";
    case "int":
      return resolved.value.toString();
    case "float":
      return float32Key(resolved.value);
    case "null":
      throw new ScalarError("A null map key cannot be read by Kubernetes: quote the key");
    case "uint":
      throw new ScalarError(
        `The map key "${resolved.value}" cannot be read by Kubernetes (it is beyond a signed 64-bit integer): quote the key`,
      );
  }
}

/** The map key of an untagged plain scalar key. */
export function plainKey(text: string): string {
  return isPlainString(text) ? text : keyString(resolvePlain(text));
}

/**
 * Go's `strconv.FormatFloat(v, 'g', -1, 32)` with `sigs.k8s.io/yaml`'s
 * spellings of the infinities and NaN: the shortest decimal that reads back
 * as the same 32-bit float, in `%e` form when the exponent is below -4 or at
 * least 6 (Go's shortest `%g` decides with a precision of 6).
 */
export function float32Key(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (value === Infinity) return ".inf";
  if (value === -Infinity) return "-.inf";
  const single = Math.fround(value);
  if (single === Infinity) return ".inf";
  if (single === -Infinity) return "-.inf";
  if (single === 0) return Object.is(single, -0) ? "-0" : "0";
  let digits = "";
  let exponent = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = single.toExponential(precision - 1);
    if (Math.fround(Number(candidate)) === single) {
      const [mantissa, exp] = candidate.split("e");
      digits = mantissa!.replace("-", "").replace(".", "");
      exponent = Number(exp);
      break;
    }
  }
  const sign = single < 0 ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent);
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) {
    return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  }
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}
