/**
 * Plans the text splices of one document's structural changes for
 * `yaml_edit.ts`: walks each changed path through the parsed nodes, refuses
 * paths through anchors, aliases and merge keys, and turns each set, add and
 * delete into a splice at the nodes' positions with text in the file's style.
 *
 * @module
 */

import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "../yaml_package.ts";
import { type Change, definedKeys, isPlainObject, type PathSegment } from "./value_diff.ts";
import { YamlEditError, type YamlEditErrorKind } from "./edit_errors.ts";
import { type ParsedDocument, rangeOf } from "./yaml_stream.ts";
import { TextPositions } from "./text_positions.ts";
import { detectStyle, Renderer } from "./yaml_render.ts";

/** One splice of the file's text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
  order: number;
  /** For insertions into block maps: the column of the new keys (deeper maps go first). */
  column?: number;
}

/** What a {@link DocumentEditor} edits. */
export interface EditorTarget {
  /** The whole file's text. */
  text: string;
  doc: ParsedDocument;
  /** The document's index (for messages). */
  index: number;
  /** Where the splices go (shared by the file's documents). */
  edits: TextEdit[];
}

/** A pair's old value and where it sits. */
interface PairTarget {
  map: YAMLMap;
  pair: Pair;
  old: Node | null;
}

/** Plans the text splices of one document's changes. */
export class DocumentEditor {
  readonly #text: string;
  readonly #doc: ParsedDocument;
  readonly #index: number;
  readonly #edits: TextEdit[];
  readonly #at: TextPositions;
  #renderer: Renderer | undefined;
  /** Paths (as JSON) this document's changes delete. */
  #deleted = new Set<string>();
  /** Whether an insertion already ends a file that had no final newline. */
  #finalNewline = false;

  /** An editor for one document of a file. */
  constructor(target: EditorTarget) {
    this.#text = target.text;
    this.#doc = target.doc;
    this.#index = target.index;
    this.#edits = target.edits;
    this.#at = new TextPositions(target.text);
  }

  /** Plans every change of the document. */
  applyAll(changes: readonly Change[]): void {
    for (const change of changes) {
      if (change.op === "delete") this.#deleted.add(JSON.stringify(change.path));
    }
    for (const change of changes) this.#apply(change);
  }

