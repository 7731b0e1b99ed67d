/**
 * `runDirectory` returns data: the exit code, the report (results included,
 * as `--report` writes it) and the results, so the GitHub Action and the
 * base-branch comparison take the report from the return value instead of
 * reading the JSON file back. A run that stops before rendering returns no
 * report.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runDirectory } from "../src/io/directory.ts";
import { copyTree, REPO_ROOT } from "./e2e_support.ts";

const EXAMPLE = join(REPO_ROOT, "templates/example-repo/kubernetes");

Deno.test("runDirectory returns the report --report writes, and the results", async () => {
  const temp = await Deno.makeTempDir({ prefix: "directory-run-" });
  try {
    await copyTree(EXAMPLE, join(temp, "repo"));
    const reportPath = join(temp, "report.json");
    const run = await runDirectory({
      command: "render",
      dir: join(temp, "repo"),
      out: join(temp, "out"),
      report: reportPath,
      format: "yaml",
      workspace: temp,
    });
    assert.equal(run.exitCode, 0);
    assert.ok(run.report !== undefined);
    assert.ok(run.report.meshServices.length > 0);
    assert.deepEqual(run.report.results, run.results);
    const written: unknown = JSON.parse(await Deno.readTextFile(reportPath));
    assert.deepEqual(written, JSON.parse(JSON.stringify(run.report)));
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});

Deno.test("runDirectory returns the exit code of check and an error result with the report", async () => {
  const temp = await Deno.makeTempDir({ prefix: "directory-run-" });
  try {
    await copyTree(EXAMPLE, join(temp, "repo"));
    // The example repo's rendered files are not committed: check finds them stale.
    const stale = await runDirectory({
      command: "check",
      dir: join(temp, "repo"),
      format: "yaml",
      workspace: temp,
    });
    assert.equal(stale.exitCode, 1);
    assert.ok(stale.report !== undefined);
    assert.ok(!stale.results.some((result) => result.severity === "error"));
    const config = join(temp, "repo", "meshservice-krm.yaml");
    const text = await Deno.readTextFile(config);
    await Deno.writeTextFile(config, text.replace('kumaVersion: "2.14"', 'kumaVersion: "9.9"'));
    const failed = await runDirectory({
      command: "render",
      dir: join(temp, "repo"),
      out: join(temp, "out"),
      format: "yaml",
      workspace: temp,
    });
    assert.equal(failed.exitCode, 1);
    assert.ok(failed.report !== undefined);
    assert.ok(failed.results.some((result) => result.severity === "error"));
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});

Deno.test("runDirectory returns no report when the run stops before rendering", async () => {
  const temp = await Deno.makeTempDir({ prefix: "directory-run-" });
  try {
    const run = await runDirectory({
      command: "render",
      dir: join(temp, "missing"),
      format: "yaml",
      workspace: temp,
    });
    assert.deepEqual(run, { exitCode: 1, report: undefined, results: [] });
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});
