/**
 * Comment-preserving edits of YAML files: {@link editDocuments} applies a
 * structural change to documents of a multi-document file and keeps every
 * other byte (comments, key order, quoting, blank lines, separators, the other
 * documents and the text after the last one).
 *
 * The change is the structural diff of two plain values ({@link diffValues}):
 * changed, added and removed map keys recursively, arrays of equal length by
 * index, anything else replaced whole. Each change becomes a text splice at
 * the positions the `yaml` package reports for the nodes; new keys go at the
 * end of their map in the order of the new value, new text follows the
 * file's indentation, sequence style and preferred quote. Strings a YAML 1.1
 * reader (Go) would take for a boolean, number or date are quoted.
 *
 * Edits are refused with a {@link YamlEditError}, never guessed, when a
 * changed path goes through an anchor, an alias or a merge key (`<<`), when
 * the document does not hold the expected `before` value, or when the result
 * would not read back as exactly `after` with every other document unchanged.
 * Alias expansion is bounded by {@link MAX_ALIAS_COUNT}.
 *
 * The pieces: `yaml_stream.ts` parses the file with positions,
 * `document_editor.ts` plans each document's splices, `text_positions.ts`
 * and `yaml_render.ts` give it positions and new text, `edit_errors.ts` the
 * refusals.
 *
 * The `yaml` package comes through `yaml_package.ts`, which imports it by
 * name (no `node_modules` path) and keeps its parser from reading the
 * environment. This module uses no `Deno.*` and needs no permissions; only
 * directory mode imports it, lazily.
 *
 * @module
 */

import {
  type Change,
  diffValues,
  isPlainObject,
  jsonEqual,
  type PathSegment,
} from "./value_diff.ts";
import { formatPath, YamlEditError, type YamlEditErrorKind } from "./edit_errors.ts";
import {
  cleanDocument,
  MAX_ALIAS_COUNT,
  parseStream,
  rangeOf,
  readDocument,
  type Stream,
} from "./yaml_stream.ts";
import { DocumentEditor, type TextEdit } from "./document_editor.ts";
import { documentParts, readEachPart } from "./document_wise_reader.ts";

export { type Change, diffValues, jsonEqual, type PathSegment };
export { formatPath, MAX_ALIAS_COUNT, YamlEditError, type YamlEditErrorKind };

/** The change of one document: `before` and `after` are its plain (JSON) values. */
export interface DocumentEdit {
  /**
   * Which document: counted as the directory reader counts them, over the
   * documents whose value is not null (empty documents are skipped).
   */
  index: number;
  /** The document's value as it was read; the file must still hold it. */
  before: unknown;
  /** The value the document must have after the edit. */
  after: unknown;
}

/** Applies one document's change; see {@link editDocuments}. */
export function editDocument(fileText: string, edit: DocumentEdit): string {
  return editDocuments(fileText, [edit]);
}

/**
 * Applies the changes of several documents of one file in one pass and
 * returns the new text. Edits whose `before` deep-equals `after` are no-ops;
 * when all are, `fileText` itself is returned.
 *
 * @throws {YamlEditError} when an edit cannot be applied safely.
 */
export function editDocuments(fileText: string, edits: readonly DocumentEdit[]): string {
  return editStream(fileText, edits).text;
}

/**
 * {@link editDocuments}, with the {@link documentSource} of each document in
 * `indices` as it reads in the new text. A file of several documents is
 * edited document by document when it can be ({@link editEachDocument}),
 * else whole ({@link editWholeFileWithSources}); both give the same result.
 *
 * @throws {YamlEditError} when an edit cannot be applied safely, or a document of `indices` is not in the file.
 */
export function editDocumentsWithSources(
  fileText: string,
  edits: readonly DocumentEdit[],
  indices: Iterable<number>,
): { text: string; sources: Map<number, string> } {
  const wanted = [...indices];
  return editEachDocument(fileText, edits, wanted) ??
    editWholeFileWithSources(fileText, edits, wanted);
}

/**
 * {@link editDocumentsWithSources} on the whole file: the new text is parsed
 * once, to check it, and the sources are cut from that parse (asking
 * {@link documentSource} for each document instead parses the whole file
 * again per document).
 *
 * @throws {YamlEditError} when an edit cannot be applied safely, or a document of `indices` is not in the file.
 */
