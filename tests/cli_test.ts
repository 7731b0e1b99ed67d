/**
 * The KRM function as a process: `deno run --no-prompt mod.ts`, with no
 * permission flags, fed through stdin.
 *
 * @module
 */

import assert from "node:assert/strict";
import { load } from "js-yaml";
import {
  asListEntry,
  DENO,
  describeRun,
  MOD_TS,
  run,
  type RunOutput,
  WEB_SERVICE_YAML,
} from "./e2e_support.ts";

interface Result {
  message: string;
  severity: string;
  tags?: Record<string, string>;
}

interface List {
  apiVersion: string;
  kind: string;
  items: {
    apiVersion: string;
    kind: string;
    metadata: { name: string; annotations?: Record<string, string> };
  }[];
  results?: Result[];
}

const INPUT = `# comment
apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
  - apiVersion: v1
    kind: Namespace
    metadata:
      name: shop
      labels:
        kuma.io/sidecar-injection: enabled
${asListEntry(WEB_SERVICE_YAML, 2)}  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
      namespace: shop
    data:
      mode: "on"
`;

/** Runs the function with no permission flags at all. */
function fn(stdin: string | Uint8Array, args: string[] = []): Promise<RunOutput> {
  return run(DENO, ["run", "--no-prompt", MOD_TS, ...args], {
    stdin,
    env: { ...Deno.env.toObject(), NO_COLOR: "1" },
  });
}

function parseList(output: RunOutput): List {
  const list = load(output.stdout) as List;
  assert.equal(list?.apiVersion, "config.kubernetes.io/v1", describeRun(output));
  assert.equal(list.kind, "ResourceList");
  assert.ok(Array.isArray(list.items), "items must be a list");
  return list;
}

function assertNoCrash(output: RunOutput): void {
  assert.doesNotMatch(output.stderr, /^\s+at /m, `stack frame on stderr:\n${output.stderr}`);
  assert.doesNotMatch(
    output.stderr,
    /Uncaught|NotCapable|PermissionDenied|Requires \w+ access/,
    output.stderr,
  );
}

Deno.test("cli: ResourceList round trip without permission flags", async () => {
  const output = await fn(INPUT);
  assert.equal(output.code, 0, describeRun(output));
  assertNoCrash(output);
  assert.equal(output.stderr, "", "only info results: nothing on stderr");
  const list = parseList(output);
  assert.deepEqual(
    list.items.map((i) => `${i.kind}/${i.metadata.name}`),
    ["Namespace/shop", "Service/web", "ConfigMap/settings", "MeshService/web"],
  );
  const input = load(INPUT) as List;
  assert.deepEqual(list.items.slice(0, 3), input.items, "input items pass through unchanged");
  const meshService = list.items[3]!;
  assert.equal(
    meshService.metadata.annotations?.["internal.config.kubernetes.io/path"],
    "kuma-generated/default/shop/meshservice_web.yaml",
  );
  assert.equal(meshService.metadata.annotations?.["config.kubernetes.io/local-config"], "true");
  assert.ok(list.results?.every((r) => r.severity === "info"));
  // YAML 1.1 booleans stay strings for Go consumers.
  assert.match(output.stdout, /mode: "on"/);
});

Deno.test("cli: a config.kubernetes.io/v1beta1 ResourceList is accepted", async () => {
  const output = await fn(INPUT.replace("config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"));
  assert.equal(output.code, 0, describeRun(output));
  const list = parseList(output);
  assert.ok(list.items.some((i) => i.kind === "MeshService"));
});

const BAD_INPUTS: { name: string; stdin: string | Uint8Array; message: RegExp }[] = [
  {
    name: "not YAML",
    stdin: "items: [unclosed\n  - {a: b\n",
    message: /Cannot parse input as YAML/,
  },
  {
    name: "not a ResourceList",
    stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    message: /expected kind ResourceList, got "ConfigMap"/,
  },
  { name: "a YAML list", stdin: "- a\n- b\n", message: /Cannot read input/ },
  {
    name: "non-UTF-8 bytes",
    stdin: new Uint8Array([
      ...new TextEncoder().encode("kind: ResourceList\nitems: []\n# "),
      0xff,
      0xfe,
      0x0a,
    ]),
    message: /not valid UTF-8/,
  },
  { name: "empty stdin", stdin: "", message: /stdin is empty/ },
  { name: "whitespace only", stdin: "\n  \n", message: /stdin is empty/ },
  {
    name: "an unknown kumaVersion",
    stdin:
      `${INPUT}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cfg\n  data:\n    kumaVersion: "9.9"\n`,
    message: /Unknown Kuma version "9\.9"/,
  },
  {
    name: "an unknown ResourceList apiVersion",
    stdin: INPUT.replace("config.kubernetes.io/v1", "config.kubernetes.io/v2"),
    message: /apiVersion must be/,
  },
];

