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
  const walk = (b: unknown, a: unknown, path: PathSegment[]): void => {
    if (jsonEqual(b, a)) return;
    if (isPlainObject(b) && isPlainObject(a)) {
      const beforeKeys = definedKeys(b);
      const afterKeys = definedKeys(a);
      if (beforeKeys.some((key) => a[key] !== undefined)) {
        for (const key of beforeKeys) {
          if (a[key] === undefined) changes.push({ op: "delete", path: [...path, key] });
        }
        for (const key of afterKeys) {
          if (b[key] === undefined) {
            changes.push({ op: "set", path: [...path, key], value: a[key] });
          } else walk(b[key], a[key], [...path, key]);
        }
        return;
      }
    } else if (Array.isArray(b) && Array.isArray(a) && b.length === a.length && b.length > 0) {
      b.forEach((item, i) => walk(item, a[i], [...path, i]));
      return;
    }
    changes.push({ op: "set", path, value: a });
  };
  walk(before, after, []);
  return changes;
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
