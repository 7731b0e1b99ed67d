/**
 * Flux runs no plugins, so templates/flux/render-manifests.yml renders in
 * GitHub Actions: its `run:` scripts are executed here with bash against a
 * git repository with a bare remote (the download step replaced by the built
 * bundle). Also: rendered output carries no `${` that Flux post-build
 * substitution would touch, unless the input had it.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load, loadAll } from "js-yaml";
import { assertTerminalSafe } from "./_invariants.ts";
import {
  bundlePath,
  copyTree,
  DENO,
  describeRun,
  git,
  installedBinDir,
  MOD_TS,
  REPO_ROOT,
  run,
  type RunOutput,
} from "./e2e_support.ts";

interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { steps: { name?: string; if?: string; run?: string; uses?: string }[] }>;
}

const WORKFLOW = load(
  await Deno.readTextFile(join(REPO_ROOT, "templates", "flux", "render-manifests.yml")),
) as Workflow;

function step(name: string): string {
  const found = Object.values(WORKFLOW.jobs).flatMap((job) => job.steps)
    .find((s) => s.name === name)?.run;
  assert.ok(found, `workflow step "${name}"`);
  return found;
}

/** A clone of a bare remote holding the example repo at zones/east. */
async function manifestRepo(): Promise<{ root: string; clone: string }> {
  const root = await Deno.makeTempDir({ prefix: "meshservice-krm-flux-" });
  await git(root, "init", "--quiet", "--bare", "--initial-branch=main", "remote.git");
  await git(root, "clone", "--quiet", "remote.git", "clone");
  const clone = join(root, "clone");
  await copyTree(
    join(REPO_ROOT, "templates", "example-repo", "kubernetes"),
    join(clone, "zones/east"),
  );
  await git(clone, "add", "-A");
  await git(clone, "commit", "--quiet", "-m", "manifests");
  await git(clone, "push", "--quiet", "origin", "HEAD:main");
  return { root, clone };
}

