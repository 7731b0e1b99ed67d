/**
 * Real repositories as found: `tests/fixtures/real-repo`, a GitOps monorepo
 * (kustomize base and overlays, platform Kuma objects, a Flux tenant with
 * post-build placeholders, a Helm chart folder, a decK `kong.yaml`, an
 * OpenAPI document, a broken docs example, `.krmignore`, config `exclude`),
 * rendered with exit 0 by directory mode, `generate`, the GitHub Action,
 * real kpt and real kustomize, every skipped file named in one info result.
 * Also: kpt and directory mode agree on bytes (kpt, check, render --out, kpt
 * again: no change), `.krmignore` is read as kpt reads it (checked against
 * kpt), render output is never read back, warnings reach stderr under
 * kustomize's legacy plugin and appear once under kpt.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { load, loadAll } from "js-yaml";
import {
  copyTree,
  DENO,
  describeRun,
  findTool,
  KUSTOMIZE_BIN,
  MOD_TS,
  REPO_ROOT,
  run,
  type RunOutput,
  snapshotTree,
  testsNeeding,
  WRAPPER,
} from "./e2e_support.ts";
import { parseKrmIgnore } from "../src/model/path_patterns.ts";
import { emitDocument, emitEntry } from "../src/io/plain_yaml.ts";

const FIXTURE = join(REPO_ROOT, "tests", "fixtures", "real-repo");

interface Result {
  message: string;
  severity: string;
  file?: { path: string };
  tags?: { reason?: string };
}

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: unknown;
}

/** Reasons of the results that say a file or folder was not read (or read as plain files). */
const SKIP_REASONS = ["Excluded", "HelmChart", "NotAManifest", "KustomizeRoot", "RenderOutput"];

/** What directory mode leaves out of the fixture, by the file each info result names. */
const SKIPPED_IN_DIRECTORY_MODE = {
  "api": "Excluded",
  "charts/payments/Chart.yaml": "HelmChart",
  "docs": "Excluded",
  "kong": "Excluded",
  "sandbox/debug-shell.yaml": "Excluded",
  "apps/shop/base/kustomization.yaml": "KustomizeRoot",
  "apps/shop/overlays/prod/kustomization.yaml": "KustomizeRoot",
  "apps/shop/overlays/staging/kustomization.yaml": "KustomizeRoot",
};

async function cli(args: string[], options: { cwd?: string } = {}): Promise<RunOutput> {
  return await run(DENO, ["run", "--no-prompt", "-A", MOD_TS, ...args], options);
}

