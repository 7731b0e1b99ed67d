/**
 * A multi-document file parsed with node positions (the `yaml` package, read
 * as the directory reader reads it), for the comment-preserving editor.
 *
 * @module
 */

import { type Document, isScalar, type Node, parseAllDocuments, Scalar } from "../yaml_package.ts";
import { YamlEditError } from "./edit_errors.ts";

/** Most alias nodes resolved when reading a document (the `yaml` package's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

/** One parsed document. */
export type ParsedDocument = Document.Parsed;

/** A file's documents. */
export interface Stream {
  /** The file's text. */
  text: string;
  /** Every document of the file, empty ones included. */
  all: ParsedDocument[];
  /** The documents whose value is not null, as the directory reader counts them. */
  docs: ParsedDocument[];
}

/** Parses every document of `text`, with positions. */
export function parseStream(text: string): Stream {
  // YAML 1.1 with merge keys, as the reader (src/io/yaml.ts) reads it, so a
  // document's value here equals what was read; without timestamps and
  // sexagesimal numbers, which Kubernetes (go-yaml v2) reads as strings.
  const all = [
    ...parseAllDocuments(text, {
      version: "1.1",
      merge: true,
      customTags: (tags) =>
        tags.filter((tag) =>
          typeof tag === "string" ||
          (tag.tag !== "tag:yaml.org,2002:timestamp" && tag.format !== "TIME")
        ),
      uniqueKeys: true,
      prettyErrors: false,
    }),
  ] as ParsedDocument[];
  const docs = all.filter((doc) =>
    !(doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null))
  );
  return { text, all, docs };
}

/** Document `index` (counted over non-empty documents), which must parse without errors. */
export function cleanDocument(stream: Stream, index: number): ParsedDocument {
  const doc = stream.docs[index];
  if (doc === undefined) {
    throw new YamlEditError("mismatch", `the file has only ${stream.docs.length} document(s)`, {
      index,
    });
  }
  if (doc.errors.length > 0) {
    throw new YamlEditError("unsupported", `it does not parse cleanly: ${doc.errors[0]!.message}`, {
      index,
    });
  }
  return doc;
}

/** A document's plain value, aliases bounded by {@link MAX_ALIAS_COUNT}. */
export function readDocument(doc: ParsedDocument, index: number): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new YamlEditError(
      "unsupported",
      `it cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      { index },
    );
  }
}

/** A node's source range; every node of a parsed document has one. */
export function rangeOf(node: Node | null | undefined): [number, number, number] {
  const range = node?.range;
  if (!range) throw new YamlEditError("internal", "a node has no source position (this is a bug)");
  return range;
}

/** A `|` or `>` scalar. */
export function isBlockScalar(node: Scalar): boolean {
  return node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
}
