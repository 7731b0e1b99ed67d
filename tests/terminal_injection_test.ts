/**
 * Terminal and workflow-command injection (issue 15, item 7): names, file
 * names and values from a pull request reach stderr (results, usage errors)
 * and `check`'s diff on stdout; none of them may print a control character
 * (ANSI escapes, carriage returns, line breaks) or start a GitHub Actions
 * workflow command. The CLI runs as a subprocess, as CI runs it.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { assertTerminalSafe, runKrmInProcess } from "./_invariants.ts";
import { DENO, describeRun, MOD_TS, run, writeTree } from "./e2e_support.ts";
import { escapeLine, escapeText, formatResults } from "../src/io/terminal.ts";

const ESC = "\x1b";

/** The CLI with every permission it may use, NO_COLOR as in CI. */
function cli(args: string[], options: { stdin?: string } = {}) {
  return run(DENO, ["run", "--no-prompt", "-A", MOD_TS, ...args], {
    env: { ...Deno.env.toObject(), NO_COLOR: "1" },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

const HOSTILE_SERVICE = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: "x${"\\e"}[2J${"\\e"}]0;title${"\\a"}\\n::error file=a.yaml::pwned\\r::warning::again"
      namespace: "ns\\u202egnp.exe\\n##[error]legacy"
    spec:
      selector: { app: x }
      ports:
        - port: 8080
          protocol: UDP
          name: "\\n  ::add-mask::secret"
`;

Deno.test("KRM mode: result lines on stderr escape control characters and never start a workflow command", async () => {
  const output = await cli([], { stdin: HOSTILE_SERVICE });
  assert.ok(output.code === 0 || output.code === 1, describeRun(output));
  assert.ok(output.stderr.includes("pwned"), "the hostile name is reported");
  assertTerminalSafe(output.stderr, "stderr");
  assert.ok(output.stderr.includes("\\x1b[2J"), output.stderr);
  assert.ok(output.stderr.includes("\\u{202e}"), output.stderr);
  // stdout is the ResourceList (data): the names stay as they were, in YAML escapes.
  assert.ok(!output.stdout.includes(ESC));
});

Deno.test("KRM mode in process: the same escaping (the path kpt and kustomize run)", async () => {
  const output = await runKrmInProcess(HOSTILE_SERVICE);
  assert.ok(output.stderr.includes("pwned"));
  assertTerminalSafe(output.stderr, "stderr");
});

Deno.test("usage errors escape the arguments they echo", async () => {
  const command = await cli([`${ESC}[2J\n::error::pwned`]);
  assert.equal(command.code, 2, describeRun(command));
  assert.ok(command.stderr.includes("Unknown command"));
  assertTerminalSafe(command.stderr, "stderr");
  const flag = await cli(["render", `--${ESC}]0;x\n::error::y`]);
  assert.equal(flag.code, 2, describeRun(flag));
  assertTerminalSafe(flag.stderr, "stderr");
  const format = await cli(["render", ".", "--format", `\r::error::z`]);
  assert.equal(format.code, 2, describeRun(format));
  assert.ok(format.stderr.includes("\\r"), format.stderr);
  assertTerminalSafe(format.stderr, "stderr");
  const plugin = await cli(["kustomize-plugin", `missing\n::error::p${ESC}[31m`]);
  assert.equal(plugin.code, 1, describeRun(plugin));
  assert.ok(plugin.stderr.includes("Cannot read the plugin config"), plugin.stderr);
  assertTerminalSafe(plugin.stderr, "stderr");
  const missing = await cli(["check", `nowhere\n::error::d${ESC}[31m`]);
  assert.equal(missing.code, 1, describeRun(missing));
  assertTerminalSafe(missing.stderr, "stderr");
});

const CONFIG = `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: meshservice-krm
  annotations:
    config.kubernetes.io/local-config: "true"
kumaVersion: "2.14"
meshServiceOutput: none
`;

const REDIS = `apiVersion: v1
kind: Service
metadata:
  name: redis
  namespace: redis-system
spec:
  selector:
    app: redis
  ports:
    - port: 6379
`;

/** A route whose rewritten reference sits next to a block scalar holding a workflow command. */
const ROUTE = `apiVersion: kuma.io/v1alpha1
kind: MeshTCPRoute
metadata:
  name: to-redis
  namespace: kuma-demo
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        note: |
          ::error file=routes.yaml::pwned
          ##[warning]legacy
        name: redis_redis-system_svc_6379
`;

Deno.test("check: diff headers and diff lines from a pull request are escaped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "msk-terminal-" });
  try {
    await writeTree(dir, {
      "meshservice-krm.yaml": CONFIG,
      "redis.yaml": REDIS,
      [`routes${ESC}[2J\n::error::header.yaml`]: ROUTE,
      "plain-routes.yaml": ROUTE.replace("to-redis", "to-redis-2"),
    });
    const output = await cli(["check", dir]);
    assert.equal(output.code, 1, describeRun(output));
    assertTerminalSafe(output.stdout, "check's diff");
    assertTerminalSafe(output.stderr, "check's stderr");
    // The context line of the block scalar is in the diff, neutralised.
    assert.ok(
      output.stdout.includes("           \\x3a:error file=routes.yaml::pwned"),
      output.stdout,
    );
    assert.ok(output.stdout.includes("##\\x5bwarning]legacy"), output.stdout);
    assert.match(output.stdout, /^\+\+\+ b\/plain-routes\.yaml$/m);
  } finally {
    await Deno.remove(join(dir), { recursive: true });
  }
});

Deno.test("escapeLine() escapes every control, separator and bidi character, and command starts", () => {
  for (let code = 0; code < 0x20; code++) {
    const c = String.fromCharCode(code);
    assertTerminalSafe(escapeLine(`a${c}b`), `U+${code.toString(16)}`);
  }
  for (const c of ["\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202e", "\u2066", "\u061c"]) {
    const shown = escapeLine(`a${c}b`);
    assertTerminalSafe(shown, JSON.stringify(c));
    assert.notEqual(shown, `a${c}b`);
  }
  // Leading white space of any kind does not hide a command from the runner (it trims it).
  for (const space of ["", " ", "\t", "\u00a0", "\u2003", "\u3000", "   "]) {
    assertTerminalSafe(escapeLine(`${space}::set-output name=x::y`), JSON.stringify(space));
  }
  assert.equal(escapeLine("plain text: a::b"), "plain text: a::b");
  assert.equal(escapeLine("naïve ünïcode ✓"), "naïve ünïcode ✓");
  assert.equal(escapeText("a\n::b\n"), "a\n\\x3a:b\n");
  // Colour codes wrap the escaped text; a colour code in the text itself is shown.
  const coloured = formatResults([{ message: `${ESC}[0m::x`, severity: "warning" }], {
    colour: true,
  });
  assert.equal(coloured, `${ESC}[33m[warning] \\x1b[0m::x${ESC}[0m\n`);
});
