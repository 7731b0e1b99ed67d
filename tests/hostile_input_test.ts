/**
 * Hostile pull requests against the core (issue 15): items the tool does not
 * own are never dropped, whatever annotation they carry; one config per run;
 * results printed to stderr are capped. Each test runs the real pipeline
 * (kpt, the CLI as a subprocess) on the attack.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load, loadAll } from "js-yaml";
import {
  DENO,
  describeRun,
  findTool,
  MOD_TS,
  run,
  snapshotTree,
  testsNeeding,
  WRAPPER,
  writeTree,
} from "./e2e_support.ts";

const KPT = await findTool("kpt", ["version"]);

const NAMESPACE_YAML = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    kuma.io/sidecar-injection: enabled
`;

const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  clusterIP: 10.96.0.10
  ports:
    - name: http
      port: 80
      appProtocol: http
`;

/** A Deployment and a NetworkPolicy a pull request marks with the tool's own annotation. */
const MARKED_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  annotations:
    meshservice-krm/generated-from: Service shop/web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: shop
  annotations:
    meshservice-krm/generated-from: "anything"
spec:
  podSelector: {}
`;

const CONFIG_YAML = `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: render
  annotations:
    config.kubernetes.io/local-config: "true"
zone: east
meshServiceOutput: apply
`;

async function cli(args: string[], stdin?: string) {
  return await run(DENO, ["run", "--no-prompt", "-A", MOD_TS, ...args], {
    ...(stdin !== undefined ? { stdin } : {}),
  });
}

async function tempTree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-hostile-" });
  await writeTree(dir, files);
  return dir;
}

/** The Kptfile of package `shop`: one mutator, the exec wrapper, with `mutatorFields` under it. */
function kptfile(mutatorFields = ""): string {
  return `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: shop
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
    - exec: ${JSON.stringify(WRAPPER)}
${mutatorFields}`;
}

testsNeeding(KPT, "kpt", () => {
  Deno.test("kpt fn render keeps a Deployment and a NetworkPolicy that carry the tool's annotation", async () => {
    const parent = await Deno.makeTempDir({ prefix: "meshservice-krm-hostile-" });
    const pkg = join(parent, "shop");
    try {
      await writeTree(pkg, {
        "Kptfile": kptfile(),
        "namespace.yaml": NAMESPACE_YAML,
        "service.yaml": SERVICE_YAML,
        "marked.yaml": MARKED_YAML,
      });
      const result = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent });
      assert.equal(result.code, 0, describeRun(result));
      const tree = await snapshotTree(pkg);
      assert.equal(tree.get("marked.yaml"), MARKED_YAML, "kpt must not delete or change the file");
      assert.match(result.stderr, /meshservice-krm\/generated-from/, describeRun(result));
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
});

Deno.test("generate (Argo CD) prints a Deployment and a NetworkPolicy that carry the tool's annotation, with a warning", async () => {
  const dir = await tempTree({
    "meshservice-krm.yaml": CONFIG_YAML,
    "namespace.yaml": NAMESPACE_YAML,
    "service.yaml": SERVICE_YAML,
    "marked.yaml": MARKED_YAML,
  });
  try {
    const result = await cli(["generate", dir]);
    assert.equal(result.code, 0, describeRun(result));
    const kinds = loadAll(result.stdout).map((d) => (d as { kind: string }).kind).sort();
    assert.deepEqual(kinds, ["Deployment", "MeshService", "Namespace", "NetworkPolicy", "Service"]);
    assert.match(
      result.stderr,
      /\[warning\] Deployment shop\/web metadata\.annotations\["meshservice-krm\/generated-from"\]: .*passes through unchanged/,
    );
    assert.match(result.stderr, /\[warning\] NetworkPolicy shop\/deny-all /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KRM mode: a foreign kind with the tool's annotation passes through unchanged with a warning", async () => {
  const list = {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items: [load(NAMESPACE_YAML), load(SERVICE_YAML), ...loadAll(MARKED_YAML)],
  };
  const result = await cli([], JSON.stringify(list));
  assert.equal(result.code, 0, describeRun(result));
  const out = load(result.stdout) as {
    items: unknown[];
    results: { severity: string; message: string; tags: { reason: string } }[];
  };
  for (const item of list.items) {
    assert.ok(
      out.items.some((i) => JSON.stringify(i) === JSON.stringify(item)),
      `unchanged: ${JSON.stringify(item)}`,
    );
  }
  const warnings = out.results.filter((r) => r.tags.reason === "ForeignToolAnnotation");
  assert.equal(warnings.length, 2, JSON.stringify(out.results, null, 2));
  assert.ok(warnings.every((w) => w.severity === "warning"));
});

const EVIL_CONFIG_YAML = `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: hijack
  annotations:
    config.kubernetes.io/local-config: "true"
