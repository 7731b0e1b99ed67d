import assert from "node:assert/strict";
import fc from "fast-check";
import { sortedMap } from "./krm.ts";

/** The definition: a copy with keys inserted in `Array.prototype.sort` order. */
function reference<T>(map: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key] as T;
  return out;
}

Deno.test("sortedMap() orders keys as Array.prototype.sort does, at every size", () => {
  // Short and long maps (the insertion sort and sort()), keys that differ in case, by a
  // prefix, outside the BMP and as integers (which objects list first whatever the order).
  const key = fc.oneof(
    fc.constantFrom("a", "A", "b", "ab", "aB", "a/b", "a.b", "Z", "_", "-", "10", "9", "0"),
    fc.string({ maxLength: 4 }),
    fc.string({ unit: "grapheme", maxLength: 2 }),
  );
  fc.assert(
    fc.property(fc.dictionary(key, fc.integer(), { maxKeys: 40 }), (map) => {
      const sorted = sortedMap(map);
      assert.deepEqual(Object.entries(sorted), Object.entries(reference(map)));
      assert.notEqual(sorted, map);
    }),
    { numRuns: 500 },
  );
  const map = { c: 1, a: 2, b: 3 };
  assert.deepEqual(Object.keys(sortedMap(map)), ["a", "b", "c"]);
  assert.deepEqual(Object.keys(map), ["c", "a", "b"]);
});
