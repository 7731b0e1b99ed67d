/**
 * The structural difference of two plain (JSON) values and their deep
 * equality, shared by the two text editors: directory mode's, on the `yaml`
 * package (it re-exports these), and the ResourceList item editor
 * (`krm_edit.ts`), on the fast reader. Pure, and imports nothing, so the KRM
 * path does not load the `yaml` package through it.
 *
 * @module
 */

/** A map key or sequence index. */
export type PathSegment = string | number;

/** One structural change: set (replace or add) or delete the value at `path`. */
export type Change =
  | { op: "set"; path: PathSegment[]; value: unknown }
  | { op: "delete"; path: PathSegment[] };

/**
 * The structural difference of two plain values: removed keys, then changed
 * and added keys in the order of `after`. Maps that share no key, arrays of
 * different lengths and values of different types are replaced whole. Keys
 * whose value is `undefined` count as absent.
 */
export function diffValues(before: unknown, after: unknown): Change[] {
  const changes: Change[] = [];
  walkDiff(before, after, { changes, path: [] });
  return changes;
}

/**
 * Appends the changes from `b` to `a` at `path`. Equal values add nothing;
 * unequal ones add at least one change, so equality is decided on the way
 * down instead of by a {@link jsonEqual} of every subtree at every level
 * (which made the walk quadratic in the depth).
 */
function walkDiff(b: unknown, a: unknown, at: { changes: Change[]; path: PathSegment[] }): void {
  if (b === a) return;
  const { changes, path } = at;
  if (isPlainObject(b) && isPlainObject(a)) {
    const beforeKeys = definedKeys(b);
    const afterKeys = definedKeys(a);
    if (beforeKeys.length === 0 && afterKeys.length === 0) return;
    if (beforeKeys.some((key) => a[key] !== undefined)) {
      for (const key of beforeKeys) {
        if (a[key] === undefined) changes.push({ op: "delete", path: [...path, key] });
      }
      for (const key of afterKeys) {
        if (b[key] === undefined) {
          changes.push({ op: "set", path: [...path, key], value: a[key] });
        } else walkDiff(b[key], a[key], { changes, path: [...path, key] });
      }
      return;
    }
  } else if (Array.isArray(b) && Array.isArray(a)) {
    if (b.length === a.length) {
      b.forEach((item, i) => walkDiff(item, a[i], { changes, path: [...path, i] }));
      return;
    }
  } else if (typeof b === "number" && typeof a === "number" && Number.isNaN(b) && Number.isNaN(a)) {
    return;
  }
  changes.push({ op: "set", path, value: a });
}

/** Deep equality of plain values; map key order is ignored, `undefined` keys count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = definedKeys(a);
  return keys.length === definedKeys(b).length &&
    keys.every((key) => b[key] !== undefined && jsonEqual(a[key], b[key]));
}

/** A map: an object that is not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The keys of `value` whose value is not `undefined`. */
export function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}