async function withCopy<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const base = await Deno.makeTempDir({ prefix: "msk-real-repo-" });
  const dir = join(base, "repo");
  try {
    await copyTree(FIXTURE, dir);
    return await fn(dir);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

/** The skip results by file, asserting that no file is named twice. */
function skippedOnce(results: readonly Result[]): Record<string, string> {
  const byFile: Record<string, string> = {};
  for (const r of results) {
    const reason = r.tags?.reason ?? "";
    if (!SKIP_REASONS.includes(reason)) continue;
    assert.equal(r.severity, "info", r.message);
    const path = r.file?.path ?? "";
    assert.ok(!(path in byFile), `"${path}" is named by two results: ${r.message}`);
    byFile[path] = reason;
  }
  return byFile;
}

async function reportOf(
  dir: string,
  extra: string[] = [],
): Promise<{ output: RunOutput; results: Result[] }> {
  const report = join(dirname(dir), "report.json");
  const output = await cli(["render", dir, "--report", report, ...extra]);
  const results = output.code === 2
    ? []
    : (JSON.parse(await Deno.readTextFile(report)) as { results: Result[] }).results;
  return { output, results };
}

Deno.test("real repo: directory mode renders the monorepo with exit 0 and names every skipped file once", async () => {
  await withCopy(async (dir) => {
    const before = await snapshotTree(dir);
    const { output, results } = await reportOf(dir);
    assert.equal(output.code, 0, describeRun(output));
    assert.deepEqual(skippedOnce(results), SKIPPED_IN_DIRECTORY_MODE);
    // The kustomize patches are named in their root's result and never read.
    const prod = results.find((r) => r.file?.path === "apps/shop/overlays/prod/kustomization.yaml");
    assert.match(prod?.message ?? "", /storefront-resources\.yaml.*not read as resources/);
    // Flux placeholders are warnings naming the fields, and the objects are rendered as written.
    const flux = results.filter((r) => r.tags?.reason === "FluxSubstitution");
    assert.ok(
      flux.some((r) => /metadata\.namespace "\$\{TENANT_NS\}"/.test(r.message)),
      describeRun(output),
    );
    assert.ok(!results.some((r) => r.severity === "error"), describeRun(output));
    const docs = (loadAll(output.stdout) as Doc[]).filter((d) => d !== null);
    const meshServices = docs.filter((d) => d.kind === "MeshService").map((d) =>
      `${d.metadata?.namespace}/${d.metadata?.name}`
    ).sort();
    assert.deepEqual(meshServices.filter((n) => !n.startsWith("shop/sessions-")), [
      "${TENANT_NS}/reports",
      "shop/checkout",
      "shop/sessions",
      "shop/storefront",
    ]);
    assert.equal(
      meshServices.filter((n) => n.startsWith("shop/sessions-")).length,
      2,
      "one per StatefulSet pod",
    );
    const route = docs.find((d) => d.kind === "MeshHTTPRoute");
    assert.match(JSON.stringify(route?.spec), /"name":"checkout","namespace":"shop"/);
    assert.deepEqual(await snapshotTree(dir), before, "render without --out writes nothing");
  });
});

Deno.test("real repo: without .krmignore non-manifests are infos and invalid YAML stays an error until excluded", async () => {
  await withCopy(async (dir) => {
    await Deno.remove(join(dir, ".krmignore"));
    const first = await reportOf(dir);
    assert.equal(first.output.code, 1, describeRun(first.output));
    const errors = first.results.filter((r) => r.severity === "error");
    assert.deepEqual(errors.map((r) => r.file?.path), ["docs/example.yaml"]);
    const skipped = skippedOnce(first.results);
    assert.equal(skipped["kong/kong.yaml"], "NotAManifest");
    assert.equal(skipped["api/openapi.yaml"], "NotAManifest");
    assert.equal(skipped["charts/payments/Chart.yaml"], "HelmChart");
    assert.ok(!Object.keys(skipped).some((p) => p.startsWith("charts/payments/templates")));
    const config = join(dir, "meshservice-krm.yaml");
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace(
        "  - sandbox/**",
        "  - sandbox/**\n  - docs/*.yaml",
      ),
    );
    const second = await reportOf(dir);
    assert.equal(second.output.code, 0, describeRun(second.output));
    assert.equal(skippedOnce(second.results)["docs/example.yaml"], "Excluded");
  });
});

Deno.test("real repo: render output redirected into the directory is never read back; --out inside it is refused", async () => {
  await withCopy(async (dir) => {
    const first = await cli(["render", dir]);
    assert.equal(first.code, 0, describeRun(first));
    const list = await cli(["render", dir, "--format", "resourcelist"]);
    assert.equal(list.code, 0, describeRun(list));
    await Deno.writeTextFile(join(dir, "rendered.yaml"), first.stdout);
    await Deno.writeTextFile(join(dir, "rendered-list.yaml"), list.stdout);
    const { output, results } = await reportOf(dir);
    assert.equal(output.code, 0, describeRun(output));
    assert.equal(output.stdout, first.stdout, "the same render: nothing was read twice");
    const skipped = skippedOnce(results);
    assert.equal(skipped["rendered.yaml"], "RenderOutput");
    assert.equal(skipped["rendered-list.yaml"], "NotAManifest");
    const inside = await cli(["render", dir, "--out", join(dir, "out")]);
    assert.equal(inside.code, 2, describeRun(inside));
    assert.match(inside.stderr, /inside .+ the next run would read the rendered copies back/);
    assert.equal(
      (await snapshotTree(dir)).has("out/kuma-generated/default/shop/meshservice_checkout.yaml"),
      false,
    );
  });
});

