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
 * The `yaml` package comes through `yaml_package.ts`, which imports it by
 * name (no `node_modules` path) and keeps its parser from reading the
 * environment. This module uses no `Deno.*` and needs no permissions; only
 * directory mode imports it, lazily.
 *
 * @module
 */

import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parse,
  parseAllDocuments,
  Scalar,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "./yaml_package.ts";
import {
  type Change,
  definedKeys,
  diffValues,
  isPlainObject,
  jsonEqual,
  type PathSegment,
} from "./value_diff.ts";

export { type Change, diffValues, jsonEqual, type PathSegment };

/** Most alias nodes resolved when reading a document (the `yaml` package's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

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

/**
 * Why an edit was refused: the path goes through an `anchor`, an `alias` or a
 * `merge` key; the document no longer holds `before` (`mismatch`); the file
 * or change has a shape this module does not edit (`unsupported`); or the
 * result failed its own checks (`internal`).
 */
export type YamlEditErrorKind =
  | "anchor"
  | "alias"
  | "merge"
  | "mismatch"
  | "unsupported"
  | "internal";

const ADVICE: Record<YamlEditErrorKind, string> = {
  anchor: "edit the value by hand or remove the anchor",
  alias: "edit the value by hand or replace the alias with what it stands for",
  merge: "edit the value by hand or write the merged keys out",
  mismatch: "read the file again",
  unsupported: "edit the value by hand",
  internal: "",
};

/** An edit that was refused; the text was not changed. */
export class YamlEditError extends Error {
  /** Why, as a category callers can give advice for. */
  readonly kind: YamlEditErrorKind;
  /** The document the edit was for, when known. */
  readonly index: number | undefined;
  /** The changed path the problem is on, as `spec.to[0].targetRef`, when known. */
  readonly path: string | undefined;
  /** Why, without the document, path and advice of {@link message}. */
  readonly reason: string;

  /** Creates the error. */
  constructor(
    kind: YamlEditErrorKind,
    reason: string,
    where: { index?: number; path?: readonly PathSegment[] } = {},
  ) {
    const path = where.path && where.path.length > 0 ? formatPath(where.path) : undefined;
    super(
      `Cannot edit ${where.index === undefined ? "the file" : `document ${where.index}`}${
        path === undefined ? "" : ` at ${path}`
      }: ${reason}${ADVICE[kind] ? `: ${ADVICE[kind]}` : ""}`,
    );
    this.name = "YamlEditError";
    this.kind = kind;
    this.index = where.index;
    this.path = path;
    this.reason = reason;
  }
}

/** Applies one document's change; see {@link editDocuments}. */
export function editDocument(
  fileText: string,
  index: number,
  before: unknown,
  after: unknown,
): string {
  return editDocuments(fileText, [{ index, before, after }]);
}

/**
 * Applies the changes of several documents of one file in one pass and
 * returns the new text. Edits whose `before` deep-equals `after` are no-ops;
 * when all are, `fileText` itself is returned.
 *
 * @throws {YamlEditError} when an edit cannot be applied safely.
 */
export function editDocuments(fileText: string, edits: readonly DocumentEdit[]): string {
  const pending = edits.filter((edit) => !jsonEqual(edit.before, edit.after));
  if (pending.length === 0) return fileText;
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
    const editor = new DocumentEditor(fileText, doc, edit.index, textEdits);
    editor.applyAll(diffValues(edit.before, edit.after));
  }
  const result = applyTextEdits(fileText, textEdits);
  verify(fileText, stream, result, pending);
  return result;
}

/**
 * The source text of one document (counted like {@link DocumentEdit.index}):
 * its leading comments and content, without `---`/`...` markers and
 * directives, ending with a newline.
 *
 * @throws {YamlEditError} when there is no such document.
 */
export function documentSource(fileText: string, index: number): string {
  const stream = parseStream(fileText);
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

/** A path as `spec.to[0].targetRef` or `metadata.annotations["kuma.io/x"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

// ---------------------------------------------------------------------------

type ParsedDocument = Document.Parsed;

interface Stream {
  /** Every document of the file, empty ones included. */
  all: ParsedDocument[];
  /** The documents whose value is not null, as the directory reader counts them. */
  docs: ParsedDocument[];
}

