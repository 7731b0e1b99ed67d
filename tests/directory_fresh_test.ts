/**
 * `render --out OUT` when OUT does not exist (`src/io/fresh_output.ts`): the
 * tree is written into one staging folder beside OUT and renamed once. It
 * ends exactly as the per-file writes would: the same files, nothing left
 * beside OUT; a write failing on either thread, or a path the process may
 * not write, leaves nothing (the per-file path then reports it as it always
 * has); an interrupted run leaves OUT absent or whole. And the per-file path
 * refuses a target it could not rename into before writing anything.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runDirectory } from "../src/io/directory.ts";
import { THREAD_THRESHOLD } from "../src/io/file_thread.ts";
import { copyTree, DENO, MOD_TS, REPO_ROOT, run, snapshotTree } from "./e2e_support.ts";
import { servicesTree } from "./_directory_trees.ts";

const EXAMPLE = join(REPO_ROOT, "templates", "example-repo", "kubernetes");

function cli(args: string[], permissions: string[]) {
  return run(DENO, ["run", "--no-prompt", ...permissions, MOD_TS, ...args], {
    env: { NO_COLOR: "1" },
  });
}

/** Every entry under `dir` (folders with a trailing slash), sorted, hidden ones included. */
async function entries(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string, prefix: string) => {
    for await (const entry of Deno.readDir(current)) {
      const path = `${prefix}${entry.name}`;
      found.push(entry.isDirectory ? `${path}/` : path);
      if (entry.isDirectory) await walk(join(current, entry.name), `${path}/`);
    }
  };
  await walk(dir, "");
  return found.sort();
}

