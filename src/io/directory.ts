/**
 * Directory mode: read a manifest repo (Kubernetes YAML and Universal YAML
 * side by side), render it, then print the result, write the generated files
 * (`--out`), or check that the committed ones are current (`check`).
 *
 * Input items the core rewrites (route and policy references, a Mesh's
 * `meshServices.mode`, reachable-backends annotations) are written back to
 * their files with comments, key order and quoting kept (see
 * {@link editedFiles} and `yaml_edit.ts`, imported only when there is such an
 * item): `render --out OUT` writes the edited file to `OUT/<its path>` (in
 * place when OUT is the input directory), `check` counts it as an expected
 * file, and `render` without `--out` prints the edited document's text.
 * Every text is computed before anything is written; writes are atomic and
 * happen only when the run has no error result.
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
} from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { isBuildConfig } from "../model/manifest.ts";

import { capResults, exitCodeOf } from "../results.ts";
import { render } from "../transform.ts";
import { writeAll } from "./krm_stdio.ts";
import { emitDocument } from "./plain_yaml.ts";
import { displayPath, writeFileAtomic } from "./file_writes.ts";
import {
  checkOutput,
  GENERATED_HEADER,
  notADirectory,
  type Output,
  writeOutput,
  zoneOf,
} from "./directory_output.ts";
import { escapesWorkspace, workspaceOf } from "./workspace.ts";
import { escapeText } from "./terminal.ts";
import { formatResultsCapped } from "./stderr_results.ts";
import { isUniversalObject, toUniversal } from "./universal_format.ts";
import { parseYaml, stringifyYaml } from "./yaml.ts";
import {
  fileError,
  listYamlFiles,
  readDirectoryTree,
  type ReadItem,
  RENDER_OUTPUT_HEADER,
  treeItems,
} from "./directory_read.ts";
import {
  type EditedFiles,
  editedFiles,
  isReaderAnnotation,
  isSafeRelative,
  positionOf,
} from "./directory_edits.ts";

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
  /**
   * The folder reads and writes stay in (default: the current directory): a
   * path inside it whose real path is outside (a symlink) is refused. See
   * `workspace.ts`.
   */
  workspace?: string | undefined;
}

/** Receives progress lines (stderr in the CLI). */
export type Progress = (line: string) => Promise<void>;

/** Directories with at least this many YAML files get progress lines. */
export const PROGRESS_THRESHOLD = 200;

export { GENERATED_HEADER };

export type { ReadItem } from "./directory_read.ts";

