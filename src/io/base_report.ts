/**
 * The report of the base branch's rendering, so a pull request's summary can
 * lead with what the pull request changes ("Changes from the base branch").
 *
 * The base commit's copy of the manifest directory (and of the config file,
 * when one is given) is taken with `git archive` from the workspace's
 * repository, unpacked into a scratch directory and rendered there with
 * `render --out` into another scratch directory; the report is the one
 * that run returns. Nothing in the workspace is touched. When the commit is not in a
 * shallow checkout it is fetched first (`git fetch --depth=1 origin REF`).
 *
 * Any failure (no git, an unknown ref, a base without the directory, a base
 * render that fails) is a note, never a failure of the step: the summary then
 * shows no comparison.
 *
 * @module
 */

import { join } from "node:path";
import type { Report } from "../report.ts";
import { runDirectory } from "./directory.ts";

/** What {@link baseReport} needs. */
export interface BaseOptions {
  /** The repository's work tree (GITHUB_WORKSPACE). */
  workspace: string;
  /** The base commit: a SHA (`github.event.pull_request.base.sha`) or a ref name. */
  ref: string;
  /** The manifest directory, relative to the workspace. */
  path: string;
  /** The config file, relative to the workspace, when the action was given one. */
  config?: string | undefined;
  /** A scratch directory (under RUNNER_TEMP); its contents are the function's. */
  temp: string;
}

/** The base report, or why there is none. */
export type BaseOutcome = { report: Report } | { note: string };

/** A SHA, or a ref name git accepts that cannot be read as an option. */
const SAFE_REF = /^(?:[0-9a-fA-F]{7,64}|[A-Za-z0-9][A-Za-z0-9._/-]{0,250})$/;

/** Renders the base branch's copy of the directory and returns its report. */
export async function baseReport(options: BaseOptions): Promise<BaseOutcome> {
  const { workspace, ref } = options;
  if (!SAFE_REF.test(ref) || ref.includes("..")) {
    return { note: `Cannot compare with the base branch: "${ref}" is not a commit or ref name` };
  }
  const paths = [options.path, ...(options.config === undefined ? [] : [options.config])];
  if (paths.some((p) => p.startsWith("/") || p.split("/").includes(".."))) {
    return { note: "Cannot compare with the base branch: the path leaves the workspace" };
  }
  const git = (args: string[]) => command("git", args, workspace);
  if (!(await git(["cat-file", "-e", `${ref}^{commit}`])).ok) {
    await git(["fetch", "--no-tags", "--depth=1", "origin", ref]);
    if (!(await git(["cat-file", "-e", `${ref}^{commit}`])).ok) {
      return { note: `Cannot compare with the base branch: commit "${ref}" is not available` };
    }
  }
  const tree = join(options.temp, "base-tree");
  const archive = join(options.temp, "base.tar");
  await Deno.mkdir(tree, { recursive: true });
  const archived = await git([
    "archive",
    "--format=tar",
    `--output=${archive}`,
    ref,
    "--",
    ...paths,
  ]);
  if (!archived.ok) {
    return { note: `Cannot compare with the base branch: ${firstLine(archived.stderr)}` };
  }
  const unpacked = await command("tar", ["-xf", archive, "-C", tree], workspace);
  if (!unpacked.ok) {
    return { note: `Cannot compare with the base branch: ${firstLine(unpacked.stderr)}` };
  }
  const run = await runDirectory({
    command: "render",
    dir: join(tree, options.path),
    out: join(options.temp, "base-out"),
    config: options.config === undefined ? undefined : join(tree, options.config),
    format: "yaml",
    workspace: options.temp,
  });
  if (run.report === undefined) {
    return {
      note:
        `Cannot compare with the base branch: its render exited ${run.exitCode} without a report`,
    };
  }
  return { report: run.report };
}

async function command(
  name: string,
  args: string[],
  cwd: string,
): Promise<{ ok: boolean; stderr: string }> {
  try {
    const output = await new Deno.Command(name, { args, cwd, stdout: "null", stderr: "piped" })
      .output();
    return { ok: output.success, stderr: new TextDecoder().decode(output.stderr) };
  } catch (error) {
    return { ok: false, stderr: `${name}: ${error instanceof Error ? error.message : error}` };
  }
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] || "git failed";
}