Deno.test("render --out to a new folder: the files of a write into an existing one, nothing beside it", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-fresh-" });
  try {
    const repo = join(base, "repo");
    await copyTree(EXAMPLE, repo);
    const existing = join(base, "existing");
    await Deno.mkdir(existing);
    const fresh = join(base, "new", "deeper", "out");
    const permissions = [`-R=${base}`, `-W=${base}`];
    const one = await cli(["render", repo, "--out", existing, "-q"], permissions);
    const two = await cli(["render", repo, "--out", fresh, "-q"], permissions);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.stderr.replace(fresh, existing), one.stderr);
    assert.match(two.stderr, /Wrote 6 file\(s\) \(1 rewritten input file\(s\)\)/);
    assert.deepEqual(await snapshotTree(fresh), await snapshotTree(existing));
    // No staging folder, lock or temporary file anywhere.
    assert.deepEqual(
      await entries(join(base, "new")),
      [
        "deeper/",
        "deeper/out/",
        ...(await entries(existing)).map((path) => `deeper/out/${path}`),
      ].sort(),
    );
    const check = await cli(["check", repo, "--out", fresh, "-q"], [`-R=${base}`]);
    assert.equal(check.code, 0, check.stderr);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

/** A repo whose second generated file (in path order) has a name longer than 255 bytes. */
async function longNameRepo(repo: string): Promise<void> {
  const service = (name: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n`;
  await Deno.mkdir(repo, { recursive: true });
  await Deno.writeTextFile(
    join(repo, "services.yaml"),
    `${service("a")}---\n${service("z".repeat(60))}`,
  );
  await Deno.writeTextFile(
    join(repo, "meshservice-krm.yaml"),
    `apiVersion: meshservice-krm/v1alpha1\nkind: RenderMeshServices\nmetadata:\n  name: config\noutputPath: "kuma-generated/{namespace}/{name}{name}{name}{name}{name}.yaml"\n`,
  );
}

Deno.test("render --out to a new folder: a write failing on the second thread leaves nothing, and is reported", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-fresh-fail-" });
  try {
    const repo = join(base, "repo");
    await longNameRepo(repo);
    const before = await entries(base);
    // Two files, two threads: this one writes the first, the worker the second, which fails.
    const threaded = await runDirectory({
      command: "render",
      dir: repo,
      out: join(base, "new", "out"),
      format: "yaml",
      workspace: "/",
      threadAtFiles: 1,
    });
    assert.equal(threaded.exitCode, 1);
    assert.deepEqual(await entries(base), before, "no output, parent, staging folder or file");
    // The same failure on one thread, through the CLI: the message names the file.
    const out = await cli(["render", repo, "--out", join(base, "new", "out"), "-q"], [
      `-R=${base}`,
      `-W=${base}`,
    ]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(
      out.stderr,
      /\[error\] Cannot write "kuma-generated\/shop\/z{300}\.yaml": its file name is longer than 255 bytes/,
    );
    assert.match(out.stderr, /Wrote nothing under ".+out": the tree is as it was/);
    assert.doesNotMatch(out.stderr, /Uncaught/);
    assert.deepEqual(await entries(base), before);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("render --out: a target the run may not write is refused before any file changes", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-fresh-deny-" });
  try {
    const repo = join(base, "repo");
    await copyTree(EXAMPLE, repo);
    const out = join(base, "out");
    const permissions = [`-R=${base}`, `-W=${base}`];
    assert.equal((await cli(["render", repo, "--out", out, "-q"], permissions)).code, 0);
    // Two generated files change; the later one (in path order) may not be written.
    for (
      const [file, from, to] of [["demo-app.yaml", "port: 5000", "port: 5001"], [
        "redis.yaml",
        "port: 6379",
        "port: 6380",
      ]]
    ) {
      const path = join(repo, file!);
      await Deno.writeTextFile(path, (await Deno.readTextFile(path)).replace(from!, to!));
    }
    const denied = join("kuma-generated", "default", "redis-system", "meshservice_redis.yaml");
    const before = await entries(base);
    const tree = await snapshotTree(out);
    for (const target of [out, join(base, "fresh")]) {
      const result = await cli(["render", repo, "--out", target, "-q"], [
        ...permissions,
        `--deny-write=${join(target, denied)}`,
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        /Cannot write "kuma-generated\/default\/redis-system\/meshservice_redis\.yaml": no write permission/,
      );
      assert.match(result.stderr, /Wrote nothing under/);
      assert.doesNotMatch(result.stderr, /Uncaught/);
      assert.deepEqual(await entries(base), before, "no file, folder or temporary changed");
      assert.deepEqual(await snapshotTree(out), tree, "the earlier file was not renamed either");
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("render --out to a new folder, interrupted: the folder is absent or whole, with no staging folder left", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-fresh-signal-" });
  try {
    const tree = join(base, "tree");
    await servicesTree(tree, THREAD_THRESHOLD); // Read and written with the second thread.
    const whole = join(base, "whole");
    const args = (out: string) => [
      "run",
      "--no-prompt",
      `-R=${base}`,
      `-W=${base}`,
      MOD_TS,
      "render",
      tree,
      "--out",
      out,
      "-q",
    ];
    const full = await run(DENO, args(whole));
    assert.equal(full.code, 0, full.stderr);
    const expected = await snapshotTree(whole);
    const before = await entries(base);
    const seen = new Set<string>();
    for (const delay of [100, 500, 900, 1300, 1700, 2100]) {
      const out = join(base, "out");
      const child = new Deno.Command(DENO, { args: args(out), stdout: "null", stderr: "null" })
        .spawn();
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        child.kill("SIGTERM");
      } catch {
        // Already finished.
      }
      await child.status;
      let written: Map<string, string> | undefined;
      try {
        written = await snapshotTree(out);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      if (written !== undefined) {
        assert.deepEqual(written, expected, `after SIGTERM at ${delay} ms: a partial output`);
        await Deno.remove(out, { recursive: true });
      }
      seen.add(written === undefined ? "absent" : "whole");
      assert.deepEqual(await entries(base), before, `after SIGTERM at ${delay} ms: leftovers`);
    }
    assert.ok(seen.has("absent"), [...seen].join());
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("render --out under missing parents that cannot all be made: no parent is left behind", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-fresh-parents-" });
  try {
    const repo = join(base, "repo");
    await copyTree(EXAMPLE, repo);
    const before = await entries(base);
    // `new` can be made, `new/deeper` cannot: the run must remove `new` again.
    const result = await cli(["render", repo, "--out", join(base, "new", "deeper", "out"), "-q"], [
      `-R=${base}`,
      `-W=${base}`,
      `--deny-write=${join(base, "new", "deeper")}`,
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /no write permission/);
    assert.doesNotMatch(result.stderr, /Uncaught/);
    assert.deepEqual(await entries(base), before);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
