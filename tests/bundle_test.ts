/**
 * The single-file distribution: `deno bundle` of mod.ts (what `deno task
 * bundle` builds and the release attaches) runs with no permission flags, from
 * a directory without the repository or node_modules, and gives byte-identical
 * output, results and exit codes to `deno run mod.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  bundlePath,
  DENO,
  describeRun,
  installedBinDir,
  MOD_TS,
  REPO_ROOT,
  run,
  type RunOutput,
} from "./e2e_support.ts";
import { VERSION } from "../src/model/tool.ts";

const env = { ...Deno.env.toObject(), NO_COLOR: "1" };

/** Golden inputs that cover Kubernetes, Universal, multizone, references and errors. */
const CASES = [
  "clusterip-service-basic",
  "headless-statefulset",
  "references-routes/2.14",
  "references-policies/3.0",
  "references-universal/2.14",
  "multizone-references-mesh-multi-zone-service/2.14",
  "hostname-generators-from-catalogue/valid",
  "config-invalid/unknown-kuma-version",
  "flux-substitution-placeholder",
];

async function both(stdin: string, cwd: string): Promise<[RunOutput, RunOutput]> {
  const bundle = await bundlePath();
  return [
    await run(DENO, ["run", "--no-prompt", MOD_TS], { stdin, env }),
    await run(DENO, ["run", "--no-prompt", bundle], { stdin, env, cwd }),
  ];
}

Deno.test("bundle: one file that imports nothing at run time", async () => {
  const text = await Deno.readTextFile(await bundlePath());
  assert.ok(text.startsWith("#!/usr/bin/env -S deno run --no-prompt\n"), "shebang first");
  // Not even a node: built-in: a static one sets up Deno's Node layer on every run (cold start).
  // esbuild prints each statement from the start of a line (a JSDoc example is ` * import ...`).
  const imports = [...text.matchAll(/^import\b[^;(]*?["']([^"']+)["']/gm)].map((m) => m[1]);
  assert.deepEqual(imports, [], "no static imports");
  // No dynamic import either: the CLI reads its own flags (node:util's parseArgs set up that layer).
  assert.doesNotMatch(text, /\bimport\(\s*["'`]/, "no dynamic imports left");
  assert.doesNotMatch(text, /cdk8s|constructs/, "the cdk8s entry is not part of the bundle");
});

for (const name of CASES) {
  Deno.test(`bundle: same output as deno run mod.ts, no permission flags (${name})`, async () => {
    const stdin = await Deno.readTextFile(join(REPO_ROOT, "tests", "golden", name, "input.yaml"));
    // Outside the repository: no deno.json, no node_modules.
    const cwd = await Deno.makeTempDir({ prefix: "meshservice-krm-bundle-run-" });
    try {
      const [source, bundle] = await both(stdin, cwd);
      assert.equal(bundle.code, source.code, describeRun(bundle));
      assert.equal(bundle.stdout, source.stdout);
      assert.equal(bundle.stderr, source.stderr);
      assert.ok(bundle.stdout.includes("kind: ResourceList"), describeRun(bundle));
      // The 3.0 policies case fails the readiness gate on purpose.
      const failing = name.startsWith("config-invalid") || name === "references-policies/3.0";
      assert.equal(bundle.code, failing ? 1 : 0, describeRun(bundle));
    } finally {
      await Deno.remove(cwd, { recursive: true });
    }
  });
}

Deno.test("bundle: runs as an executable through its shebang, version and help included", async () => {
  const bin = await installedBinDir();
  const path = `${bin}:${Deno.env.get("PATH") ?? ""}`;
  const version = await run(join(bin, "meshservice-krm"), ["--version"], {
    env: { ...env, PATH: path },
  });
  assert.equal(version.code, 0, describeRun(version));
  assert.equal(version.stdout, `meshservice-krm ${VERSION}\n`);
  const help = await run(join(bin, "meshservice-krm"), ["render", "--help"], {
    env: { ...env, PATH: path },
  });
  assert.equal(help.code, 0, describeRun(help));
  assert.match(help.stdout, /render DIR \[options\]/);
});

Deno.test("bundle: directory mode needs only the read grant it names", async () => {
  const bundle = await bundlePath();
  const dir = join(REPO_ROOT, "templates", "example-repo", "kubernetes");
  const denied = await run(DENO, ["run", "--no-prompt", bundle, "render", dir], { env });
  assert.equal(denied.code, 1, describeRun(denied));
  assert.match(denied.stderr, /Requires read access/);
  const [source, bundled] = [
    await run(DENO, ["run", "--no-prompt", `--allow-read=${dir}`, MOD_TS, "render", dir], {
      env,
    }),
    await run(DENO, ["run", "--no-prompt", `--allow-read=${dir}`, bundle, "render", dir], {
      env,
      cwd: dirname(bundle),
    }),
  ];
  assert.equal(bundled.code, 0, describeRun(bundled));
  assert.equal(bundled.stdout, source.stdout);
  assert.match(bundled.stdout, /kind: MeshService\n/);
  assert.equal(basename(bundle), "meshservice-krm.js");
});

Deno.test("bundle: a KRM run leaves the bundle's V8 code cache behind (start-up reuses it)", async () => {
  // Deno stores an entry module's code cache only once its evaluation completes: an entry that
  // ends in Deno.exit() never gets one, and the bundle is all entry module (issue 16, cold start).
  const denoDir = await Deno.makeTempDir({ prefix: "meshservice-krm-deno-dir-" });
  try {
    const bundle = await bundlePath();
    const stdin = await Deno.readTextFile(
      join(REPO_ROOT, "tests", "golden", "clusterip-service-basic", "input.yaml"),
    );
    const output = await run(DENO, ["run", "--no-prompt", bundle], {
      stdin,
      env: { ...env, DENO_DIR: denoDir },
    });
    assert.equal(output.code, 0, describeRun(output));
    // The cache is an SQLite database (with its write-ahead log): the entry's key is the URL.
    let stored = "";
    for await (const entry of Deno.readDir(denoDir)) {
      if (!entry.name.startsWith("v8_code_cache")) continue;
      stored += new TextDecoder("latin1").decode(await Deno.readFile(join(denoDir, entry.name)));
    }
    assert.ok(stored.length > 0, "a code cache database exists");
    assert.ok(stored.includes(pathToFileURL(bundle).href), "the bundle has a code cache entry");
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});