for (const bad of BAD_INPUTS) {
  Deno.test(`cli: ${bad.name} exits 1 with an error result and a valid ResourceList`, async () => {
    const output = await fn(bad.stdin);
    assert.equal(output.code, 1, describeRun(output));
    assertNoCrash(output);
    const errorLines = output.stderr.split("\n").filter((line) => line.startsWith("[error] "));
    assert.ok(errorLines.some((line) => bad.message.test(line)), describeRun(output));
    const list = parseList(output);
    const errors = (list.results ?? []).filter((r) => r.severity === "error");
    assert.ok(errors.length > 0, "an error result must be in the output");
    assert.ok(errors.some((r) => bad.message.test(r.message)), JSON.stringify(errors));
  });
}

Deno.test("cli: an unknown kumaVersion keeps the items and adds no MeshService", async () => {
  const output = await fn(
    `${INPUT}functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cfg\n  data:\n    kumaVersion: "9.9"\n`,
  );
  assert.equal(output.code, 1);
  const list = parseList(output);
  assert.deepEqual(list.items, (load(INPUT) as List).items);
});

Deno.test("cli: output is deterministic and the function is idempotent", async () => {
  const first = await fn(INPUT);
  const second = await fn(INPUT);
  assert.equal(first.code, 0, describeRun(first));
  assert.deepEqual(
    second.stdoutBytes,
    first.stdoutBytes,
    "two runs on the same input must be byte-identical",
  );
  const again = await fn(first.stdout);
  assert.equal(again.code, 0, describeRun(again));
  assert.equal(again.stdout, first.stdout, "feeding the output back in must give the same output");
});

Deno.test("cli: --help exits 0 with usage on stdout", async () => {
  const output = await fn("", ["--help"]);
  assert.equal(output.code, 0, describeRun(output));
  assert.match(output.stdout, /^Usage:/m);
  assert.equal(output.stderr, "");
});

Deno.test("cli: an unknown flag exits 2 with the usage on stderr", async () => {
  const output = await fn(INPUT, ["--bogus"]);
  assert.equal(output.code, 2, describeRun(output));
  assert.match(output.stderr, /bogus/);
  assert.match(output.stderr, /Usage:/);
  assert.equal(output.stdout, "", "a usage error writes no ResourceList");
  assertNoCrash(output);
});

// Regression: a null item once crashed mergeItems, which read `item.metadata`
// of every input item, including the invalid ones it passes through.
Deno.test({
  name: "cli: a null item is an info result (not a resource), not a crash",
  async fn() {
    const output = await fn(
      "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  - null\n",
    );
    assert.equal(output.code, 0, describeRun(output));
    assertNoCrash(output);
    const list = parseList(output);
    assert.deepEqual(list.items, [null]);
    assert.ok(
      list.results?.some((r) =>
        r.severity === "info" && /not a Kubernetes resource \(a null\)/.test(r.message)
      ),
    );
  },
});

// Regression: anchors and aliases once went through npm `yaml`, whose Node
// build reads process.env and so failed without permission flags.
Deno.test({
  name: "cli: anchors and aliases parse without permission flags",
  async fn() {
    const withAlias = INPUT.replace(
      "      selector:\n        app: web\n",
      "      selector: &sel\n        app: web\n",
    )
      .replace('    data:\n      mode: "on"\n', "    data: *sel\n");
    assert.notEqual(withAlias, INPUT);
    const output = await fn(withAlias);
    assert.equal(output.code, 0, describeRun(output));
    assertNoCrash(output);
    const list = parseList(output);
    assert.ok(list.items.some((i) => i.kind === "MeshService"));
  },
});

Deno.test("cli: render --summary writes the Markdown summary of the example repo", async () => {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-summary-" });
  try {
    const summary = `${dir}/summary.md`;
    const output = await run(DENO, [
      "run",
      "--no-prompt",
      `--allow-read=${new URL("../templates/example-repo", import.meta.url).pathname},${dir}`,
      `--allow-write=${dir}`,
      MOD_TS,
      "render",
      new URL("../templates/example-repo/kubernetes", import.meta.url).pathname,
      "--summary",
      summary,
    ]);
    assert.equal(output.code, 0, describeRun(output));
    const text = await Deno.readTextFile(summary);
    assert.match(text, /Migration complete/);
    assert.match(text, /3 references \(3 rewritten\)/);
    assert.match(
      text,
      /MeshService redis_redis-<wbr>system_svc_6379<br>→ MeshService redis-system\/redis §6379/,
    );
    assert.match(text, /```mermaid\nflowchart LR/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