Deno.test("real repo: generate prints what the cluster gets, exit 0, no kustomize or local-config objects", async () => {
  const output = await run(DENO, [
    "run",
    "--no-prompt",
    `-R=${FIXTURE}`,
    "--allow-env=ARGOCD_APP_PARAMETERS,PARAM_*",
    MOD_TS,
    "generate",
    FIXTURE,
  ], { env: { PATH: Deno.env.get("PATH") ?? "" }, clearEnv: true });
  assert.equal(output.code, 0, describeRun(output));
  const docs = (loadAll(output.stdout) as Doc[]).filter((d) => d !== null);
  assert.ok(docs.length >= 15, `${docs.length} documents`);
  assert.ok(!docs.some((d) => String(d.apiVersion).startsWith("kustomize.config.k8s.io/")));
  assert.ok(
    !docs.some((d) => d.metadata?.annotations?.["config.kubernetes.io/local-config"] === "true"),
  );
  assert.ok(!docs.some((d) => d.kind === "Pod"), "sandbox/ is excluded");
  assert.ok(
    docs.some((d) =>
      d.kind === "Kustomization" && d.apiVersion?.startsWith("kustomize.toolkit.fluxcd.io/")
    ),
  );
  const route = docs.find((d) => d.kind === "MeshHTTPRoute");
  assert.match(
    JSON.stringify(route?.spec),
    /"name":"checkout","weight":100,"namespace":"shop","port":7070/,
  );
  assert.match(output.stderr, /Skipped Helm chart "charts\/payments"/);
});

