/**
 * Command line: no arguments runs the KRM function; `render`, `check` and
 * `generate` run directory mode; `kustomize-plugin` speaks kustomize's legacy
 * exec plugin protocol; `helm-post-renderer` is Helm's post-renderer. Every
 * command has `--help`.
 *
 * @module
 */

import { TOOL_NAME, VERSION } from "../model/tool.ts";
import { type FlagSpec, parseFlags } from "./cli_flags.ts";
import { runKrmFunction, writeAll } from "./krm_stdio.ts";
import { escapeText, stderrHasColour } from "./terminal.ts";

const EXIT_CODES = `Exit codes:
  0  success
  1  an error result (bad input or config, a reference the migration cannot leave), stale files (check), or empty output (generate)
  2  usage error (unknown command, flag or value)`;

/** Every flag any command takes; a command's table entry says which apply to it. */
const FLAGS = {
  out: { type: "string" },
  config: { type: "string" },
  report: { type: "string" },
  summary: { type: "string" },
  format: { type: "string" },
  workspace: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, FlagSpec>;

/** A flag name (`--help` applies to every command and is not listed). */
type Flag = Exclude<keyof typeof FLAGS, "help">;

/** Flag values as parsed. */
type Values = {
  [F in keyof typeof FLAGS]?: (typeof FLAGS)[F]["type"] extends "boolean" ? boolean : string;
};

/** What a command's {@link Command.run} gets. */
interface Invocation {
  values: Values;
  positionals: string[];
  colour: boolean;
  /** Writes a message on stderr (escaped). */
  stderr: (text: string) => Promise<void>;
}

/** One command of the CLI. */
interface Command {
  name: string;
  /** What `COMMAND --help` and `help COMMAND` print. */
  help: string;
  /** The flags that apply, besides `--help`; any other is a usage error. */
  flags: readonly Flag[];
  /** Runs the command once its flags are checked; returns the exit code. */
  run: (invocation: Invocation) => Promise<number>;
}

/** The overview (`--help`, `help`). */
const OVERVIEW =
  `${TOOL_NAME} ${VERSION}: render the MeshServices Kuma would generate and migrate references to them

Usage:
  ${TOOL_NAME}                          KRM function: ResourceList on stdin, ResourceList on stdout
  ${TOOL_NAME} render DIR [options]     Render a manifest directory (print it, or write files with --out)
  ${TOOL_NAME} check DIR [options]      Exit 1 with a diff when rendered files are stale (CI, Flux)
  ${TOOL_NAME} generate [DIR]           Print what a cluster should receive (Argo CD Config Management Plugin)
  ${TOOL_NAME} kustomize-plugin FILE    kustomize legacy exec plugin (kubectl kustomize --enable-alpha-plugins)
  ${TOOL_NAME} helm-post-renderer       Helm post-renderer: Helm's manifests on stdin, what the cluster gets on stdout
  ${TOOL_NAME} help [COMMAND]           Show help for a command
  ${TOOL_NAME} --version                Print the version

${EXIT_CODES}

Examples:
  deno run meshservice-krm.js < resource-list.yaml
  kpt fn eval ./package --exec ./meshservice-krm.js -- kumaVersion=2.14 zone=east
  deno run -R meshservice-krm.js render ./manifests
  deno run -R -W meshservice-krm.js render ./manifests --out ./manifests
  deno run -R meshservice-krm.js check ./manifests

Logs and results go to stderr; stdout holds only output. Colour only on a terminal; NO_COLOR turns it off.
`;

/** Help of the KRM function, the run without arguments (`help krm`). */
const KRM_HELP = `${TOOL_NAME} (no arguments): the KRM function

Reads one ResourceList (config.kubernetes.io/v1 or v1beta1) on stdin and writes one on stdout.
Every item passes through; generated MeshServices are appended; rewritten routes and policies
replace their inputs. Needs no permission flags.

${EXIT_CODES}

Examples:
  deno run meshservice-krm.js < resource-list.yaml > output.yaml
  kpt fn eval ./package --exec "$PWD/meshservice-krm.js" -- kumaVersion=2.14 zone=east
  kpt fn render ./package --allow-exec
`;

/** Every command, in the order the overview lists them. */
const COMMANDS: readonly Command[] = [
  {
    name: "render",
    help: `${TOOL_NAME} render DIR [options]: render a manifest directory

Reads every *.yaml/*.yml under DIR (Kubernetes and Universal YAML), renders it with the
RenderMeshServices config found in DIR (or --config) and prints every resource, or writes the
generated files and the rewritten input files with --out.

Options:
  --out DIR        Write generated files and rewritten input files under DIR (in place when DIR is the input)
  --config FILE    Function config (ConfigMap or RenderMeshServices); default: the one inside DIR, else defaults
  --report FILE    Write the JSON report (schema meshservice-krm.report/v2)
  --summary FILE   Write the report as Markdown: tables and a Mermaid graph (pull requests, job summaries)
  --format FORMAT  Stdout format without --out: yaml (default, all resources) or resourcelist
  --workspace DIR  The checkout reads and writes stay in (default: the current directory)
  -q, --quiet      No progress lines for large directories
  -h, --help       Show this help

Paths inside the workspace must stay inside it once symlinks are resolved (a linked DIR,
--out or parent folder leading out of it is refused).

Permissions: -R (read DIR and --config), -W for --out, --report, --summary.

${EXIT_CODES}

Examples:
  deno run -R meshservice-krm.js render templates/example-repo/kubernetes
  deno run -R -W meshservice-krm.js render ./manifests --out ./manifests --report report.json
  deno run -R -W meshservice-krm.js render ./manifests --out ./rendered --summary summary.md
`,
    flags: ["out", "config", "report", "summary", "format", "workspace", "quiet"],
    run: (invocation) => runDirectoryCommand("render", invocation),
  },
  {
    name: "check",
    help: `${TOOL_NAME} check DIR [options]: fail when rendered files are stale

Renders DIR like "render --out" would and compares the result with the files on disk. Prints a
unified diff of every stale file on stdout and exits 1; exits 0 when everything is current.

Options:
  --out DIR        Directory the rendered files were written to (default: DIR)
  --config FILE    Function config (ConfigMap or RenderMeshServices)
  --report FILE    Write the JSON report
  --summary FILE   Write the report as Markdown
  --workspace DIR  The checkout reads stay in (default: the current directory)
  -q, --quiet      No progress lines for large directories
  -h, --help       Show this help

${EXIT_CODES}

Examples:
  deno run -R meshservice-krm.js check ./manifests
  deno run -R meshservice-krm.js check ./apps --out ./rendered
`,
    flags: ["out", "config", "report", "summary", "workspace", "quiet"],
    run: (invocation) => runDirectoryCommand("check", invocation),
  },
  {
    name: "generate",
    help: `${TOOL_NAME} generate [DIR]: print what a cluster should receive

Renders DIR (default: the current directory) and prints plain multi-document YAML: every
resource except local-config items (MeshService previews, the tool's config). The generate
command of the Argo CD Config Management Plugin. Argo CD parameters override the config:
ARGOCD_APP_PARAMETERS (JSON) and PARAM_<NAME> variables, one per config key. Fails (exit 1,
message on stderr) on any error result and on empty output, which Argo CD would prune.

Options:
  --config FILE    Function config (ConfigMap or RenderMeshServices)
  --workspace DIR  The checkout reads stay in (default: the current directory)
  -h, --help       Show this help

Permissions: -R=DIR --allow-env=ARGOCD_APP_PARAMETERS,PARAM_*

${EXIT_CODES}

Examples:
  deno run --no-prompt -R=. --allow-env=ARGOCD_APP_PARAMETERS,PARAM_* meshservice-krm.js generate .
  PARAM_ZONE=east deno run -R=. --allow-env=ARGOCD_APP_PARAMETERS,PARAM_* meshservice-krm.js generate
`,
    flags: ["config", "workspace", "quiet"],
    run: (invocation) => runDirectoryCommand("generate", invocation),
  },
  {
    name: "kustomize-plugin",
    help: `${TOOL_NAME} kustomize-plugin FILE: kustomize legacy exec plugin

kustomize runs legacy exec plugins with the transformer config in FILE and the resources as
multi-document YAML on stdin; the transformed resources go to stdout. This is the form
"kubectl kustomize --enable-alpha-plugins" runs, which has no --enable-exec. Install the
wrapper templates/kustomize/legacy-plugin/RenderMeshServices at
$KUSTOMIZE_PLUGIN_HOME/meshservice-krm/v1alpha1/rendermeshservices/RenderMeshServices.

Permissions: --allow-read=FILE

${EXIT_CODES}

Example:
  kubectl kustomize --enable-alpha-plugins ./overlay
`,
    // kustomize passes only FILE; other flags have always been accepted and ignored.
    flags: ["out", "config", "report", "summary", "format", "workspace", "quiet"],
    run: async ({ positionals, colour, stderr }) => {
      if (positionals.length !== 1) {
        await stderr(
          `Expected one argument, the plugin config file\n\n${helpOf("kustomize-plugin")}`,
        );
        return 2;
      }
      const { runKustomizePlugin } = await import("./kustomize_plugin.ts");
      return await runKustomizePlugin(positionals[0]!, { colour });
    },
  },
  {
    name: "helm-post-renderer",
    help: `${TOOL_NAME} helm-post-renderer [--config FILE]: Helm post-renderer

Helm (install, upgrade, template --post-renderer) writes the release's rendered manifests to
stdin as multi-document YAML; this prints what the cluster should get: every manifest, with
routes and policies rewritten, plus generated items for apply, without MeshService previews
and other local-config items. The config is --config FILE, else a RenderMeshServices object
among the manifests, else defaults. Fails (exit 1, message on stderr, nothing on stdout) on
any error result, on unreadable input and on empty output.

Options:
  --config FILE    Function config (ConfigMap or RenderMeshServices)
  -h, --help       Show this help

Permissions: none (-R=FILE with --config)

${EXIT_CODES}

Examples:
  helm template shop ./charts/shop --post-renderer meshservice-krm --post-renderer-args helm-post-renderer
  helm upgrade --install shop ./charts/shop --post-renderer ./meshservice-krm-helm
`,
    flags: ["config"],
    run: async ({ values, positionals, colour, stderr }) => {
      if (positionals.length > 0) {
        await stderr(`No arguments apply to helm-post-renderer\n\n${helpOf("helm-post-renderer")}`);
        return 2;
      }
      const { runHelmPostRenderer } = await import("./helm_post_renderer.ts");
      // No streams given: the adapter reads and writes stdio synchronously.
      return await runHelmPostRenderer({ config: values.config, colour });
    },
  },
];

/** Help text of every command, by name (`""` is the overview, `krm` the run without arguments). */
export const HELP: Readonly<Record<string, string>> = {
  "": OVERVIEW,
  krm: KRM_HELP,
  ...Object.fromEntries(COMMANDS.map((command) => [command.name, command.help])),
};

function helpOf(name: string): string {
  return HELP[name]!;
}

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const stdout = (text: string) => writeAll(Deno.stdout.writable, text);
  const stderr = (text: string) => writeAll(Deno.stderr.writable, escapeText(text));
  if (args.length === 0) {
    return await runKrmFunction({ colour: stderrHasColour() });
  }
  const [first] = args;
  if (first === "--version" || first === "version") {
    await stdout(`${TOOL_NAME} ${VERSION}\n`);
    return 0;
  }
  if (first === "-h" || first === "--help") {
    await stdout(OVERVIEW);
    return 0;
  }
  if (first === "help") {
    const text = HELP[args[1] ?? ""];
    if (text === undefined || args.length > 2) {
      await stderr(`No help for "${args.slice(1).join(" ")}"\n\n${OVERVIEW}`);
      return 2;
    }
    await stdout(text);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    await stderr(`Unknown command "${first}"\n\n${OVERVIEW}`);
    return 2;
  }
  return await runCommand(command, args.slice(1), { stdout, stderr });
}