zone: evil
meshServiceOutput: apply
`;

Deno.test("render DIR: a second RenderMeshServices file anywhere in the tree is an error naming both files", async () => {
  const dir = await tempTree({
    "meshservice-krm.yaml": CONFIG_YAML,
    "namespace.yaml": NAMESPACE_YAML,
    "service.yaml": SERVICE_YAML,
    "zz/deep/hijack.yaml": EVIL_CONFIG_YAML,
  });
  try {
    const before = await snapshotTree(dir);
    for (const args of [["render", dir], ["render", dir, "--out", dir], ["generate", dir]]) {
      const result = await cli(args);
      assert.equal(result.code, 1, describeRun(result));
      assert.match(
        result.stderr,
        /\[error\] RenderMeshServices hijack: Found 2 RenderMeshServices configs in the tree: "meshservice-krm\.yaml", "zz\/deep\/hijack\.yaml"; .*--config/,
        describeRun(result),
      );
      assert.doesNotMatch(result.stdout, /zone: evil|kuma\.io\/zone: evil/);
    }
    assert.deepEqual(await snapshotTree(dir), before, "nothing written");
    // An explicit --config chooses the config: the run succeeds with it.
    const chosen = await cli(["render", dir, "--config", join(dir, "meshservice-krm.yaml")]);
    assert.equal(chosen.code, 0, describeRun(chosen));
    assert.match(chosen.stdout, /kuma\.io\/zone: east/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KRM mode: a RenderMeshServices item other than the functionConfig is ignored with a warning naming both", async () => {
  const config = load(CONFIG_YAML) as Record<string, unknown>;
  const evil = load(EVIL_CONFIG_YAML) as Record<string, unknown>;
  const place = (object: Record<string, unknown>, path: string) => {
    const metadata = object.metadata as { annotations: Record<string, string> };
    return {
      ...object,
      metadata: {
        ...metadata,
        annotations: { ...metadata.annotations, "internal.config.kubernetes.io/path": path },
      },
    };
  };
  const items = [
    load(NAMESPACE_YAML),
    load(SERVICE_YAML),
    place(config, "meshservice-krm.yaml"), // kpt sends the config file as an item too
    place(evil, "zz/hijack.yaml"),
  ];
  const list = {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items,
    functionConfig: place(config, "meshservice-krm.yaml"),
  };
  const result = await cli([], JSON.stringify(list));
  assert.equal(result.code, 0, describeRun(result));
  const out = load(result.stdout) as {
    items: { kind: string; metadata: { labels?: Record<string, string> } }[];
    results: { severity: string; message: string; tags: { reason: string } }[];
  };
  const ms = out.items.find((i) => i.kind === "MeshService");
  assert.equal(ms?.metadata.labels?.["kuma.io/zone"], "east", "the functionConfig wins");
  const conflicts = out.results.filter((r) => r.tags.reason === "ConfigConflict");
  assert.equal(conflicts.length, 1, JSON.stringify(out.results, null, 2));
  assert.equal(conflicts[0]!.severity, "warning");
  assert.match(
    conflicts[0]!.message,
    /RenderMeshServices "hijack" in "zz\/hijack\.yaml" .*the function config \(RenderMeshServices "render" in "meshservice-krm\.yaml"\) is used and this one is ignored/,
  );
  assert.match(result.stderr, /\[warning\] RenderMeshServices hijack: /);
});

testsNeeding(KPT, "kpt", () => {
  Deno.test("kpt fn render: a second RenderMeshServices in the package does not replace configPath, and is named", async () => {
    const parent = await Deno.makeTempDir({ prefix: "meshservice-krm-hostile-" });
    const pkg = join(parent, "shop");
    try {
      await writeTree(pkg, {
        "Kptfile": kptfile("      configPath: meshservice-krm.yaml\n"),
        "meshservice-krm.yaml": CONFIG_YAML,
        "namespace.yaml": NAMESPACE_YAML,
        "service.yaml": SERVICE_YAML,
        "zz/hijack.yaml": EVIL_CONFIG_YAML,
      });
      const result = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent });
      assert.equal(result.code, 0, describeRun(result));
      const tree = await snapshotTree(pkg);
      const generated = [...tree.entries()].filter(([p]) => p.startsWith("kuma-generated/"));
      assert.equal(generated.length, 1, [...tree.keys()].join("\n"));
      assert.match(generated[0]![1], /kuma\.io\/zone: east/);
      assert.match(result.stderr, /RenderMeshServices "hijack" in "zz\/hijack\.yaml"/);
      assert.doesNotMatch(
        result.stderr,
        /RenderMeshServices "render" in "meshservice-krm\.yaml" is an input item/,
      );
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
});

Deno.test("kustomize-plugin: a config that is not a map ([], 42, ~) is an error, not the defaults", async () => {
  const dir = await tempTree({});
  try {
    const resources = `${NAMESPACE_YAML}---\n${SERVICE_YAML}`;
    const configs: [string, string][] = [
      ["a list", "[]\n"],
      ["a number", "42\n"],
      ["null", "~\n"],
    ];
    for (const [what, text] of configs) {
      const path = join(dir, "config.yaml");
      await Deno.writeTextFile(path, text);
      const result = await cli(["kustomize-plugin", path], resources);
      assert.equal(result.code, 1, `${what}: ${describeRun(result)}`);
      assert.equal(result.stdout, "", `${what}: no resources printed`);
      assert.match(
        result.stderr,
        /Cannot use the plugin config ".*config\.yaml": expected a RenderMeshServices map/,
        `${what}: ${describeRun(result)}`,
      );
    }
    // A map still works.
    const path = join(dir, "config.yaml");
    await Deno.writeTextFile(path, CONFIG_YAML);
    const ok = await cli(["kustomize-plugin", path], resources);
    assert.equal(ok.code, 0, describeRun(ok));
    assert.match(ok.stdout, /kind: MeshService/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KRM mode: 3.6 MB of tiny items gives a bounded result list and a few KB of stderr", async () => {
  // Services without a name: a kind the tool reads, so each is an error (an empty map is not a
  // manifest, only an info).
  const item = "- {apiVersion: v1, kind: Service}\n";
  const n = Math.floor(3_600_000 / item.length);
  const stdin = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${
    item.repeat(n)
  }`;
  const started = performance.now();
  const result = await cli([], stdin);
  const elapsed = performance.now() - started;
  // Before: 23 s, 3 GB, 162 MB of stdout and 50 MB of stderr.
  assert.equal(result.code, 1, result.stderr.slice(0, 2000));
  assert.ok(result.stderr.length < 20_000, `${result.stderr.length} bytes of stderr`);
  assert.match(
    result.stderr,
    /\n… and 901 more results \(901 errors\); see the results of the output ResourceList\n$/,
    "1,000 errors of one reason and their summary, 100 of them printed",
  );
  assert.equal(result.stderr.split("\n").length, 102, "100 result lines, the summary, the end");
  assert.ok(result.stdout.length < 8_000_000, `${result.stdout.length} bytes of stdout`);
  const out = load(result.stdout) as {
    kind: string;
    items: unknown[];
    results: { severity: string; message: string; tags: Record<string, string> }[];
  };
  assert.equal(out.kind, "ResourceList");
  assert.equal(out.items.length, n, "every item passes through");
  assert.equal(out.results.filter((r) => r.tags.reason === "InvalidInput").length, 1_000);
  const summaries = out.results.filter((r) => r.tags.reason === "ResultsOmitted");
  assert.equal(summaries.length, 1);
  const summary = summaries[0]!;
  assert.equal(summary.severity, "error", "the summary keeps the severity: exit code unchanged");
  assert.equal(summary.tags.omitted, "InvalidInput");
  assert.match(
    summary.message,
    new RegExp(
      `${(n - 1_000).toLocaleString("en-US")} more error results with reason "InvalidInput"`,
    ),
  );
  assert.ok(elapsed < 20_000, `took ${elapsed.toFixed(0)} ms`);
});

