/**
 * diffValues decides equality on its way down (linear) instead of comparing
 * every subtree at every level (quadratic in the depth): differential
 * property test against the earlier definition, on random pairs and on pairs
 * where the second value is an edited copy that shares subtrees with the
 * first (as the rewrite's output shares them with its input). jsonEqual
 * likewise against its earlier definition.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Change,
  definedKeys,
  diffValues,
  isPlainObject,
  jsonEqual,
  type PathSegment,
} from "./value_diff.ts";

/** The earlier definition of jsonEqual. */
function referenceEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => referenceEqual(item, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = definedKeys(a);
  return keys.length === definedKeys(b).length &&
    keys.every((key) => b[key] !== undefined && referenceEqual(a[key], b[key]));
}

/** The earlier definition: a `jsonEqual` of the two subtrees before each step down. */
function referenceDiff(before: unknown, after: unknown): Change[] {
  const changes: Change[] = [];
  const walk = (b: unknown, a: unknown, path: PathSegment[]): void => {
    if (referenceEqual(b, a)) return;
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

const scalar = fc.oneof(
  fc.constantFrom("a", "b", "", "80", 0, -0, 1, Number.NaN, Infinity, true, false, null, undefined),
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 3 }),
);
const key = fc.constantFrom("a", "b", "c", "kind", "0", "__proto__x");

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  ),
})).node;

/** A copy of `v` with random edits (replaced, added, removed entries); untouched subtrees are shared. */
function edited(v: unknown, choices: () => number, replacement: () => unknown): unknown {
  const c = choices();
  if (c < 0.15) return replacement();
  if (c < 0.45) return v; // shared, untouched
  if (Array.isArray(v)) return v.map((item) => edited(item, choices, replacement));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const r = choices();
      if (r < 0.1) continue;
      out[k] = r < 0.2 ? undefined : edited(v[k], choices, replacement);
    }
    if (choices() < 0.2) out[`added${Math.floor(choices() * 3)}`] = replacement();
    return out;
  }
  return v;
}

/** Equality of change lists, NaN equal to NaN and -0 to -0 only. */
function sameChanges(a: Change[], b: Change[]): boolean {
  return a.length === b.length && a.every((change, i) => {
    const other = b[i]!;
    if (change.op !== other.op || JSON.stringify(change.path) !== JSON.stringify(other.path)) {
      return false;
    }
    return change.op === "delete" ||
      Object.is((change as { value: unknown }).value, (other as { value: unknown }).value);
  });
}

Deno.test("diffValues gives the earlier definition's changes on random pairs", () => {
  fc.assert(
    fc.property(value, value, (before, after) => {
      assert.ok(sameChanges(diffValues(before, after), referenceDiff(before, after)));
      assert.deepEqual(diffValues(before, before), []);
      assert.equal(jsonEqual(before, after), referenceEqual(before, after));
      assert.ok(jsonEqual(before, structuredClone(before)));
    }),
    { numRuns: 3000, seed: 16 },
  );
});

Deno.test("diffValues gives the earlier definition's changes on edited copies sharing subtrees", () => {
  fc.assert(
    fc.property(
      value,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }),
      value,
      (before, numbers, replacement) => {
        let i = 0;
        const after = edited(before, () => numbers[i++ % numbers.length]!, () => replacement);
        const changes = diffValues(before, after);
        assert.ok(sameChanges(changes, referenceDiff(before, after)));
        assert.equal(changes.length === 0, jsonEqual(before, after));
        assert.equal(jsonEqual(before, after), referenceEqual(before, after));
        assert.equal(jsonEqual(after, before), referenceEqual(after, before));
      },
    ),
    { numRuns: 3000, seed: 16 },
  );
});
