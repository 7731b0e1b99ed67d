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
  type TemplateBudget,
  type TemplateError,
} from "./go_template.ts";
import { quote, utf8Decode, utf8Encode } from "./go_fmt.ts";

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

/** Executes a parsed template against a struct of string fields, counting against `budget` when given. */
export function runTemplate(
  template: ParsedTemplate,
  data: { typeName: string; fields: Record<string, string> },
  options: { label: GoFunction; budget?: TemplateBudget | undefined },
): { ok: true; output: string } | { ok: false; error: TemplateError } {
  return executeGoTemplate(template, data, {
    funcs: { label: options.label },
    limits: DEFAULT_LIMITS,
    budget: options.budget,
  });
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

/** Go's `strconv.Quote` (byte-exact, from the evaluator's `fmt` module). */
export function goQuote(value: string): string {
  return utf8Decode(quote(utf8Encode(value))) ?? JSON.stringify(value);
}
