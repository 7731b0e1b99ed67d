/**
 * Release plumbing: one version in deno.json, src/model/tool.ts and the
 * changelog; the release notes script the release workflow runs; the
 * workflow publishes what `deno task bundle` builds; the Dockerfile wraps
 * that bundle with no permission flags as a non-root user. (The image itself
 * is not built here: no Docker engine.)
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "js-yaml";
import { VERSION } from "../src/model/tool.ts";
import { describeRun, REPO_ROOT, run } from "./e2e_support.ts";

const read = (path: string) => Deno.readTextFile(join(REPO_ROOT, path));

Deno.test("release: deno.json, the VERSION constant and the changelog name one version", async () => {
  const denoJson = JSON.parse(await read("deno.json")) as {
    version: string;
    tasks: Record<string, string>;
  };
  assert.equal(denoJson.version, VERSION);
  const changelog = await read("CHANGELOG.md");
  const released = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/gm)].map((
    m,
  ) => m[1]);
  assert.equal(released[0], VERSION, "the newest changelog section is this version");
  assert.match(changelog, /^## \[Unreleased\]$/m);
});

Deno.test("release: the notes script prints this version's section and refuses others", async () => {
  const script = join(REPO_ROOT, ".github", "release-notes.sh");
  const ok = await run("bash", [script, VERSION]);
  assert.equal(ok.code, 0, describeRun(ok));
  assert.match(ok.stdout, /^### Added$/m);
  assert.doesNotMatch(ok.stdout, /^## /m, "only the section's body");
  const other = await run("bash", [script, "99.0.0"]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /does not have version 99\.0\.0/);
});

Deno.test("release: the workflow tests, bundles and attaches the bundle on a version tag", async () => {
  const workflow = load(await read(".github/workflows/release.yml")) as {
    on: { push: { tags: string[] } };
    jobs: { release: { steps: { run?: string }[] } };
  };
  assert.deepEqual(workflow.on.push.tags, ["v*.*.*"]);
  const scripts = workflow.jobs.release.steps.map((s) => s.run ?? "").join("\n");
  assert.match(scripts, /release-notes\.sh/);
  assert.match(scripts, /bash \.ci\/run/);
  assert.match(scripts, /npx deno task bundle/);
  assert.match(
    scripts,
    /gh release create "\$TAG" dist\/meshservice-krm\.js dist\/meshservice-krm\.js\.sha256/,
  );
  const denoJson = JSON.parse(await read("deno.json")) as { tasks: Record<string, string> };
  assert.match(denoJson.tasks.bundle ?? "", /tools\/bundle\.ts dist\/meshservice-krm\.js$/);
});

Deno.test("release: the Dockerfile runs the bundle as non-root with no permission flags", async () => {
  const dockerfile = await read("Dockerfile");
  const packageJson = JSON.parse(await read("package.json")) as {
    devDependencies: Record<string, string>;
  };
  // The image's Deno is the one the tests run.
  const deno = packageJson.devDependencies.deno ?? "";
  assert.match(deno, /^\d+\.\d+\.\d+$/);
  assert.ok(dockerfile.includes(`\nFROM denoland/deno:distroless-${deno}\n`), dockerfile);
  assert.match(
    dockerfile,
    /^COPY dist\/meshservice-krm\.js \/usr\/local\/bin\/meshservice-krm\.js$/m,
  );
  assert.match(dockerfile, /^USER 65534:65534$/m);
  const entrypoint = dockerfile.match(/^ENTRYPOINT (.*)$/m)?.[1];
  assert.deepEqual(JSON.parse(entrypoint ?? "null"), [
    "deno",
    "run",
    "--no-prompt",
    "/usr/local/bin/meshservice-krm.js",
  ]);
});
