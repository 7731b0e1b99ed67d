/**
 * Directory mode's second thread (`src/io/file_thread.ts`): the worker's
 * reads give exactly the texts and errors of a read on the main thread
 * (byte order marks, invalid UTF-8, empty, non-ASCII, missing and unreadable
 * files), whether the worker or the main thread reads a file, and when the
 * worker ends part-way; a run with the thread renders, writes and checks
 * exactly as one without it; and the release bundle takes the thread path on
 * a large tree with the same output as `deno run mod.ts`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { FileThread, readHere, THREAD_THRESHOLD } from "../src/io/file_thread.ts";
import { runDirectory } from "../src/io/directory.ts";
import {
  bundlePath,
  copyTree,
  DENO,
  describeRun,
  MOD_TS,
  REPO_ROOT,
  run,
  snapshotTree,
} from "./e2e_support.ts";
import { servicesTree } from "./_directory_trees.ts";

const EXAMPLE = join(REPO_ROOT, "templates", "example-repo", "kubernetes");
const encoder = new TextEncoder();

/** Files of every kind a reader meets, by name: bytes. */
function oddFiles(): Record<string, Uint8Array> {
  const bom = [0xef, 0xbb, 0xbf];
  return {
    "ascii.yaml": encoder.encode("kind: Service\nmetadata:\n  name: a\n"),
    "empty.yaml": new Uint8Array(),
    "bom.yaml": new Uint8Array([...bom, ...encoder.encode("kind: Service\n")]),
    "bom-only.yaml": new Uint8Array(bom),
    "bom-twice.yaml": new Uint8Array([...bom, ...bom, ...encoder.encode("a: 1\n")]),
    "non-ascii.yaml": encoder.encode("# café, 日本語, 😀\nname: ünïcode\n"),
    "replacement-char.yaml": encoder.encode("# a literal \ufffd is valid UTF-8\n"),
    "bom-and-replacement.yaml": new Uint8Array([...bom, ...encoder.encode("x: \ufffd\n")]),
    "invalid.yaml": new Uint8Array([...encoder.encode("name: "), 0xff, 0xfe, 0x0a]),
    "truncated.yaml": new Uint8Array([...encoder.encode("name: "), 0xe6, 0x97]),
    "surrogate.yaml": new Uint8Array([0xed, 0xa0, 0x80]),
    "large.yaml": encoder.encode("x: 1\n".repeat(40_000)),
  };
}

/** A folder of `copies` copies of {@link oddFiles}, with the paths to read (a missing file and a folder among them). */
async function oddTree(dir: string, copies: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < copies; i++) {
    for (const [name, bytes] of Object.entries(oddFiles())) {
      const path = join(dir, `${i}-${name}`);
      await Deno.writeFile(path, bytes);
      paths.push(path);
    }
    paths.push(join(dir, `${i}-missing.yaml`));
  }
  paths.push(dir); // A folder: reading it is an error.
  return paths;
}

/** A text, or an error as its class and message, for comparing reads. */
function shown(got: string | Error): string {
  if (typeof got === "string") return `text ${JSON.stringify(got)}`;
  const kind = got instanceof Deno.errors.NotFound
    ? "NotFound"
    : got instanceof TypeError
    ? "TypeError"
    : "Error";
  return `${kind} ${got.message}`;
}

async function readAll(thread: FileThread, paths: string[], before?: () => Promise<void>) {
  const queue = thread.read(paths);
  await before?.();
  const out: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    const next = queue.next();
    out.push(shown(next instanceof Promise ? await next : next));
  }
  return out;
}

