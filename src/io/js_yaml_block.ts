/**
 * js-yaml's own output for the plain data KRM results are made of, without
 * js-yaml: `stringifyYaml`'s options (src/io/yaml.ts: `lineWidth: -1`, `noRefs`,
 * `quoteStyle: "double"`) on non-empty maps and lists of one-line printable
 * ASCII strings and non-negative integers. Its first `dump` in a process
 * costs about 2 ms, a sixth of a one-item KRM run; this writes the same
 * bytes in a fraction of that. Anything outside that domain (other scalars,
 * empty collections, control or non-ASCII characters, line breaks) returns
 * `undefined` and the caller uses js-yaml. src/io/js_yaml_block_test.ts
 * compares the two on generated data.
 *
 * The rules are js-yaml 5.5's presenter for that domain
 * (`node_modules/js-yaml/dist/js-yaml.mjs`): a string is plain when the YAML
 * 1.2 `ns-plain-one-line(flow-out)` production matches it (so it is not only
 * spaces), it is not `=`, and its schema resolves it as a string; otherwise it is
 * double-quoted with `"` and `\` escaped. Maps are `key: value` lines, nested
 * collections two spaces deeper, a list's first map entry on the `- ` line.
 *
 * @module
 */

import { DUMP_SCHEMA } from "js-yaml";

const NS_CHAR = "[\\x21-\\x7e]";
const PLAIN_FIRST = `(?:(?![-?:,\\[\\]{}#&*!|>'"%@\`])${NS_CHAR}|[?:-](?=${NS_CHAR}))`;
const PLAIN_CHAR = `(?:(?![:#])${NS_CHAR}|:(?=${NS_CHAR}))#*`;
/** `ns-plain-one-line(flow-out)` for printable ASCII without tabs. */
const PLAIN_ONE_LINE = new RegExp(`^${PLAIN_FIRST}#*(?: *${PLAIN_CHAR})*$`);
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const STR_TAG = "tag:yaml.org,2002:str";
/** js-yaml writes a key over 1,024 characters as an explicit `? ` entry. */
const MAX_KEY = 1024;

/** Thrown inside the walk when a value is outside the domain. */
const OUTSIDE: unique symbol = Symbol("outside");

/**
 * `stringifyYaml(value)` for a non-empty map in the domain above, or
 * `undefined` when js-yaml must write it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockYaml } from "./js_yaml_block.ts";
 *
 * assert.equal(
 *   blockYaml({ results: [{ message: 'Assumed Mesh "default"', severity: "info" }] }),
 *   'results:\n  - message: Assumed Mesh "default"\n    severity: info\n',
 * );
 * assert.equal(blockYaml({ results: [] }), undefined);
 * ```
 */
export function blockYaml(value: Record<string, unknown>): string | undefined {
  try {
    return mapping(value, 0, true) + "\n";
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

/** A block map at `level`; `compact`: its first entry continues the current line. */
function mapping(map: Record<string, unknown>, level: number, compact: boolean): string {
  let out = "";
  for (const key in map) {
    if (!Object.hasOwn(map, key)) continue;
    if (!compact || out !== "") out += newLine(level);
    if (key.length > MAX_KEY) throw OUTSIDE;
    out += scalar(key);
    const text = node(map[key], level + 1, false);
    out += text.charCodeAt(0) === LINE_FEED ? ":" + text : ": " + text;
  }
  if (out === "") throw OUTSIDE;
  return out;
}

/** A block list at `level`; `compact` as for {@link mapping}. */
function sequence(list: readonly unknown[], level: number, compact: boolean): string {
  if (list.length === 0) throw OUTSIDE;
  let out = "";
  for (const item of list) {
    if (!compact || out !== "") out += newLine(level);
    out += "- " + node(item, level + 1, true);
  }
  return out;
}

function node(value: unknown, level: number, compact: boolean): string {
  if (typeof value === "string") return scalar(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0 || Object.is(value, -0)) throw OUTSIDE;
    return String(value);
  }
  if (Array.isArray(value)) return sequence(value, level, compact);
  if (
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype
  ) {
    return mapping(value as Record<string, unknown>, level, compact);
  }
  throw OUTSIDE;
}

/** A one-line printable ASCII string, plain or double-quoted as js-yaml writes it. */
function scalar(text: string): string {
  if (!PRINTABLE_ASCII.test(text)) throw OUTSIDE;
  const plain = PLAIN_ONE_LINE.test(text) && text !== "=" &&
    DUMP_SCHEMA.resolveImplicitScalarTag(text).tag.tagName === STR_TAG;
  return plain ? text : `"${text.replace(/["\\]/g, (c) => "\\" + c)}"`;
}

const LINE_FEED = 10;

function newLine(level: number): string {
  return "\n" + "  ".repeat(level);
}
