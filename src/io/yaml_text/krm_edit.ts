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
 * plain emitter (`src/io/plain_yaml.ts`). The result must read back as the
 * new value, else {@link editItemText} returns `undefined` and the caller
 * writes the item whole.
 *
 * The proof is one of two. When every splice is a one-line scalar replaced
 * in place, a new `key: value` entry appended to a map or the lines of an
 * entry removed (what rewriting a reference does), and the text held the old
 * value, each splice is read on its own: the scalar on its line, the entry as
 * a map at its column. The fast reader reads a block line by line, and such a
 * splice neither changes how the lines around it end their blocks (a line at
 * a map's column that is not a list item ends every deeper block as a line
 * left of it does) nor is read differently in place, so the edited text
 * reads as the old value with exactly those changes.
 * Any other edit is read back whole. tests/krm_edit_property_test.ts checks
 * on random items and edits that whatever the first proof accepts also reads
 * back whole, with both readers, as the new value.
 *
 * @module
 */

import { type EntryLocation, locateFast, type Location, readFast } from "../krm_reader.ts";
import { PARSER_MAX_DEPTH } from "../yaml_full.ts";
import { emitEntry } from "../plain_yaml.ts";
import { type Change, diffValues, jsonEqual } from "./value_diff.ts";

interface Splice {
  start: number;
  end: number;
  text: string;
  /** Insertions at one offset: deeper maps first. */
  depth: number;
  /** How the splice is proven on its own; without it the edited text is read back whole. */
  alone?: Alone;
}

/**
 * A splice that can be read on its own: a scalar replaced in place (the text
 * after it on its line is `rest`), a new last entry `key` of the map
 * `where`, or the lines of one of the `entries` of the map `where` removed.
 */
type Alone =
  | { kind: "scalar"; value: unknown; rest: string }
  | { kind: "entry"; key: string; value: unknown; where: object }
  | { kind: "delete"; where: object; entries: number };

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
  return editItemTextProven(span, before, after)?.text;
}

/** {@link editItemText}, and which proof it took (for tests). */
export function editItemTextProven(
  span: string,
  before: unknown,
  after: unknown,
): { text: string; proof: "splices" | "read back" } | undefined {
  const located = locateFast(span);
  if (!located || located.documents.length !== 1) return undefined;
  const list = located.documents[0];
  if (!Array.isArray(list) || list.length !== 1) return undefined;
  try {
    const splices: Splice[] = [];
    for (const change of diffValues(before, after)) {
      splices.push(spliceOf({ span, root: list[0], locations: located.locations }, change));
    }
    const text = apply(span, splices);
    if (splicesHold(splices) && jsonEqual(list[0], before)) return { text, proof: "splices" };
    // Whatever the text held: read back, it must be `after`.
    const check = readFast(text);
    if (!check || check.length !== 1) return undefined;
    const items = check[0];
    return Array.isArray(items) && items.length === 1 && jsonEqual(items[0], after)
      ? { text, proof: "read back" }
      : undefined;
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

/**
 * True when every splice is proven on its own (see the module comment): the
 * scalar's line and the new entry read alone as the value, no map gets a key
 * twice or loses all its entries, and no new entry nests near the reader's
 * depth limit.
 */
function splicesHold(splices: readonly Splice[]): boolean {
  const added = new Map<object, Set<string>>();
  const removed = new Map<object, number>();
  for (const splice of splices) {
    const alone = splice.alone;
    if (!alone) return false;
    if (alone.kind === "delete") {
      // Whole lines of an entry go; the map keeps at least one of its entries.
      const count = (removed.get(alone.where) ?? 0) + 1;
      if (count >= alone.entries) return false;
      removed.set(alone.where, count);
      continue;
    }
    if (alone.kind === "scalar") {
      if (splice.text.includes("\n") || splice.text.charCodeAt(0) === SPACE) return false;
      const read = readFast(`k: ${splice.text}${alone.rest}\n`);
      if (!read || read.length !== 1 || !holdsOnly(read[0], "k", alone.value)) return false;
      continue;
    }
    if (splice.depth + 2 + nesting(alone.value) >= PARSER_MAX_DEPTH - 2) return false;
    let keys = added.get(alone.where);
    if (!keys) added.set(alone.where, keys = new Set());
    if (keys.has(alone.key)) return false;
    keys.add(alone.key);
    const read = readFast(splice.text);
    if (!read || read.length !== 1 || !holdsOnly(read[0], alone.key, alone.value)) return false;
  }
  return true;
}

/** True when `map` is a map whose only key is `key`, holding `value`. */
function holdsOnly(map: unknown, key: string, value: unknown): boolean {
  if (typeof map !== "object" || map === null || Array.isArray(map)) return false;
  const keys = Object.keys(map);
  return keys.length === 1 && keys[0] === key &&
    jsonEqual((map as Record<string, unknown>)[key], value);
}

/** How deeply `value`'s maps and lists nest (0 for a scalar). */
function nesting(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, nesting(child));
  return deepest + 1;
}

const SPACE = 0x20;

/** The item's text, its parsed value and the positions the fast reader recorded. */
interface Located {
  span: string;
  root: unknown;
  locations: ReadonlyMap<object, Location>;
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
      alone: { kind: "entry", key: last as string, value: change.value, where },
    };
  }
  if (
    entry.valueEnd !== -1 && isScalar(change.value) &&
    isScalar((parent as Record<string, unknown>)[last])
  ) {
    const lineEnd = span.indexOf("\n", entry.valueEnd);
    return {
      start: entry.valueStart,
      end: entry.valueEnd,
      text: scalarText(change.value),
      depth,
      alone: {
        kind: "scalar",
        value: change.value,
        rest: span.slice(entry.valueEnd, lineEnd === -1 ? span.length : lineEnd),
      },
    };
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
  if (!compact) {
    return {
      start: lineStart,
      end: entry.end,
      text: "",
      alone: { kind: "delete", where, entries: where.entries.size },
    };
  }
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
