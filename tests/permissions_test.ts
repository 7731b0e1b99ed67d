/**
 * KRM mode needs no Deno permission at all, and nothing in the tool can
 * reach the network: every golden input runs through `deno run --no-prompt
 * mod.ts` with zero permission flags (any file, env, net or run access would
 * throw) and gives byte-for-byte the text the in-process adapter gives; and
 * no source file under `src/` or `mod.ts` uses a network API.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { processBytes } from "../src/io/krm_stdio.ts";
import { exitCodeOf } from "../src/results.ts";
import { DENO, MOD_TS, REPO_ROOT, run } from "./e2e_support.ts";

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

Deno.test("permissions: every golden input renders in KRM mode with zero permissions, as in process", async () => {
  const inputs = await goldenInputs();
  assert.ok(inputs.length >= 50, `${inputs.length} golden inputs`);
  const cwd = await Deno.makeTempDir();
  for (const input of inputs) {
    const bytes = await Deno.readFile(input);
    const expected = await processBytes(bytes);
    // An empty environment and cwd outside the repo: nothing to lean on.
    const output = await run(DENO, ["run", "--no-prompt", MOD_TS], {
      stdin: bytes,
      cwd,
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: "/nonexistent" },
      clearEnv: true,
    });
    const name = relative(GOLDEN, input);
    assert.doesNotMatch(output.stderr, /NotCapable|Requires \w+ access|Uncaught/, name);
    assert.equal(output.code, exitCodeOf(expected.results), `${name}: exit code`);
    assert.equal(output.stdout, expected.text, `${name}: stdout`);
  }
  await Deno.remove(cwd);
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
