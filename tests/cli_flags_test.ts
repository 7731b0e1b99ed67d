/**
 * The CLI's flag reader (src/io/cli_flags.ts) against `node:util`'s
 * `parseArgs` (strict, positionals allowed), which the CLI used before: the
 * same values and positionals, or the same error message, for hand-picked
 * and generated argument lists over the CLI's own flags.
 */

import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { type FlagSpec, parseFlags } from "../src/io/cli_flags.ts";

const SPECS = {
  out: { type: "string" },
  config: { type: "string" },
  format: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  file: { type: "string", short: "f" },
} as const satisfies Record<string, FlagSpec>;

type Outcome = { values: Record<string, unknown>; positionals: string[] } | { error: string };

function ours(args: string[]): Outcome {
  try {
    return parseFlags(args, SPECS);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function theirs(args: string[]): Outcome {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: SPECS,
      strict: true,
      allowPositionals: true,
    });
    return { values: { ...values }, positionals };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const CASES: string[][] = [
  [],
  ["render", "k8s"],
  ["render", "k8s", "--out", "dist", "-q"],
  ["--out=dist", "--out", "again"],
  ["--out"],
  ["--out", "-x"],
  ["--out=-x"],
  ["--out", "-"],
  ["-f", "-x"],
  ["-f-x"],
  ["-fvalue", "-qh"],
  ["-qfvalue"],
  ["-qf", "value"],
  ["-qx"],
  ["-x"],
  ["--bogus"],
  ["--bogus=1"],
  ["--quiet=yes"],
  ["-q=1"],
  ["--help", "render"],
  ["-", "--", "--out", "-q"],
  ["--", "--"],
  ["---x"],
  ["--=x"],
  ["-="],
  ["--__proto__"],
  ["--constructor"],
  ["--toString=1"],
  ["k8s", "--format", "resourcelist", "--config", "a=b.yaml"],
];

for (const args of CASES) {
  Deno.test(`cli flags: ${JSON.stringify(args)} reads as parseArgs reads it`, () => {
    assert.deepEqual(ours(args), theirs(args));
  });
}

Deno.test("cli flags: generated argument lists read as parseArgs reads them", () => {
  const piece = fc.oneof(
    fc.constantFrom(
      "--out",
      "--config",
      "--format",
      "--quiet",
      "--help",
      "--file",
      "-q",
      "-h",
      "-f",
      "-x",
      "--",
      "-",
      "--bogus",
      "=",
    ),
    fc.stringMatching(/^-{0,2}[a-z=qhfx-]{0,6}$/),
    fc.string({ maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 6 }), (args) => {
      assert.deepEqual(ours(args), theirs(args));
    }),
    { numRuns: 3000 },
  );
});
