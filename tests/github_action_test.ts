/**
 * The GitHub Action end to end: the action's metadata, and its script step run
 * in the simulation of tests/_github_action.ts (a temporary workspace with the
 * example repo, the runner's files and a fake GitHub API).
 * The adapter's pure functions: tests/github_action_units_test.ts.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ANNOTATION_LIMIT, commentMarker } from "../src/io/github_action.ts";
import { describeRun, git, snapshotTree } from "./e2e_support.ts";
import {
  ACTION,
  type ActionRun,
  BOT,
  DEFAULT_COMMENTS,
  type FakeApi,
  fakeApi,
  type FakeComment,
  lineContaining,
  messages,
  PR_EVENT,
  readReport,
  runAction,
  scriptStep,
  type Simulated,
  TOKEN,
  workflowInputs,
  workspaceWithExample,
} from "./_github_action.ts";

// ---------------------------------------------------------------------------
// action.yml

Deno.test("action.yml passes every input to the script through env, never into the script", () => {
  assert.equal(ACTION.runs.using, "composite");
  assert.ok(ACTION.name && ACTION.description && ACTION.branding?.icon && ACTION.branding.color);
  const step = scriptStep();
  const passed = new Map<string, string>();
  for (const [variable, expression] of Object.entries(step.env)) {
    const match = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(expression);
    assert.ok(match, `env ${variable} is not a plain input: ${expression}`);
    passed.set(match[1]!, variable);
    assert.equal(variable, `INPUT_${match[1]!.toUpperCase().replaceAll("-", "_")}`);
  }
  for (const [name, input] of Object.entries(ACTION.inputs)) {
    assert.ok(passed.has(name), `input ${name} is not passed to the script step`);
    assert.ok(input.description.length > 10, `input ${name} has no description`);
  }
  assert.deepEqual(
    [...passed.keys()].sort(),
    [
      "base-ref",
      "comment",
      "config",
      "fail-on",
      "github-token",
      "max-annotations",
      "mode",
      "output-dir",
      "path",
      "summary",
    ],
  );
  for (const s of ACTION.runs.steps) {
    if (s.run === undefined) continue;
    assert.ok(s.shell, `run step "${s.name}" has no shell`);
    assert.ok(!/\$\{\{\s*inputs\./.test(s.run), `run step "${s.name}" interpolates an input`);
    assert.ok(!s.run.includes("${{"), `run step "${s.name}" has an expression in its script`);
  }
  const setup = ACTION.runs.steps.find((s) => s.uses?.startsWith("denoland/setup-deno@"));
  assert.equal(setup?.with?.["deno-version"], "2.9.6");
});

Deno.test("action.yml outputs reference the script step's outputs", () => {
  const ids = new Set(ACTION.runs.steps.map((s) => s.id).filter((id) => id !== undefined));
  assert.ok(Object.keys(ACTION.outputs).length >= 8);
  for (const [name, output] of Object.entries(ACTION.outputs)) {
    const match = /^\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(
      output.value,
    );
    assert.ok(match, `output ${name} has value ${output.value}`);
    assert.ok(ids.has(match[1]!), `output ${name} references the unknown step ${match[1]}`);
    assert.equal(match[2], name, `output ${name} reads ${match[2]}`);
    assert.ok(output.description.length > 5, `output ${name} has no description`);
  }
  for (const name of ["errors", "warnings", "infos", "meshservices", "report", "summary-file"]) {
    assert.ok(name in ACTION.outputs, `output ${name} is missing`);
  }
});

// ---------------------------------------------------------------------------
// End to end

/** The stale check fails loudly with the diff, and the UDP-port warning points at its line. */
async function assertStaleCheckAnnotated(sim: Simulated, first: ActionRun): Promise<void> {
  // The stale check fails loudly; the diff is in the log, inside stop-commands.
  assert.ok(
    messages(first, "error").some((m) => m.includes("are stale")),
    describeRun(first),
  );
  assert.match(
    first.stdout,
    /^::stop-commands::(\S+)\n[\s\S]*^\+\+\+ b\/kuma-generated\/[\s\S]*^::\1::$/m,
  );

  // The UDP-port warning points at the protocol line of k8s/redis.yaml.
  const redis = await Deno.readTextFile(join(sim.workspace, "k8s", "redis.yaml"));
  const udp = first.annotations.find((a) => a.level === "warning");
  assert.deepEqual(udp?.properties, {
    file: "k8s/redis.yaml",
    line: String(lineContaining(redis, "protocol: UDP")),
    title: "Service redis-system/redis spec.ports[2].protocol",
  });
  assert.match(udp!.message, /Ignored port "metrics-udp"/);
}

