/**
 * The thin layer between Kuma's template rules and the Go template
 * evaluator: a bounded parse cache, Kuma's `label` function, and Go's
 * `strconv.Quote` (Kuma wraps errors with `%q`).
 *
 * @module
 */

import {
  DEFAULT_LIMITS,
  executeGoTemplate,
  type GoFunction,
  type ParsedTemplate,
  parseGoTemplate,
  stringFunction,
  type TemplateError,
} from "./go_template.ts";

/** Kuma registers exactly one function. */
const FUNCTION_NAMES = ["label"] as const;

const CACHE_LIMIT = 256;
const cache = new Map<string, ReturnType<typeof parseGoTemplate>>();

/** Parses a template, reusing the result for a template seen before (bounded cache). */
export function parseTemplateCached(
  text: string,
): { ok: true; template: ParsedTemplate } | { ok: false; error: TemplateError } {
  const hit = cache.get(text);
  if (hit) return hit;
  const parsed = parseGoTemplate(text, FUNCTION_NAMES, DEFAULT_LIMITS);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(text, parsed);
  return parsed;
}

/** Executes a parsed template against a struct of string fields. */
export function runTemplate(
  template: ParsedTemplate,
  data: { typeName: string; fields: Record<string, string> },
  label: GoFunction,
): { ok: true; output: string } | { ok: false; error: TemplateError } {
  return executeGoTemplate(template, data, { label }, DEFAULT_LIMITS);
}

/**
 * Kuma's `label` function: the value of a key in the core label view, an
 * error when the key is absent. Without labels it is the validator's stub,
 * which always returns `"label"`.
 */
export function labelFunction(labels: Readonly<Record<string, string>> | undefined): GoFunction {
  if (labels === undefined) return stringFunction(() => "label", () => "");
  return stringFunction(
    (key) => Object.hasOwn(labels, key) ? labels[key]! : null,
    (key) => `label ${key} not found`,
  );
}

/** Go's `strconv.Quote`. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case "\u0007":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case '"':
        out += '\\"';
        continue;
    }
    if (code === 0x20 || PRINTABLE.test(ch)) {
      out += ch;
    } else if (code < 0x80) {
      out += `\\x${code.toString(16).padStart(2, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += "\\ufffd"; // A lone surrogate is not valid UTF-8; Go would see U+FFFD.
    } else if (code < 0x10000) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else {
      out += `\\U${code.toString(16).padStart(8, "0")}`;
    }
  }
  return `${out}"`;
}

/** Go's `unicode.IsPrint` without the space: letters, marks, numbers, punctuation, symbols. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
