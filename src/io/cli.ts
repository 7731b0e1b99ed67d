/**
 * Command line: no arguments runs the KRM function; `render` and `check`
 * run directory mode.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runKrmFunction, writeAll } from "./krm_stdio.ts";

/** Help text of every command. */
export const USAGE = `meshservice-krm: render the MeshServices Kuma would generate

Usage:
  meshservice-krm                       KRM function: ResourceList on stdin, ResourceList on stdout
  meshservice-krm render DIR [options]  Render a manifest directory
  meshservice-krm check DIR [options]   Exit 1 and show a diff when rendered files in the output directory are stale

Options (render, check):
  --out DIR        Write generated files under DIR (render); compare against DIR (check, default: the input DIR)
  --config FILE    Function config (ConfigMap or RenderMeshServices); default: a RenderMeshServices object inside DIR, else defaults
  --report FILE    Write the JSON report (schema meshservice-krm.report/v2)
  --summary FILE   Write the report as Markdown: reference tables and a Mermaid graph (for PRs and job summaries)
  --format FORMAT  Stdout format of render without --out: yaml (default, all resources) or resourcelist
  -h, --help       Show this help

Exit codes: 0 success, 1 an error result (or stale files for check), 2 usage error.

Examples:
  deno run mod.ts < resource-list.yaml
  deno run -R mod.ts render templates/example-repo/kubernetes
  deno run -R -W mod.ts render ./manifests --out ./manifests --report report.json
  deno run -R mod.ts check ./manifests
`;

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  if (args.length === 0) {
    return await runKrmFunction({
      stdin: Deno.stdin.readable,
      stdout: Deno.stdout.writable,
      stderr: Deno.stderr.writable,
    });
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: "string" },
        config: { type: "string" },
        report: { type: "string" },
        summary: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    await writeAll(
      Deno.stderr.writable,
      `${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    await writeAll(Deno.stdout.writable, USAGE);
    return 0;
  }
  const [command, dir, ...extra] = positionals;
  if ((command !== "render" && command !== "check") || dir === undefined || extra.length > 0) {
    await writeAll(
      Deno.stderr.writable,
      `Cannot run "${positionals.join(" ")}": expected "render DIR" or "check DIR"\n\n${USAGE}`,
    );
    return 2;
  }
  const format = values.format ?? "yaml";
  if (format !== "yaml" && format !== "resourcelist") {
    await writeAll(
      Deno.stderr.writable,
      `Cannot use --format "${format}": expected yaml or resourcelist\n`,
    );
    return 2;
  }
  const { runDirectory } = await import("./directory.ts");
  return await runDirectory({
    command,
    dir,
    out: values.out,
    config: values.config,
    report: values.report,
    summary: values.summary,
    format,
  });
}