/** The step's outputs match its JSON report. */
async function assertOutputsMatchReport(sim: Simulated, first: ActionRun): Promise<void> {
  const report = await readReport(first.outputs.report);
  const count = (severity: string) =>
    String(report.results.filter((r) => r.severity === severity).length);
  assert.equal(first.outputs.errors, count("error"));
  assert.equal(first.outputs.warnings, count("warning"));
  assert.equal(first.outputs.warnings, "1");
  assert.equal(first.outputs.infos, count("info"));
  assert.equal(first.outputs.meshservices, String(report.summary.meshServices));
  assert.equal(first.outputs.meshservices, "4");
  assert.equal(first.outputs["references-rewritten"], "3");
  assert.equal(first.outputs.stale, "true");
  assert.ok(first.outputs.report!.startsWith(sim.runnerTemp), first.outputs.report);
}

/** The job summary: verdict, tables, Mermaid graph; the same text as summary-file. */
async function assertSummary(first: ActionRun): Promise<void> {
  assert.match(
    first.summary,
    /^## meshservice-krm check: k8s\n\n\*\*❌ Step failed \(check\): the rendered files are stale;/,
  );
  // The report's own verdict comes after the step's, labelled, so a green migration under a red
  // step reads as what it is.
  assert.match(first.summary, /\nMigration status: ✅ \*\*Migration complete\*\*/);
  assert.ok(first.summary.includes("| Where | Before → after | Status |"));
  assert.ok(
    first.summary.includes(
      "| MeshTCPRoute kuma-demo/demo-<wbr>app-to-redis<br>spec.to\\[0\\].targetRef<br><sub>routes.yaml</sub> |",
    ),
  );
  assert.ok(first.summary.includes("```mermaid\nflowchart LR\n"));
  assert.ok(first.summary.includes("Posted the report on pull request \\#7"), first.summary);
  assert.equal(await Deno.readTextFile(first.outputs["summary-file"]!), first.summary);
}

/** One comment created, with the marker and a link to the run; returns it. */
async function assertOneCommentPosted(api: FakeApi): Promise<FakeComment> {
  const requests = await api.requests();
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`), [
    "POST /graphql",
    "GET /repos/acme/manifests/issues/7/comments?per_page=100&page=1",
    "POST /repos/acme/manifests/issues/7/comments",
  ]);
  assert.ok(requests.every((r) => r.authorization === `Bearer ${TOKEN}`));
  const posted = (await api.comments()).find((c) => c.id >= 100);
  assert.ok(posted, "no comment was created");
  assert.ok(posted.body.startsWith(`${commentMarker("k8s")}\n## meshservice-krm check: k8s`));
  assert.ok(posted.body.includes("https://github.com/acme/manifests/actions/runs/4242"));
  assert.ok(posted.body.includes("```mermaid"));
  return posted;
}

Deno.test("example workflow: check on a pull request fails on stale files, annotates, summarises and comments once", async () => {
  await using sim = await workspaceWithExample();
  await using api = await fakeApi();
  const inputs = workflowInputs();
  const first = await runAction(sim, inputs, { payload: PR_EVENT, apiUrl: api.url });
  assert.equal(first.code, 1, describeRun(first));

  await assertStaleCheckAnnotated(sim, first);
  await assertOutputsMatchReport(sim, first);
  await assertSummary(first);
  const posted = await assertOneCommentPosted(api);

  // The second run updates it in place.
  const second = await runAction(sim, inputs, { payload: PR_EVENT, apiUrl: api.url });
  assert.equal(second.code, 1, describeRun(second));
  assert.deepEqual((await api.requests()).slice(3).map((r) => `${r.method} ${r.path}`), [
    "POST /graphql",
    "GET /repos/acme/manifests/issues/7/comments?per_page=100&page=1",
    `PATCH /repos/acme/manifests/issues/comments/${posted.id}`,
  ]);
  const marked = (await api.comments()).filter((c) => c.body.startsWith(commentMarker("k8s")));
  assert.deepEqual(marked.map((c) => c.id), [posted.id]);
  const patch = (await api.requests())[5]!.body as { body: string };
  assert.ok(patch.body.startsWith(`${commentMarker("k8s")}\n## meshservice-krm check: k8s`));
  assert.ok(second.summary.includes("Updated the report comment on pull request \\#7"));
});