Deno.test(".krmignore: directory mode leaves out exactly the files kpt leaves out", async () => {
  const KPT = await findTool("kpt", ["version"]);
  if (!KPT.ok) {
    if (Deno.env.get("CI") === "true") throw new Error(`kpt is required: ${KPT.reason}`);
    return;
  }
  const files = [
    "top.yaml",
    "a/top.yaml",
    "a/charts/x/f.yaml",
    "charts/g.yaml",
    "b/c/h.yaml",
    "b/c/keep.yaml",
    "d/c.yaml",
    "a/b/c/i.yaml",
  ];
  const cases = [
    "charts\n",
    "charts/\n",
    "/charts\n",
    "c/h.yaml\n",
    "b/c\n",
    "top.yaml\n",
    "*.yaml\n!keep.yaml\n",
    "!keep.yaml\nb/\n",
    "a/**/f.yaml\n",
    "# comment\n\n  x  \n",
    "/b/c/*.yaml\n",
    "[ab]/top.yaml\n",
  ];
  const base = await Deno.makeTempDir({ prefix: "msk-krmignore-" });
  try {
    const spy = join(base, "spy.sh");
    const seen = join(base, "seen.yaml");
    await Deno.writeTextFile(spy, `#!/bin/sh\ntee ${JSON.stringify(seen)}\n`);
    await Deno.chmod(spy, 0o755);
    for (const [i, ignore] of cases.entries()) {
      const pkg = join(base, `p${i}`);
      for (const file of files) {
        await Deno.mkdir(dirname(join(pkg, file)), { recursive: true });
        await Deno.writeTextFile(
          join(pkg, file),
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${
            file.replace(/[^a-z0-9]/g, "-")
          }\n`,
        );
      }
      await Deno.writeTextFile(join(pkg, ".krmignore"), ignore);
      await Deno.writeTextFile(
        join(pkg, "Kptfile"),
        `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n    - exec: ${spy}\n`,
      );
      const output = await run("kpt", ["fn", "render", pkg, "--allow-exec"]);
      assert.equal(output.code, 0, describeRun(output));
      const list = load(await Deno.readTextFile(seen)) as { items: Doc[] };
      const byKpt = list.items.map((item) =>
        item.metadata?.annotations?.["internal.config.kubernetes.io/path"]
      ).filter((p) => p !== "Kptfile").sort();
      const matcher = parseKrmIgnore(ignore);
      const read = files.filter((file) => {
        const parts = file.split("/");
        for (let end = 1; end < parts.length; end++) {
          if (matcher.ignores(parts.slice(0, end).join("/"), true) !== undefined) return false;
        }
        return matcher.ignores(file, false) === undefined;
      }).sort();
      assert.deepEqual(read, byKpt, `.krmignore ${JSON.stringify(ignore)}`);
      // And the directory reader itself agrees.
      const dirRun = await cli(["render", pkg, "--format", "resourcelist"]);
      assert.equal(dirRun.code, 0, describeRun(dirRun));
      const rendered = (load(dirRun.stdout) as { items: Doc[] }).items
        .map((item) => item.metadata?.annotations?.["internal.config.kubernetes.io/path"]).sort();
      assert.deepEqual(rendered, byKpt, `directory mode with .krmignore ${JSON.stringify(ignore)}`);
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

const KPT = await findTool("kpt", ["version"]);

/** kpt fn render on the real repo, then check, render --out and kpt again: nothing changes. */
function kptRoundTripTests(): void {
  Deno.test("real repo under kpt: fn render exits 0, each result once; kpt, check, render --out, kpt again change nothing", async () => {
    await withCopy(async (dir) => {
      await Deno.writeTextFile(
        join(dir, "Kptfile"),
        `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: real-repo
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
    - exec: ${WRAPPER}
      configPath: meshservice-krm.yaml
`,
      );
      const resultsDir = join(dirname(dir), "kpt-results");
      await Deno.mkdir(resultsDir);
      const first = await run("kpt", [
        "fn",
        "render",
        dir,
        "--allow-exec",
        "--truncate-output=false",
        `--results-dir=${resultsDir}`,
      ]);
      assert.equal(first.code, 0, describeRun(first));
      // Each result once: kpt prints the ResourceList's results; the function adds no stderr copy.
      const all = `${first.stdout}\n${first.stderr}`;
      assert.equal(all.split('Ignored port "statsd"').length - 1, 1, describeRun(first));
      assert.doesNotMatch(all, /Stderr:/);
      const kptResults = load(await Deno.readTextFile(join(resultsDir, "results.yaml"))) as {
        items: { results?: Result[] }[];
      };
      const results = kptResults.items.flatMap((i) => i.results ?? []);
      const skipped: Record<string, string> = {};
      for (const r of results.filter((r) => r.tags?.reason === "NotAManifest")) {
        assert.ok(!(r.file!.path in skipped), `twice: ${r.file!.path}`);
        skipped[r.file!.path] = r.message;
      }
      assert.deepEqual(Object.keys(skipped).sort(), [
        "apps/shop/base/kustomization.yaml",
        "apps/shop/overlays/prod/storefront-resources.yaml",
        "apps/shop/overlays/staging/replicas.yaml",
      ]);
      const afterKpt = await snapshotTree(dir);
      assert.ok(afterKpt.has("kuma-generated/default/shop/meshservice_checkout.yaml"));

      const checked = await cli(["check", dir]);
      assert.equal(
        checked.code,
        0,
        `kpt's files are up to date for check\n${describeRun(checked)}`,
      );
      assert.equal(checked.stdout, "", "no diff");
      const rendered = await cli(["render", dir, "--out", dir]);
      assert.equal(rendered.code, 0, describeRun(rendered));
      assert.deepEqual(
        await snapshotTree(dir),
        afterKpt,
        "render --out on kpt's output changes nothing",
      );
      const again = await run("kpt", ["fn", "render", dir, "--allow-exec"]);
      assert.equal(again.code, 0, describeRun(again));
      assert.deepEqual(await snapshotTree(dir), afterKpt, "kpt again changes nothing");
    });
  });
}

