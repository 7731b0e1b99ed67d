/**
 * Directory mode against a hostile or unusual tree and concurrent runs: file
 * names cannot inject documents or diff lines into stdout, two `render --out`
 * on one output take turns instead of crashing half-way, names near 255 bytes
 * are written, a failed write leaves no new folders, two zones cannot share
 * one output directory, and a file name that is not UTF-8 is named in a
 * result. Every case runs the CLI as a subprocess under real permissions.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { copyTree, DENO, MOD_TS, REPO_ROOT, run, snapshotTree } from "./e2e_support.ts";
import { withOutputLock } from "../src/io/file_writes.ts";

const EXAMPLE = join(REPO_ROOT, "templates", "example-repo", "kubernetes");

/** A fresh copy of the Kubernetes example repo under a new temporary base. */
async function fixture(): Promise<{ base: string; repo: string }> {
  const base = await Deno.makeTempDir({ prefix: "msk-hostile-" });
  const repo = join(base, "repo");
  await copyTree(EXAMPLE, repo);
  return { base, repo };
}

function cli(args: string[], permissions: string[]) {
  return run(DENO, ["run", "--no-prompt", ...permissions, MOD_TS, ...args], {
    env: { NO_COLOR: "1" },
  });
}

/** A name that, printed raw after `# Source: `, starts a Secret document of its own. */
const INJECTING_NAME =
  "routes\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: injected\nstringData:\n  token: stolen\n---\n#.yaml";