Deno.test("render mode writes the files, then check mode passes", async () => {
  await using sim = await workspaceWithExample();
  const before = await snapshotTree(join(sim.workspace, "k8s"));
  const rendered = await runAction(sim, { path: "k8s", mode: "render" });
  assert.equal(rendered.code, 0, describeRun(rendered));
  assert.deepEqual(messages(rendered, "error"), []);
  assert.equal(rendered.outputs.stale, "");
  const after = await snapshotTree(join(sim.workspace, "k8s"));
  assert.ok(
    [...after.keys()].some((p) => p.startsWith("kuma-generated/")),
    [...after.keys()].join(),
  );
  assert.notEqual(after.get("routes.yaml"), before.get("routes.yaml"), "routes.yaml not rewritten");
  assert.match(
    rendered.summary,
    /\*\*✅ Step passed \(render\): the files are written; 0 errors, 1 warning, 1 info\*\*/,
  );

  const checked = await runAction(sim, { path: "k8s" });
  assert.equal(checked.code, 0, describeRun(checked));
  assert.equal(checked.outputs.stale, "false");
  assert.deepEqual(messages(checked, "error"), []);
  assert.equal(messages(checked, "warning").length, 1);
  assert.match(checked.summary, /\*\*✅ Step passed \(check\): the rendered files are up to date;/);
});

Deno.test("a failing render exits 1 with an ::error annotation and writes nothing", async () => {
  await using sim = await workspaceWithExample();
  // The config input's file, with an unknown Kuma version: an error result on the config.
  const config = (await Deno.readTextFile(join(sim.workspace, "k8s", "meshservice-krm.yaml")))
    .replace('kumaVersion: "2.14"', 'kumaVersion: "9.9"');
  await Deno.mkdir(join(sim.workspace, "ci"));
  await Deno.writeTextFile(join(sim.workspace, "ci", "krm.yaml"), config);
  const before = await snapshotTree(sim.workspace);
  const result = await runAction(sim, {
    path: "k8s",
    mode: "render",
    config: "ci/krm.yaml",
    "fail-on": "never",
  });
  assert.equal(result.code, 1, describeRun(result));
  const errors = result.annotations.filter((a) => a.level === "error");
  assert.match(errors[0]!.message, /^Render failed with 1 error: nothing was written$/);
  const version = errors.find((a) => a.message.includes('"9.9"'));
  assert.deepEqual(version?.properties, {
    file: "ci/krm.yaml",
    line: String(lineContaining(config, "kumaVersion")),
    title: "RenderMeshServices zone-east kumaVersion",
  });
  assert.ok(result.summary.includes("Render failed with 1 error: nothing was written"));
  assert.equal(result.outputs.errors, "1");
  assert.deepEqual(await snapshotTree(sim.workspace), before);
});

Deno.test("more than 10 warnings: 10 annotations, the rest counted and listed in the summary", async () => {
  await using sim = await workspaceWithExample();
  const ports = Array.from(
    { length: 12 },
    (_, i) => `    - name: udp-${i}\n      port: ${7000 + i}\n      protocol: UDP\n`,
  ).join("");
  await Deno.writeTextFile(
    join(sim.workspace, "k8s", "udp.yaml"),
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: udp-heavy\n  namespace: kuma-demo\n` +
      `spec:\n  clusterIP: 10.96.0.99\n  selector:\n    app: udp-heavy\n  ports:\n` +
      `    - name: tcp\n      port: 80\n${ports}`,
  );
  const result = await runAction(sim, { path: "k8s", "fail-on": "never" });
  const warnings = Number(result.outputs.warnings);
  assert.ok(warnings >= 13, describeRun(result));
  assert.equal(messages(result, "warning").length, ANNOTATION_LIMIT);
  const rest = warnings - ANNOTATION_LIMIT;
  assert.ok(result.summary.includes("### Results not shown as annotations"));
  assert.ok(result.summary.includes(`${rest} more are listed here`), result.summary);
  const table = result.summary.slice(
    result.summary.indexOf("### Results not shown as annotations"),
  );
  assert.equal(table.split("\n").filter((l) => l.startsWith("| warning |")).length, rest);
  assert.ok(table.includes("| warning | k8s/udp.yaml:"), table);
  // Stale files still fail check with fail-on: never.
  assert.equal(result.code, 1);
});

Deno.test("bare URLs and hostile text in quoted values do not become links in the summary or the comment", async () => {
  await using sim = await workspaceWithExample();
  await using api = await fakeApi();
  await Deno.writeTextFile(
    join(sim.workspace, "k8s", "phish.yaml"),
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: phish\n  namespace: kuma-demo\n` +
      `spec:\n  clusterIP: 10.96.0.98\n  selector:\n    app: phish\n  ports:\n` +
      `    - name: tcp\n      port: 80\n` +
      `    - name: "Log in at https://evil.example/login or WWW.evil.example, ask @org/admins"\n` +
      `      port: 81\n      protocol: UDP\n`,
  );
  const result = await runAction(sim, { path: "k8s", "fail-on": "never", comment: "true" }, {
    payload: PR_EVENT,
    apiUrl: api.url,
  });
  assert.ok(result.summary.includes("evil.example/login"), result.summary);
  const comment = (await api.comments()).find((c) => c.user.login === BOT.login);
  assert.ok(comment !== undefined && comment.body.includes("evil.example/login"), "no comment");
  for (const [what, markdown] of [["summary", result.summary], ["comment", comment.body]]) {
    // GitHub's autolinks: a scheme followed by ://, and www. (any case).
    assert.ok(!/https?:\/\/evil/i.test(markdown!), `${what} links the URL`);
    assert.ok(!/www\.evil/i.test(markdown!), `${what} links www.`);
    assert.ok(!/@org/.test(markdown!), `${what} mentions a team`);
  }
  // The action's own link to the run stays a link.
  assert.ok(comment.body.includes("(https://github.com/acme/manifests/actions/runs/4242)"));
});

