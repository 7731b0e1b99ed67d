/**
 * The GitHub Action's pull-request comment: its marker, body, the token's own login, and the
 * API calls that create or update it (only a comment the token's user wrote).
 *
 * @module
 */

import type { Report } from "../../report.ts";

import type { ActionInputs } from "./inputs.ts";
import { why } from "./commands.ts";
import { type Outcome, summaryMarkdown, truncateMarkdown } from "./summary.ts";
/** GitHub's limit of an issue or pull-request comment, in characters. */
export const COMMENT_LIMIT = 65_536;

/** Rows per table in a pull-request comment, which must stay under {@link COMMENT_LIMIT}. */
export const COMMENT_MAX_ROWS = 50;

/**
 * The hidden marker that identifies this action's comment for a directory, so
 * several runs (one per zone) keep one comment each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentMarker } from "../github_action.ts";
 *
 * assert.equal(commentMarker("k8s/east"), "<!-- meshservice-krm:k8s/east -->");
 * assert.equal(commentMarker("a -->b"), "<!-- meshservice-krm:a_--_b -->");
 * ```
 */
export function commentMarker(key: string): string {
  return `<!-- meshservice-krm:${
    key.replace(/[^A-Za-z0-9._\/-]/g, "_").replace(/-->/g, "--_")
  } -->`;
}

/**
 * A comment body: the marker, the Markdown and a link to the run, cut to
 * `max` characters (default {@link COMMENT_LIMIT}) with a note that links to
 * the run's job summary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentBody } from "../github_action.ts";
 *
 * const body = commentBody({ marker: "<!-- m -->", markdown: "x\n".repeat(100), max: 120 });
 * assert.ok(body.startsWith("<!-- m -->\n"));
 * assert.ok(body.length <= 120);
 * ```
 */
export function commentBody(input: {
  marker: string;
  markdown: string;
  runUrl?: string | undefined;
  max?: number;
}): string {
  const max = input.max ?? COMMENT_LIMIT;
  const link = input.runUrl === undefined ? "" : `\n[Workflow run](${input.runUrl})\n`;
  const head = `${input.marker}\n`;
  const note = input.runUrl === undefined
    ? "_The report is cut here: the full report is in the job summary._"
    : `_The report is cut here: the full report is in the [job summary](${input.runUrl})._`;
  const room = max - head.length - link.length;
  return `${head}${truncateMarkdown(input.markdown, { max: room, note })}${link}`;
}

/**
 * The id of the first comment written by `author` (a login) whose body starts
 * with `marker`, from the JSON of the issue-comments API. Comments by anyone
 * else are never the action's, whatever they start with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findMarkedComment } from "../github_action.ts";
 *
 * const comments = [
 *   { id: 1, body: "<!-- m -->\nfake", user: { login: "mallory" } },
 *   { id: 2, body: "<!-- m -->\nreport", user: { login: "github-actions[bot]" } },
 * ];
 * assert.equal(findMarkedComment(comments, "<!-- m -->", "github-actions[bot]"), 2);
 * ```
 */
export function findMarkedComment(
  comments: unknown,
  marker: string,
  author: string,
): number | undefined {
  if (!Array.isArray(comments)) return undefined;
  for (const comment of comments) {
    if (typeof comment !== "object" || comment === null) continue;
    const { id, body, user } = comment as { id?: unknown; body?: unknown; user?: unknown };
    const login = typeof user === "object" && user !== null
      ? (user as { login?: unknown }).login
      : undefined;
    if (
      typeof id === "number" && typeof body === "string" && body.startsWith(marker) &&
      login === author
    ) {
      return id;
    }
  }
  return undefined;
}

/**
 * The login of a token's user from the answer to the GraphQL query
 * `{ viewer { login } }`, or `undefined` (an `errors` answer, another shape).
 */
export function viewerLogin(answer: unknown): string | undefined {
  if (typeof answer !== "object" || answer === null) return undefined;
  const data = (answer as { data?: unknown }).data;
  const viewer = typeof data === "object" && data !== null
    ? (data as { viewer?: unknown }).viewer
    : undefined;
  const login = typeof viewer === "object" && viewer !== null
    ? (viewer as { login?: unknown }).login
    : undefined;
  return typeof login === "string" && login !== "" ? login : undefined;
}

/**
 * The GraphQL endpoint: `GITHUB_GRAPHQL_URL` when set (the runner sets it),
 * else derived from the REST one (`https://api.github.com` has
 * `https://api.github.com/graphql`, GHES's `https://HOST/api/v3` has
 * `https://HOST/api/graphql`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphqlUrl } from "../github_action.ts";
 *
 * assert.equal(graphqlUrl("https://ghe.example/api/v3", undefined), "https://ghe.example/api/graphql");
 * assert.equal(graphqlUrl("https://api.github.com", undefined), "https://api.github.com/graphql");
 * ```
 */