/** Runs a workflow step's script as GitHub Actions would (bash -e, the workflow's env). */
async function runStep(name: string, clone: string, runnerTemp: string): Promise<RunOutput> {
  return await run("bash", ["-e", "-c", step(name)], {
    cwd: clone,
    env: {
      ...Deno.env.toObject(),
      ...WORKFLOW.env,
      NO_COLOR: "1",
      RUNNER_TEMP: runnerTemp,
      PATH: `${await installedBinDir()}:${Deno.env.get("PATH") ?? ""}`,
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
}

Deno.test("flux workflow: render commits once, check passes after and fails on drift", async () => {
  const { root, clone } = await manifestRepo();
  try {
    const runnerTemp = join(root, "runner");
    await Deno.mkdir(runnerTemp);
    await Deno.copyFile(await bundlePath(), join(runnerTemp, "meshservice-krm.js"));
    assert.equal(WORKFLOW.env.ZONES, "zones/east");

    const stale = await runStep("Check that the rendered files are current", clone, runnerTemp);
    assert.equal(stale.code, 1, describeRun(stale));
    assert.match(stale.stdout, /^\+\+\+ .*kuma-generated\//m, "a diff of the missing files");

    const rendered = await runStep("Render and commit", clone, runnerTemp);
    assert.equal(rendered.code, 0, describeRun(rendered));
    const log = await git(clone, "log", "--format=%s", "origin/main");
    assert.deepEqual(log.split("\n"), ["Render MeshServices", "manifests"]);
    const files = await git(clone, "show", "--name-only", "--format=", "HEAD");
    assert.match(
      files,
      /zones\/east\/kuma-generated\/default\/kuma-demo\/meshservice_demo-app\.yaml/,
    );
    assert.match(files, /zones\/east\/routes\.yaml/, "the rewritten routes are committed");

    const again = await runStep("Render and commit", clone, runnerTemp);
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stdout, /Rendered files are current/);
    const after = await git(clone, "rev-list", "--count", "origin/main");
    assert.equal(after, "2", "a second run commits nothing");

    const current = await runStep("Check that the rendered files are current", clone, runnerTemp);
    assert.equal(current.code, 0, describeRun(current));

    const redis = join(clone, "zones/east/redis.yaml");
    await Deno.writeTextFile(
      redis,
      (await Deno.readTextFile(redis)).replace("port: 6379", "port: 6380"),
    );
    const drift = await runStep("Check that the rendered files are current", clone, runnerTemp);
    assert.equal(drift.code, 1, describeRun(drift));
    assert.match(drift.stderr, /stale/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("flux workflow: pull requests only read; one render per branch at a time", () => {
  const jobs = WORKFLOW.jobs as Record<string, Record<string, unknown>>;
  const top = (WORKFLOW as unknown as { permissions: Record<string, string> }).permissions;
  assert.deepEqual(top, { contents: "read" });
  assert.equal(jobs.check?.if, "github.event_name == 'pull_request'");
  assert.deepEqual(jobs.check?.permissions, { contents: "read" });
  assert.equal(jobs.render?.if, "github.event_name == 'push'");
  assert.deepEqual(jobs.render?.permissions, { contents: "write" });
  assert.deepEqual(jobs.render?.concurrency, {
    group: "render-meshservices-${{ github.ref }}",
    "cancel-in-progress": false,
  });
});

Deno.test("flux workflow: a failing render fails the step and commits nothing", async () => {
  const { root, clone } = await manifestRepo();
  try {
    const runnerTemp = join(root, "runner");
    await Deno.mkdir(runnerTemp);
    await Deno.copyFile(await bundlePath(), join(runnerTemp, "meshservice-krm.js"));
    const config = join(clone, "zones/east/meshservice-krm.yaml");
    await Deno.writeTextFile(
      config,
      (await Deno.readTextFile(config)).replace('kumaVersion: "2.14"', 'kumaVersion: "9.9"'),
    );
    const output = await runStep("Render and commit", clone, runnerTemp);
    assert.notEqual(output.code, 0, describeRun(output));
    assert.match(output.stderr, /Unknown Kuma version "9\.9"/);
    const count = await git(clone, "rev-list", "--count", "origin/main");
    assert.equal(count, "1");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A pull request's route: a rewritten reference next to a block scalar of workflow commands. */
const HOSTILE_ROUTE = `apiVersion: kuma.io/v1alpha1
kind: MeshTCPRoute
metadata:
  name: hostile
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        note: |
          ::error file=zones/east/redis.yaml,line=1::Fake failure
            ##[set-output name=stale;]false
        name: redis_redis-system_svc_6379
`;

Deno.test("flux workflow: a pull request cannot issue workflow commands through check's output", async () => {
  const { root, clone } = await manifestRepo();
  try {
    const runnerTemp = join(root, "runner");
    await Deno.mkdir(runnerTemp);
    await Deno.copyFile(await bundlePath(), join(runnerTemp, "meshservice-krm.js"));
    assert.equal((await runStep("Render and commit", clone, runnerTemp)).code, 0);
    await Deno.writeTextFile(
      join(clone, "zones/east/routes-\x1b[2J\n::error::x.yaml"),
      HOSTILE_ROUTE,
    );
    const tokens: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const output = await runStep("Check that the rendered files are current", clone, runnerTemp);
      assert.equal(output.code, 1, describeRun(output));
      assert.ok(output.stdout.includes("Fake failure"), describeRun(output));
      // Workflow commands are suspended for the whole step, with a token nobody can guess...
      const lines = output.stdout.trimEnd().split("\n");
      const stop = /^::stop-commands::(meshservice-krm-[0-9a-f-]{36})$/.exec(lines[0]!);
      assert.ok(stop, `the step starts with stop-commands: ${lines[0]}`);
      assert.equal(lines.at(-1), `::${stop[1]}::`, "and resumes them when check fails");
      tokens.push(stop[1]!);
      // ...and meshservice-krm's own lines are escaped inside the block as well.
      assertTerminalSafe(lines.slice(1, -1).join("\n"), "check's diff");
      assertTerminalSafe(output.stderr, "check's stderr");
    }
    assert.notEqual(tokens[0], tokens[1], "a fresh token per run");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** Every distinct `${...}` token in a text. */
function placeholders(text: string): Set<string> {
  return new Set(text.match(/\$\{[^}]*\}?/g) ?? []);
}

Deno.test("flux: the rendered example repos hold no ${...} for post-build substitution", async () => {
  for (const zone of ["kubernetes", "universal"]) {
    const dir = join(REPO_ROOT, "templates", "example-repo", zone);
    const output = await run(DENO, [
      "run",
      "--no-prompt",
      `--allow-read=${dir}`,
      MOD_TS,
      "render",
      dir,
    ]);
    assert.equal(output.code, 0, describeRun(output));
    assert.ok(output.stdout.length > 1000);
    assert.deepEqual([...placeholders(output.stdout)], [], zone);
  }
});

Deno.test("flux: output items never hold a ${...} their input did not", async () => {
  const cases: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(join(dir, entry.name));
      else if (entry.name === "input.yaml") cases.push(dir);
    }
  };
  await walk(join(REPO_ROOT, "tests", "golden"));
  assert.ok(cases.length > 50, `${cases.length} golden cases`);
  let withPlaceholders = 0;
  for (const dir of cases) {
    const input = await Deno.readTextFile(join(dir, "input.yaml"));
    const [expected] = loadAll(await Deno.readTextFile(join(dir, "expected.yaml"))) as {
      items?: unknown[];
    }[];
    const outputTokens = placeholders(JSON.stringify(expected?.items ?? []));
    const inputTokens = placeholders(input);
    if (inputTokens.size > 0) withPlaceholders++;
    for (const token of outputTokens) assert.ok(inputTokens.has(token), `${dir}: ${token}`);
  }
  assert.ok(withPlaceholders >= 1, "at least one case exercises placeholders");
});
