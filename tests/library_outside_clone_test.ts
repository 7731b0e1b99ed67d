/**
 * The library and the directory adapters work outside this clone: no
 * source file imports a `node_modules/...` path, so `mod.ts` and the CLI run
 * from a copy of the sources that has no `node_modules` at all, resolving
 * the npm packages through the importing project's configuration (its own
 * `node_modules`) or through Deno's cache (`--node-modules-dir=none`). The
 * render rewrites a route, so the lazily imported YAML editor (the `yaml`
 * package) is loaded too.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, DENO, describeRun, REPO_ROOT, run, snapshotTree } from "./e2e_support.ts";

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector:
    app: api
  ports:
    - port: 8080
`;

const ROUTE = `# Calls to the API.
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: to-api
  namespace: shop
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: api_shop_svc_8080 # legacy name
`;

/** A copy of the sources (mod.ts, src/, deno.json) without node_modules, and a manifest repo. */
async function layout(): Promise<{ base: string; lib: string; repo: string }> {
  const base = await Deno.makeTempDir({ prefix: "msk-outside-" });
  const lib = join(base, "lib");
  await copyTree(join(REPO_ROOT, "src"), join(lib, "src"));
  await Deno.copyFile(join(REPO_ROOT, "mod.ts"), join(lib, "mod.ts"));
  await Deno.copyFile(join(REPO_ROOT, "deno.json"), join(lib, "deno.json"));
  const repo = join(base, "manifests");
  await Deno.mkdir(repo);
  await Deno.writeTextFile(join(repo, "api.yaml"), SERVICE);
  await Deno.writeTextFile(join(repo, "route.yaml"), ROUTE);
  return { base, lib, repo };
}

async function assertRendered(repo: string, output: { code: number }, text: string) {
  assert.equal(output.code, 0, text);
  const tree = await snapshotTree(repo);
  assert.match(tree.get("route.yaml") ?? "", /name: api # legacy name\n\s+namespace: shop\n/);
  assert.ok(tree.has("kuma-generated/default/shop/meshservice_api.yaml"));
}

Deno.test("library outside the clone: a project with its own node_modules imports the CLI from a copy without node_modules", async () => {
  const { base, repo } = await layout();
  try {
    const app = join(base, "app");
    await Deno.mkdir(app);
    const ours = JSON.parse(await Deno.readTextFile(join(REPO_ROOT, "deno.json"))) as {
      imports: Record<string, string>;
    };
    await Deno.writeTextFile(
      join(app, "deno.json"),
      JSON.stringify({ nodeModulesDir: "manual", imports: ours.imports }),
    );
    await Deno.symlink(join(REPO_ROOT, "node_modules"), join(app, "node_modules"));
    await Deno.writeTextFile(
      join(app, "main.ts"),
      `import { render } from "../lib/mod.ts";\nimport { main } from "../lib/src/io/cli.ts";\nif (typeof render !== "function") throw new Error("no render");\nDeno.exit(await main(Deno.args));\n`,
    );
    const output = await run(DENO, [
      "run",
      "--no-prompt",
      `-R=${base}`,
      `-W=${repo}`,
      "main.ts",
      "render",
      repo,
      "--out",
      repo,
    ], { cwd: app });
    await assertRendered(repo, output, describeRun(output));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("library outside the clone: deno run --node-modules-dir=none runs a copy of mod.ts", async () => {
  const { base, lib, repo } = await layout();
  try {
    const output = await run(DENO, [
      "run",
      "--node-modules-dir=none",
      "--no-prompt",
      `-R=${base}`,
      `-W=${repo}`,
      join(lib, "mod.ts"),
      "render",
      repo,
      "--out",
      repo,
    ], { cwd: lib });
    await assertRendered(repo, output, describeRun(output));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