interface TextEdit {
  start: number;
  end: number;
  text: string;
  order: number;
  /** For insertions into block maps: the column of the new keys (deeper maps go first). */
  column?: number;
}

interface Style {
  indent: number;
  indentSeq: boolean;
  singleQuote: boolean;
  flowPadding: boolean;
  eol: string;
}

function parseStream(text: string): Stream {
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
  return { all, docs };
}

function cleanDocument(stream: Stream, index: number): ParsedDocument {
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

function readDocument(doc: ParsedDocument, index: number): unknown {
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

function verify(before: string, stream: Stream, after: string, edits: readonly DocumentEdit[]) {
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
}

/** Plans the text splices of one document's changes. */
class DocumentEditor {
  readonly #text: string;
  readonly #doc: ParsedDocument;
  readonly #index: number;
  readonly #edits: TextEdit[];
  #style: Style | undefined;
  /** Paths (as JSON) this document's changes delete. */
  #deleted = new Set<string>();
  /** Whether an insertion already ends a file that had no final newline. */
  #finalNewline = false;

  constructor(text: string, doc: ParsedDocument, index: number, edits: TextEdit[]) {
    this.#text = text;
    this.#doc = doc;
    this.#index = index;
    this.#edits = edits;
  }

  #isDeleted(path: readonly PathSegment[]): boolean {
    return this.#deleted.has(JSON.stringify(path));
  }

  applyAll(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.op === "delete") this.#deleted.add(JSON.stringify(change.path));
    }
    for (const change of changes) this.#apply(change);
  }

  #apply(change: Change): void {
    const { path } = change;
    if (path.length === 0) throw this.#fail(path, "the whole document would be replaced");
    let node: unknown = this.#doc.contents;
    this.#guard(node, path);
    for (const segment of path.slice(0, -1)) node = this.#child(node, segment, path);
    const last = path[path.length - 1]!;
    if (isMap(node)) {
      const pair = this.#findPair(node, last, path);
      if (change.op === "delete") {
        if (pair === undefined) throw this.#fail(path, "the key to remove is not in the file");
        this.#guardSubtree(pair.key, path);
        this.#guardSubtree(pair.value, path);
        this.#deletePair(node, pair, path);
      } else if (pair === undefined) {
        this.#addPair(node, String(last), change.value);
      } else {
        this.#guardSubtree(pair.value, path);
        this.#replacePairValue(node, pair, change.value, path);
      }
      return;
    }
    if (isSeq(node) && typeof last === "number" && change.op === "set") {
      const item = node.items[last];
      if (item === undefined || isPair(item)) throw this.#fail(path, "no such list item");
      this.#guardSubtree(item, path);
      this.#replaceSeqItem(node, item as Node, change.value);
      return;
    }
    throw this.#fail(path, "the file's structure does not match the change");
  }

  // --- navigation and refusals ---------------------------------------------

  #child(node: unknown, segment: PathSegment, path: PathSegment[]): unknown {
    if (isMap(node)) {
      const pair = this.#findPair(node, segment, path);
      if (pair === undefined) throw this.#fail(path, `"${segment}" is not in the file`);
      this.#guard(pair.key, path);
      this.#guard(pair.value, path);
      return pair.value;
    }
    if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      const item = node.items[segment];
      this.#guard(item, path);
      return item;
    }
    throw this.#fail(path, "the file's structure does not match the change");
  }

  #findPair(map: YAMLMap, segment: PathSegment, path: PathSegment[]): Pair | undefined {
    let found: Pair | undefined;
    for (const item of map.items as Pair[]) {
      if (!isScalar(item.key)) throw this.#fail(path, "a map on the path has a complex key");
      if (item.key.value === "<<") {
        throw this.#fail(
          path,
          "a map on the changed path uses a merge key (<<)",
          "merge",
        );
      }
      if (String(item.key.value) === String(segment)) found = item as Pair;
    }
    return found;
  }

  #guard(node: unknown, path: PathSegment[]): void {
    if (isAlias(node)) {
      throw this.#fail(
        path,
        `the changed path goes through the alias *${node.source}`,
        "alias",
      );
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (typeof anchor === "string" && anchor !== "") {
      throw this.#fail(
        path,
        `the changed path goes through the anchor &${anchor}`,
        "anchor",
      );
    }
  }

  #guardSubtree(node: unknown, path: PathSegment[]): void {
    if (node === null || node === undefined) return;
    this.#guard(node, path);
    if (!isCollection(node)) return;
    visit(node, {
      Node: (_key, child) => {
        this.#guard(child, path);
      },
    });
  }

  #fail(
    path: PathSegment[],
    reason: string,
    kind: YamlEditErrorKind = "unsupported",
  ): YamlEditError {
    return new YamlEditError(kind, reason, { index: this.#index, path });
  }

  // --- changes ---------------------------------------------------------------

  #replacePairValue(map: YAMLMap, pair: Pair, value: unknown, path: PathSegment[]): void {
    const old = pair.value as Node | null;
    const colonEnd = this.#colonEnd(pair, path);
    if (old === null) {
      this.#replacePairValueAt(pair, value, colonEnd, colonEnd, colonEnd, null, map);
      return;
    }
    this.#replacePairValueAt(
      pair,
      value,
      colonEnd,
      rangeOf(old)[0],
      this.#contentEnd(old),
      old,
      map,
    );
  }

  #replacePairValueAt(
    pair: Pair,
    value: unknown,
    colonEnd: number,
    oldStart: number,
    oldEnd: number,
    old: Node | null,
    map: YAMLMap,
  ): void {
    if (map.flow) {
      const lead = /\s/.test(this.#text[oldStart - 1] ?? "") ? "" : " ";
      this.#splice(oldStart, oldEnd, lead + this.#renderFlow(value));
      return;
    }
    const style = this.#styleOf();
    const keyColumn = this.#column(rangeOf(pair.key as Node)[0]);
    const between = this.#text.slice(colonEnd, oldStart);
    const ownLine = between.includes("\n");
    const commentBetween = between.includes("#");
    const keepFlow = isCollection(old) && old.flow === true && old.items.length > 0;
    const quoted = this.#textFollows(oldEnd);
    if (isBlockCollection(value) && !keepFlow) {
      const lines = this.#renderBlock(value, quoted);
      const sameKind = (isMap(old) && isPlainObject(value)) || (isSeq(old) && Array.isArray(value));
      if (ownLine && sameKind && !(old as YAMLMap | YAMLSeq).flow) {
        this.#splice(
          this.#lineStart(oldStart),
          oldEnd,
          this.#indentAll(lines, this.#column(oldStart)),
        );
        return;
      }
      const column = keyColumn +
        (Array.isArray(value) && !style.indentSeq ? 0 : style.indent);
      if (ownLine && commentBetween) {
        this.#splice(this.#lineStart(oldStart), oldEnd, this.#indentAll(lines, column));
      } else {
        this.#splice(colonEnd, oldEnd, style.eol + this.#indentAll(lines, column));
      }
      return;
    }
    const lines = keepFlow ? [this.#renderFlow(value)] : this.#renderInline(value, old, quoted);
    if (ownLine && !commentBetween) {
      this.#splice(colonEnd, oldEnd, ` ${this.#continued(lines, keyColumn + style.indent)}`);
    } else if (ownLine) {
      this.#splice(oldStart, oldEnd, this.#continued(lines, this.#column(oldStart)));
    } else {
      const lead = /[ \t]/.test(this.#text[oldStart - 1] ?? "") ? "" : " ";
      this.#splice(oldStart, oldEnd, lead + this.#continued(lines, keyColumn + style.indent));
    }
  }

  #replaceSeqItem(seq: YAMLSeq, item: Node, value: unknown): void {
    const start = rangeOf(item)[0];
    const end = this.#contentEnd(item);
    if (seq.flow) {
      this.#splice(start, end, this.#renderFlow(value));
      return;
    }
    const lead = /\s/.test(this.#text[start - 1] ?? "") ? "" : " ";
    const column = this.#column(start) + lead.length;
    const keepFlow = isCollection(item) && item.flow === true && item.items.length > 0;
    const quoted = this.#textFollows(end);
    const lines = keepFlow
      ? [this.#renderFlow(value)]
      : isBlockCollection(value)
      ? this.#renderBlock(value, quoted)
      : this.#renderInline(value, item, quoted);
    this.#splice(start, end, lead + this.#continued(lines, column));
  }

  #addPair(map: YAMLMap, key: string, value: unknown): void {
    const items = map.items as Pair[];
    if (map.flow) {
      const text = this.#renderFlowPair(key, value);
      if (items.length === 0) {
        this.#splice(rangeOf(map)[0] + 1, rangeOf(map)[0] + 1, text);
      } else {
        const last = items[items.length - 1]!;
        const end = this.#contentEnd((last.value ?? last.key) as Node);
        this.#splice(end, end, `, ${text}`);
      }
      return;
    }
    const first = items[0];
    if (first === undefined) throw this.#fail([key], "cannot add to an empty block map");
    const column = this.#column(rangeOf(first.key as Node)[0]);
    const at = this.#lineEndAfter(map);
    const eol = this.#styleOf().eol;
    let lead = "";
    if (at === this.#text.length && !this.#text.endsWith("\n") && !this.#finalNewline) {
      lead = eol;
      this.#finalNewline = true;
    }
    this.#splice(
      at,
      at,
      lead + this.#indentAll(this.#renderBlock({ [key]: value }), column) + eol,
      column,
    );
  }

  #deletePair(map: YAMLMap, pair: Pair, path: PathSegment[]): void {
    const items = map.items as Pair[];
    const position = items.indexOf(pair);
    const keyStart = rangeOf(pair.key as Node)[0];
    const next = items[position + 1];
    if (map.flow) {
      // With a surviving key after it, a key goes up to the next key;
      // otherwise from the end of the previous value (its comma with it).
      const survivorAfter = items.slice(position + 1).some((item) =>
        !isScalar(item.key) || !this.#isDeleted([...path.slice(0, -1), String(item.key.value)])
      );
      if (next !== undefined && survivorAfter) {
        this.#splice(keyStart, rangeOf(next.key as Node)[0], "");
      } else if (position > 0) {
        const previous = items[position - 1]!;
        this.#splice(
          this.#contentEnd((previous.value ?? previous.key) as Node),
          this.#contentEnd((pair.value ?? pair.key) as Node),
          "",
        );
      } else {
        this.#splice(keyStart, this.#contentEnd((pair.value ?? pair.key) as Node), "");
      }
      return;
    }
    if (this.#onlySpaceBefore(keyStart)) {
      this.#splice(this.#lineStart(keyStart), this.#lineEndAfter(pair), "");
    } else if (
      next !== undefined && isScalar(next.key) &&
      !this.#isDeleted([...path.slice(0, -1), String(next.key.value)])
    ) {
      // First key of a compact map in a list item (`- kind: x`): the next key moves up.
      this.#splice(keyStart, rangeOf(next.key as Node)[0], "");
    } else if (next !== undefined) {
      // ... unless the next key goes too: then the dash stays alone on its line.
      let start = keyStart;
      while (this.#text[start - 1] === " " || this.#text[start - 1] === "\t") start--;
      let end = this.#lineEndAfter(pair);
      if (this.#text[end - 1] === "\n") end--;
      if (this.#text[end - 1] === "\r") end--;
      this.#splice(start, end, "");
    } else {
      throw this.#fail(path, "cannot remove the only key of a map written inline");
    }
  }

  // --- positions ---------------------------------------------------------------

  #splice(start: number, end: number, text: string, column?: number): void {
    const edit: TextEdit = { start, end, text, order: this.#edits.length };
    if (column !== undefined) edit.column = column;
    this.#edits.push(edit);
  }

  #colonEnd(pair: Pair, path: PathSegment[]): number {
    let at = rangeOf(pair.key as Node)[1];
    while (this.#text[at] === " " || this.#text[at] === "\t") at++;
    if (this.#text[at] !== ":") {
      throw this.#fail(path, "explicit (`? key`) map keys are not supported");
    }
    return at + 1;
  }

  #lineStart(position: number): number {
    return this.#text.lastIndexOf("\n", position - 1) + 1;
  }

  #column(position: number): number {
    return position - this.#lineStart(position);
  }

  #onlySpaceBefore(position: number): boolean {
    return /^[ \t]*$/.test(this.#text.slice(this.#lineStart(position), position));
  }

  /** The last node of a block collection's last line (through nested block collections). */
  #lastLeaf(node: Node): Node {
    if (isMap(node) && !node.flow && node.items.length > 0) {
      const last = node.items[node.items.length - 1] as Pair;
      return this.#lastLeaf((last.value ?? last.key) as Node);
    }
    if (isSeq(node) && !node.flow && node.items.length > 0) {
      return this.#lastLeaf(node.items[node.items.length - 1] as Node);
    }
    return node;
  }

  /** Where the node's content ends: before trailing comments and line breaks. */
  #contentEnd(node: Node): number {
    const leaf = this.#lastLeaf(node);
    const end = rangeOf(leaf)[1];
    if (isScalar(leaf) && isBlockScalar(leaf)) {
      let at = end;
      while (
        at > rangeOf(leaf)[0] && (this.#text[at - 1] === "\n" || this.#text[at - 1] === "\r")
      ) {
        at--;
      }
      return at;
    }
    return end;
  }

  /** Start of the line after the last line of `node` (a node or a pair). */
  #lineEndAfter(node: Node | Pair): number {
    const leaf = this.#lastLeaf(isPair(node) ? (node.value ?? node.key) as Node : node);
    if (isScalar(leaf) && isBlockScalar(leaf)) return rangeOf(leaf)[1];
    const newline = this.#text.indexOf("\n", this.#contentEnd(leaf));
    return newline === -1 ? this.#text.length : newline + 1;
  }

  // --- rendering -----------------------------------------------------------

  #styleOf(): Style {
    this.#style ??= detectStyle(this.#doc, this.#text);
    return this.#style;
  }

  #indentAll(lines: string[], column: number): string {
    const pad = " ".repeat(column);
    return lines.map((line) => (line === "" ? line : pad + line)).join(this.#styleOf().eol);
  }

  #continued(lines: string[], column: number): string {
    const [first, ...rest] = lines;
    return rest.length === 0
      ? first!
      : `${first}${this.#styleOf().eol}${this.#indentAll(rest, column)}`;
  }

  /** True when the line goes on after `position` (a comment): new text must then not end in a block scalar. */
  #textFollows(position: number): boolean {
    const newline = this.#text.indexOf("\n", position);
    return /\S/.test(this.#text.slice(position, newline === -1 ? undefined : newline));
  }

  /**
   * A value in block style. `quoted`: multi-line strings in double quotes on
   * one line, because text follows on the last line.
   */
  #renderBlock(value: unknown, quoted = false): string[] {
    const style = this.#styleOf();
    return lines(toText(yamlDocument(value, style, quoted), style));
  }

  /** A scalar or empty collection in block context; a string keeps the old string's quoting. */
  #renderInline(value: unknown, old: Node | null, quoted: boolean): string[] {
    const style = this.#styleOf();
    const doc = yamlDocument(value, style, quoted);
    if (
      isScalar(old) && typeof old.value === "string" && typeof value === "string" &&
      isScalar(doc.contents) && old.type !== undefined && old.type !== Scalar.PLAIN &&
      !(quoted && value.includes("\n"))
    ) {
      doc.contents.type = old.type;
    }
    let text = toText(doc, style);
    if (/^[|>][-+]?[0-9]/.test(text) && isScalar(doc.contents)) {
      // An indentation indicator is relative to the parent: use quotes instead.
      doc.contents.type = Scalar.QUOTE_DOUBLE;
      text = toText(doc, style);
    }
    return lines(text);
  }

  #renderFlow(value: unknown): string {
    return flowText([value], this.#styleOf()).slice(1, -1).trim();
  }

  #renderFlowPair(key: string, value: unknown): string {
    return flowText({ [key]: value }, this.#styleOf()).slice(1, -1).trim();
  }
}