Deno.test("render DIR prints at most 100 results to stderr, then how many more", async () => {
  const dir = await tempTree({
    "namespace.yaml": NAMESPACE_YAML,
    // Services without a name: 300 errors (strings would be one "not a manifest" info).
    "bad.yaml": Array.from({ length: 300 }, () => "apiVersion: v1\nkind: Service\n").join("---\n"),
  });
  try {
    const result = await cli(["render", dir]);
    assert.equal(result.code, 1, result.stderr.slice(0, 2000));
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.filter((l) => l.startsWith("[error]")).length, 100, result.stderr);
    assert.match(
      lines.at(-1)!,
      /^… and 201 more results \(200 errors, 1 info\); --report FILE or --format resourcelist lists them all$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A Universal Dataplane labelled as managed by the tool, which never generates Dataplanes. */
const OWNED_LOOKING_DATAPLANE = `type: Dataplane
name: web-1
mesh: default
labels:
  app.kubernetes.io/managed-by: meshservice-krm
networking:
  address: 10.0.0.1
  inbound:
    - port: 8080
      tags:
        kuma.io/service: web
`;

Deno.test("render DIR --out keeps a Universal Dataplane labelled as the tool's own, with a warning naming the label", async () => {
  const dataplane = OWNED_LOOKING_DATAPLANE;
  const dir = await tempTree({ "dataplanes/web-1.yaml": dataplane });
  try {
    const printed = await cli(["render", dir]);
    assert.equal(printed.code, 0, describeRun(printed));
    assert.match(printed.stdout, /^type: Dataplane\nname: web-1\n/m);
    assert.match(
      printed.stderr,
      /\[warning\] Dataplane web-1 .*carries the label "app\.kubernetes\.io\/managed-by: meshservice-krm"/,
    );
    const written = await cli(["render", dir, "--out", dir]);
    assert.equal(written.code, 0, describeRun(written));
    const tree = await snapshotTree(dir);
    assert.equal(tree.get("dataplanes/web-1.yaml"), dataplane, "the Dataplane file is untouched");
    assert.ok(
      [...tree.keys()].some((p) => p.endsWith("meshservice_web.yaml")),
      [...tree.keys()].join(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("render DIR --report keeps at most 1,000 results of one reason, then says how many more", async () => {
  const dir = await tempTree({
    "namespace.yaml": NAMESPACE_YAML,
    "bad.yaml": Array.from({ length: 1_500 }, () => "apiVersion: v1\nkind: Service\n").join(
      "---\n",
    ),
  });
  try {
    const report = join(dir, "report.json");
    const withReport = await cli(["render", dir, "--report", report]);
    assert.equal(withReport.code, 1);
    const results = (JSON.parse(await Deno.readTextFile(report)) as {
      results: { severity: string; message: string; tags: Record<string, string> }[];
    }).results;
    assert.equal(results.filter((r) => r.tags.reason === "InvalidInput").length, 1_000);
    const summary = results.find((r) => r.tags.reason === "ResultsOmitted");
    assert.equal(summary?.severity, "error");
    assert.match(summary?.message ?? "", /500 more error results with reason "InvalidInput"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("render DIR --out never removes a Universal document of a kind it does not generate, even with its header and owner label", async () => {
  const planted =
    `# Generated by meshservice-krm. Do not edit: run \`render --out\` again instead.\n${OWNED_LOOKING_DATAPLANE}`;
  const dir = await tempTree({ "planted/web-1.yaml": planted });
  try {
    const written = await cli(["render", dir, "--out", dir]);
    assert.equal(written.code, 0, describeRun(written));
    const tree = await snapshotTree(dir);
    assert.equal(tree.get("planted/web-1.yaml"), planted, "the planted Dataplane is kept");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
