/**
 * Directory mode is safe on a hostile or broken tree: it never follows a
 * symlink out of the tree (reading or writing), runs with read access to the
 * tree and write access to the output only, writes every file or none, and
 * an interrupt leaves the repo as it was. Every case runs the CLI as a
 * subprocess under real Deno permissions.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, DENO, MOD_TS, REPO_ROOT, run, snapshotTree } from "./e2e_support.ts";

const EXAMPLE = join(REPO_ROOT, "templates", "example-repo", "kubernetes");

/** A fresh copy of the Kubernetes example repo, and an `outside` directory beside it. */
async function fixture(): Promise<{ base: string; repo: string; outside: string }> {
  const base = await Deno.makeTempDir({ prefix: "msk-safety-" });
  const repo = join(base, "repo");
  const outside = join(base, "outside");
  await copyTree(EXAMPLE, repo);
  await Deno.mkdir(outside);
  await Deno.writeTextFile(join(outside, "secret.yaml"), SECRET_SERVICE);
  return { base, repo, outside };
}

const SECRET_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: secret
  namespace: kuma-demo
spec:
  selector:
    app: secret
  ports:
  - port: 80
`;

/** Every entry under `dir` (symlinks as `-> target`), to prove a tree unchanged. */
async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string, prefix: string): Promise<void> => {
    const entries = [];
    for await (const entry of Deno.readDir(current)) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const path = `${prefix}${entry.name}`;
      const full = join(current, entry.name);
      if (entry.isSymlink) out.push(`${path} -> ${await Deno.readLink(full)}`);
      else if (entry.isDirectory) await walk(full, `${path}/`);
      else out.push(`${path} ${await Deno.readTextFile(full)}`);
    }
  };
  await walk(dir, "");
  return out;
}

function cli(args: string[], permissions: string[]) {
  return run(DENO, ["run", "--no-prompt", ...permissions, MOD_TS, ...args], {
    env: { NO_COLOR: "1" },
  });
}

Deno.test("directory safety: render needs only read and write access to the tree", async () => {
  const { base, repo } = await fixture();
  try {
    const out = await cli(["render", repo, "--out", repo], [`-R=${repo}`, `-W=${repo}`]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Wrote 6 file\(s\)/);
    // check needs read access only.
    const check = await cli(["check", repo], [`-R=${repo}`]);
    assert.equal(check.code, 0, check.stderr);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a symlinked file pointing outside the tree is skipped, not read", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.symlink(join(outside, "secret.yaml"), join(repo, "secret.yaml"));
    // No read access outside the tree: following the link would fail the run.
    const out = await cli(["render", repo, "--format", "resourcelist"], [`-R=${repo}`]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stderr,
      /\[info\] Skipped symlink "secret\.yaml": directory mode never follows symlinks/,
    );
    assert.doesNotMatch(out.stdout, /name: secret$/m);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a symlinked directory is not descended into", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.symlink(outside, join(repo, "linked"));
    const out = await cli(["render", repo, "--format", "resourcelist"], [`-R=${repo}`]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Skipped symlink "linked"/);
    assert.doesNotMatch(out.stdout, /name: secret$/m);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: an output directory that is a symlink out of the tree is refused, and nothing is written", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.symlink(outside, join(repo, "kuma-generated"));
    const before = await listing(repo);
    const outsideBefore = await listing(outside);
    const out = await cli(["render", repo, "--out", repo], [`-R=${base}`, `-W=${base}`]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(
      out.stderr,
      /\[error\] Cannot write "kuma-generated\/.+": "kuma-generated" is a symlink, and files are never written through symlinks \(kuma-generated\/.+\)/,
    );
    assert.match(out.stderr, /Wrote nothing under ".+": the tree is as it was/);
    assert.deepEqual(await listing(repo), before);
    assert.deepEqual(await listing(outside), outsideBefore);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a rendered file that is a symlink is not overwritten through the link", async () => {
  const { base, repo, outside } = await fixture();
  try {
    // Render once, then replace one generated file with a link to a file outside.
    assert.equal(
      (await cli(["render", repo, "--out", repo], [`-R=${repo}`, `-W=${repo}`])).code,
      0,
    );
    const generated = await snapshotTree(repo);
    const target = [...generated.keys()].find((p) => p.startsWith("kuma-generated/"))!;
    await Deno.remove(join(repo, target));
    await Deno.symlink(join(outside, "secret.yaml"), join(repo, target));
    const outsideBefore = await listing(outside);
    const out = await cli(["render", repo, "--out", repo], [`-R=${base}`, `-W=${base}`]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stderr, /is a symlink, and files are never written through symlinks/);
    assert.deepEqual(await listing(outside), outsideBefore);
    // check does not read through the link either: it reports the file as stale.
    const check = await cli(["check", repo], [`-R=${repo}`]);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /is a symlink/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: an output path that is a file fails cleanly", async () => {
  const { base, repo } = await fixture();
  try {
    const file = join(base, "a-file");
    await Deno.writeTextFile(file, "x");
    const out = await cli(["render", repo, "--out", file], [`-R=${base}`, `-W=${base}`]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /Cannot write ".+a-file": not a directory/);
    assert.doesNotMatch(out.stderr, /Uncaught|at runDirectory/);
    assert.equal(await Deno.readTextFile(file), "x");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a read-only output writes nothing and leaves no temporary files", async () => {
  const { base, repo } = await fixture();
  try {
    const out = join(base, "out");
    // Write access to one of the three output folders only: staging fails part-way.
    const writable = join(out, "kuma-generated", "default", "kuma-demo");
    await Deno.mkdir(writable, { recursive: true });
    const before = await listing(base);
    const lock = join(out, ".meshservice-krm.lock");
    const result = await cli(["render", repo, "--out", out], [
      `-R=${base}`,
      `-W=${writable},${lock}`,
    ]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Cannot write ".+": no write permission/);
    assert.match(result.stderr, /Wrote nothing under/);
    assert.doesNotMatch(result.stderr, /Uncaught/);
    assert.deepEqual(await listing(base), before, "no file and no temporary file was left");
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a report path that cannot be written is an error, not a crash", async () => {
  const { base, repo } = await fixture();
  try {
    const out = await cli(
      ["render", repo, "--report", "/proc/no-such-dir/report.json", "-q"],
      [`-R=${base}`, `-W=${base}`, "-W=/proc"],
    );
    assert.equal(out.code, 1);
    assert.match(out.stderr, /Cannot write the report: /);
    assert.doesNotMatch(out.stderr, /Uncaught/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: an interrupted render leaves the repo entirely old or entirely new", async () => {
  const { base, repo } = await fixture();
  try {
    // A repo big enough that SIGTERM lands at different stages.
    const services = Array.from(
      { length: 400 },
      (_, i) => SECRET_SERVICE.replaceAll("secret", `svc-${i}`),
    ).join("---\n");
    await Deno.writeTextFile(join(repo, "many.yaml"), services);
    const before = await listing(repo);
    const done = join(base, "done");
    await copyTree(repo, done);
    const full = await cli(["render", done, "--out", done], [`-R=${done}`, `-W=${done}`]);
    assert.equal(full.code, 0, full.stderr);
    const after = await listing(done);
    const seen = new Set<string>();
    for (const delay of [40, 150, 300, 450, 600, 750, 900]) {
      const child = new Deno.Command(DENO, {
        args: [
          "run",
          "--no-prompt",
          `-R=${repo}`,
          `-W=${repo}`,
          MOD_TS,
          "render",
          repo,
          "--out",
          repo,
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        child.kill("SIGTERM");
      } catch {
        // Already finished.
      }
      await child.status;
      const now = await listing(repo);
      assert.ok(
        JSON.stringify(now) === JSON.stringify(before) ||
          JSON.stringify(now) === JSON.stringify(after),
        `after SIGTERM at ${delay} ms the repo is neither the old nor the new tree:\n${
          now.map((l) => l.split("\n")[0]).join("\n")
        }`,
      );
      seen.add(JSON.stringify(now) === JSON.stringify(before) ? "old" : "new");
      // Back to the old tree for the next round.
      await Deno.remove(repo, { recursive: true });
      await Deno.mkdir(repo);
      for (const line of before) {
        const [path] = line.split(" ", 1);
        const text = line.slice(path!.length + 1);
        await Deno.mkdir(join(repo, path!, ".."), { recursive: true });
        await Deno.writeTextFile(join(repo, path!), text);
      }
    }
    // At least one interrupt landed before the commit (temporary files existed or not yet): the
    // 40 ms one, before the process has even read the tree, now that renders are fast.
    assert.ok(seen.has("old"), [...seen].join());
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

/** The CLI run from `cwd` (the workspace by default). */
function cliIn(cwd: string, args: string[], permissions: string[]) {
  return run(DENO, ["run", "--no-prompt", ...permissions, MOD_TS, ...args], {
    cwd,
    env: { NO_COLOR: "1" },
  });
}

Deno.test("directory safety: a symlinked directory root leading out of the workspace is refused for reads", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.mkdir(join(repo, "zones"));
    await Deno.symlink("../../outside", join(repo, "zones", "east"));
    const out = await cliIn(repo, ["render", "zones/east"], [`-R=${base}`]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(
      out.stderr,
      /Cannot read "zones\/east": its real path ".+\/outside" is outside the workspace ".+\/repo"/,
    );
    assert.doesNotMatch(out.stdout, /name: secret/);
    // The same with an explicit workspace from another working directory.
    const explicit = await cli(
      ["render", join(repo, "zones", "east"), "--workspace", repo],
      [`-R=${base}`],
    );
    assert.equal(explicit.code, 1, explicit.stderr);
    assert.match(explicit.stderr, /is outside the workspace/);
    assert.doesNotMatch(explicit.stdout, /name: secret/);
    assert.ok(outside);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a symlinked parent leading out of the workspace is refused", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.mkdir(join(outside, "east"));
    await Deno.writeTextFile(join(outside, "east", "secret.yaml"), SECRET_SERVICE);
    await Deno.symlink("../outside", join(repo, "zones"));
    const read = await cliIn(repo, ["render", "zones/east"], [`-R=${base}`]);
    assert.equal(read.code, 1, read.stderr);
    assert.match(
      read.stderr,
      /Cannot read "zones\/east": its real path .+ is outside the workspace/,
    );
    assert.doesNotMatch(read.stdout, /name: secret/);
    // `..` through the link resolves outside as well.
    const dots = await cliIn(repo, ["render", "zones/east/.."], [`-R=${base}`]);
    assert.equal(dots.code, 1, dots.stderr);
    assert.match(dots.stderr, /is outside the workspace/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: an output directory or parent linked out of the workspace is refused, and nothing is written", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.mkdir(join(repo, "zones"));
    await Deno.symlink("../../outside", join(repo, "zones", "east"));
    await Deno.symlink("../outside", join(repo, "parent"));
    const outsideBefore = await listing(outside);
    const repoBefore = await listing(repo);
    for (const out of ["zones/east", "parent/new/rendered", "parent"]) {
      const result = await cliIn(repo, ["render", ".", "--out", out], [
        `-R=${base}`,
        `-W=${base}`,
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`Cannot write "${out}": its real path .+ is outside the workspace`),
      );
      const check = await cliIn(repo, ["check", ".", "--out", out], [`-R=${base}`]);
      assert.equal(check.code, 1, check.stderr);
      assert.match(check.stderr, /is outside the workspace/);
    }
    // Reports and summaries are not written through a planted link either.
    const report = await cliIn(repo, ["render", ".", "--report", "parent/report.json"], [
      `-R=${base}`,
      `-W=${base}`,
    ]);
    assert.equal(report.code, 1, report.stderr);
    assert.match(report.stderr, /Cannot write "parent\/report.json": its real path/);
    // Nor a config file read through one.
    const config = await cliIn(repo, ["render", ".", "--config", "parent/secret.yaml"], [
      `-R=${base}`,
    ]);
    assert.equal(config.code, 1, config.stderr);
    assert.match(config.stderr, /Cannot read config "parent\/secret.yaml": its real path/);
    assert.doesNotMatch(config.stdout + config.stderr, /name: secret/);
    assert.deepEqual(await listing(outside), outsideBefore);
    assert.deepEqual(await listing(repo), repoBefore);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: links that stay inside the workspace are followed", async () => {
  const { base, repo } = await fixture();
  try {
    await Deno.mkdir(join(base, "work"));
    await Deno.rename(repo, join(base, "work", "zone-east"));
    await Deno.symlink("zone-east", join(base, "work", "east"));
    const work = join(base, "work");
    const out = await cliIn(work, ["render", "east", "--out", "east"], [
      `-R=${work}`,
      `-W=${work}`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Wrote 6 file\(s\)/);
    const check = await cliIn(work, ["check", "east"], [`-R=${work}`]);
    assert.equal(check.code, 0, check.stderr);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory safety: a report path that is a planted link is replaced, not written through", async () => {
  const { base, repo, outside } = await fixture();
  try {
    await Deno.symlink("../outside/secret.yaml", join(repo, "report.json"));
    const outsideBefore = await listing(outside);
    const out = await cliIn(repo, ["render", ".", "--report", "report.json", "-q"], [
      `-R=${base}`,
      `-W=${repo}`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(await listing(outside), outsideBefore);
    const info = await Deno.lstat(join(repo, "report.json"));
    assert.ok(info.isFile && !info.isSymlink);
    assert.match(await Deno.readTextFile(join(repo, "report.json")), /meshservice-krm\.report\/v2/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
