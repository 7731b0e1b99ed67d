/**
 * The fuzzer, bounded for `deno task test`: seeded mutations of every golden
 * input (tests/fuzz/mutations.ts) through the KRM path in process, a few of
 * them through the CLI as a subprocess, and a few in directory mode on a
 * temporary tree, each checked against the invariants of tests/fuzz/harness.ts.
 * `deno task fuzz --seed N --count M` runs the same cases for longer
 * (tests/fuzz/main.ts). A failure names its seed: rerun it with
 * `FUZZ_SEED=<seed> FUZZ_CASES=1`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  checkCli,
  checkDirectory,
  checkKrm,
  DEFAULT_BOUNDS,
  fuzzCase,
  goldenInputs,
  newStats,
} from "./fuzz/harness.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 15_000);
const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 250);
const CLI_CASES = Math.min(CASES, 4);
const DIRECTORY_CASES = Math.min(CASES, 2);

const inputs = await goldenInputs();

Deno.test(`fuzz: ${CASES} mutated golden inputs through the KRM path keep every invariant`, async () => {
  assert.ok(inputs.length >= 60, `${inputs.length} golden inputs`);
  const stats = newStats();
  const mutations = new Set<string>();
  for (let i = 0; i < CASES; i++) {
    const input = fuzzCase(inputs, SEED + i);
    input.mutations.forEach((m) => mutations.add(m));
    await checkKrm(input, SEED + i, { stats, bounds: DEFAULT_BOUNDS });
  }
  assert.equal(stats.krm, CASES);
  if (CASES >= 100) {
    // Not vacuous: both outcomes occur, and most mutations were drawn.
    assert.ok((stats.exits[0] ?? 0) > 0 && (stats.exits[1] ?? 0) > 0, JSON.stringify(stats.exits));
    assert.ok(mutations.size >= 20, [...mutations].join(", "));
  }
});

Deno.test(`fuzz: ${CLI_CASES} of them through the CLI print the same bytes within bounds`, async () => {
  const stats = newStats();
  for (let i = 0; i < CLI_CASES; i++) {
    const input = fuzzCase(inputs, SEED + i);
    const inProcess = await checkKrm(input, SEED + i, { stats, bounds: DEFAULT_BOUNDS });
    await checkCli(input, SEED + i, { stats, bounds: DEFAULT_BOUNDS, inProcess });
  }
  assert.equal(stats.cli, CLI_CASES);
  assert.ok(stats.worstRssMiB > 0 || Deno.build.os !== "linux", "peak RSS was measured");
});

Deno.test(`fuzz: ${DIRECTORY_CASES}+ cases in directory mode render, check and rerender cleanly`, async () => {
  const stats = newStats();
  // At least DIRECTORY_CASES cases, and more (up to 8) until one renders, so check and the
  // second render --out run too (from seed 16010 on, with today's mutations, the first two do).
  const base = SEED + 1010;
  for (let i = 0; i < 8 && (i < DIRECTORY_CASES || stats.directoryRendered === 0); i++) {
    await checkDirectory(fuzzCase(inputs, base + i), base + i, {
      stats,
      bounds: DEFAULT_BOUNDS,
    });
  }
  assert.ok(stats.directory >= DIRECTORY_CASES);
  if (DIRECTORY_CASES > 0) assert.ok(stats.directoryRendered > 0, "no directory case rendered");
});
