/**
 * The CLI for people: help for every command, usage errors, the version,
 * colour only on a terminal (NO_COLOR honoured; a real pseudo-terminal from
 * util-linux `script`), progress lines for large directories.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DENO, describeRun, findTool, MOD_TS, run, testsNeeding } from "./e2e_support.ts";
import { VERSION } from "../src/model/tool.ts";
import { PROGRESS_THRESHOLD } from "../src/io/directory.ts";

const ESC = "\x1b";

const plainEnv = (() => {
  const env = Deno.env.toObject();
  delete env.NO_COLOR;
  return env;
})();

function cli(args: string[], env: Record<string, string> = plainEnv) {
  return run(DENO, ["run", "--no-prompt", "-R", "-W", "--allow-env", MOD_TS, ...args], {
    env,
    clearEnv: true,
  });
}

for (const command of ["render", "check", "generate", "kustomize-plugin", "helm-post-renderer"]) {
  Deno.test(`cli: ${command} --help and help ${command} print the same help with examples`, async () => {
    const flag = await cli([command, "--help"]);
    const topic = await cli(["help", command]);
    assert.equal(flag.code, 0, describeRun(flag));
    assert.equal(topic.code, 0, describeRun(topic));
    assert.equal(flag.stdout, topic.stdout);
    assert.ok(flag.stdout.startsWith(`meshservice-krm ${command}`), flag.stdout);
    assert.match(flag.stdout, /^Examples?:$/m);
    assert.match(flag.stdout, /^Exit codes:$/m);
    assert.equal(flag.stderr, "");
  });
}

Deno.test("cli: help lists every command; --version prints the release", async () => {
  const help = await cli(["help"]);
  assert.equal(help.code, 0);
  for (
    const command of [
      "render DIR",
      "check DIR",
      "generate [DIR]",
      "kustomize-plugin FILE",
      "helm-post-renderer",
    ]
  ) {
    assert.ok(help.stdout.includes(command), command);
  }
  const version = await cli(["--version"]);
  assert.equal(version.stdout, `meshservice-krm ${VERSION}\n`);
});

Deno.test("cli: usage errors exit 2 and name the problem", async () => {
  const cases: [string[], RegExp][] = [
    [["frobnicate"], /Unknown command "frobnicate"/],
    [["help", "frobnicate"], /No help for "frobnicate"/],
    [["generate", ".", "--out", "x"], /Option "--out" does not apply to generate/],
    [["render"], /Expected one directory/],
    [["render", "a", "b"], /Expected one directory/],
    [["render", ".", "--format", "json"], /Cannot use --format "json"/],
    [["kustomize-plugin"], /Expected one argument/],
    [["helm-post-renderer", "chart"], /No arguments apply to helm-post-renderer/],
    [["helm-post-renderer", "--out", "x"], /Option "--out" does not apply to helm-post-renderer/],
    [["check", ".", "--bogus"], /bogus/],
  ];
  for (const [args, message] of cases) {
    const output = await cli(args);
    assert.equal(output.code, 2, `${args.join(" ")}\n${describeRun(output)}`);
    assert.match(output.stderr, message);
    assert.equal(output.stdout, "");
  }
});

/** A directory with `count` Services (one file each) in an injected namespace. */
async function servicesDir(count: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-cli-" });
  for (let i = 0; i < count; i++) {
    await Deno.writeTextFile(
      join(dir, `svc-${String(i).padStart(4, "0")}.yaml`),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: shop\nspec:\n  selector:\n    app: svc-${i}\n  ports:\n    - port: 80\n      protocol: UDP\n`,
    );
  }
  return dir;
}

Deno.test("cli: progress lines on stderr for large directories only, off with --quiet", async () => {
  const large = await servicesDir(PROGRESS_THRESHOLD);
  const small = await servicesDir(3);
  try {
    const loud = await cli(["render", large]);
    assert.equal(loud.code, 0, describeRun(loud));
    assert.match(
      loud.stderr,
      new RegExp(`^meshservice-krm: Read ${PROGRESS_THRESHOLD} file\\(s\\)`, "m"),
    );
    assert.match(loud.stderr, /^meshservice-krm: Rendered \d+ resource\(s\)/m);
    assert.doesNotMatch(loud.stdout, /meshservice-krm: Read/, "progress never goes to stdout");
    const quiet = await cli(["render", large, "--quiet"]);
    assert.doesNotMatch(quiet.stderr, /meshservice-krm: Read/);
    assert.equal(quiet.stdout, loud.stdout);
    const few = await cli(["render", small]);
    assert.doesNotMatch(few.stderr, /meshservice-krm: Read/);
  } finally {
    await Deno.remove(large, { recursive: true });
    await Deno.remove(small, { recursive: true });
  }
});

Deno.test("cli: no colour when stderr is not a terminal", async () => {
  const dir = await servicesDir(1);
  try {
    const output = await cli(["render", dir]);
    assert.match(output.stderr, /\[warning\] Service shop\/svc-0/, describeRun(output));
    assert.ok(!output.stderr.includes(ESC), "no escape sequences");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const SCRIPT = await findTool("script", ["--version"]);

testsNeeding(SCRIPT, "script (util-linux)", () => {
  /** Runs the CLI under a pseudo-terminal; returns what the terminal showed. */
  async function onTerminal(dir: string, env: Record<string, string>): Promise<string> {
    const command = [DENO, "run", "--no-prompt", "-R", MOD_TS, "render", dir, "--quiet"]
      .map((part) => `'${part}'`).join(" ");
    const output = await run("script", ["-qec", `${command} >/dev/null`, "/dev/null"], {
      env,
      clearEnv: true,
    });
    assert.equal(output.code, 0, describeRun(output));
    return output.stdout;
  }

  Deno.test("cli: results are coloured on a terminal, and not with NO_COLOR", async () => {
    const dir = await servicesDir(1);
    try {
      const coloured = await onTerminal(dir, plainEnv);
      assert.ok(coloured.includes(`${ESC}[33m[warning] Service shop/svc-0`), coloured);
      const plain = await onTerminal(dir, { ...plainEnv, NO_COLOR: "1" });
      assert.match(plain, /\[warning\] Service shop\/svc-0/);
      assert.ok(!plain.includes(`${ESC}[3`), plain);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

Deno.test("cli: a config error found in the directory names the config's file", async () => {
  const dir = await servicesDir(1);
  try {
    await Deno.writeTextFile(
      join(dir, "config.yaml"),
      'apiVersion: meshservice-krm/v1alpha1\nkind: RenderMeshServices\nmetadata:\n  name: bad\nkumaVersion: "9.9"\n',
    );
    const report = join(dir, "report.json");
    const output = await cli(["render", dir, "--report", report]);
    assert.equal(output.code, 1, describeRun(output));
    assert.match(output.stderr, /kumaVersion: .*Unknown Kuma version "9\.9".*\(config\.yaml\)/);
    const { results } = JSON.parse(await Deno.readTextFile(report)) as {
      results: { severity: string; file?: { path: string } }[];
    };
    const error = results.find((r) => r.severity === "error");
    assert.equal(error?.file?.path, "config.yaml");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
