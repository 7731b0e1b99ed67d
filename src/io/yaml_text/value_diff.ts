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
 * (which made the walk quadratic in the depth). `path` is one stack, pushed
 * and popped on the way; a change gets a copy.
 */
function walkDiff(b: unknown, a: unknown, at: { changes: Change[]; path: PathSegment[] }): void {
  if (b === a) return;
  const { changes, path } = at;
  if (isPlainObject(b) && isPlainObject(a)) {
    if (sharesDefinedKey(b, a)) {
      for (const key in b) {
        if (Object.hasOwn(b, key) && b[key] !== undefined && a[key] === undefined) {
          changes.push({ op: "delete", path: [...path, key] });
        }
      }
      for (const key in a) {
        if (!Object.hasOwn(a, key) || a[key] === undefined) continue;
        if (b[key] === undefined) {
          changes.push({ op: "set", path: [...path, key], value: a[key] });
          continue;
        }
        path.push(key);
        walkDiff(b[key], a[key], at);
        path.pop();
      }
      return;
    }
    if (!hasDefinedKey(b) && !hasDefinedKey(a)) return;
  } else if (Array.isArray(b) && Array.isArray(a)) {
    if (b.length === a.length) {
      for (let i = 0; i < b.length; i++) {
        path.push(i);
        walkDiff(b[i], a[i], at);
        path.pop();
      }
      return;
    }
  } else if (typeof b === "number" && typeof a === "number" && Number.isNaN(b) && Number.isNaN(a)) {
    return;
  }
  changes.push({ op: "set", path: [...path], value: a });
}

/** True when a key defined in `b` (own, not `undefined`) is not `undefined` in `a`. */
function sharesDefinedKey(b: Record<string, unknown>, a: Record<string, unknown>): boolean {
  for (const key in b) {
    if (Object.hasOwn(b, key) && b[key] !== undefined && a[key] !== undefined) return true;
  }
  return false;
}

function hasDefinedKey(value: Record<string, unknown>): boolean {
  for (const key in value) if (Object.hasOwn(value, key) && value[key] !== undefined) return true;
  return false;
}

/** Deep equality of plain values; map key order is ignored, `undefined` keys count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  let defined = 0;
  for (const key in a) {
    if (!Object.hasOwn(a, key) || a[key] === undefined) continue;
    defined++;
    if (b[key] === undefined || !jsonEqual(a[key], b[key])) return false;
  }
  for (const key in b) if (Object.hasOwn(b, key) && b[key] !== undefined) defined--;
  return defined === 0;
}

/** A map: an object that is not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The keys of `value` whose value is not `undefined`. */
export function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}