Deno.test("directory hostile: a file name cannot inject a document through the # Source comment", async () => {
  const { base, repo } = await fixture();
  try {
    await Deno.rename(join(repo, "routes.yaml"), join(repo, INJECTING_NAME));
    const out = await cli(["render", repo, "-q"], [`-R=${base}`]);
    assert.equal(out.code, 0, out.stderr);
    const docs = parseAllDocuments(out.stdout);
    const kinds = docs.map((doc) => (doc.toJS() as { kind?: string } | null)?.kind);
    assert.ok(!kinds.includes("Secret"), `a Secret was printed: ${kinds.join(", ")}`);
    assert.ok(
      out.stdout.includes(
        "# Source: routes\\n---\\napiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: injected",
      ),
      "the name is printed escaped",
    );
    // The same document count as with an ordinary name.
    await Deno.rename(join(repo, INJECTING_NAME), join(repo, "routes.yaml"));
    const plain = await cli(["render", repo, "-q"], [`-R=${base}`]);
    assert.equal(parseAllDocuments(plain.stdout).length, docs.length);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: a file name cannot inject lines into check's diff", async () => {
  const { base, repo } = await fixture();
  try {
    // The route file needs rewriting, so check prints a diff headed by its name.
    await Deno.rename(join(repo, "routes.yaml"), join(repo, INJECTING_NAME));
    const out = await cli(["check", repo, "-q"], [`-R=${base}`]);
    assert.equal(out.code, 1, out.stderr);
    const lines = out.stdout.split("\n");
    assert.ok(lines.some((line) => line.startsWith("--- a/routes\\n---\\napiVersion")), out.stdout);
    for (const line of lines) {
      assert.match(line, /^(--- |\+\+\+ |@@ |[-+ ]|$)/, `a line that is not diff syntax: ${line}`);
    }
    assert.doesNotMatch(out.stderr, /\n---\napiVersion/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

const SERVICE = (name: string) =>
  `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: kuma-demo
spec:
  selector:
    app: ${name}
  ports:
  - port: 80
`;

Deno.test("directory hostile: concurrent render --out runs on one output take turns and leave the finished tree", async () => {
  const { base, repo } = await fixture();
  try {
    for (let i = 0; i < 120; i++) {
      await Deno.writeTextFile(join(repo, `svc-${i}.yaml`), SERVICE(`svc-${i}`));
    }
    const out = join(base, "out");
    const first = await cli(["render", repo, "--out", out, "-q"], [`-R=${base}`, `-W=${base}`]);
    assert.equal(first.code, 0, first.stderr);
    // Most Services go away: the next render removes their generated files as stale.
    for (let i = 10; i < 120; i++) await Deno.remove(join(repo, `svc-${i}.yaml`));
    const before = join(base, "before");
    await copyTree(out, before);
    const reference = join(base, "reference");
    await copyTree(out, reference);
    const single = await cli(["render", repo, "--out", reference, "-q"], [
      `-R=${base}`,
      `-W=${base}`,
    ]);
    assert.equal(single.code, 0, single.stderr);
    assert.match(single.stderr, /removed 110 stale file\(s\)/);
    const expected = await snapshotTree(reference);
    for (let round = 0; round < 4; round++) {
      await Deno.remove(out, { recursive: true });
      await copyTree(before, out);
      const runs = await Promise.all(
        [0, 1, 2].map(() =>
          cli(["render", repo, "--out", out, "-q"], [`-R=${base}`, `-W=${base}`])
        ),
      );
      for (const result of runs) {
        assert.equal(result.code, 0, `round ${round}: ${result.stderr}`);
        assert.doesNotMatch(result.stderr, /Uncaught|NotFound/);
      }
      const removed = runs.map((r) => Number(/removed (\d+) stale/.exec(r.stderr)?.[1]));
      assert.deepEqual(removed.sort((a, b) => b - a), [110, 0, 0], `round ${round}`);
      assert.deepEqual(await snapshotTree(out), expected, `round ${round}: the tree is finished`);
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: a lock left by a killed run is reported with the file to remove", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-hostile-" });
  try {
    await Deno.writeTextFile(join(base, ".meshservice-krm.lock"), "1 2026-01-01T00:00:00Z\n");
    let ran = false;
    const outcome = await withOutputLock(base, () => (ran = true), { waitMs: 300 });
    assert.equal(ran, false);
    assert.deepEqual(outcome, {
      ok: false,
      message:
        `another run is writing it (lock file ".meshservice-krm.lock"); if none is running, a killed run left the lock: remove "${base}/.meshservice-krm.lock"`,
    });
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: a run waits while another holds the output's lock", async () => {
  const { base, repo } = await fixture();
  try {
    const out = join(base, "out");
    await Deno.mkdir(out);
    await Deno.writeTextFile(join(out, ".meshservice-krm.lock"), "1 2026-01-01T00:00:00Z\n");
    const child = new Deno.Command(DENO, {
      args: [
        "run",
        "--no-prompt",
        `-R=${base}`,
        `-W=${base}`,
        MOD_TS,
        "render",
        repo,
        "--out",
        out,
      ],
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    // It waits for the lock: removing it lets the run finish.
    const status = child.status.then(() => "finished");
    const waited = await Promise.race([
      status,
      new Promise((resolve) => setTimeout(() => resolve("waiting"), 1500)),
    ]);
    assert.equal(waited, "waiting", "the run waits while the lock is held");
    await Deno.remove(join(out, ".meshservice-krm.lock"));
    const done = await child.output();
    assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
    assert.match(new TextDecoder().decode(done.stderr), /Wrote 6 file\(s\)/);
    assert.ok(!(await snapshotTree(out)).has(".meshservice-krm.lock"));
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: a file name near 255 bytes is written", async () => {
  const { base, repo } = await fixture();
  try {
    const long = `${"r".repeat(245)}.yaml`; // 250 bytes; the rewrite goes through a temporary file.
    await Deno.rename(join(repo, "routes.yaml"), join(repo, long));
    const out = await cli(["render", repo, "--out", repo, "-q"], [`-R=${repo}`, `-W=${repo}`]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /\(1 rewritten input file\(s\)\)/);
    assert.match(await Deno.readTextFile(join(repo, long)), /kind: MeshService$/m);
    const check = await cli(["check", repo, "-q"], [`-R=${repo}`]);
    assert.equal(check.code, 0, check.stderr);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: a failed write leaves no folders behind", async () => {
  const { base, repo } = await fixture();
  try {
    // Writing kuma-generated/kuma-system is denied: the folders created before it must go.
    for (const out of [join(base, "existing"), join(base, "new", "out")]) {
      if (out.endsWith("existing")) await Deno.mkdir(out);
      const before = await snapshotTree(base);
      const dirsBefore = await folders(base);
      const result = await cli(["render", repo, "--out", out, "-q"], [
        `-R=${base}`,
        `-W=${base}`,
        `--deny-write=${join(out, "kuma-generated", "kuma-system")}`,
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /Cannot write "kuma-generated\/kuma-system\/.+": no write/);
      assert.match(result.stderr, /Wrote nothing under/);
      assert.deepEqual(await snapshotTree(base), before);
      assert.deepEqual(await folders(base), dirsBefore, "no folder was left");
    }
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

/** Every folder under `dir`, sorted. */
async function folders(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string) => {
    for await (const entry of Deno.readDir(current)) {
      if (!entry.isDirectory) continue;
      found.push(join(current, entry.name));
      await walk(join(current, entry.name));
    }
  };
  await walk(dir);
  return found.sort();
}

Deno.test("directory hostile: two zones sharing one --out are refused instead of deleting each other's files", async () => {
  const { base, repo } = await fixture();
  try {
    const west = join(base, "west");
    await copyTree(repo, west);
    const config = join(west, "meshservice-krm.yaml");
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace("zone: east", "zone: west"),
    );
    const out = join(base, "shared");
    const east = await cli(["render", repo, "--out", out, "-q"], [`-R=${base}`, `-W=${base}`]);
    assert.equal(east.code, 0, east.stderr);
    const eastFiles = await snapshotTree(out);
    const second = await cli(["render", west, "--out", out, "-q"], [`-R=${base}`, `-W=${base}`]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(
      second.stderr,
      /Cannot write ".+shared": "kuma-generated\/.+" was generated for zone "east", which this run does not render: give each zone its own output directory/,
    );
    assert.deepEqual(await snapshotTree(out), eastFiles, "east's files are untouched");
    const check = await cli(["check", west, "--out", out, "-q"], [`-R=${base}`]);
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stderr, /was generated for zone "east"/);
    // A zone's own output is still updated and cleaned as before.
    const again = await cli(["render", repo, "--out", out, "-q"], [`-R=${base}`, `-W=${base}`]);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: a file name that is not UTF-8 is named in an error result", async () => {
  const { base, repo } = await fixture();
  try {
    const made = await run(
      "sh",
      ["-c", `printf '${SERVICE("bad")}' > "$(printf 'bad\\377.yaml')"`],
      {
        cwd: repo,
      },
    );
    assert.equal(made.code, 0, made.stderr);
    const out = await cli(["render", repo, "-q"], [`-R=${base}`]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(
      out.stderr,
      /\[error\] Cannot read "bad\\ufffd\.yaml": the file name is not valid UTF-8 \(shown with \\ufffd\); rename the file/,
    );
    assert.doesNotMatch(out.stderr, /No such file or directory/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory hostile: check against an output directory that does not exist reports every file as stale", async () => {
  const { base, repo } = await fixture();
  try {
    const out = await cli(["check", repo, "--out", join(base, "missing"), "-q"], [`-R=${base}`]);
    assert.equal(out.code, 1, out.stderr);
    assert.match(out.stderr, /6 rendered file\(s\) in ".+missing" are stale/);
    assert.doesNotMatch(out.stderr, /Uncaught/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