Deno.test("file thread: the worker reads every file as this thread does: BOM, invalid UTF-8, empty, non-ASCII, missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "msk-thread-read-" });
  const thread = new FileThread();
  try {
    const paths = await oddTree(dir, 20);
    const expected = paths.map((path) => shown(readHere(path)));
    assert.ok(expected.some((line) => line.startsWith("TypeError")), "invalid UTF-8 is an error");
    assert.ok(expected.some((line) => line.startsWith("NotFound")));
    assert.ok(expected.includes(`text ${JSON.stringify("\ufeffkind: Service\n")}`), "BOM kept");
    // Asked for at once: this thread reads from the back while the worker starts.
    assert.deepEqual(await readAll(thread, paths), expected);
    // Asked for once the worker has had time to read them all.
    const waited = await readAll(thread, paths, () => new Promise((r) => setTimeout(r, 400)));
    assert.deepEqual(waited, expected);
    // The worker ends part-way: the rest is read here.
    const ended = await readAll(thread, paths, () => Promise.resolve(thread.close()));
    assert.deepEqual(ended, expected);
    assert.equal(thread.failure, undefined);
  } finally {
    thread.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("file thread: a lenient read gives Deno.readTextFileSync's texts: BOM kept, invalid UTF-8 replaced", async () => {
  const dir = await Deno.makeTempDir({ prefix: "msk-thread-lenient-" });
  const thread = new FileThread();
  try {
    const paths = await oddTree(dir, 20);
    const expected = paths.map((path) => shown(readHere(path, true)));
    assert.ok(expected.includes(`text ${JSON.stringify("\ufeffkind: Service\n")}`), "BOM kept");
    assert.ok(expected.includes(`text ${JSON.stringify("name: \ufffd\ufffd\n")}`), "replaced");
    const queue = thread.read(paths, true);
    const got: string[] = [];
    for (const _ of paths) {
      const next = queue.next();
      got.push(shown(next instanceof Promise ? await next : next));
    }
    assert.deepEqual(got, expected);
  } finally {
    thread.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("file thread: a write share writes new files only and stops at its first failure", async () => {
  const dir = await Deno.makeTempDir({ prefix: "msk-thread-write-" });
  const thread = new FileThread();
  try {
    await Deno.writeTextFile(join(dir, "exists.yaml"), "old\n");
    const files = ["a", "b", "exists", "c"].map((n) => [join(dir, `${n}.yaml`), `${n}\n`] as const);
    const share = thread.write(files);
    const failed = await share.done;
    assert.equal(failed?.index, 2, "the file that exists already fails (createNew)");
    assert.ok(failed?.error instanceof Error && /exists/i.test(failed.error.message));
    assert.equal(share.written(), 2);
    assert.equal(await Deno.readTextFile(join(dir, "exists.yaml")), "old\n", "not overwritten");
    await assert.rejects(Deno.stat(join(dir, "c.yaml")), Deno.errors.NotFound, "stopped there");
  } finally {
    thread.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** The example repo plus files of every kind the reader meets that still render cleanly. */
async function cleanOddRepo(repo: string): Promise<void> {
  await copyTree(EXAMPLE, repo);
  const files = oddFiles();
  for (const name of ["empty.yaml", "bom-only.yaml", "non-ascii.yaml", "replacement-char.yaml"]) {
    await Deno.writeFile(join(repo, name), files[name]!);
  }
  const service = await Deno.readTextFile(join(repo, "redis.yaml"));
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  await Deno.writeFile(
    join(repo, "bom-redis.yaml"),
    new Uint8Array([...bom, ...encoder.encode(service.replaceAll("redis", "bom-redis"))]),
  );
}

/** `runDirectory` with the thread from `threadAtFiles` files, its outcome as comparable text. */
async function runWith(
  options: { command: "render" | "check"; dir: string; out?: string },
  threadAtFiles: number,
): Promise<string> {
  const run = await runDirectory({
    ...options,
    format: "yaml",
    workspace: "/",
    threadAtFiles,
  });
  return JSON.stringify({ exitCode: run.exitCode, results: run.results, report: run.report });
}

Deno.test("directory mode: a run with the second thread reads, writes and checks exactly as without it", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-thread-run-" });
  try {
    const repo = join(base, "repo");
    await cleanOddRepo(repo);
    const one = await runWith({ command: "render", dir: repo, out: join(base, "one") }, Infinity);
    const two = await runWith({ command: "render", dir: repo, out: join(base, "two") }, 1);
    assert.equal(two, one);
    assert.match(one, /"exitCode":0/);
    assert.deepEqual(await snapshotTree(join(base, "two")), await snapshotTree(join(base, "one")));
    for (const out of ["one", "two"]) {
      await copyTree(repo, join(base, `${out}-checked`));
      await copyTree(join(base, out), join(base, `${out}-checked`));
    }
    const [checkOne, checkTwo] = [
      await runWith({ command: "check", dir: join(base, "one-checked") }, Infinity),
      await runWith({ command: "check", dir: join(base, "two-checked") }, 1),
    ];
    assert.equal(checkTwo, checkOne.replaceAll("one-checked", "two-checked"));
    assert.match(checkOne, /"exitCode":0/);
    // A file that is not UTF-8 is the same error result either way.
    await Deno.writeFile(join(repo, "invalid.yaml"), oddFiles()["invalid.yaml"]!);
    const [badOne, badTwo] = [
      await runWith({ command: "render", dir: repo, out: join(base, "bad-one") }, Infinity),
      await runWith({ command: "render", dir: repo, out: join(base, "bad-two") }, 1),
    ];
    assert.equal(badTwo, badOne);
    assert.match(badOne, /Cannot read \\"invalid.yaml\\": it is not valid UTF-8/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory mode: an in-place render compares with the files read on the second thread exactly as without it", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-thread-inplace-" });
  try {
    const rendered = join(base, "rendered");
    await copyTree(EXAMPLE, rendered);
    assert.match(
      await runWith({ command: "render", dir: rendered, out: rendered }, Infinity),
      /"exitCode":0/,
    );
    const generated = [...(await snapshotTree(rendered)).keys()].filter((p) =>
      p.startsWith("kuma-generated/")
    ).sort();
    assert.ok(generated.length >= 3, `${generated.length} generated files`);
    // One generated file edited by hand, one with a byte order mark (a lenient read keeps it, so
    // it differs and is written again), one up to date: the same writes with the thread as without.
    const [edited, bom] = generated as [string, string];
    const text = await Deno.readTextFile(join(rendered, edited));
    await Deno.writeTextFile(join(rendered, edited), text + "# edited by hand\n");
    await Deno.writeTextFile(
      join(rendered, bom),
      "\ufeff" + (await Deno.readTextFile(join(rendered, bom))),
    );
    const outcomes = [];
    for (const [name, threadAt] of [["tree-a", Infinity], ["tree-b", 1]] as const) {
      const tree = join(base, name);
      await copyTree(rendered, tree);
      outcomes.push(
        (await runWith({ command: "render", dir: tree, out: tree }, threadAt)).replaceAll(
          name,
          "TREE",
        ),
      );
      assert.equal(
        await Deno.readTextFile(join(tree, edited)),
        text,
        "the edited file is rendered again",
      );
      assert.ok(
        !(await Deno.readTextFile(join(tree, bom))).startsWith("\ufeff"),
        "the BOM is gone",
      );
    }
    assert.equal(outcomes[1], outcomes[0]);
    assert.deepEqual(
      await snapshotTree(join(base, "tree-b")),
      await snapshotTree(join(base, "tree-a")),
    );
    // A generated path that is now a symlink is refused the same way.
    for (const [name, threadAt] of [["tree-a", Infinity], ["tree-b", 1]] as const) {
      const tree = join(base, name);
      await Deno.remove(join(tree, edited));
      await Deno.symlink(join(tree, bom), join(tree, edited));
      const outcome = await runWith({ command: "render", dir: tree, out: tree }, threadAt);
      outcomes.push(outcome.replaceAll(tree, "TREE"));
    }
    assert.equal(outcomes[3], outcomes[2]);
    assert.match(outcomes[2]!, /"exitCode":1/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("bundle: a large tree is read and written on the second thread, with deno run mod.ts's output", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-thread-bundle-" });
  try {
    const tree = join(base, "tree");
    await servicesTree(tree, THREAD_THRESHOLD);
    const bundle = await bundlePath();
    const env = { NO_COLOR: "1" };
    const runs = [];
    for (const [name, script] of [["source", MOD_TS], ["bundle", bundle]] as const) {
      const out = join(base, `${name}-out`);
      const permissions = [`-R=${base}`, `-W=${base}`];
      const args = [
        "run",
        "--no-prompt",
        ...permissions,
        script,
        "render",
        tree,
        "--out",
        out,
        "-q",
      ];
      const render = await run(DENO, args, { env, cwd: base });
      assert.equal(render.code, 0, describeRun(render));
      await copyTree(tree, out);
      const check = await run(DENO, [
        "run",
        "--no-prompt",
        `-R=${base}`,
        script,
        "check",
        out,
        "-q",
      ], {
        env,
        cwd: base,
      });
      assert.equal(check.code, 0, describeRun(check));
      runs.push({
        render,
        check: check.stderr.replaceAll(out, "OUT"),
        tree: await snapshotTree(out),
      });
    }
    const [source, bundled] = runs;
    assert.equal(bundled!.render.stderr.replace("bundle-out", "source-out"), source!.render.stderr);
    assert.equal(bundled!.check, source!.check);
    assert.deepEqual(bundled!.tree, source!.tree);
    assert.match(source!.render.stderr, new RegExp(`Wrote ${THREAD_THRESHOLD} file\\(s\\)`));
    // The worker's source runs in the bundle: a failure there would be said on stderr.
    assert.doesNotMatch(bundled!.render.stderr + bundled!.check, /second thread|Uncaught/);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
