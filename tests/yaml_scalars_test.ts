/**
 * The readers take `isPlainString` as proof that a plain scalar is a string
 * and skip `resolvePlain`: it must never say so of a text that resolves to
 * anything else (a boolean, null, number), on every word and on random text.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { isPlainString, resolvePlain } from "../src/io/yaml_scalars.ts";

const WORDS = [
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "true",
  "True",
  "TRUE",
  "on",
  "On",
  "ON",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "false",
  "False",
  "FALSE",
  "off",
  "Off",
  "OFF",
  "",
  "~",
  "null",
  "Null",
  "NULL",
  ".nan",
  ".inf",
  "-.inf",
  "+.inf",
  "0",
  "0x1F",
  "1e3",
  "team",
  "name",
  "omit",
  "fooBar",
  "Oops",
  "yess",
  "tcp",
  "TCP",
  "nil",
  "~x",
  "é",
  "\u{1F600}",
];

function check(text: string): void {
  if (isPlainString(text)) {
    assert.deepEqual(resolvePlain(text), { kind: "str", value: text }, JSON.stringify(text));
  }
}

Deno.test("isPlainString holds only for plain scalars that resolve to themselves as strings", () => {
  for (const word of WORDS) check(word);
  assert.ok(isPlainString("team") && isPlainString("name") && !isPlainString("true"));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.constantFrom(...WORDS),
        fc.string({ maxLength: 6 }),
        fc.stringMatching(/^[yYnNtTfFoO~][a-zA-Z]{0,4}$/),
      ),
      check,
    ),
    { numRuns: 3000 },
  );
});