/**
 * A new node tree for `value`. Strings another YAML version would read as
 * something else are quoted; with `quoteMultiline`, so are multi-line strings.
 */
function yamlDocument(value: unknown, style: Style, quoteMultiline = false): Document {
  const doc = new Document(value, { version: "1.2", aliasDuplicateObjects: false });
  visit(doc, {
    Scalar: (_key, node) => {
      if (typeof node.value !== "string") return;
      if (node.value.includes("\n")) {
        if (quoteMultiline) node.type = Scalar.QUOTE_DOUBLE;
      } else if (readsAsOther(node.value)) {
        node.type = style.singleQuote ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc;
}

function toText(doc: Document, style: Style): string {
  return doc.toString({
    indent: style.indent,
    indentSeq: style.indentSeq,
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: style.flowPadding,
    singleQuote: style.singleQuote ? true : null,
    doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
  });
}

function flowText(value: unknown, style: Style): string {
  const doc = yamlDocument(value, style);
  visit(doc, {
    Collection: (_key, node) => {
      node.flow = true;
    },
    Scalar: (_key, node) => {
      if (typeof node.value === "string" && node.value.includes("\n")) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: style.flowPadding,
    singleQuote: style.singleQuote ? true : null,
    doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
  }).trimEnd();
}

function lines(text: string): string[] {
  return text.replace(/\n$/, "").split("\n");
}

/** True when `text`, written plain, would read as something else under YAML 1.1 or 1.2. */
function readsAsOther(text: string): boolean {
  for (const version of ["1.1", "1.2"] as const) {
    try {
      if (parse(text, { version }) !== text) return true;
    } catch {
      return true;
    }
  }
  return false;
}

function detectStyle(doc: ParsedDocument, text: string): Style {
  const column = (position: number) => position - (text.lastIndexOf("\n", position - 1) + 1);
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  let flowPadding: boolean | undefined;
  let single = 0;
  let double = 0;
  visit(doc, {
    Pair: (_key, pair) => {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!isScalar(key) || !key.range || !value?.range) return;
      const keyColumn = column(key.range[0]);
      const ownLine = text.slice(key.range[1], value.range[0]).includes("\n");
      if (indent === undefined && isMap(value) && !value.flow && ownLine) {
        const step = column(value.range[0]) - keyColumn;
        if (step > 0) indent = step;
      }
      if (indentSeq === undefined && isSeq(value) && !value.flow && ownLine) {
        indentSeq = column(value.range[0]) > keyColumn;
      }
    },
    Collection: (_key, node) => {
      if (flowPadding === undefined && node.flow && node.items.length > 0 && node.range) {
        flowPadding = text[node.range[0] + 1] === " ";
      }
    },
    Scalar: (_key, node) => {
      if (node.type === Scalar.QUOTE_SINGLE) single++;
      if (node.type === Scalar.QUOTE_DOUBLE) double++;
    },
  });
  return {
    indent: indent ?? 2,
    indentSeq: indentSeq ?? true,
    singleQuote: single > double,
    flowPadding: flowPadding ?? false,
    eol: text.includes("\r\n") ? "\r\n" : "\n",
  };
}

function rangeOf(node: Node | null | undefined): [number, number, number] {
  const range = node?.range;
  if (!range) throw new YamlEditError("internal", "a node has no source position (this is a bug)");
  return range;
}

function isBlockScalar(node: Scalar): boolean {
  return node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
}

function isBlockCollection(value: unknown): boolean {
  return (Array.isArray(value) && value.length > 0) ||
    (isPlainObject(value) && definedKeys(value).length > 0);
}