/** Runs `render` or `check` on a directory; returns the exit code. */
export async function runDirectory(options: DirectoryOptions): Promise<number> {
  const stderr = (text: string) => writeAll(Deno.stderr.writable, escapeText(text));
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

  const readResults: Result[] = [];
  const started = performance.now();
  const tree = await readDirectoryTree(root, readResults);
  const chosen = chooseDirectoryConfig(tree.configs, { explicit: options.config !== undefined });
  readResults.push(...chosen.results);
  let functionConfig: unknown = chosen.config;
  if (options.config !== undefined) {
    try {
      functionConfig = await parseYaml(await Deno.readTextFile(options.config));
    } catch (error) {
      await stderr(
        `Cannot read config "${displayPath(options.config)}": ${displayPath(message(error))}\n`,
      );
      return 1;
    }
  }
  if (options.configOverrides !== undefined) {
    functionConfig = withOverrides(functionConfig, options.configOverrides);
  }
  const read = treeItems(tree, functionConfig, readResults);
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
  if (functionConfig !== undefined) input.functionConfig = functionConfig as KubeObject;
  const rendering = performance.now();
  const { resourceList, report } = render(input);
  const generated = renderedFiles(resourceList.items);
  const edits = await editedFiles(read.items, resourceList.items, read.texts);
  await loud?.(
    `Rendered ${resourceList.items.length} resource(s) in ${seconds(rendering)} s`,
  );
  for (const path of edits.files.keys()) {
    if (!generated.has(path)) continue;
    edits.results.push(
      fileError(
        path,
        `Cannot write "${path}": it holds rewritten input documents and is also the output path of generated items; move the input documents to another file or change outputPath`,
      ),
    );
  }
  const results = capResults([...readResults, ...(resourceList.results ?? []), ...edits.results]);
  await writeAll(
    Deno.stderr.writable,
    formatResultsCapped(results, {
      colour: options.colour ?? false,
      hint: "--report FILE or --format resourcelist lists them all",
    }),
  );
  try {
    if (options.report !== undefined) {
      await writeFileAtomic(options.report, JSON.stringify({ ...report, results }, null, 2) + "\n");
    }
    if (options.summary !== undefined) {
      const { reportMarkdown } = await import("../report_markdown.ts");
      await writeFileAtomic(options.summary, reportMarkdown({ ...report, results }));
    }
  } catch (error) {
    await stderr(`Cannot write the report: ${displayPath(message(error))}\n`);
    return 1;
  }
  const failed = exitCodeOf(results) === 1;

  if (options.command === "generate") {
    if (failed) {
      await stderr("Rendered nothing: fix the errors above first\n");
      return 1;
    }
    return await writeApplyable(resourceList.items, read.items, edits, stderr);
  }

  if (options.command === "render" && outRoot === undefined) {
    if (failed) return 1;
    if (options.format === "resourcelist") {
      await writeAll(Deno.stdout.writable, stringifyYaml({ ...resourceList, results }));
      return 0;
    }
    const textOf = documentTexts(read.items, edits);
    const docs = resourceList.items.map((item) => {
      const path = item.metadata?.annotations?.[KRM_ANNOTATION.path];
      return `${path ? `# Source: ${displayPath(path)}\n` : ""}${textOf(item)}`;
    });
    // The header marks the stream as render output: `render DIR > DIR/x.yaml` is never read back.
    await writeAll(Deno.stdout.writable, RENDER_OUTPUT_HEADER + docs.join("---\n"));
    return 0;
  }

  const expected = new Map(generated);
  for (const [path, text] of edits.files) expected.set(path, text);
  const outProblem = await notADirectory(outRoot!);
  if (outProblem !== undefined) {
    await stderr(
      `Cannot ${options.command === "check" ? "check" : "write"} "${
        displayPath(outRoot!)
      }": ${outProblem}\n`,
    );
    return 1;
  }
  const output: Output = {
    root: outRoot!,
    expected,
    edited: edits.files,
    // In place, the tree was just read: its texts give the stale candidates without a second read.
    texts: outRoot === root ? read.texts : undefined,
    list: () => listYamlFiles(outRoot!),
    zones: new Set(
      [
        report.zone,
        ...report.zones.map((zone) => zone.name),
        ...resourceList.items.filter(isOwned).map(zoneOf),
      ].filter(isString),
    ),
  };
  const context = { dir: options.dir, colour: options.colour ?? false, failed, stderr };
  if (options.command === "check") return await checkOutput(output, context);
  if (failed) {
    await stderr("Wrote nothing: fix the errors above first\n");
    return 1;
  }
  return await writeOutput(output, context);
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
 * Prints, as plain multi-document YAML, every item a cluster should receive:
 * local-config items (previews, configuration) are left out. Universal YAML
 * cannot be applied to a cluster, so it is an error. Empty output is an error
 * too: Argo CD would prune every resource of the application.
 */
async function writeApplyable(
  items: readonly KubeObject[],
  readItems: readonly ReadItem[],
  edits: EditedFiles,
  stderr: (text: string) => Promise<void>,
): Promise<number> {
  const textOf = documentTexts(readItems, edits);
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

/**
 * How each output item prints: a rewritten input item as its edited text, an
 * input item whose only changes were reader annotations as it was read, a
 * generated item without reader annotations.
 */
function documentTexts(
  readItems: readonly ReadItem[],
  edits: EditedFiles,
): (item: KubeObject) => string {
  const originals = new Map(readItems.map((r) => [r.object, r.original]));
  const byPosition = new Map(readItems.map((r) => [positionOf(r.object), r]));
  return (item) => {
    const edited = edits.documents.get(item);
    if (edited !== undefined) return edited;
    if (originals.has(item)) return stringifyYaml(originals.get(item));
    const position = positionOf(item);
    const unchanged = isOwned(item) || position === undefined
      ? undefined
      : byPosition.get(position);
    return unchanged ? stringifyYaml(unchanged.original) : documentOf(item);
  };
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

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

/** The files the generated items belong in, keyed by package-relative path. */
function renderedFiles(items: readonly KubeObject[]): Map<string, string> {
  const byPath = new Map<string, { index: number; text: string }[]>();
  for (const item of items) {
    if (!isOwned(item)) continue;
    const annotations = item.metadata?.annotations ?? {};
    const path = annotations[KRM_ANNOTATION.path];
    if (path === undefined || !isSafeRelative(path)) continue;
    const index = Number.parseInt(annotations[KRM_ANNOTATION.index] ?? "0", 10) || 0;
    const list = byPath.get(path) ?? [];
    list.push({ index, text: documentOf(item) });
    byPath.set(path, list);
  }
  const files = new Map<string, string>();
  for (const path of [...byPath.keys()].sort()) {
    const docs = byPath.get(path)!.sort((a, b) => a.index - b.index).map((d) => d.text);
    files.set(path, GENERATED_HEADER + docs.join("---\n"));
  }
  return files;
}

/** A generated item as written to a file: Universal form when its source was, orchestrator annotations removed. */
function documentOf(item: KubeObject): string {
  const annotations = { ...(item.metadata?.annotations ?? {}) };
  for (const key of Object.keys(annotations)) {
    if (isReaderAnnotation(key)) delete annotations[key];
  }
  if (isUniversalObject(item)) return stringifyYaml(toUniversal(item));
  const metadata = { ...item.metadata, annotations };
  if (Object.keys(annotations).length === 0) {
    delete (metadata as Record<string, unknown>).annotations;
  }
  // kpt's layout (kyaml), so a package rendered by kpt is up to date for check.
  return emitDocument({ ...item, metadata });
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