export function editWholeFileWithSources(
  fileText: string,
  edits: readonly DocumentEdit[],
  indices: Iterable<number>,
): { text: string; sources: Map<number, string> } {
  const { text, stream } = editStream(fileText, edits);
  const after = stream ?? parseStream(text);
  const sources = new Map<number, string>();
  for (const index of indices) sources.set(index, sourceIn(after, index));
  return { text, sources };
}

/**
 * {@link editDocumentsWithSources} on the edited documents alone, for a file
 * of several documents that `document_wise_reader.ts` cuts: each edited
 * document is parsed, edited and checked on its own text (the `yaml`
 * package parses what changes, not the whole file twice), the other parts
 * are kept byte for byte, and the new file must cut into the same parts
 * and read, document by document with the tool's reader, as the edits say.
 * `undefined` when the file is not cut so or anything is refused: the caller
 * then edits the whole file, which also reports the refusal.
 * tests/yaml_edit_documents_test.ts checks that the result always equals the
 * whole-file edit's.
 */
export function editEachDocument(
  fileText: string,
  edits: readonly DocumentEdit[],
  indices: readonly number[],
): { text: string; sources: Map<number, string> } | undefined {
  const cut = documentParts(fileText);
  if (cut === undefined || cut.parts.length - cut.first < 2) return undefined;
  // One non-empty document per part, so document `index` is part `index + first`.
  if (readEachPart(cut.parts.slice(cut.first)) === undefined) return undefined;
  const parts = documentTexts(cut);
  const streams = new Map<number, Stream>();
  try {
    for (const edit of edits) {
      if (streams.has(edit.index) || edit.index >= parts.length) return undefined;
      const one = { index: 0, before: edit.before, after: edit.after };
      const done = editStream(parts[edit.index]!, [one]);
      parts[edit.index] = done.text;
      streams.set(edit.index, done.stream ?? parseStream(done.text));
    }
    const text = parts.join("");
    // The new text cuts into the same parts (the others byte for byte), and
    // each edited part reads, with the tool's reader, as its edit says.
    const again = documentParts(text);
    if (again === undefined || again.first !== cut.first) return undefined;
    const edited = edits.map((edit) => again.parts[edit.index + again.first] ?? "");
    const read = readEachPart(edited);
    if (
      read === undefined || again.parts.length !== cut.parts.length ||
      documentTexts(again).some((part, i) => part !== parts[i]) ||
      edits.some((edit, k) => !jsonEqual(read[k], edit.after))
    ) {
      return undefined;
    }
    const sources = new Map<number, string>();
    for (const index of indices) {
      if (index >= parts.length) return undefined;
      sources.set(index, sourceIn(streams.get(index) ?? parseStream(parts[index]!), 0));
    }
    return { text, sources };
  } catch (error) {
    if (error instanceof YamlEditError) return undefined;
    throw error;
  }
}

/**
 * The text of each document of a {@link documentParts} cut, the comment
 * lines before the first `---` (which belong to the first document's
 * source) joined to the first; joined, they are the cut text.
 */
function documentTexts(cut: { parts: string[]; first: 0 | 1 }): string[] {
  const { parts, first } = cut;
  return first === 1 && parts.length > 1 ? [parts[0]! + parts[1]!, ...parts.slice(2)] : [...parts];
}

/** The new text, and its parse when there was an edit to check (undefined when every edit is a no-op). */
function editStream(
  fileText: string,
  edits: readonly DocumentEdit[],
): { text: string; stream: Stream | undefined } {
  const pending = edits.filter((edit) => !jsonEqual(edit.before, edit.after));
  if (pending.length === 0) return { text: fileText, stream: undefined };
  const stream = parseStream(fileText);
  const textEdits: TextEdit[] = [];
  const seen = new Set<number>();
  for (const edit of pending) {
    if (seen.has(edit.index)) {
      throw new YamlEditError("unsupported", "two different edits for the same document", {
        index: edit.index,
      });
    }
    seen.add(edit.index);
    const doc = cleanDocument(stream, edit.index);
    if (!jsonEqual(readDocument(doc, edit.index), edit.before)) {
      throw new YamlEditError(
        "mismatch",
        "it does not hold the content that was read (was the file changed meanwhile?)",
        { index: edit.index },
      );
    }
    const editor = new DocumentEditor({ text: fileText, doc, index: edit.index, edits: textEdits });
    editor.applyAll(diffValues(edit.before, edit.after));
  }
  const text = applyTextEdits(fileText, textEdits);
  return { text, stream: verify(stream, text, pending) };
}