/** kpt writes the function's text byte for byte; render --out first, then kpt, changes nothing. */
function kptByteTests(): void {
  Deno.test("kpt writes emitEntry's output as exactly emitDocument's bytes, tricky values included", async () => {
    const value = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "tricky", labels: { "k8s.kuma.io/namespace": "shop", "yes": "no" } },
      data: {
        long: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "),
        control: "a\u0001b\tc\nd\u007f",
        unicode: "héllo ✓ \u2028 \u00a0",
        quotes: 'say "hi" \\ ok',
        numeric: "0755",
        empty: "",
        colon: "a: b",
      },
      spec: {
        empty: {},
        none: [],
        nothing: null,
        n: 1.5,
        t: true,
        nested: [[1, 2], [{ a: "b" }], []],
      },
    };
    const base = await Deno.makeTempDir({ prefix: "msk-kyaml-" });
    try {
      const fn = join(base, "fn.sh");
      const item = emitEntry({
        ...value,
        metadata: {
          ...value.metadata,
          annotations: { "internal.config.kubernetes.io/path": "out/tricky.yaml" },
        },
      }, 2);
      await Deno.writeTextFile(
        fn,
        `#!/bin/sh\ncat > /dev/null\ncat <<'EOF'\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${item}EOF\n`,
      );
      await Deno.chmod(fn, 0o755);
      const pkg = join(base, "pkg");
      await Deno.mkdir(pkg);
      await Deno.writeTextFile(
        join(pkg, "Kptfile"),
        `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: p\npipeline:\n  mutators:\n    - exec: ${fn}\n`,
      );
      const output = await run("kpt", ["fn", "render", pkg, "--allow-exec"]);
      assert.equal(output.code, 0, describeRun(output));
      assert.equal(await Deno.readTextFile(join(pkg, "out", "tricky.yaml")), emitDocument(value));
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  });

  Deno.test("real repo: render --out first, then kpt, changes nothing either", async () => {
    await withCopy(async (dir) => {
      const rendered = await cli(["render", dir, "--out", dir]);
      assert.equal(rendered.code, 0, describeRun(rendered));
      await Deno.writeTextFile(
        join(dir, "Kptfile"),
        `apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: real-repo\n  annotations:\n    config.kubernetes.io/local-config: "true"\npipeline:\n  mutators:\n    - exec: ${WRAPPER}\n      configPath: meshservice-krm.yaml\n`,
      );
      const before = await snapshotTree(dir);
      const kpt = await run("kpt", ["fn", "render", dir, "--allow-exec"]);
      assert.equal(kpt.code, 0, describeRun(kpt));
      const after = await snapshotTree(dir);
      for (const [path, text] of before) assert.equal(after.get(path), text, path);
      assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    });
  });
}

testsNeeding(KPT, "kpt", () => {
  kptRoundTripTests();
  kptByteTests();
});

const KUSTOMIZE = await findTool(KUSTOMIZE_BIN, ["version"]);

/** The prod overlay with the function as a transformer (exec form, or the legacy plugin's config). */
async function withTransformer(dir: string, form: "exec" | "legacy"): Promise<string> {
  const overlay = join(dir, "apps", "shop", "overlays", "prod");
  const annotation = form === "exec"
    ? `  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ${WRAPPER}\n`
    : "";
  await Deno.writeTextFile(
    join(overlay, "meshservice-krm-transformer.yaml"),
    `apiVersion: meshservice-krm/v1alpha1\nkind: RenderMeshServices\nmetadata:\n  name: render-mesh-services\n${annotation}kumaVersion: "2.14"\nzone: east\n`,
  );
  const kustomization = join(overlay, "kustomization.yaml");
  await Deno.writeTextFile(
    kustomization,
    `${await Deno.readTextFile(
      kustomization,
    )}transformers:\n  - meshservice-krm-transformer.yaml\n`,
  );
  return overlay;
}

function checkBuild(output: RunOutput): void {
  assert.equal(output.code, 0, describeRun(output));
  const docs = (loadAll(output.stdout) as Doc[]).filter((d) => d !== null);
  const route = docs.find((d) => d.kind === "MeshHTTPRoute");
  assert.match(JSON.stringify(route?.spec), /"name":"checkout","namespace":"shop"/);
  const storefront = docs.find((d) => d.kind === "Deployment" && d.metadata?.name === "storefront");
  assert.match(JSON.stringify(storefront), /"replicas":4/, "the overlay's patch applied");
  assert.match(output.stderr, /Ignored port "statsd"/, "the warning reaches stderr");
  assert.equal(output.stderr.split('Ignored port "statsd"').length - 1, 1);
}

testsNeeding(KUSTOMIZE, "kustomize", () => {
  Deno.test("real repo under kustomize: the prod overlay builds with the exec transformer, warnings on stderr", async () => {
    await withCopy(async (dir) => {
      const overlay = await withTransformer(dir, "exec");
      checkBuild(
        await run(KUSTOMIZE_BIN, ["build", "--enable-alpha-plugins", "--enable-exec", overlay]),
      );
    });
  });
});

