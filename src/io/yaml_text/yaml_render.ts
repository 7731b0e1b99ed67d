/**
 * New YAML text for the comment-preserving editor, in the file's own style:
 * its indentation, sequence indentation, preferred quote, flow padding and
 * line ends ({@link detectStyle}). Strings a YAML 1.1 reader (Go) or a 1.2
 * reader would take for something else are quoted.
 *
 * @module
 */

import {
  Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  parse,
  Scalar,
  visit,
} from "../yaml_package.ts";
import type { ParsedDocument } from "./yaml_stream.ts";

/** How a file writes YAML. */
export interface Style {
  indent: number;
  indentSeq: boolean;
  singleQuote: boolean;
  flowPadding: boolean;
  eol: string;
}

/** Renders values as text in one file's {@link Style}. */
export class Renderer {
  /** The style new text follows. */
  readonly style: Style;

  /** A renderer for `style`. */
  constructor(style: Style) {
    this.style = style;
  }

  /** `lines` joined, each non-empty one indented to `column`. */
  indentAll(lines: string[], column: number): string {
    const pad = " ".repeat(column);
    return lines.map((line) => (line === "" ? line : pad + line)).join(this.style.eol);
  }

  /** The first line as is, the others indented to `column`. */
  continued(lines: string[], column: number): string {
    const [first, ...rest] = lines;
    return rest.length === 0 ? first! : `${first}${this.style.eol}${this.indentAll(rest, column)}`;
  }

  /**
   * A value in block style. `quoted`: multi-line strings in double quotes on
   * one line, because text follows on the last line.
   */
  block(value: unknown, quoted = false): string[] {
    return lines(toText(yamlDocument(value, this.style, quoted), this.style));
  }

  /** A scalar or empty collection in block context; a string keeps the old string's quoting. */
  inline(value: unknown, old: Node | null, quoted: boolean): string[] {
    const doc = yamlDocument(value, this.style, quoted);
    if (
      isScalar(old) && typeof old.value === "string" && typeof value === "string" &&
      isScalar(doc.contents) && old.type !== undefined && old.type !== Scalar.PLAIN &&
      !(quoted && value.includes("\n"))
    ) {
      doc.contents.type = old.type;
    }
    let text = toText(doc, this.style);
    if (/^[|>][-+]?[0-9]/.test(text) && isScalar(doc.contents)) {
      // An indentation indicator is relative to the parent: use quotes instead.
      doc.contents.type = Scalar.QUOTE_DOUBLE;
      text = toText(doc, this.style);
    }
    return lines(text);
  }

  /** A value in flow style, on one line. */
  flow(value: unknown): string {
    return flowText([value], this.style).slice(1, -1).trim();
  }

  /** `key: value` in flow style, on one line. */
  flowPair(key: string, value: unknown): string {
    return flowText({ [key]: value }, this.style).slice(1, -1).trim();
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

/**
 * Answers of {@link readsAsOther}, which parses its string twice: a rewrite
 * writes the same few strings (kinds, names, label keys) into many
 * documents. Bounded: emptied when full.
 */
const READS_AS_OTHER = new Map<string, boolean>();
const READS_AS_OTHER_MAX = 4096;

/** True when `text`, written plain, would read as something else under YAML 1.1 or 1.2. */
function readsAsOther(text: string): boolean {
  let answer = READS_AS_OTHER.get(text);
  if (answer !== undefined) return answer;
  answer = parsesAsOther(text);
  if (READS_AS_OTHER.size >= READS_AS_OTHER_MAX) READS_AS_OTHER.clear();
  READS_AS_OTHER.set(text, answer);
  return answer;
}

function parsesAsOther(text: string): boolean {
  for (const version of ["1.1", "1.2"] as const) {
    try {
      if (parse(text, { version }) !== text) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** The style of a document's text: the first indentation steps seen, the majority quote, the line end. */
export function detectStyle(doc: ParsedDocument, text: string): Style {
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
