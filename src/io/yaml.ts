/**
 * The only YAML module: js-yaml (4-10x faster than `yaml` here, and it reads
 * no environment variables, so KRM mode needs no permissions).
 *
 * js-yaml shares the object an alias points to instead of copying it, so an
 * alias bomb parses quickly but would make every later traversal explode.
 * Text with aliases is therefore walked once under a node budget
 * proportional to its size, and rejected when the expansion exceeds it.
 *
 * @module
 */

import { dump, load, loadAll } from "js-yaml";

/** A YAML syntax problem, with its 1-based line when known. */
export class YamlSyntaxError extends SyntaxError {
  /** 1-based line of the problem. */
  line: number | undefined;
  /** Creates the error. */
  constructor(message: string, line?: number) {
    super(message);
    this.name = "YamlSyntaxError";
    this.line = line;
  }
}

/** Deepest nesting accepted; deeper documents are rejected rather than risking the stack. */
export const MAX_DEPTH = 500;

/**
 * js-yaml's own nesting limit for collections (its default, given explicitly
 * because {@link guard} relies on it): deeper text fails to parse.
 */
const PARSER_MAX_DEPTH = 100;

/** Parses one YAML document. */
export function parseYaml(text: string): Promise<unknown> {
  try {
    const value = load(text, { maxDepth: PARSER_MAX_DEPTH });
    guard(value, text);
    return Promise.resolve(value);
  } catch (error) {
    return Promise.reject(toSyntaxError(error));
  }
}

/** Parses a multi-document YAML stream; empty documents are dropped. */
export function parseYamlStream(text: string): Promise<unknown[]> {
  try {
    const docs = loadAll(text, { maxDepth: PARSER_MAX_DEPTH }).filter((doc) =>
      doc !== null && doc !== undefined
    );
    guard(docs, text);
    return Promise.resolve(docs);
  } catch (error) {
    return Promise.reject(toSyntaxError(error));
  }
}

/** Serializes one document: block style, no line folding, YAML 1.1-safe quoting. */
export function stringifyYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, quoteStyle: "double" });
}

/** Rejects alias expansion beyond a budget proportional to the text, and excessive nesting. */
function guard(value: unknown, text: string): void {
  // Without aliases no node is shared, so nothing expands, and the parser's
  // limit keeps nesting under PARSER_MAX_DEPTH < MAX_DEPTH: nothing to walk
  // (the walk costs about 70 ms on a 46 MB list).
  const aliases = text.includes("*") && text.includes("&");
  if (!aliases) return;
  let budget = text.length * 4 + 10_000;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > MAX_DEPTH) throw new YamlSyntaxError(`Nesting deeper than ${MAX_DEPTH} levels`);
    if (--budget < 0) {
      throw new YamlSyntaxError("Excessive alias expansion indicates a resource exhaustion attack");
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
}

function toSyntaxError(error: unknown): YamlSyntaxError {
  if (error instanceof YamlSyntaxError) return error;
  if (error instanceof Error && "mark" in error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? error.message.split("\n")[0];
    const line = typeof mark?.line === "number" ? mark.line + 1 : undefined;
    return new YamlSyntaxError(String(reason), line);
  }
  return new YamlSyntaxError(error instanceof Error ? error.message : String(error));
}