const KUBECTL = await findTool("kubectl", ["version", "--client"]);

testsNeeding(KUBECTL, "kubectl", () => {
  Deno.test("real repo under kubectl kustomize: the legacy plugin builds the prod overlay, warnings on stderr", async () => {
    await withCopy(async (dir) => {
      const overlay = await withTransformer(dir, "legacy");
      const home = join(dirname(dir), "plugins");
      const pluginDir = join(home, "meshservice-krm", "v1alpha1", "rendermeshservices");
      await Deno.mkdir(pluginDir, { recursive: true });
      const plugin = join(pluginDir, "RenderMeshServices");
      await Deno.copyFile(
        join(REPO_ROOT, "templates", "kustomize", "legacy-plugin", "RenderMeshServices"),
        plugin,
      );
      await Deno.chmod(plugin, 0o755);
      checkBuild(
        await run("kubectl", ["kustomize", "--enable-alpha-plugins", overlay], {
          env: {
            ...Deno.env.toObject(),
            PATH: `${dirname(DENO)}:${Deno.env.get("PATH") ?? ""}`,
            KUSTOMIZE_PLUGIN_HOME: home,
            MESHSERVICE_KRM: MOD_TS,
          },
        }),
      );
    });
  });
});

Deno.test("real repo in the GitHub Action: mode render exits 0 and the report names each skipped file once", async () => {
  const root = await Deno.makeTempDir({ prefix: "msk-real-action-" });
  try {
    const workspace = join(root, "workspace");
    const runnerTemp = join(root, "runner-temp");
    await Deno.mkdir(join(runnerTemp, "_runner_file_commands"), { recursive: true });
    await copyTree(FIXTURE, join(workspace, "k8s"));
    const action = load(await Deno.readTextFile(join(REPO_ROOT, "action.yml"))) as {
      runs: { steps: { run?: string; env?: Record<string, string> }[] };
    };
    const step = action.runs.steps.find((s) => s.run?.includes("src/io/github_action.ts"))!;
    const inputs: Record<string, string> = {
      path: "k8s",
      mode: "render",
      "fail-on": "error",
      summary: "true",
      comment: "false",
      "max-annotations": "10",
      config: "",
      "output-dir": "",
      "github-token": "unused",
    };
    const outputFile = join(runnerTemp, "_runner_file_commands", "set_output");
    const summaryFile = join(runnerTemp, "_runner_file_commands", "step_summary");
    await Deno.writeTextFile(outputFile, "");
    await Deno.writeTextFile(summaryFile, "");
    const eventPath = join(runnerTemp, "event.json");
    await Deno.writeTextFile(eventPath, "{}");
    const env: Record<string, string> = {
      PATH: `${dirname(DENO)}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      NO_COLOR: "1",
      GITHUB_ACTIONS: "true",
      GITHUB_ACTION_PATH: REPO_ROOT,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: runnerTemp,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_EVENT_NAME: "push",
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REPOSITORY: "acme/manifests",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RUN_ID: "4242",
      GITHUB_API_URL: "http://127.0.0.1:9",
    };
    for (const name of ["HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    for (const [name, expression] of Object.entries(step.env ?? {})) {
      const input = /inputs\.([A-Za-z0-9_-]+)/.exec(expression)?.[1];
      env[name] = input === undefined ? expression : inputs[input] ?? "";
    }
    const output = await run("bash", ["-c", step.run!], { cwd: workspace, env });
    assert.equal(output.code, 0, describeRun(output));
    const outputs = await Deno.readTextFile(outputFile);
    assert.match(outputs, /^errors=0$/m, outputs);
    const reportPath = /^report=(.+)$/m.exec(outputs)?.[1];
    assert.ok(reportPath, outputs);
    const report = JSON.parse(await Deno.readTextFile(reportPath)) as { results: Result[] };
    assert.deepEqual(skippedOnce(report.results), SKIPPED_IN_DIRECTORY_MODE);
    assert.ok(
      (await snapshotTree(join(workspace, "k8s"))).has(
        "kuma-generated/default/shop/meshservice_checkout.yaml",
      ),
      "render wrote the generated files",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
