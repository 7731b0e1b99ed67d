/** unique() keeps the first of each value in order, comparing as a Set does (SameValueZero). */
import assert from "node:assert/strict";
import fc from "fast-check";
import { unique } from "./text.ts";

Deno.test("unique gives what a Set gives, for one, two and more values, NaN and -0 included", () => {
  const value = fc.oneof(fc.constantFrom(NaN, 0, -0, "a", "b", 1), fc.integer({ min: 0, max: 3 }));
  fc.assert(
    fc.property(fc.array(value, { maxLength: 5 }), (values) => {
      const got = unique(values);
      const want = [...new Set(values)];
      assert.equal(got.length, want.length);
      got.forEach((v, i) => assert.ok(Object.is(v, want[i]), `${values} -> ${got}`));
      assert.notEqual(got, values);
    }),
    { numRuns: 2000, seed: 16 },
  );
});
