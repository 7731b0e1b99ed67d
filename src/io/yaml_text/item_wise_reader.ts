/**
 * KRM mode's reader for a ResourceList the fast reader does not take whole:
 * one item outside its subset (a flow list such as `args: ["--port", "80"]`,
 * a folded scalar, a tag) used to send the whole list through the full
 * reader. Here the `items:` block is cut into item texts
 * (`item_spans.ts`), each item is read alone, by the fast reader when it
 * takes it and by the full reader otherwise, and the rest of the list (its
 * other top-level keys) is read with `items: []` in place of the block.
 *
 * Reading an item alone gives the value it has in the list: it is read in
 * the same context (the entry of a top-level `items` list), and the cut
 * refuses what could tie items together or to the rest: anchors and aliases
 * (an `&` or `*` where a node can start, `item_spans.ts` mayHoldAnchors),
 * several documents, directives and carriage returns. A block scalar that keeps its trailing line breaks
 * (`|+`, `>+`) is refused too, since the cut leaves the blank lines after
 * the last item out of it. Anything else unusual, and every error, makes
 * {@link readItemWise} return `undefined`: the caller then reads the whole
 * text with the full reader, which reports the error as before.
 * tests/item_wise_reader_test.ts checks that the value always equals the
 * whole text's, on every golden input and on generated and mutated lists.
 *
 * @module
 */

import { setKey } from "../yaml_full.ts";
import { readEachPart } from "./document_wise_reader.ts";
import { cutSpans, firstKeyOf, type ItemSpans, locateItems } from "./item_spans.ts";

/** A block scalar header with the keep indicator (`|+`, `>2+`, `|+2`). */
const KEEP_CHOMPING = /[|>](?:[1-9]?\+|\+[1-9])/;

/** The list read item by item, and its item texts; `undefined` when the text is not cut or not read so. */
export function readItemWise(
  text: string,
): { parsed: Record<string, unknown>; spans: ItemSpans } | undefined {
  const block = locateItems(text);
  if (!block || block.starts.length === 0 || KEEP_CHOMPING.test(text)) return undefined;
  try {
    const items: unknown[] = [];
    for (let k = 0; k < block.starts.length; k++) {
      const end = k + 1 < block.starts.length ? block.starts[k + 1]! : block.end;
      const item = itemAlone(text.slice(block.starts[k]!, end));
      if (item === undefined) return undefined;
      items.push(item.value);
    }
    const head = onlyDocument(`${text.slice(0, block.keyLine)}items: []\n${text.slice(block.end)}`);
    if (!isMap(head) || !Array.isArray(head.items) || head.items.length !== 0) return undefined;
    const spans = cutSpans(text, {
      starts: block.starts,
      end: block.end,
      indent: block.indent,
      firstKeys: items.map(firstKeyOf),
    });
    if (!spans) return undefined;
    const parsed: Record<string, unknown> = {};
    for (const key of Object.keys(head)) setKey(parsed, key, key === "items" ? items : head[key]);
    return { parsed, spans };
  } catch {
    return undefined;
  }
}

/** The one item of the entry text `span`, read as the entry of an `items` list. */
function itemAlone(span: string): { value: unknown } | undefined {
  const list = onlyDocument(`items:\n${span}`);
  if (!isMap(list) || Object.keys(list).length !== 1) return undefined;
  const items = list.items;
  return Array.isArray(items) && items.length === 1 ? { value: items[0] } : undefined;
}

/** The value of `text` when it is one non-empty document that reads (fast reader first). */
function onlyDocument(text: string): unknown {
  return readEachPart([text])?.[0];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
