/**
 * Progress while directory mode reads and writes a large tree: counts and an
 * estimate of the time left, at most one line per interval, none for a
 * small tree, none once a phase is done (its summary line follows).
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { PROGRESS_THRESHOLD, runDirectory } from "../src/io/directory.ts";
import { progressTicker } from "../src/io/directory_progress.ts";

Deno.test("progress ticker: one line per interval with the count and the time left, none at the end", async () => {
  const lines: string[] = [];
  let clock = 0;
  const tick = progressTicker((line) => Promise.resolve(void lines.push(line)), {
    verb: "Writing",
    total: 20_000,
    everyMs: 1000,
    now: () => clock,
  });
  clock = 999;
  assert.equal(tick(100), undefined, "nothing before the first interval");
  clock = 1000;
  await tick(5_000);
  clock = 1500;
  assert.equal(tick(7_000), undefined, "at most one line per interval");
  clock = 2000;
  await tick(10_000);
  clock = 4000;
  assert.equal(tick(20_000), undefined, "no line when the phase is done");
  assert.deepEqual(lines, [
    "Writing: 5,000 of 20,000 file(s), about 3 s left",
    "Writing: 10,000 of 20,000 file(s), about 2 s left",
  ]);
});

/** A directory with `count` Services (one file each) in an injected namespace. */
async function servicesDir(base: string, count: number): Promise<string> {
  const dir = join(base, "repo");
  await Deno.mkdir(dir);
  for (let i = 0; i < count; i++) {
    await Deno.writeTextFile(
      join(dir, `svc-${String(i).padStart(4, "0")}.yaml`),
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: shop\nspec:\n  selector:\n    app: svc-${i}\n  ports:\n    - port: 80\n      appProtocol: http\n`,
    );
  }
  return dir;
}

Deno.test("runDirectory: progress lines while reading and while writing a large tree", async () => {
  const temp = await Deno.makeTempDir({ prefix: "directory-progress-" });
  try {
    const dir = await servicesDir(temp, PROGRESS_THRESHOLD);
    const lines: string[] = [];
    const run = await runDirectory({
      command: "render",
      dir,
      out: join(temp, "out"),
      format: "yaml",
      workspace: temp,
      progress: (line) => Promise.resolve(void lines.push(line)),
      progressEveryMs: 0,
    });
    assert.equal(run.exitCode, 0);
    const reading = lines.filter((line) => line.startsWith("Reading: "));
    const writing = lines.filter((line) => line.startsWith("Writing: "));
    assert.equal(reading.length, PROGRESS_THRESHOLD - 1, "a line per file but the last");
    assert.match(
      reading[0]!,
      new RegExp(`^Reading: 1 of ${PROGRESS_THRESHOLD} file\\(s\\), about \\d+ s left$`),
    );
    // One MeshService file per Service is written.
    assert.equal(writing.length, PROGRESS_THRESHOLD - 1);
    assert.match(
      writing.at(-1)!,
      new RegExp(`^Writing: ${PROGRESS_THRESHOLD - 1} of ${PROGRESS_THRESHOLD} file\\(s\\)`),
    );
    const order = [reading[0], lines.find((l) => l.startsWith("Rendered ")), writing[0]];
    assert.deepEqual(
      order.map((line) => lines.indexOf(line!)),
      [...order.map((line) => lines.indexOf(line!))].sort((a, b) => a - b),
      "reading, then rendering, then writing",
    );

    const few: string[] = [];
    const small = join(temp, "small");
    await Deno.mkdir(small);
    await Deno.copyFile(join(dir, "svc-0000.yaml"), join(small, "svc-0000.yaml"));
    const quick = await runDirectory({
      command: "render",
      dir: small,
      out: join(temp, "small-out"),
      format: "yaml",
      workspace: temp,
      progress: (line) => Promise.resolve(void few.push(line)),
      progressEveryMs: 0,
    });
    assert.equal(quick.exitCode, 0);
    assert.deepEqual(few, [], "no progress for a small tree");
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});
