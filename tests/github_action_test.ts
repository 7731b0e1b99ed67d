/**
 * The GitHub Action: `action.yml`'s script step run by bash, exactly as the
 * runner would run it (its `env:` mapping evaluated for the simulated
 * inputs), with a simulated `GITHUB_*` environment: a temporary workspace
 * holding a copy of the example repo, step summary, output and event files
 * under a temporary RUNNER_TEMP, and a fake GitHub API served by the test.
 * Also the action's metadata and the adapter's pure functions.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { load } from "js-yaml";
import {
  ANNOTATION_LIMIT,
  annotationCommand,
  COMMENT_LIMIT,
  commentBody,
  commentMarker,
  escapeData,
  escapeProperty,
  findMarkedComment,
  outcomeOf,
  outputLines,
  parseInputs,
  pullRequestNumber,
  truncateMarkdown,
  utf8Length,
  viewerLogin,
} from "../src/io/github_action.ts";
import {
  DENO,
  describeRun,
  git,
  REPO_ROOT,
  run,
  type RunOutput,
  snapshotTree,
} from "./e2e_support.ts";

/**
 * The workflow the README documents (`/work/notes/readme-action.md` copies it
 * verbatim); the tests run the action with its `with:` inputs on its event.
 */
const EXAMPLE_WORKFLOW = `name: meshservice-krm
on:
  pull_request:
    paths: ["k8s/**"]
permissions:
  contents: read
  pull-requests: write # for comment: true
jobs:
  meshservices:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: your-org/meshservice-krm@v0
        id: krm
        with:
          path: k8s
          mode: check
          comment: true
`;

// ---------------------------------------------------------------------------
// Simulation

interface ActionStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
  branding?: { icon: string; color: string };
}

const ACTION = load(await Deno.readTextFile(join(REPO_ROOT, "action.yml"))) as ActionMetadata;

/** The composite step that runs the adapter. */
function scriptStep(): ActionStep & { run: string; env: Record<string, string> } {
  const step = ACTION.runs.steps.find((s) => s.run?.includes("src/io/github_action.ts"));
  assert.ok(step?.run !== undefined && step.env !== undefined, "no step runs github_action.ts");
  return step as ActionStep & { run: string; env: Record<string, string> };
}

/** The example workflow's inputs for the action. */
function workflowInputs(): Record<string, string> {
  const workflow = load(EXAMPLE_WORKFLOW) as {
    jobs: Record<string, { steps: ActionStep[] }>;
  };
  const step = Object.values(workflow.jobs)[0]!.steps.find((s) =>
    s.uses?.startsWith("your-org/meshservice-krm@")
  );
  assert.ok(step?.with, "the example workflow does not use the action");
  return Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, String(v)]));
}

const TOKEN = "ghs_simulated_token";

/** Evaluates the `${{ inputs.x }}` / `${{ github.token }}` expressions of the step's `env:`. */
function evaluate(expression: string, inputs: Record<string, string>): string {
  if (!expression.includes("${{")) return expression;
  const match =
    /^\$\{\{\s*(inputs\.([A-Za-z0-9_-]+)|github\.token|github\.event\.pull_request\.base\.sha)\s*\}\}$/
      .exec(expression);
  assert.ok(match, `unsupported expression in action.yml: ${expression}`);
  if (match[1] === "github.token") return TOKEN;
  // The simulated events carry no base commit unless a test passes base-ref.
  if (match[1] === "github.event.pull_request.base.sha") return "";
  const name = match[2]!;
  const declared = ACTION.inputs[name];
  assert.ok(declared, `action.yml env uses the undeclared input ${name}`);
  if (name in inputs) return inputs[name]!;
  return evaluate(declared.default ?? "", inputs);
}

interface Simulated extends AsyncDisposable {
  workspace: string;
  runnerTemp: string;
  summaryFile: string;
  outputFile: string;
}

interface ParsedAnnotation {
  level: string;
  properties: Record<string, string>;
  message: string;
}

interface ActionRun extends RunOutput {
  summary: string;
  outputs: Record<string, string>;
  annotations: ParsedAnnotation[];
}