Deno.test("a 403 from the API is a warning and leaves the exit code alone", async () => {
  await using sim = await workspaceWithExample();
  assert.equal((await runAction(sim, { path: "k8s", mode: "render" })).code, 0);
  await using api = await fakeApi({ status: 403 });
  const result = await runAction(sim, { path: "k8s", comment: "true" }, {
    payload: PR_EVENT,
    apiUrl: api.url,
  });
  assert.equal(result.code, 0, describeRun(result));
  const warning = messages(result, "warning").find((m) => m.startsWith("Cannot comment"));
  assert.ok(warning !== undefined && warning.includes("403"), describeRun(result));
  assert.ok(warning.includes("Resource not accessible by integration"));
  assert.deepEqual((await api.requests()).map((r) => `${r.method} ${r.path}`), ["POST /graphql"]);
});

Deno.test("a marked comment written by someone else is never edited: the action posts and updates its own", async () => {
  await using sim = await workspaceWithExample();
  assert.equal((await runAction(sim, { path: "k8s", mode: "render" })).code, 0);
  // Written before the action ever ran, by the pull request's author: it starts with the marker.
  const spoof = {
    id: 3,
    body: `${commentMarker("k8s")}\n## meshservice-krm check: k8s\n\n**✅ check: up to date**`,
    user: { login: "mallory", type: "User" },
  };
  // The same login as a user's display would not do either: only the login counts.
  const lookalike = {
    id: 4,
    body: `${commentMarker("k8s")}\nfake`,
    user: { login: "github-actions", type: "User" },
  };
  await using api = await fakeApi({ comments: [...DEFAULT_COMMENTS, spoof, lookalike] });
  const inputs = { path: "k8s", comment: "true" };
  const first = await runAction(sim, inputs, { payload: PR_EVENT, apiUrl: api.url });
  assert.equal(first.code, 0, describeRun(first));
  const second = await runAction(sim, inputs, { payload: PR_EVENT, apiUrl: api.url });
  assert.equal(second.code, 0, describeRun(second));
  const requests = (await api.requests()).map((r) => `${r.method} ${r.path}`);
  assert.ok(!requests.some((r) => /comments\/(3|4)$/.test(r)), requests.join("\n"));
  const comments = await api.comments();
  assert.deepEqual(comments.find((c) => c.id === 3), spoof, "the spoofed comment is untouched");
  assert.deepEqual(comments.find((c) => c.id === 4), lookalike);
  const own = comments.filter((c) => c.user.login === BOT.login);
  assert.equal(own.length, 1, "one comment of the action, created then updated");
  assert.equal(requests.at(-1), `PATCH /repos/acme/manifests/issues/comments/${own[0]!.id}`);
  assert.ok(second.stdout.includes("Updated the report comment on pull request #7"));
});

Deno.test("a token whose user cannot be learned comments nowhere, with a warning", async () => {
  await using sim = await workspaceWithExample();
  assert.equal((await runAction(sim, { path: "k8s", mode: "render" })).code, 0);
  const mine = {
    id: 5,
    body: `${commentMarker("k8s")}\nold report`,
    user: BOT,
  };
  await using api = await fakeApi({ comments: [mine], viewer: null });
  const result = await runAction(sim, { path: "k8s", comment: "true" }, {
    payload: PR_EVENT,
    apiUrl: api.url,
  });
  assert.equal(result.code, 0, describeRun(result));
  const warning = messages(result, "warning").find((m) => m.startsWith("Cannot comment"));
  assert.ok(warning?.includes("no viewer login"), describeRun(result));
  assert.deepEqual((await api.requests()).map((r) => `${r.method} ${r.path}`), ["POST /graphql"]);
});

