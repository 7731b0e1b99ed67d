/**
 * Directory mode: read a manifest repo (Kubernetes YAML and Universal YAML
 * side by side), render it, then print the result, write the generated files
 * (`--out`), or check that the committed ones are current (`check`).
 *
 * Input items the core rewrites (route and policy references, a Mesh's
 * `meshServices.mode`, reachable-backends annotations) are written back to
 * their files with comments, key order and quoting kept (see
 * {@link editedFiles} and `yaml_text/yaml_edit.ts`, imported only when there
 * is such an item): `render --out OUT` writes the edited file to
 * `OUT/<its path>` (in place when OUT is the input directory), `check` counts
 * it as an expected file, and `render` without `--out` prints the edited
 * document's text. Every text is computed before anything is written; writes
 * are atomic and happen only when the run has no error result.
 *
 * {@link runDirectory} prints its results and output like the other
 * adapters and returns the exit code with the report and results, so the
 * GitHub Action and the base-branch comparison use them without reading a
 * file back.
 *
 * @module
 */

import { CONFIG_API_VERSION, CONFIG_KIND } from "../config.ts";
import { chooseDirectoryConfig } from "../config_choice.ts";
import {
  displayRef,
  isObject,
  KRM_ANNOTATION,
  type KubeObject,
  refOf,
  RESOURCE_LIST_API_VERSION,
  type ResourceList,
  type Result,
  sourceOf,
} from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { isBuildConfig } from "../model/manifest.ts";
import type { Report } from "../report.ts";
import { capResults, exitCodeOf } from "../results.ts";
import { renderResourceList } from "../transform.ts";
import { textMayHoldPlaceholder } from "../steps/substitution.ts";
import { writeAll } from "./krm_stdio.ts";
import { displayPath, writeFileAtomic } from "./file_writes.ts";
import {
  checkOutput,
  GENERATED_HEADER,
  notADirectory,
  type Output,
  type OutputContext,
  writeOutput,
  zoneOf,
} from "./directory_output.ts";
import { escapesWorkspace, workspaceOf } from "./workspace.ts";
import { escapeText } from "./terminal.ts";
import { formatResultsCapped } from "./stderr_results.ts";
import { isUniversalObject } from "./universal_format.ts";
import { parseYaml, stringifyYaml } from "./yaml.ts";
import {
  fileError,
  listYamlFiles,
  readDirectoryTree,
  RENDER_OUTPUT_HEADER,
  type Tree,
  type TreeItems,
  treeItems,
} from "./directory_read.ts";
import { type EditedFiles, editedFiles } from "./directory_edits.ts";
import { type Progress, progressTicker, type Tick } from "./directory_progress.ts";
import { documentTexts, renderedFiles } from "./directory_documents.ts";
import { RunThread, THREAD_THRESHOLD } from "./file_thread.ts";

export { type EditedFiles, editedFiles } from "./directory_edits.ts";

/** Options of {@link runDirectory}. */
export interface DirectoryOptions {
  /**
   * `render` prints or writes, `check` compares, `generate` prints only what a
   * cluster should receive (Argo CD's Config Management Plugin contract: no
   * local-config items, never empty output with exit 0).
   */
  command: "render" | "check" | "generate";
  dir: string;
  out?: string | undefined;
  config?: string | undefined;
  report?: string | undefined;
  /** Markdown summary file (tables and a Mermaid graph, for pull requests and job summaries). */
  summary?: string | undefined;
  format: "yaml" | "resourcelist";
  /** Config given inline (Argo CD parameters), merged over the config file or the one in DIR. */
  configOverrides?: Record<string, unknown> | undefined;
  /** Colour result lines on stderr. */
  colour?: boolean | undefined;
  /** Progress lines on stderr for large directories; off with `--quiet`. */
  progress?: Progress | undefined;
  /** Least time between two progress lines while reading or writing, in ms (default 1,000). */
  progressEveryMs?: number | undefined;
  /**
   * The folder reads and writes stay in (default: the current directory): a
   * path inside it whose real path is outside (a symlink) is refused. See
   * `workspace.ts`.
   */
  workspace?: string | undefined;
  /**
   * Trees (and fresh outputs) with at least this many files are read (and
   * written) with a second thread (default {@link THREAD_THRESHOLD}).
   */
  threadAtFiles?: number | undefined;
}

