/**
 * The reader for a multi-document stream the fast reader does not take
 * whole (a file of many manifests, `kubectl kustomize`'s output for the
 * legacy plugin): the stream is cut at its `---` lines and each document is
 * read alone, by the fast reader when it takes it and by the full reader
 * otherwise, so one document with a flow list or a folded scalar no longer
 * sends every document to the full reader.
 *
 * A document read alone has the value it has in the stream: YAML scopes
 * anchors, tags and a document's content to the document, and the cut
 * refuses what it cannot place exactly: directives (`%` lines), `...` lines,
 * a `---` line with content after it, carriage returns, a document that is
 * empty or has only comments (after the first `---`), and any text that may
 * hold an anchor or alias (`item_spans.ts` mayHoldAnchors: the full reader's
 * alias budget is one per stream, see `yaml_full.ts`). Then, and on every error, {@link readDocumentWise} returns
 * `undefined` and the caller reads the whole text, which reports the error
 * as before. tests/document_wise_reader_test.ts checks that the documents
 * always equal the whole text's, on every golden input and on generated and
 * mutated streams.
 *
 * @module
 */

import { readFast } from "../krm_reader.ts";
import { readAllFull } from "../yaml_full.ts";
import { mayHoldAnchors } from "./item_spans.ts";

/** A `---` line: the marker alone or with a comment. */
const SEPARATOR = /^---[ \t]*(?:#.*)?$/;

/** Every document of `text` read one by one, or `undefined` when the stream is not cut or read so. */
export function readDocumentWise(text: string): unknown[] | undefined {
  const cut = documentParts(text);
  if (cut === undefined || cut.parts.length < 2) return undefined;
  return readEachPart(cut.parts.slice(cut.first));
}

/**
 * The one document of each of `parts` (parts of {@link documentParts}, from
 * its `first`), or `undefined` when a part does not hold exactly one
 * non-empty document or does not read.
 */
export function readEachPart(parts: readonly string[]): unknown[] | undefined {
  try {
    const documents: unknown[] = [];
    for (const part of parts) {
      const read = readFast(part) ?? readAllFull(part);
      if (read.length !== 1 || read[0] === null || read[0] === undefined) return undefined;
      documents.push(read[0]);
    }
    return documents;
  } catch {
    return undefined;
  }
}

/**
 * `text` cut for reading document by document: the text before the first
 * `---` line, then each `---` line with the text up to the next, and
 * `first`, the first part that can be a document (1 when the text before
 * the first `---` has only comment and blank lines, which make no document);
 * `undefined` when the stream cannot be cut so (see the module comment).
 * Joined, the parts are `text`.
 */
export function documentParts(text: string): { parts: string[]; first: 0 | 1 } | undefined {
  if (text.includes("\r") || mayHoldAnchors(text)) return undefined;
  const parts = cut(text);
  if (parts === undefined) return undefined;
  return { parts, first: BLANK_OR_COMMENT_TEXT.test(parts[0]!) ? 1 : 0 };
}

/** Only blank and comment lines. */
const BLANK_OR_COMMENT_TEXT = /^(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:#[^\n]*)?$/;

/**
 * The text before the first `---` line, then each `---` line with the text
 * up to the next; `undefined` for a line the cut does not place.
 */
function cut(text: string): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let at = 0; at < text.length;) {
    const newline = text.indexOf("\n", at);
    const end = newline === -1 ? text.length : newline;
    const c = text.charCodeAt(at);
    if (c === 0x2d /* - */ || c === 0x2e /* . */ || c === 0x25 /* % */) {
      const line = text.slice(at, end);
      if (line.startsWith("---")) {
        if (!SEPARATOR.test(line)) return undefined;
        // A document after a `---` is read with its `---` line: an explicit document.
        parts.push(text.slice(from, at));
        from = at;
      } else if (c !== 0x2d && (line.startsWith("...") || c === 0x25)) return undefined;
    }
    at = end + 1;
  }
  parts.push(text.slice(from));
  return parts;
}