Deno.test("not a pull request: a notice and no API call; summary: false writes only the file", async () => {
  await using sim = await workspaceWithExample();
  await using api = await fakeApi();
  const result = await runAction(sim, { path: "k8s", comment: "true", summary: "false" }, {
    event: "push",
    payload: { ref: "refs/heads/main" },
    apiUrl: api.url,
  });
  assert.ok(
    messages(result, "notice").includes(
      "No pull-request comment posted: the event is push, not a pull request",
    ),
    describeRun(result),
  );
  assert.equal((await api.requests()).length, 0);
  // summary: false leaves the step summary alone; the summary-file output still has it.
  assert.equal(result.summary, "");
  const file = await Deno.readTextFile(result.outputs["summary-file"]!);
  assert.match(file, /^## meshservice-krm check: k8s\n/);
  assert.ok(file.includes("No pull-request comment posted"));
});

Deno.test("invalid inputs exit 2 with an ::error and run nothing", async () => {
  await using sim = await workspaceWithExample();
  const result = await runAction(sim, { path: "k8s", mode: "deploy", "fail-on": "sometimes" });
  assert.equal(result.code, 2, describeRun(result));
  assert.deepEqual(messages(result, "error"), [
    'Cannot use mode "deploy": expected check or render',
    'Cannot use fail-on "sometimes": expected error, warning or never',
  ]);
  assert.equal(result.summary, "");
  assert.deepEqual(result.outputs, {});
});

Deno.test("a missing directory fails with an ::error and a summary", async () => {
  await using sim = await workspaceWithExample();
  const result = await runAction(sim, { path: "nowhere" });
  assert.equal(result.code, 1, describeRun(result));
  assert.match(messages(result, "error")[0] ?? "", /stopped before writing its report/);
  assert.ok(result.summary.includes("stopped before writing its report"), result.summary);
});

Deno.test("base-ref: the summary leads with what the pull request changes against the base commit", async () => {
  await using sim = await workspaceWithExample();
  // The base commit has the example repo without redis; the pull request adds it.
  const redis = await Deno.readTextFile(join(sim.workspace, "k8s", "redis.yaml"));
  await Deno.remove(join(sim.workspace, "k8s", "redis.yaml"));
  await git(sim.workspace, "init", "--quiet", "--initial-branch=main");
  await git(sim.workspace, "add", "-A");
  await git(sim.workspace, "commit", "--quiet", "-m", "base");
  const baseSha = await git(sim.workspace, "rev-parse", "HEAD");
  await Deno.writeTextFile(join(sim.workspace, "k8s", "redis.yaml"), redis);
  await git(sim.workspace, "add", "-A");
  await git(sim.workspace, "commit", "--quiet", "-m", "add redis");

  const compared = await runAction(sim, { path: "k8s", mode: "render", "base-ref": baseSha });
  assert.equal(compared.code, 0, describeRun(compared));
  const changes = compared.summary.split("### Changes from the base branch\n\n")[1]?.split(
    "\n\n",
  )[0];
  assert.ok(changes, compared.summary.slice(0, 3000));
  const plain = changes.replaceAll("<wbr>", "");
  assert.match(plain, /^- MeshServices: 3 added \(redis-system\/redis \(east\), /);
  assert.match(
    plain,
    /MeshTimeout kuma-demo\/redis-admin-timeout .*: unresolved → \*\*rewritten\*\*/,
  );
  assert.match(plain, /- Problems: \*\*1 new\*\*, 6 fixed/);
  // The workspace is untouched by the base render; its log sits in a group of its own.
  assert.equal(await git(sim.workspace, "status", "--porcelain", "--", "k8s/redis.yaml"), "");
  assert.match(
    compared.stdout,
    new RegExp(`::group::meshservice-krm: render of the base ${baseSha}`),
  );

  // An unknown base is a note, not a failure.
  const unknown = await runAction(sim, { path: "k8s", mode: "render", "base-ref": "0".repeat(40) });
  assert.equal(unknown.code, 0, describeRun(unknown));
  assert.match(
    unknown.summary,
    /Cannot compare with the base branch: commit "0{40}" is not available/,
  );
  assert.doesNotMatch(unknown.summary, /### Changes from the base branch/);
  // A ref that would be read as an option is refused before git sees it.
  const option = await runAction(sim, {
    path: "k8s",
    mode: "render",
    "base-ref": "--output=/tmp/x",
  });
  assert.match(option.summary, /is not a commit or ref name/);
});