export type { Progress } from "./directory_progress.ts";

/** Directories with at least this many YAML files get progress lines. */
export const PROGRESS_THRESHOLD = 200;

export { GENERATED_HEADER };

export type { ReadItem } from "./directory_read.ts";

/** What {@link runDirectory} returns. */
export interface DirectoryRun {
  /** 0, 1 (an error result, stale files, a path or file that cannot be used) or 2 (a usage error). */
  exitCode: number;
  /**
   * The report with every result, as `--report` writes it; `undefined` when
   * the run stopped before rendering (DIR, a path or the config file cannot
   * be used) or could not write the report or summary file it was asked for.
   */
  report: Report | undefined;
  /** The results printed on stderr (capped like the report's); empty when the run stopped before rendering. */
  results: Result[];
}

/** Writes a message on stderr (escaped). */
type Stderr = (text: string) => Promise<void>;

/** The roots of a run whose paths can be used. */
interface Roots {
  /** DIR without trailing slashes. */
  root: string;
  /** Where `render --out` writes or `check` compares; `undefined` for `render` without `--out` and `generate`. */
  outRoot: string | undefined;
}

/** A rendered directory: what the modes print, write or compare. */
interface Rendered {
  resourceList: ResourceList;
  report: Report;
  results: Result[];
  read: TreeItems;
  edits: EditedFiles;
  /** The generated files, by package-relative path. */
  generated: Map<string, string>;
  /** Whether an error result exists: nothing is printed or written then. */
  failed: boolean;
}

/**
 * Runs `render`, `check` or `generate` on a directory: checks the paths,
 * renders, prints the results on stderr, writes the report files, then runs
 * the mode: {@link printRendered} (`render`), {@link writeRendered}
 * (`render --out`), `checkOutput` (`check`, in `directory_output.ts`) or
 * {@link printApplyable} (`generate`).
 */
export async function runDirectory(options: DirectoryOptions): Promise<DirectoryRun> {
  const thread = new RunThread(options.threadAtFiles ?? THREAD_THRESHOLD);
  try {
    return await runWith(options, thread);
  } finally {
    const failure = thread.failure;
    thread.close();
    // Never expected: the run finished on one thread, but say so (it is a bug to report).
    if (failure !== undefined) {
      await writeAll(
        Deno.stderr.writable,
        escapeText(
          `meshservice-krm: the second thread for file reads and writes stopped (${failure}); the run went on without it\n`,
        ),
      );
    }
  }
}

/** {@link runDirectory} with the run's thread (started only for a large tree). */
async function runWith(options: DirectoryOptions, thread: RunThread): Promise<DirectoryRun> {
  const stderr: Stderr = (text) => writeAll(Deno.stderr.writable, escapeText(text));
  const roots = await usableRoots(options, stderr);
  if (typeof roots === "number") return { exitCode: roots, report: undefined, results: [] };
  const rendered = await renderDirectory(options, { root: roots.root, thread, stderr });
  if (typeof rendered === "number") return { exitCode: rendered, report: undefined, results: [] };
  const { report, results } = rendered;
  await writeAll(
    Deno.stderr.writable,
    formatResultsCapped(results, {
      colour: options.colour ?? false,
      hint: "--report FILE or --format resourcelist lists them all",
    }),
  );
  if (!(await writeReports(options, report, stderr))) {
    return { exitCode: 1, report: undefined, results };
  }
  return {
    exitCode: await runMode(options, { roots, rendered, stderr, thread }),
    report,
    results,
  };
}

