/**
 * The GitHub Action adapter's pure functions: inputs, workflow commands,
 * Markdown limits, comment lookup, outputs and the step's outcome.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
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
    const cut = truncateMarkdown(text, { max, note, size: utf8Length });
    assert.ok(utf8Length(cut) <= max, `${max}: ${utf8Length(cut)}`);
    assert.ok(cut.endsWith(`\n${note}\n`));
    assert.equal((cut.match(/^```/gm) ?? []).length % 2, 0, cut);
  }
  assert.ok(!truncateMarkdown(text, { max: 300, note, size: utf8Length }).includes("```"));
  assert.equal(truncateMarkdown(text, { max: utf8Length(text), note, size: utf8Length }), text);
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

const counts = (errors: number, warnings: number) => ({ errors, warnings, infos: 0 });

/** outcomeOf() inputs, whether the step fails, and the `stale` output. */
const OUTCOME_CASES: [Parameters<typeof outcomeOf>[0], boolean, string][] = [
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

Deno.test("outcomeOf() applies fail-on, staleness and the render rule", () => {
  const cases = OUTCOME_CASES;
  for (const [input, failed, stale] of cases) {
    const outcome = outcomeOf(input);
    assert.equal(outcome.failed, failed, JSON.stringify(input));
    assert.equal(outcome.stale, stale, JSON.stringify(input));
    assert.equal(outcome.failures.length > 0, failed);
  }
  const unknown = outcomeOf(cases[3]![0]);
  assert.match(unknown.warnings[0] ?? "", /^Cannot tell whether the rendered files/);
});