/** Parses a command's flags, prints its help for `--help`, refuses flags that do not apply, runs it. */
async function runCommand(
  command: Command,
  args: string[],
  io: { stdout: (text: string) => Promise<void>; stderr: (text: string) => Promise<void> },
): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(args, FLAGS) as { values: Values; positionals: string[] };
  } catch (error) {
    await io.stderr(
      `${error instanceof Error ? error.message : String(error)}\n\n${command.help}`,
    );
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    await io.stdout(command.help);
    return 0;
  }
  const extra = Object.keys(values).find((key) => !(command.flags as string[]).includes(key));
  if (extra !== undefined) {
    await io.stderr(`Option "--${extra}" does not apply to ${command.name}\n\n${command.help}`);
    return 2;
  }
  return await command.run({ values, positionals, colour: stderrHasColour(), stderr: io.stderr });
}

/** `render`, `check` and `generate`: directory mode. */
async function runDirectoryCommand(
  name: "render" | "check" | "generate",
  { values, positionals, colour, stderr }: Invocation,
): Promise<number> {
  const dir = positionals[0] ?? (name === "generate" ? "." : undefined);
  if (dir === undefined || positionals.length > 1) {
    await stderr(`Expected one directory: "${name} DIR"\n\n${helpOf(name)}`);
    return 2;
  }
  const format = values.format ?? "yaml";
  if (format !== "yaml" && format !== "resourcelist") {
    await stderr(`Cannot use --format "${format}": expected yaml or resourcelist\n`);
    return 2;
  }
  let configOverrides: Record<string, unknown> | undefined;
  if (name === "generate") {
    const parameters = await argoOverrides(stderr);
    if (typeof parameters === "number") return parameters;
    configOverrides = parameters;
  }
  const { runDirectory } = await import("./directory.ts");
  const run = await runDirectory({
    command: name,
    dir,
    out: values.out,
    config: values.config,
    report: values.report,
    summary: values.summary,
    workspace: values.workspace,
    format,
    configOverrides,
    colour,
    ...(values.quiet ? {} : { progress: (line: string) => stderr(`${TOOL_NAME}: ${line}\n`) }),
  });
  return run.exitCode;
}

/** `generate`'s config overrides from Argo CD's parameters, or the exit code when they cannot be read. */
async function argoOverrides(
  stderr: (text: string) => Promise<void>,
): Promise<Record<string, unknown> | number> {
  const { argoParameters } = await import("./argocd.ts");
  const { CONFIG_KEYS } = await import("../config.ts");
  const granted = Deno.permissions.querySync({ name: "env", variable: "ARGOCD_APP_PARAMETERS" });
  if (granted.state !== "granted") {
    await stderr(
      "Cannot read Argo CD parameters: run generate with --allow-env=ARGOCD_APP_PARAMETERS,PARAM_*\n",
    );
    return 1;
  }
  const parameters = argoParameters(readEnv, CONFIG_KEYS);
  if (parameters.problems.length > 0) {
    await stderr(parameters.problems.map((p) => `[error] ${p}`).join("\n") + "\n");
    return 1;
  }
  return parameters.overrides;
}

/** One variable; a `PARAM_*` name outside the grant reads as unset. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