/** Dispatches to the mode of the run. */
async function runMode(
  options: DirectoryOptions,
  run: { roots: Roots; rendered: Rendered; stderr: Stderr; thread: RunThread },
): Promise<number> {
  const { roots, rendered, stderr } = run;
  if (options.command === "generate") return await printApplyable(rendered, stderr);
  if (roots.outRoot === undefined) return await printRendered(rendered, options.format);
  const verb = options.command === "check" ? "check" : "write";
  const outProblem = await notADirectory(roots.outRoot);
  if (outProblem !== undefined) {
    await stderr(`Cannot ${verb} "${displayPath(roots.outRoot)}": ${outProblem}\n`);
    return 1;
  }
  const output = outputOf(rendered, { root: roots.root, outRoot: roots.outRoot });
  const context: OutputContext = {
    dir: options.dir,
    colour: options.colour ?? false,
    failed: rendered.failed,
    stderr,
    writing: ticker(options, "Writing"),
    thread: run.thread,
  };
  return options.command === "check"
    ? await checkOutput(output, context)
    : await writeRendered(output, context);
}

/** DIR and the output root, or the exit code when a path cannot be used (the message is printed). */
async function usableRoots(options: DirectoryOptions, stderr: Stderr): Promise<Roots | number> {
  const root = options.dir.replace(/\/+$/, "") || ".";
  const escape = pathsEscaping(options);
  if (escape !== undefined) {
    await stderr(`${escape}\n`);
    return 1;
  }
  try {
    if (!(await Deno.stat(root)).isDirectory) {
      await stderr(`Cannot render "${displayPath(options.dir)}": not a directory\n`);
      return 1;
    }
  } catch (error) {
    await stderr(`Cannot read "${displayPath(options.dir)}": ${displayPath(message(error))}\n`);
    return 1;
  }
  const outRoot = (options.out ?? (options.command === "check" ? root : undefined))?.replace(
    /\/+$/,
    "",
  );
  if (outRoot !== undefined && outRoot !== root && isInside(root, outRoot)) {
    await stderr(
      `Cannot ${
        options.command === "check" ? "check" : "write"
      } "${outRoot}": it is inside "${root}", so the next run would read the rendered copies back as input; write in place (--out ${root}) or to a directory outside "${root}"\n`,
    );
    return 2;
  }
  return { root, outRoot };
}

/** Reads and renders the tree; the exit code when the config file cannot be read. */
async function renderDirectory(
  options: DirectoryOptions,
  run: { root: string; thread: RunThread; stderr: Stderr },
): Promise<Rendered | number> {
  const { root, thread, stderr } = run;
  const readResults: Result[] = [];
  const started = performance.now();
  const tree = await readDirectoryTree(root, readResults, {
    progress: ticker(options, "Reading"),
    thread,
  });
  const chosen = chooseDirectoryConfig(tree.configs, { explicit: options.config !== undefined });
  readResults.push(...chosen.results);
  const functionConfig = await functionConfigOf(options, chosen.config, stderr);
  if (typeof functionConfig === "number") return functionConfig;
  const read = treeItems(tree, functionConfig.config, readResults);
  const loud = options.progress && read.texts.size >= PROGRESS_THRESHOLD
    ? options.progress
    : undefined;
  await loud?.(
    `Read ${read.texts.size} file(s), ${read.items.length} document(s) in ${
      seconds(started)
    } s; rendering`,
  );
  const input: ResourceList = {
    apiVersion: RESOURCE_LIST_API_VERSION,
    kind: "ResourceList",
    items: read.items.map((r) => r.object),
  };
  if (functionConfig.config !== undefined) {
    input.functionConfig = functionConfig.config as KubeObject;
  }
  const rendering = performance.now();
  const { resourceList, report } = renderResourceList(
    input,
    placeholderFree(tree, functionConfig.config) ? { text: "" } : {},
  );
  const generated = renderedFiles(resourceList.items);
  const edits = await editedFiles(read.items, resourceList.items, read.texts);
  await loud?.(
    `Rendered ${resourceList.items.length} resource(s) in ${seconds(rendering)} s`,
  );
  edits.results.push(...editsAtGeneratedPaths(edits, generated));
  const results = capResults([...readResults, ...(resourceList.results ?? []), ...edits.results]);
  const failed = exitCodeOf(results) === 1;
  return { resourceList, report: { ...report, results }, results, read, edits, generated, failed };
}

/**
 * Whether no input can hold a Flux placeholder: no file of the tree holds
 * `${` or a backslash (an escape could spell one) in its path or text, nor
 * does the config. The core is then told so (as for a ResourceList's text,
 * with the empty text) and walks no item looking for one.
 */