  #isDeleted(path: readonly PathSegment[]): boolean {
    return this.#deleted.has(JSON.stringify(path));
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
        this.#replacePairValue({ map: node, pair, old: pair.value as Node | null }, change);
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
        throw this.#fail(path, "a map on the changed path uses a merge key (<<)", "merge");
      }
      if (String(item.key.value) === String(segment)) found = item as Pair;
    }
    return found;
  }

  #guard(node: unknown, path: PathSegment[]): void {
    if (isAlias(node)) {
      throw this.#fail(path, `the changed path goes through the alias *${node.source}`, "alias");
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (typeof anchor === "string" && anchor !== "") {
      throw this.#fail(path, `the changed path goes through the anchor &${anchor}`, "anchor");
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

  #replacePairValue(target: PairTarget, change: { value: unknown; path: PathSegment[] }): void {
    const colonEnd = this.#at.colonEnd(target.pair);
    if (colonEnd === undefined) {
      throw this.#fail(change.path, "explicit (`? key`) map keys are not supported");
    }
    const { old } = target;
    const span = old === null
      ? { colonEnd, oldStart: colonEnd, oldEnd: colonEnd }
      : { colonEnd, oldStart: rangeOf(old)[0], oldEnd: this.#at.contentEnd(old) };
    if (target.map.flow) {
      const lead = /\s/.test(this.#text[span.oldStart - 1] ?? "") ? "" : " ";
      this.#splice(span.oldStart, span.oldEnd, lead + this.#render().flow(change.value));
      return;
    }
    this.#replaceBlockPairValue(target, change.value, span);
  }

  #replaceBlockPairValue(
    { pair, old }: PairTarget,
    value: unknown,
    { colonEnd, oldStart, oldEnd }: { colonEnd: number; oldStart: number; oldEnd: number },
  ): void {
    const render = this.#render();
    const at = this.#at;
    const keyColumn = at.column(rangeOf(pair.key as Node)[0]);
    const between = this.#text.slice(colonEnd, oldStart);
    const ownLine = between.includes("\n");
    const commentBetween = between.includes("#");
    const keepFlow = isCollection(old) && old.flow === true && old.items.length > 0;
    const quoted = at.textFollows(oldEnd);
    if (isBlockCollection(value) && !keepFlow) {
      const lines = render.block(value, quoted);
      const sameKind = (isMap(old) && isPlainObject(value)) || (isSeq(old) && Array.isArray(value));
      if (ownLine && sameKind && !(old as YAMLMap | YAMLSeq).flow) {
        this.#splice(at.lineStart(oldStart), oldEnd, render.indentAll(lines, at.column(oldStart)));
        return;
      }
      const column = keyColumn +
        (Array.isArray(value) && !render.style.indentSeq ? 0 : render.style.indent);
      if (ownLine && commentBetween) {
        this.#splice(at.lineStart(oldStart), oldEnd, render.indentAll(lines, column));
      } else {
        this.#splice(colonEnd, oldEnd, render.style.eol + render.indentAll(lines, column));
      }
      return;
    }
    const lines = keepFlow ? [render.flow(value)] : render.inline(value, old, quoted);
    const indent = keyColumn + render.style.indent;
    if (ownLine && !commentBetween) {
      this.#splice(colonEnd, oldEnd, ` ${render.continued(lines, indent)}`);
    } else if (ownLine) {
      this.#splice(oldStart, oldEnd, render.continued(lines, at.column(oldStart)));
    } else {
      const lead = /[ \t]/.test(this.#text[oldStart - 1] ?? "") ? "" : " ";
      this.#splice(oldStart, oldEnd, lead + render.continued(lines, indent));
    }
  }

  #replaceSeqItem(seq: YAMLSeq, item: Node, value: unknown): void {
    const render = this.#render();
    const start = rangeOf(item)[0];
    const end = this.#at.contentEnd(item);
    if (seq.flow) {
      this.#splice(start, end, render.flow(value));
      return;
    }
    const lead = /\s/.test(this.#text[start - 1] ?? "") ? "" : " ";
    const column = this.#at.column(start) + lead.length;
    const keepFlow = isCollection(item) && item.flow === true && item.items.length > 0;
    const quoted = this.#at.textFollows(end);
    const lines = keepFlow
      ? [render.flow(value)]
      : isBlockCollection(value)
      ? render.block(value, quoted)
      : render.inline(value, item, quoted);
    this.#splice(start, end, lead + render.continued(lines, column));
  }

  #addPair(map: YAMLMap, key: string, value: unknown): void {
    const render = this.#render();
    const items = map.items as Pair[];
    if (map.flow) {
      const text = render.flowPair(key, value);
      if (items.length === 0) {
        this.#splice(rangeOf(map)[0] + 1, rangeOf(map)[0] + 1, text);
      } else {
        const last = items[items.length - 1]!;
        const end = this.#at.contentEnd((last.value ?? last.key) as Node);
        this.#splice(end, end, `, ${text}`);
      }
      return;
    }
    const first = items[0];
    if (first === undefined) throw this.#fail([key], "cannot add to an empty block map");
    const column = this.#at.column(rangeOf(first.key as Node)[0]);
    const at = this.#at.lineEndAfter(map);
    const eol = render.style.eol;
    let lead = "";
    if (at === this.#text.length && !this.#text.endsWith("\n") && !this.#finalNewline) {
      lead = eol;
      this.#finalNewline = true;
    }
    this.#insertKeys(
      at,
      lead + render.indentAll(render.block({ [key]: value }), column) + eol,
      column,
    );
  }

  #deletePair(map: YAMLMap, pair: Pair, path: PathSegment[]): void {
    if (map.flow) {
      this.#deleteFlowPair(map, pair, path);
      return;
    }
    const items = map.items as Pair[];
    const keyStart = rangeOf(pair.key as Node)[0];
    const next = items[items.indexOf(pair) + 1];
    if (this.#at.onlySpaceBefore(keyStart)) {
      this.#splice(this.#at.lineStart(keyStart), this.#at.lineEndAfter(pair), "");
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
      let end = this.#at.lineEndAfter(pair);
      if (this.#text[end - 1] === "\n") end--;
      if (this.#text[end - 1] === "\r") end--;
      this.#splice(start, end, "");
    } else {
      throw this.#fail(path, "cannot remove the only key of a map written inline");
    }
  }

  #deleteFlowPair(map: YAMLMap, pair: Pair, path: PathSegment[]): void {
    const items = map.items as Pair[];
    const position = items.indexOf(pair);
    const keyStart = rangeOf(pair.key as Node)[0];
    const next = items[position + 1];
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
        this.#at.contentEnd((previous.value ?? previous.key) as Node),
        this.#at.contentEnd((pair.value ?? pair.key) as Node),
        "",
      );
    } else {
      this.#splice(keyStart, this.#at.contentEnd((pair.value ?? pair.key) as Node), "");
    }
  }

  // --- splices and style -----------------------------------------------------

  #splice(start: number, end: number, text: string): void {
    this.#edits.push({ start, end, text, order: this.#edits.length });
  }

  /** An insertion of new keys at `column` (at one position, deeper maps go first). */
  #insertKeys(at: number, text: string, column: number): void {
    this.#edits.push({ start: at, end: at, text, order: this.#edits.length, column });
  }

  #render(): Renderer {
    this.#renderer ??= new Renderer(detectStyle(this.#doc, this.#text));
    return this.#renderer;
  }
}

function isBlockCollection(value: unknown): boolean {
  return (Array.isArray(value) && value.length > 0) ||
    (isPlainObject(value) && definedKeys(value).length > 0);
}
