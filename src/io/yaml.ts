/**
 * The YAML module. Reading is done as Kubernetes reads YAML (YAML 1.1 scalars
 * and merge keys, see src/io/yaml_scalars.ts and src/io/yaml_full.ts), with a
 * fast path for the block style kpt and kustomize send (src/io/krm_reader.ts)
 * and the full reader for anything else. Writing uses js-yaml's `dump`.
 *
 * Aliases are copied, not shared, under a node budget proportional to the
 * text's size, so an alias bomb is rejected instead of expanding later.
 *
 * @module
 */

import { dump } from "js-yaml";
import { PARSER_MAX_DEPTH, readAllFull, ReadError } from "./yaml_full.ts";
import { readFast } from "./krm_reader.ts";
import { readDocumentWise } from "./yaml_text/document_wise_reader.ts";

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

/** Deepest nesting of collections accepted (both readers); deeper text is rejected. */
export const MAX_DEPTH = PARSER_MAX_DEPTH;

/** Parses one YAML document (an empty text is `null`; several documents are an error). */
export function parseYaml(text: string): Promise<unknown> {
  try {
    return Promise.resolve(readYaml(text));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** {@link parseYaml}, synchronous. */
export function readYaml(text: string): unknown {
  const docs = readDocuments(text);
  if (docs.length > 1) {
    throw new YamlSyntaxError(
      "Expected a single YAML document, found several: remove the '---' separators",
    );
  }
  return docs[0] ?? null;
}

/** Parses a multi-document YAML stream; empty documents are dropped. */
export function parseYamlStream(text: string): Promise<unknown[]> {
  try {
    return Promise.resolve(readDocuments(text).filter((doc) => doc !== null && doc !== undefined));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Every document of `text` (empty ones as `null`): the fast path when it
 * applies, else each document alone (`yaml_text/document_wise_reader.ts`),
 * else the full reader.
 */
export function readDocuments(text: string): unknown[] {
  try {
    // A stream the fast path refuses is read document by document before it is read whole.
    return readFast(text) ?? readDocumentWise(text) ?? readAllFull(text);
  } catch (error) {
    throw toSyntaxError(error, text);
  }
}

/** Serializes one document: block style, no line folding, YAML 1.1-safe quoting. */
export function stringifyYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, quoteStyle: "double" });
}

function toSyntaxError(error: unknown, text: string): YamlSyntaxError {
  if (error instanceof YamlSyntaxError) return error;
  if (error instanceof ReadError) {
    const line = error.offset === undefined ? undefined : lineAt(text, error.offset);
    return new YamlSyntaxError(error.message, line);
  }
  return new YamlSyntaxError(error instanceof Error ? error.message : String(error));
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
