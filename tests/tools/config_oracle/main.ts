/**
 * Records what the zod-based configuration parser of commit 608d13e answered
 * for every case of cases.ts, into tests/fixtures/config_oracle.json; the
 * test tests/config_messages_test.ts checks that today's parser gives the
 * same outcome (issue 16.6 replaced zod with the declarations' own checks).
 *
 *     deno run -A tests/tools/config_oracle/main.ts
 *
 * Needs git history (the commit) and zod 4.6.7 in node_modules
 * (`npm install --no-save zod@4.6.7` if it is gone).
 *
 * @module
 */

import { compactOutcome, oracleCases } from "./cases.ts";

const ORACLE_COMMIT = "608d13e";
const root = new URL("../../../", import.meta.url).pathname;
const work = Deno.makeTempDirSync({ prefix: "config-oracle-" });
try {
  const archive = new Deno.Command("git", {
    args: ["archive", "--format=tar", ORACLE_COMMIT, "src"],
    cwd: root,
    stdout: "piped",
  }).outputSync();
  if (!archive.success) throw new Error(`git archive ${ORACLE_COMMIT} failed`);
  const untar = new Deno.Command("tar", { args: ["-x", "-C", work], stdin: "piped" }).spawn();
  const writer = untar.stdin.getWriter();
  await writer.write(archive.stdout);
  await writer.close();
  if (!(await untar.status).success) throw new Error("tar failed");
  const cases = oracleCases();
  Deno.writeTextFileSync(`${work}/cases.json`, JSON.stringify(cases.map(encode)));
  Deno.writeTextFileSync(
    `${work}/run.ts`,
    `import { parseConfig } from "./src/config.ts";
const cases = JSON.parse(Deno.readTextFileSync(Deno.args[0]!));
const decode = (v: unknown): unknown => v && typeof v === "object" && "$number" in v ? Number((v as {$number: string}).$number) : Array.isArray(v) ? v.map(decode) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)])) : v;
const out = cases.map((c: unknown) => parseConfig(c === "$undefined" ? undefined : decode(c)));
console.log(JSON.stringify(out));
`,
  );
  const run = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${root}deno.json`, `${work}/run.ts`, `${work}/cases.json`],
    stdout: "piped",
    stderr: "inherit",
  }).outputSync();
  if (!run.success) throw new Error("the oracle run failed");
  const outcomes = JSON.parse(new TextDecoder().decode(run.stdout)) as unknown[];
  const lines = outcomes.map((outcome) => JSON.stringify(compactOutcome(outcome)));
  Deno.writeTextFileSync(
    `${root}tests/fixtures/config_oracle.json`,
    `{"generator":"tests/tools/config_oracle","commit":"${ORACLE_COMMIT}","count":${cases.length},"outcomes":[\n${
      lines.join(",\n")
    }\n]}\n`,
  );
  console.log(`${cases.length} cases recorded`);
} finally {
  Deno.removeSync(work, { recursive: true });
}

/** JSON cannot hold `undefined`, `Infinity` or 1e20 exactly as numbers: they are spelled out. */
function encode(value: unknown): unknown {
  if (value === undefined) return "$undefined";
  if (typeof value === "number" && !Number.isFinite(value)) return { $number: String(value) };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, encode(v)]),
    );
  }
  return value;
}
