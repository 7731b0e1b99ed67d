/**
 * KRM mode needs no Deno permission at all, and nothing in the tool can
 * reach the network: every golden input runs through KRM function mode in a
 * `deno run --no-prompt` process with zero permission flags (any file, env,
 * net or run access would throw) and gives byte-for-byte the text the
 * in-process adapter gives; all inputs share one such process
 * (tests/tools/zero_permission_krm.ts), and `mod.ts` itself runs on two of
 * them; and no source file under `src/` or `mod.ts` uses a network API.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { processBytes, type ProcessedList } from "../src/io/krm_stdio.ts";
import { exitCodeOf } from "../src/results.ts";
import { DENO, describeRun, MOD_TS, REPO_ROOT, run } from "./e2e_support.ts";
import type { BatchOutput, Outcome } from "./tools/zero_permission_krm.ts";

const GOLDEN = join(REPO_ROOT, "tests", "golden");

async function goldenInputs(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name === "input.yaml") found.push(path);
    }
  };
  await walk(GOLDEN);
  return found.sort();
}

const BATCH = join(REPO_ROOT, "tests", "tools", "zero_permission_krm.ts");

/** An empty environment and a cwd outside the repo: nothing to lean on. */
function bare(cwd: string) {
  return { cwd, env: { PATH: Deno.env.get("PATH") ?? "", HOME: "/nonexistent" }, clearEnv: true };
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function assertSameOutcome(name: string, actual: Outcome, expected: ProcessedList): void {
  assert.doesNotMatch(actual.stderr, /NotCapable|Requires \w+ access|Uncaught/, name);
  assert.equal(actual.code, exitCodeOf(expected.results), `${name}: exit code`);
  assert.equal(actual.stdout, expected.text, `${name}: stdout`);
}

Deno.test("permissions: every golden input renders in KRM mode with zero permissions, as in process", async () => {
  const inputs = await goldenInputs();
  assert.ok(inputs.length >= 50, `${inputs.length} golden inputs`);
  const cases = await Promise.all(inputs.map(async (input) => {
    const bytes = await Deno.readFile(input);
    return { name: relative(GOLDEN, input), bytes, expected: await processBytes(bytes) };
  }));
  const cwd = await Deno.makeTempDir();
  try {
    // All inputs through one zero-permission process (one start instead of one per input),
    // each through the function mod.ts runs with no arguments.
    const batch = run(DENO, ["run", "--no-prompt", BATCH], {
      ...bare(cwd),
      stdin: JSON.stringify({ inputs: cases.map((c) => base64(c.bytes)) }),
    });
    // And mod.ts itself, the real entry and its exit, on one passing and one failing input.
    const passing = cases.find((c) => exitCodeOf(c.expected.results) === 0)!;
    const failing = cases.find((c) => exitCodeOf(c.expected.results) === 1)!;
    const direct = [passing, failing].map((c) =>
      run(DENO, ["run", "--no-prompt", MOD_TS], { ...bare(cwd), stdin: c.bytes })
    );
    const output = await batch;
    assert.equal(output.code, 0, describeRun(output));
    const answer = JSON.parse(output.stdout) as BatchOutput;
    for (const [permission, state] of Object.entries(answer.permissions)) {
      assert.notEqual(state, "granted", `${permission} permission`);
    }
    assert.ok(Object.keys(answer.permissions).length >= 7);
    assert.equal(answer.outcomes.length, cases.length);
    cases.forEach((c, i) => assertSameOutcome(c.name, answer.outcomes[i]!, c.expected));
    for (const [i, c] of [passing, failing].entries()) {
      assertSameOutcome(`mod.ts: ${c.name}`, await direct[i]!, c.expected);
    }
  } finally {
    await Deno.remove(cwd);
  }
});

Deno.test("permissions: the KRM path still fails closed if it ever asked for a permission", async () => {
  // The same invocation with a script that reads a file: proof that zero flags means denied.
  const dir = await Deno.makeTempDir();
  try {
    const probe = join(dir, "probe.ts");
    await Deno.writeTextFile(probe, `await Deno.readTextFile(${JSON.stringify(MOD_TS)});\n`);
    const output = await run(DENO, ["run", "--no-prompt", probe]);
    assert.notEqual(output.code, 0);
    assert.match(output.stderr, /NotCapable|Requires read access/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Network APIs no source file may use. */
const NETWORK = [
  /\bfetch\s*\(/,
  /\bDeno\.(connect|connectTls|listen|listenTls|listenDatagram|resolveDns|startTls|serve|createHttpClient)\b/,
  /\bnew\s+WebSocket\b/,
  /\bnew\s+EventSource\b/,
  /\bXMLHttpRequest\b/,
  /from\s+["']https?:/,
  /import\s*\(\s*["']https?:/,
  /from\s+["']node:(http|https|net|tls|dgram|dns|http2)["']/,
];

Deno.test("permissions: no source file uses a network API or imports from a URL", async () => {
  const files: string[] = [MOD_TS];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) files.push(path);
    }
  };
  await walk(join(REPO_ROOT, "src"));
  assert.ok(files.length > 40, `${files.length} files`);
  const offenders: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    for (const pattern of NETWORK) {
      if (pattern.test(text)) offenders.push(`${relative(REPO_ROOT, file)}: ${pattern}`);
    }
  }
  // The GitHub Action's comment module talks to the GitHub API by design (PR comments), with a
  // token the workflow passes; nothing else may.
  assert.deepEqual(
    offenders.filter((o) => !o.startsWith("src/io/github_action/comment.ts: ")),
    [],
  );
  // The detector itself works.
  assert.ok(NETWORK.some((p) => p.test("await fetch(url)")));
});