/** A fresh workspace with the Kubernetes example repo at `k8s/`, removed when disposed. */
async function workspaceWithExample(): Promise<Simulated> {
  const root = await Deno.makeTempDir({ prefix: "msk-action-" });
  const workspace = join(root, "workspace");
  const runnerTemp = join(root, "runner-temp");
  await Deno.mkdir(join(runnerTemp, "_runner_file_commands"), { recursive: true });
  await copyTree(
    join(REPO_ROOT, "templates", "example-repo", "kubernetes"),
    join(workspace, "k8s"),
  );
  return {
    workspace,
    runnerTemp,
    summaryFile: join(runnerTemp, "_runner_file_commands", "step_summary"),
    outputFile: join(runnerTemp, "_runner_file_commands", "set_output"),
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** Runs action.yml's script step as the runner would, with fresh summary and output files. */
async function runAction(
  sim: Simulated,
  inputs: Record<string, string>,
  options: { event?: string; payload?: unknown; apiUrl?: string } = {},
): Promise<ActionRun> {
  await Deno.writeTextFile(sim.summaryFile, "");
  await Deno.writeTextFile(sim.outputFile, "");
  const eventPath = join(sim.runnerTemp, "_github_workflow", "event.json");
  await Deno.mkdir(dirname(eventPath), { recursive: true });
  await Deno.writeTextFile(eventPath, JSON.stringify(options.payload ?? {}));
  const step = scriptStep();
  const env: Record<string, string> = {
    PATH: `${dirname(DENO)}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    NO_COLOR: "1",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION_PATH: REPO_ROOT,
    GITHUB_WORKSPACE: sim.workspace,
    RUNNER_TEMP: sim.runnerTemp,
    GITHUB_STEP_SUMMARY: sim.summaryFile,
    GITHUB_OUTPUT: sim.outputFile,
    GITHUB_EVENT_NAME: options.event ?? "pull_request",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "acme/manifests",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "4242",
    GITHUB_API_URL: options.apiUrl ?? "http://127.0.0.1:9",
    GITHUB_GRAPHQL_URL: `${options.apiUrl ?? "http://127.0.0.1:9"}/graphql`,
  };
  for (const name of ["HOME", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  for (const [name, expression] of Object.entries(step.env)) {
    env[name] = evaluate(expression, inputs);
  }
  const output = await run("bash", ["-c", step.run], { cwd: sim.workspace, env });
  return {
    ...output,
    summary: await Deno.readTextFile(sim.summaryFile),
    outputs: parseOutputs(await Deno.readTextFile(sim.outputFile)),
    annotations: parseAnnotations(output.stdout),
  };
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

function unescape(text: string): string {
  return text.replace(
    /%(25|0D|0A|3A|2C)/g,
    (_, code: string) => String.fromCharCode(parseInt(code, 16)),
  );
}

/** Annotations as the runner reads them: commands inside `::stop-commands::` are ignored. */
function parseAnnotations(stdout: string): ParsedAnnotation[] {
  const annotations: ParsedAnnotation[] = [];
  let resume: string | undefined;
  for (const line of stdout.split("\n")) {
    if (resume !== undefined) {
      if (line === `::${resume}::`) resume = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) {
      resume = stop[1];
      continue;
    }
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? "").split(",").filter((p) => p !== "")) {
      const at = pair.indexOf("=");
      properties[pair.slice(0, at)] = unescape(pair.slice(at + 1));
    }
    annotations.push({ level: match[1]!, properties, message: unescape(match[3]!) });
  }
  return annotations;
}

interface Report {
  summary: { meshServices: number; references: { rewritten: number } };
  results: { severity: string; message: string; file?: { path: string } }[];
}

async function readReport(path: string | undefined): Promise<Report> {
  assert.ok(path, "no report output");
  return JSON.parse(await Deno.readTextFile(path)) as Report;
}

function lineContaining(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `no line contains ${needle}`);
  return index + 1;
}

/** The login GitHub gives `GITHUB_TOKEN`, an installation token of the GitHub Actions app. */
const BOT = { login: "github-actions[bot]", type: "Bot" };

/** Comments every fake API starts with: none is the action's. */
const DEFAULT_COMMENTS = [
  { id: 1, body: "Looks good to me", user: { login: "octocat", type: "User" } },
  {
    id: 2,
    body: `> quoting ${commentMarker("k8s")} is not the action's comment`,
    user: { login: "octocat", type: "User" },
  },
];

/**
 * The fake GitHub API's server (plain JavaScript): issue comments of pull
 * request 7 in acme/manifests, and GraphQL's `viewer` (the token's user, as
 * GitHub answers for an installation token; REST `GET /user` is refused to
 * one), every request appended to a log file before it is answered.
 * Arguments: the log file, a status to answer everything with (0: behave),
 * and JSON of the initial comments and the viewer (null: GraphQL answers an
 * error).
 */
const FAKE_API_SOURCE = `const [log, status, setup] = Deno.args;
const { comments, viewer } = JSON.parse(setup);
const bot = ${JSON.stringify(BOT)};
const json = (value, code = 200) => Response.json(value, { status: code });
const answer = (request, url, body) => {
  if (Number(status) > 0) {
    return json({ message: "Resource not accessible by integration" }, Number(status));
  }
  if (request.method === "GET" && url.pathname === "/user") {
    return json({ message: "Resource not accessible by integration" }, 403);
  }
  if (request.method === "POST" && url.pathname === "/graphql") {
    if (!/viewer\\s*\\{\\s*login/.test(body.query)) return json({ errors: [{ message: "unexpected query" }] });
    return viewer === null
      ? json({ errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }] })
      : json({ data: { viewer: { login: viewer } } });
  }
  if (request.method === "GET" && url.pathname === "/repos/acme/manifests/issues/7/comments") {
    return json(url.searchParams.get("page") === "1" ? comments : []);
  }
  if (request.method === "POST" && url.pathname === "/repos/acme/manifests/issues/7/comments") {
    const created = { id: 100 + comments.length, body: body.body, user: bot };
    comments.push(created);
    return json(created, 201);
  }
  const patch = /^\\/repos\\/acme\\/manifests\\/issues\\/comments\\/(\\d+)$/.exec(url.pathname);
  const comment = patch && comments.find((c) => c.id === Number(patch[1]));
  if (request.method === "PATCH" && comment) {
    comment.body = body.body;
    return json(comment);
  }
  return json({ message: "Not Found" }, 404);
};
Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(JSON.stringify({ port })),
}, async (request) => {
  const url = new URL(request.url);
  const text = await request.text();
  const body = text === "" ? undefined : JSON.parse(text);
  const response = answer(request, url, body);
  const record = {
    method: request.method,
    path: url.pathname + url.search,
    body,
    authorization: request.headers.get("authorization"),
    comments,
  };
  Deno.writeTextFileSync(log, JSON.stringify(record) + "\\n", { append: true });
  return response;
});
`;

interface ApiRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
  comments: FakeComment[];
}

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

interface FakeApi extends AsyncDisposable {
  url: string;
  /** Requests so far, in order (each logged before it was answered). */
  requests(): Promise<ApiRequest[]>;
  /** The comments after the last request. */
  comments(): Promise<FakeComment[]>;
}

/**
 * Starts the fake GitHub API in a child process (`Deno.serve` on port 0), so
 * the suite needs no network permission of its own.
 */
async function fakeApi(
  options: { status?: number; comments?: FakeComment[]; viewer?: string | null } = {},
): Promise<FakeApi> {
  const dir = await Deno.makeTempDir({ prefix: "msk-api-" });
  const script = join(dir, "server.js");
  const log = join(dir, "requests.jsonl");
  await Deno.writeTextFile(script, FAKE_API_SOURCE);
  await Deno.writeTextFile(log, "");
  const child = new Deno.Command(DENO, {
    args: [
      "run",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      `--allow-write=${log}`,
      script,
      log,
      String(options.status ?? 0),
      JSON.stringify({
        comments: options.comments ?? DEFAULT_COMMENTS,
        viewer: options.viewer === undefined ? BOT.login : options.viewer,
      }),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let first = "";
  while (!first.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the fake API exited before listening");
    first += value;
  }
  const { port } = JSON.parse(first.slice(0, first.indexOf("\n"))) as { port: number };
  const drained = (async () => {
    while (!(await reader.read()).done) {
      // Keep the pipe flowing until the server exits.
    }
  })();
  const requests = async (): Promise<ApiRequest[]> =>
    (await Deno.readTextFile(log)).split("\n").filter((l) => l !== "").map((l) =>
      JSON.parse(l) as ApiRequest
    );
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    comments: async () => (await requests()).at(-1)?.comments ?? [],
    [Symbol.asyncDispose]: async () => {
      child.kill("SIGTERM");
      await child.status;
      await drained;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

const PR_EVENT = { pull_request: { number: 7 } };

function messages(result: ActionRun, level: string): string[] {
  return result.annotations.filter((a) => a.level === level).map((a) => a.message);
}

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

Deno.test("example workflow: check on a pull request fails on stale files, annotates, summarises and comments once", async () => {
  await using sim = await workspaceWithExample();
  await using api = await fakeApi();
  const inputs = workflowInputs();
  const first = await runAction(sim, inputs, { payload: PR_EVENT, apiUrl: api.url });
  assert.equal(first.code, 1, describeRun(first));

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

  // Outputs match the JSON report.
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

  // The job summary: verdict, tables, Mermaid graph; the same text as summary-file.
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

  // One comment created, with the marker and a link to the run.
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

// ---------------------------------------------------------------------------
// Pure functions

Deno.test("parseInputs() applies defaults and validates booleans and max-annotations", () => {
  const parsed = parseInputs(() => undefined);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.inputs, {
    path: ".",
    config: undefined,
    mode: "check",
    outputDir: undefined,
    failOn: "error",
    summary: true,
    comment: false,
    token: "",
    maxAnnotations: 10,
    baseRef: undefined,
  });
  const env: Record<string, string> = {
    INPUT_COMMENT: "TRUE",
    INPUT_SUMMARY: "yes",
    INPUT_MAX_ANNOTATIONS: "11",
  };
  const bad = parseInputs((name) => env[name]);
  assert.ok(!bad.ok);
  assert.deepEqual(bad.problems, [
    'Cannot use summary "yes": expected true or false',
    'Cannot use max-annotations "11": expected a whole number from 0 to 10',
  ]);
});

Deno.test("annotationCommand() escapes data and properties as GitHub expects", () => {
  assert.equal(escapeData("a%b\r\nc"), "a%25b%0D%0Ac");
  assert.equal(escapeProperty("x:y,z%"), "x%3Ay%2Cz%25");
  assert.equal(
    annotationCommand({
      level: "error",
      file: "dir,1/a:b.yaml",
      line: 3,
      title: "Service a/b, c",
      message: "line one\n::warning::injected",
    }),
    "::error file=dir%2C1/a%3Ab.yaml,line=3,title=Service a/b%2C c::line one\\n::warning::injected",
  );
  // Control characters from a manifest (ANSI escapes, line breaks) are shown, not sent.
  assert.equal(
    annotationCommand({
      level: "warning",
      file: "k8s/\x1b[2Jx.yaml",
      title: "Service a/\x1b[31mred\r",
      message: "m\x07\u202e",
    }),
    "::warning file=k8s/\\x1b[2Jx.yaml,title=Service a/\\x1b[31mred\\r::m\\x07\\u{202e}",
  );
  assert.equal(annotationCommand({ level: "notice", line: 3, message: "m" }), "::notice::m");
});

Deno.test("truncateMarkdown() cuts at a line, never inside a fence, within the byte limit", () => {
  const graph = "```mermaid\nflowchart LR\n" + "  n1 --> n2\n".repeat(50) + "```\n";
  const text = `## Title\n\nintro ✅\n\n${graph}\n### Results\n\n${"| é | row |\n".repeat(100)}`;
  const note = "_cut_";
  for (const max of [40, 200, 700, 1500]) {
    const cut = truncateMarkdown(text, max, note, utf8Length);
    assert.ok(utf8Length(cut) <= max, `${max}: ${utf8Length(cut)}`);
    assert.ok(cut.endsWith(`\n${note}\n`));
    assert.equal((cut.match(/^```/gm) ?? []).length % 2, 0, cut);
  }
  assert.ok(!truncateMarkdown(text, 300, note, utf8Length).includes("```"));
  assert.equal(truncateMarkdown(text, utf8Length(text), note, utf8Length), text);
});

Deno.test("commentBody() stays under GitHub's comment limit and links to the run", () => {
  const huge = "| a | b |\n".repeat(20_000);
  const body = commentBody({
    marker: commentMarker("k8s"),
    markdown: huge,
    runUrl: "https://github.com/acme/manifests/actions/runs/1",
  });
  assert.ok(body.length <= COMMENT_LIMIT, String(body.length));
  assert.ok(body.startsWith("<!-- meshservice-krm:k8s -->\n"));
  assert.ok(body.includes("[job summary](https://github.com/acme/manifests/actions/runs/1)"));
  assert.ok(body.endsWith("[Workflow run](https://github.com/acme/manifests/actions/runs/1)\n"));
  const small = commentBody({ marker: "<!-- m -->", markdown: "ok\n" });
  assert.equal(small, "<!-- m -->\nok\n");
});

Deno.test("findMarkedComment() and pullRequestNumber() read the API and event shapes", () => {
  const marker = commentMarker("k8s");
  const bot = { login: "github-actions[bot]" };
  assert.equal(
    findMarkedComment(
      [
        { id: 1, body: `> ${marker}`, user: bot },
        { id: 2, body: `${marker}\nx`, user: { login: "mallory" } },
        { id: 3, body: `${marker}\nx` },
        { id: 4, body: `${marker}\nx`, user: bot },
      ],
      marker,
      bot.login,
    ),
    4,
  );
  assert.equal(findMarkedComment({ message: "Not Found" }, marker, bot.login), undefined);
  assert.equal(viewerLogin({ data: { viewer: { login: "github-actions[bot]" } } }), bot.login);
  assert.equal(viewerLogin({ errors: [{ message: "Resource not accessible" }] }), undefined);
  assert.equal(viewerLogin({ data: { viewer: { login: "" } } }), undefined);
  assert.equal(pullRequestNumber("pull_request", { pull_request: { number: 7 } }), 7);
  assert.equal(pullRequestNumber("pull_request_target", { pull_request: { number: 8 } }), 8);
  assert.equal(pullRequestNumber("push", { pull_request: { number: 7 } }), undefined);
  assert.equal(pullRequestNumber("pull_request", { pull_request: { number: "7" } }), undefined);
});

Deno.test("outputLines() writes single-line values plainly and others with a delimiter", () => {
  assert.equal(outputLines({ a: "1", b: "x\ny" }, "D"), "a=1\nb<<D\nx\ny\nD\n");
  assert.throws(() => outputLines({ b: "x\nD" }, "D"), RangeError);
});

Deno.test("outcomeOf() applies fail-on, staleness and the render rule", () => {
  const counts = (errors: number, warnings: number) => ({ errors, warnings, infos: 0 });
  const cases: [Parameters<typeof outcomeOf>[0], boolean, string][] = [
    [
      {
        mode: "check",
        failOn: "error",
        counts: counts(0, 2),
        exitCode: 0,
        dir: "k",
        outputDir: "k",
      },
      false,
      "false",
    ],
    [
      {
        mode: "check",
        failOn: "warning",
        counts: counts(0, 2),
        exitCode: 0,
        dir: "k",
        outputDir: "k",
      },
      true,
      "false",
    ],
    [
      {
        mode: "check",
        failOn: "never",
        counts: counts(0, 0),
        exitCode: 1,
        dir: "k",
        outputDir: "k",
      },
      true,
      "true",
    ],
    [
      {
        mode: "check",
        failOn: "never",
        counts: counts(1, 0),
        exitCode: 1,
        dir: "k",
        outputDir: "k",
      },
      false,
      "unknown",
    ],
    [
      {
        mode: "check",
        failOn: "error",
        counts: counts(1, 0),
        exitCode: 1,
        dir: "k",
        outputDir: "k",
      },
      true,
      "unknown",
    ],
    [
      {
        mode: "render",
        failOn: "never",
        counts: counts(1, 0),
        exitCode: 1,
        dir: "k",
        outputDir: "k",
      },
      true,
      "",
    ],
    [
      {
        mode: "render",
        failOn: "never",
        counts: counts(0, 3),
        exitCode: 0,
        dir: "k",
        outputDir: "k",
      },
      false,
      "",
    ],
  ];
  for (const [input, failed, stale] of cases) {
    const outcome = outcomeOf(input);
    assert.equal(outcome.failed, failed, JSON.stringify(input));
    assert.equal(outcome.stale, stale, JSON.stringify(input));
    assert.equal(outcome.failures.length > 0, failed);
  }
  const unknown = outcomeOf(cases[3]![0]);
  assert.match(unknown.warnings[0] ?? "", /^Cannot tell whether the rendered files/);
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