function placeholderFree(tree: Tree, config: unknown): boolean {
  for (const file of tree.files) {
    if (textMayHoldPlaceholder(file.path)) return false;
    if (file.text !== undefined && textMayHoldPlaceholder(file.text)) return false;
  }
  return !textMayHoldPlaceholder(JSON.stringify(config ?? null));
}

/** The config the run uses: `--config`, else the one found in DIR, with the overrides merged. */
async function functionConfigOf(
  options: DirectoryOptions,
  found: unknown,
  stderr: Stderr,
): Promise<{ config: unknown } | number> {
  let config: unknown = found;
  if (options.config !== undefined) {
    try {
      config = await parseYaml(await Deno.readTextFile(options.config));
    } catch (error) {
      await stderr(
        `Cannot read config "${displayPath(options.config)}": ${displayPath(message(error))}\n`,
      );
      return 1;
    }
  }
  if (options.configOverrides !== undefined) {
    config = withOverrides(config, options.configOverrides);
  }
  return { config };
}

/** An error for each rewritten input file that is also the output path of generated items. */
function editsAtGeneratedPaths(edits: EditedFiles, generated: Map<string, string>): Result[] {
  return [...edits.files.keys()].filter((path) => generated.has(path)).map((path) =>
    fileError(
      path,
      `Cannot write "${path}": it holds rewritten input documents and is also the output path of generated items; move the input documents to another file or change outputPath`,
    )
  );
}

/** Writes `--report` and `--summary`; false (the message printed) when one cannot be written. */
async function writeReports(
  options: DirectoryOptions,
  report: Report,
  stderr: Stderr,
): Promise<boolean> {
  try {
    if (options.report !== undefined) {
      await writeFileAtomic(options.report, JSON.stringify(report, null, 2) + "\n");
    }
    if (options.summary !== undefined) {
      const { reportMarkdown } = await import("../report_markdown.ts");
      await writeFileAtomic(options.summary, reportMarkdown(report));
    }
    return true;
  } catch (error) {
    await stderr(`Cannot write the report: ${displayPath(message(error))}\n`);
    return false;
  }
}

/** `render` without `--out`: every resource on stdout (YAML documents or a ResourceList); nothing on errors. */
async function printRendered(
  rendered: Rendered,
  format: DirectoryOptions["format"],
): Promise<number> {
  const { resourceList, results, read, edits } = rendered;
  if (rendered.failed) return 1;
  if (format === "resourcelist") {
    await writeAll(Deno.stdout.writable, stringifyYaml({ ...resourceList, results }));
    return 0;
  }
  const textOf = documentTexts(read.items, edits);
  const docs = resourceList.items.map((item) => {
    const path = sourceOf(item)?.path;
    return `${path ? `# Source: ${displayPath(path)}\n` : ""}${textOf(item)}`;
  });
  // The header marks the stream as render output: `render DIR > DIR/x.yaml` is never read back.
  await writeAll(Deno.stdout.writable, RENDER_OUTPUT_HEADER + docs.join("---\n"));
  return 0;
}

/** `render --out`: writes every file (generated and rewritten input files), or nothing on errors. */
async function writeRendered(output: Output, context: OutputContext): Promise<number> {
  if (context.failed) {
    await context.stderr("Wrote nothing: fix the errors above first\n");
    return 1;
  }
  return await writeOutput(output, context);
}