export function graphqlUrl(restApi: string, configured: string | undefined): string {
  if (configured) return configured;
  const base = restApi.replace(/\/+$/, "");
  return base.endsWith("/api/v3") ? `${base.slice(0, -"/v3".length)}/graphql` : `${base}/graphql`;
}

/** The pull-request number of a `pull_request` or `pull_request_target` event payload. */
export function pullRequestNumber(
  eventName: string | undefined,
  event: unknown,
): number | undefined {
  if (eventName !== "pull_request" && eventName !== "pull_request_target") return undefined;
  if (typeof event !== "object" || event === null) return undefined;
  const pr = (event as { pull_request?: unknown }).pull_request;
  const number = typeof pr === "object" && pr !== null
    ? (pr as { number?: unknown }).number
    : undefined;
  return typeof number === "number" && Number.isSafeInteger(number) && number > 0
    ? number
    : undefined;
}

/** What posting the comment did. */
export interface CommentStatus {
  /** `info` is a log line; `notice` and `warning` become annotations. */
  level: "info" | "notice" | "warning";
  text: string;
}

/** Posts or updates the pull-request comment; never throws. */
export async function comment(
  env: (name: string) => string | undefined,
  inputs: ActionInputs,
  run: { report: Report; outcome: Outcome; title: string; base?: Report | undefined },
): Promise<CommentStatus> {
  const eventName = env("GITHUB_EVENT_NAME");
  let event: unknown;
  try {
    const eventPath = env("GITHUB_EVENT_PATH");
    event = eventPath ? JSON.parse(await Deno.readTextFile(eventPath)) : undefined;
  } catch (error) {
    return { level: "warning", text: `Cannot read the event payload: ${why(error)}` };
  }
  const number = pullRequestNumber(eventName, event);
  if (number === undefined) {
    return {
      level: "notice",
      text: `No pull-request comment posted: the event is ${
        eventName || "unknown"
      }, not a pull request`,
    };
  }
  const repository = env("GITHUB_REPOSITORY") ?? "";
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    return {
      level: "warning",
      text: `Cannot comment: GITHUB_REPOSITORY "${repository}" is invalid`,
    };
  }
  if (inputs.token === "") {
    return { level: "warning", text: "Cannot comment: the github-token input is empty" };
  }
  const server = env("GITHUB_SERVER_URL") || "https://github.com";
  const runId = env("GITHUB_RUN_ID");
  const runUrl = runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
  const marker = commentMarker(inputs.path);
  const body = commentBody({
    marker,
    markdown: summaryMarkdown({
      report: run.report,
      title: run.title,
      outcome: run.outcome,
      maxRows: COMMENT_MAX_ROWS,
      base: run.base,
    }),
    runUrl,
  });
  const api = (env("GITHUB_API_URL") || "https://api.github.com").replace(/\/+$/, "");
  const call = apiCaller(inputs.token);
  try {
    // The token's own login: only a comment it wrote is the action's to update.
    const graphql = graphqlUrl(api, env("GITHUB_GRAPHQL_URL"));
    const login = viewerLogin(await call("POST", graphql, { query: "query { viewer { login } }" }));
    if (login === undefined) {
      throw new Error(`POST ${graphql} answered no viewer login, so no comment is updated`);
    }
    const issue = `${api}/repos/${repository}/issues/${number}`;
    let existing: number | undefined;
    for (let page = 1; page <= 30 && existing === undefined; page++) {
      const comments = await call("GET", `${issue}/comments?per_page=100&page=${page}`);
      existing = findMarkedComment(comments, marker, login);
      if (!Array.isArray(comments) || comments.length < 100) break;
    }
    if (existing === undefined) {
      await call("POST", `${issue}/comments`, { body });
      return { level: "info", text: `Posted the report on pull request #${number}` };
    }
    await call("PATCH", `${api}/repos/${repository}/issues/comments/${existing}`, { body });
    return { level: "info", text: `Updated the report comment on pull request #${number}` };
  } catch (error) {
    return {
      level: "warning",
      text: `Cannot comment on pull request #${number} (a pull request from a fork gets a ` +
        `read-only token; the workflow needs pull-requests: write): ${why(error)}`,
    };
  }
}

/** A JSON API call with the token; a status other than 2xx throws with the answer's message. */
export function apiCaller(
  token: string,
): (method: string, url: string, payload?: unknown) => Promise<unknown> {
  return async (method, url, payload) => {
    const response = await fetch(url, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "user-agent": "meshservice-krm-action",
        "x-github-api-version": "2022-11-28",
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = "";
      try {
        const message = (JSON.parse(text) as { message?: unknown }).message;
        if (typeof message === "string") detail = `: ${message}`;
      } catch {
        // Not JSON: the status says enough.
      }
      throw new Error(`${method} ${new URL(url).pathname} answered ${response.status}${detail}`);
    }
    return text === "" ? undefined : JSON.parse(text);
  };
}
