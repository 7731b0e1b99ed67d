/**
 * Edits the text of one `items[]` entry of a ResourceList so that it holds a
 * new value, keeping every byte the change does not touch: the quoting,
 * comments, key order and spelling of untouched values (`.inf`, `-0`,
 * `12345678901234567891`, a key `80:`) stay as they were, where
 * re-serializing the item would alter them.
 *
 * The change is the structural difference of the old and new values
 * (changed, added and removed keys recursively, lists of equal length by
 * index, anything else replaced whole), applied as splices at the positions
 * the fast reader records (`src/io/krm_reader.ts`); new text comes from the
 * plain emitter (`src/io/plain_yaml.ts`). The result is read back and must
 * equal the new value, else {@link editItemText} returns `undefined` and the
 * caller writes the item whole.
 *
 * @module
 */

import { type EntryLocation, locateFast, type Location, readFast } from "../krm_reader.ts";
import { emitEntry } from "../plain_yaml.ts";
import { type Change, diffValues, jsonEqual } from "./value_diff.ts";

interface Splice {
  start: number;
  end: number;
  text: string;
  /** Insertions at one offset: deeper maps first. */
  depth: number;
}

/** Thrown when a change has a shape the editor does not handle. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported("unsupported edit");

/**
 * The text of the item entry `span` (a `- ` entry at `indent`, as
 * `item_spans.ts` cuts it) changed from `before` to `after`, or
 * `undefined` when it cannot be edited safely.
 */
export function editItemText(
  span: string,
  before: unknown,
  after: unknown,
): string | undefined {
  const located = locateFast(span);
  if (!located || located.documents.length !== 1) return undefined;
  const list = located.documents[0];
  // No check that the text holds `before`: the result is read back and must
  // equal `after`, whatever the text held.
  if (!Array.isArray(list) || list.length !== 1) return undefined;
  try {
    const splices: Splice[] = [];
    for (const change of diffValues(before, after)) {
      splices.push(spliceOf({ span, root: list[0], locations: located.locations }, change));
    }
    const text = apply(span, splices);
    const check = readFast(text);
    if (!check || check.length !== 1) return undefined;
    const items = check[0];
    return Array.isArray(items) && items.length === 1 && jsonEqual(items[0], after)
      ? text
      : undefined;
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

/** The item's text, its parsed value and the positions the fast reader recorded. */
interface Located {
  span: string;
  root: unknown;
  locations: WeakMap<object, Location>;
}

function spliceOf({ span, root, locations }: Located, change: Change): Splice {
  if (change.path.length === 0) throw UNSUPPORTED;
  let parent: unknown = root;
  for (const segment of change.path.slice(0, -1)) {
    if (typeof parent !== "object" || parent === null) throw UNSUPPORTED;
    parent = (parent as Record<string | number, unknown>)[segment];
  }
  if (typeof parent !== "object" || parent === null) throw UNSUPPORTED;
  const last = change.path[change.path.length - 1]!;
  const where = locations.get(parent as object);
  if (!where) throw UNSUPPORTED;
  const depth = change.path.length;
  if ("items" in where) {
    const item = where.items[last as number];
    if (item === undefined || change.op === "delete") throw UNSUPPORTED;
    return { start: item.start, end: item.end, text: emitEntry(change.value, where.indent), depth };
  }
  const entry = where.entries.get(last as string);
  if (change.op === "delete") {
    if (!entry) throw UNSUPPORTED;
    return { ...deletion(span, entry, where), depth };
  }
  if (!entry) {
    return {
      start: where.end,
      end: where.end,
      text: newEntry(last as string, change.value, where.indent),
      depth,
    };
  }
  if (
    entry.valueEnd !== -1 && isScalar(change.value) &&
    isScalar((parent as Record<string, unknown>)[last])
  ) {
    return { start: entry.valueStart, end: entry.valueEnd, text: scalarText(change.value), depth };
  }
  return {
    start: entry.keyStart,
    end: entry.end,
    text: entryText(last as string, change.value, where.indent),
    depth,
  };
}

/** The splice that removes `entry` from its map (`where`). */
function deletion(
  span: string,
  entry: EntryLocation,
  where: { indent: number; entries: Map<string, EntryLocation>; end: number },
): Omit<Splice, "depth"> {
  const lineStart = entry.keyStart - where.indent;
  const compact = lineStart < 0 || span.slice(lineStart, entry.keyStart).trim() !== "";
  if (!compact) return { start: lineStart, end: entry.end, text: "" };
  // The first key of a map that starts on its list item's "- " line: the next
  // key moves up onto that line.
  const next = [...where.entries.values()].find((e) => e.keyStart >= entry.end);
  if (!next) throw UNSUPPORTED;
  return { start: entry.keyStart, end: next.keyStart, text: "" };
}

/** `key: value` lines for a map at column `indent`, without the first line's indentation. */
function entryText(key: string, value: unknown, indent: number): string {
  if (indent < 2) throw UNSUPPORTED;
  return emitEntry({ [key]: value }, indent - 2).slice(indent);
}

function newEntry(key: string, value: unknown, indent: number): string {
  return " ".repeat(indent) + entryText(key, value, indent);
}

function scalarText(value: unknown): string {
  return emitEntry(value, 0).slice(2, -1);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== "object";
}

function apply(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) =>
    a.start - b.start || Number(a.end > a.start) - Number(b.end > b.start) || b.depth - a.depth
  );
  let out = "";
  let at = 0;
  for (const splice of sorted) {
    if (splice.start < at) throw UNSUPPORTED;
    out += text.slice(at, splice.start) + splice.text;
    at = splice.end;
  }
  return out + text.slice(at);
}