/** The files a run compares with or writes to `outRoot`. */
function outputOf(rendered: Rendered, roots: { root: string; outRoot: string }): Output {
  const { resourceList, report, read, edits } = rendered;
  const expected = new Map(rendered.generated);
  for (const [path, text] of edits.files) expected.set(path, text);
  const { outRoot } = roots;
  return {
    root: outRoot,
    expected,
    edited: edits.files,
    // In place, the tree was just read: its texts give the stale candidates without a second read.
    texts: outRoot === roots.root ? read.texts : undefined,
    boms: read.boms,
    list: () => listYamlFiles(outRoot),
    zones: new Set(
      [
        report.zone,
        ...report.zones.map((zone) => zone.name),
        ...resourceList.items.filter(isOwned).map(zoneOf),
      ].filter(isString),
    ),
  };
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * The first path of the run (DIR, the output, config, report and summary
 * files) that is inside the workspace as written but not once symlinks are
 * resolved, as a message; `undefined` when there is none.
 */
function pathsEscaping(options: DirectoryOptions): string | undefined {
  const workspace = workspaceOf(options.workspace);
  if (typeof workspace === "string") return workspace;
  const paths: [string, string | undefined, boolean][] = [
    ["read", options.dir, false],
    [options.command === "check" ? "check" : "write", options.out, false],
    ["read config", options.config, false],
    ["write", options.report, true],
    ["write", options.summary, true],
  ];
  for (const [verb, path, replaced] of paths) {
    if (path === undefined) continue;
    const problem = escapesWorkspace(workspace, path, { replaced });
    if (problem !== undefined) return `Cannot ${verb} "${displayPath(path)}": ${problem}`;
  }
  return undefined;
}

/**
 * `generate`: prints, as plain multi-document YAML, every item a cluster
 * should receive: local-config items (previews, configuration) are left out.
 * Universal YAML cannot be applied to a cluster, so it is an error. Empty
 * output is an error too: Argo CD would prune every resource of the
 * application.
 */
async function printApplyable(rendered: Rendered, stderr: Stderr): Promise<number> {
  if (rendered.failed) {
    await stderr("Rendered nothing: fix the errors above first\n");
    return 1;
  }
  const items = rendered.resourceList.items;
  const textOf = documentTexts(rendered.read.items, rendered.edits);
  const universal = items.filter(isUniversalObject);
  if (universal.length > 0) {
    const where = universal.slice(0, 3).map((item) => `${item.kind} ${displayRef(refOf(item))}`)
      .join(", ");
    await stderr(
      `Cannot generate Kubernetes manifests: ${universal.length} Universal resource(s) (${where}) cannot be applied to a cluster; render Universal zones with "render --out" instead\n`,
    );
    return 1;
  }
  const docs = items
    .filter((item) => item.metadata?.annotations?.[KRM_ANNOTATION.localConfig] !== "true")
    .filter((item) => !isBuildConfig(item))
    .map(textOf);
  if (docs.length === 0) {
    await stderr(
      "Rendered no resources to apply: refusing to print empty output, which Argo CD would treat as deleting every resource of the application\n",
    );
    return 1;
  }
  await writeAll(Deno.stdout.writable, docs.join("---\n"));
  return 0;
}

/** The config object with `overrides` merged over its fields (a typed config if there was none). */
function withOverrides(base: unknown, overrides: Record<string, unknown>): unknown {
  if (Object.keys(overrides).length === 0) return base;
  if (isObject(base) && base.kind === "ConfigMap") {
    const data = isObject(base.data) ? base.data : {};
    const strings = Object.fromEntries(
      Object.entries(overrides).map((
        [key, value],
      ) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
    return { ...base, data: { ...data, ...strings } };
  }
  if (isObject(base)) return { ...base, ...overrides };
  return {
    apiVersion: CONFIG_API_VERSION,
    kind: CONFIG_KIND,
    metadata: { name: "parameters" },
    ...overrides,
  };
}

/** Progress while reading or writing: a tick for phases of at least {@link PROGRESS_THRESHOLD} files. */
function ticker(
  options: DirectoryOptions,
  verb: string,
): (total: number) => Tick | undefined {
  const { progress, progressEveryMs: everyMs } = options;
  return (total) =>
    progress !== undefined && total >= PROGRESS_THRESHOLD
      ? progressTicker(progress, { verb, total, everyMs })
      : undefined;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function isInside(root: string, path: string): boolean {
  const r = normalize(root);
  const p = normalize(path);
  return r === "." ? !p.startsWith("..") && !p.startsWith("/") : p.startsWith(`${r}/`);
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && parts.length > 0 && parts[parts.length - 1] !== "..") parts.pop();
    else parts.push(part);
  }
  return (path.startsWith("/") ? "/" : "") + (parts.join("/") || ".");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
