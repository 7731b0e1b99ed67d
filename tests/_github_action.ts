/**
 * The GitHub Action simulation shared by tests/github_action_test.ts:
 * `action.yml`'s script step run by bash, exactly as the runner would run it
 * (its `env:` mapping evaluated for the simulated inputs), with a simulated
 * `GITHUB_*` environment: a temporary workspace holding a copy of the example
 * repo, step summary, output and event files under a temporary RUNNER_TEMP,
 * and a fake GitHub API served by a subprocess.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { load } from "js-yaml";
import { commentMarker } from "../src/io/github_action.ts";
import { DENO, REPO_ROOT, run, type RunOutput } from "./e2e_support.ts";

/**
 * The workflow the README documents (`/work/notes/readme-action.md` copies it
 * verbatim); the tests run the action with its `with:` inputs on its event.
 */
export const EXAMPLE_WORKFLOW = `name: meshservice-krm
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

export interface ActionStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

export interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
  branding?: { icon: string; color: string };
}

export const ACTION = load(
  await Deno.readTextFile(join(REPO_ROOT, "action.yml")),
) as ActionMetadata;

/** The composite step that runs the adapter. */
export function scriptStep(): ActionStep & { run: string; env: Record<string, string> } {
  const step = ACTION.runs.steps.find((s) => s.run?.includes("src/io/github_action.ts"));
  assert.ok(step?.run !== undefined && step.env !== undefined, "no step runs github_action.ts");
  return step as ActionStep & { run: string; env: Record<string, string> };
}

/** The example workflow's inputs for the action. */
export function workflowInputs(): Record<string, string> {
  const workflow = load(EXAMPLE_WORKFLOW) as {
    jobs: Record<string, { steps: ActionStep[] }>;
  };
  const step = Object.values(workflow.jobs)[0]!.steps.find((s) =>
    s.uses?.startsWith("your-org/meshservice-krm@")
  );
  assert.ok(step?.with, "the example workflow does not use the action");
  return Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, String(v)]));
}

export const TOKEN = "ghs_simulated_token";

/** Evaluates the `${{ inputs.x }}` / `${{ github.token }}` expressions of the step's `env:`. */
export function evaluate(expression: string, inputs: Record<string, string>): string {
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

export interface Simulated extends AsyncDisposable {
  workspace: string;
  runnerTemp: string;
  summaryFile: string;
  outputFile: string;
}

export interface ParsedAnnotation {
  level: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionRun extends RunOutput {
  summary: string;
  outputs: Record<string, string>;
  annotations: ParsedAnnotation[];
}

/** A fresh workspace with the Kubernetes example repo at `k8s/`, removed when disposed. */
export async function workspaceWithExample(): Promise<Simulated> {
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

export async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile) await Deno.copyFile(join(from, entry.name), join(to, entry.name));
  }
}

/** Runs action.yml's script step as the runner would, with fresh summary and output files. */
export async function runAction(
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

export function parseOutputs(text: string): Record<string, string> {
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

export function unescape(text: string): string {
  return text.replace(
    /%(25|0D|0A|3A|2C)/g,
    (_, code: string) => String.fromCharCode(parseInt(code, 16)),
  );
}

/** Annotations as the runner reads them: commands inside `::stop-commands::` are ignored. */
export function parseAnnotations(stdout: string): ParsedAnnotation[] {
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

export interface Report {
  summary: { meshServices: number; references: { rewritten: number } };
  results: { severity: string; message: string; file?: { path: string } }[];
}

export async function readReport(path: string | undefined): Promise<Report> {
  assert.ok(path, "no report output");
  return JSON.parse(await Deno.readTextFile(path)) as Report;
}

export function lineContaining(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `no line contains ${needle}`);
  return index + 1;
}

/** The login GitHub gives `GITHUB_TOKEN`, an installation token of the GitHub Actions app. */
export const BOT = { login: "github-actions[bot]", type: "Bot" };

/** Comments every fake API starts with: none is the action's. */
export const DEFAULT_COMMENTS = [
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
export const FAKE_API_SOURCE = `const [log, status, setup] = Deno.args;
export const { comments, viewer } = JSON.parse(setup);
export const bot = ${JSON.stringify(BOT)};
export const json = (value, code = 200) => Response.json(value, { status: code });
export const answer = (request, url, body) => {
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

export interface ApiRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
  comments: FakeComment[];
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeApi extends AsyncDisposable {
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
export async function fakeApi(
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

export const PR_EVENT = { pull_request: { number: 7 } };

export function messages(result: ActionRun, level: string): string[] {
  return result.annotations.filter((a) => a.level === level).map((a) => a.message);
}
