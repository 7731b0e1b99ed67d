/**
 * Positions in a YAML file's text around the nodes the `yaml` package
 * parsed: line starts, columns, where a node's content and last line end.
 * The comment-preserving editor (`document_editor.ts`) splices at these.
 *
 * @module
 */

import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from "../yaml_package.ts";
import { isBlockScalar, rangeOf } from "./yaml_stream.ts";

/** Positions in one file's text. */
export class TextPositions {
  readonly #text: string;

  /** Positions in `text`. */
  constructor(text: string) {
    this.#text = text;
  }

  /** The start of the line `position` is on. */
  lineStart(position: number): number {
    return this.#text.lastIndexOf("\n", position - 1) + 1;
  }

  /** The 0-based column of `position`. */
  column(position: number): number {
    return position - this.lineStart(position);
  }

  /** True when only spaces and tabs precede `position` on its line. */
  onlySpaceBefore(position: number): boolean {
    return /^[ \t]*$/.test(this.#text.slice(this.lineStart(position), position));
  }

  /** Where the node's content ends: before trailing comments and line breaks. */
  contentEnd(node: Node): number {
    const leaf = lastLeaf(node);
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
  lineEndAfter(node: Node | Pair): number {
    const leaf = lastLeaf(isPair(node) ? (node.value ?? node.key) as Node : node);
    if (isScalar(leaf) && isBlockScalar(leaf)) return rangeOf(leaf)[1];
    const newline = this.#text.indexOf("\n", this.contentEnd(leaf));
    return newline === -1 ? this.#text.length : newline + 1;
  }

  /** True when the line goes on after `position` (a comment): new text must then not end in a block scalar. */
  textFollows(position: number): boolean {
    const newline = this.#text.indexOf("\n", position);
    return /\S/.test(this.#text.slice(position, newline === -1 ? undefined : newline));
  }

  /** Just after the `:` of a pair, or `undefined` for an explicit (`? key`) key. */
  colonEnd(pair: Pair): number | undefined {
    let at = rangeOf(pair.key as Node)[1];
    while (this.#text[at] === " " || this.#text[at] === "\t") at++;
    return this.#text[at] === ":" ? at + 1 : undefined;
  }
}

/** The last node of a block collection's last line (through nested block collections). */
function lastLeaf(node: Node): Node {
  if (isMap(node) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1] as Pair;
    return lastLeaf((last.value ?? last.key) as Node);
  }
  if (isSeq(node) && !node.flow && node.items.length > 0) {
    return lastLeaf(node.items[node.items.length - 1] as Node);
  }
  return node;
}