/**
 * The source text of one document (counted like {@link DocumentEdit.index}):
 * its leading comments and content, without `---`/`...` markers and
 * directives, ending with a newline.
 *
 * @throws {YamlEditError} when there is no such document.
 */
export function documentSource(fileText: string, index: number): string {
  return sourceIn(parseStream(fileText), index);
}

/** {@link documentSource} in a parsed file. */
function sourceIn(stream: Stream, index: number): string {
  const fileText = stream.text;
  const doc = stream.docs[index];
  if (doc === undefined || doc.contents === null) {
    throw new YamlEditError("mismatch", `the file has only ${stream.docs.length} document(s)`, {
      index,
    });
  }
  const position = stream.all.indexOf(doc);
  const start = position > 0 ? stream.all[position - 1]!.range[2] : 0;
  const contentStart = rangeOf(doc.contents)[0];
  const end = doc.range[2];
  const head = fileText.slice(start, contentStart)
    .replace(/^%.*(?:\r?\n|$)/gm, "")
    .replace(/^---(?:[ \t]+|(?=\r?\n|$))/m, "")
    .replace(/^(?:[ \t]*\r?\n)+/, "");
  const tail = fileText.slice(contentStart, end).replace(/^\.\.\.(?:[ \t].*)?(?:\r?\n|$)/gm, "");
  const text = head + tail;
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** A deep copy of `value` with `changes` applied; missing parent maps are created. */
export function applyChanges(value: unknown, changes: readonly Change[]): unknown {
  let root = structuredClone(value);
  for (const change of changes) {
    if (change.path.length === 0) {
      if (change.op === "set") root = structuredClone(change.value);
      else root = undefined;
      continue;
    }
    if (!isPlainObject(root) && !Array.isArray(root)) {
      if (change.op === "delete") continue;
      root = {};
    }
    let node: Record<PathSegment, unknown> | undefined = root as Record<PathSegment, unknown>;
    for (const segment of change.path.slice(0, -1)) {
      const next: unknown = node[segment];
      if (!isPlainObject(next) && !Array.isArray(next)) {
        if (change.op === "delete") {
          node = undefined;
          break;
        }
        node[segment] = {};
      }
      node = node[segment] as Record<PathSegment, unknown>;
    }
    const last = change.path[change.path.length - 1]!;
    if (node === undefined) continue;
    if (change.op === "set") node[last] = structuredClone(change.value);
    else delete node[last];
  }
  return root;
}

function applyTextEdits(text: string, edits: TextEdit[]): string {
  // At one position: insertions before a replacement that starts there, and
  // the keys of a nested map before those of the map that holds it.
  const sorted = [...edits].sort((a, b) =>
    a.start - b.start ||
    Number(a.end > a.start) - Number(b.end > b.start) ||
    (b.column ?? 0) - (a.column ?? 0) ||
    a.order - b.order
  );
  let out = "";
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new YamlEditError("internal", "two changes overlap (this is a bug)");
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

/**
 * Checks the new text: edited documents read back as intended, the others
 * unchanged byte for byte. Returns the new text's parse.
 */
function verify(stream: Stream, after: string, edits: readonly DocumentEdit[]): Stream {
  const before = stream.text;
  const edited = new Map(edits.map((edit) => [edit.index, edit.after]));
  const result = parseStream(after);
  if (result.docs.length !== stream.docs.length) {
    throw new YamlEditError(
      "internal",
      "the edited text would have a different number of documents (a bug)",
    );
  }
  result.docs.forEach((doc, index) => {
    if (edited.has(index)) {
      if (doc.errors.length > 0 || !jsonEqual(readDocument(doc, index), edited.get(index))) {
        throw new YamlEditError(
          "internal",
          "the edited text would not read back as intended (a bug)",
          {
            index,
          },
        );
      }
      return;
    }
    const old = stream.docs[index]!;
    if (before.slice(old.range[0], old.range[2]) !== after.slice(doc.range[0], doc.range[2])) {
      throw new YamlEditError("internal", "the edit would change another document (a bug)", {
        index,
      });
    }
  });
  return result;
}
