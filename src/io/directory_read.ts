/**
 * Directory mode's reader: which files of a manifest repository are read,
 * and what each document becomes. Real repositories hold more than
 * manifests; the rule for documents is `model/manifest.ts`, and around it:
 *
 * - hidden entries, `node_modules` and symlinks are never read;
 * - `.krmignore` at the directory root (gitignore syntax, as kpt reads it)
 *   and the config key `exclude` (globs) leave files and folders out;
 * - a folder holding `Chart.yaml` is a Helm chart: skipped as a whole (its
 *   templates are not YAML until Helm renders them);
 * - a folder holding a kustomization is read as plain files, with one info
 *   result saying so; the files its kustomization names as patches are not
 *   read as resources;
 * - this tool's own printed output (`render DIR > DIR/x.yaml`) is recognised
 *   by its first line and never read back.
 *
 * Every file or folder skipped is named in exactly one info result.
 * Invalid YAML stays an error (it may hide a manifest) unless the file is
 * excluded.
 *
 * @module
 */

import { CONFIG_API_VERSION, CONFIG_KIND, parseConfig } from "../config.ts";
import { isObject, type KubeObject, type Result, withSource } from "../model/krm.ts";
import {
  classifyDocument,
  HELM_CHART_FILE,
  KUSTOMIZATION_FILE_NAMES,
  patchFilesOf,
} from "../model/manifest.ts";
import { excludeMatcher, type KrmIgnore, parseKrmIgnore } from "../model/path_patterns.ts";
import { REASON } from "../results.ts";
import type { Tick } from "./directory_progress.ts";
import { readHere, type RunThread, type TextQueue } from "./file_thread.ts";
import { fromUniversal } from "./universal_format.ts";
import { readDocuments, YamlSyntaxError } from "./yaml.ts";

/** First line of what `render` prints: a file starting with it is never read as input. */
export const RENDER_OUTPUT_HEADER =
  "# Rendered by meshservice-krm: render output, not an input (directory mode never reads it back)\n";

/** One document read from the tree. */
export interface ReadItem {
  /** The object the core gets: Universal documents converted, path and index annotations added. */
  object: KubeObject;
  /** The document as written in the file (Universal YAML stays Universal). */
  original: unknown;
}

/** One YAML file found and parsed (or not). */
interface FileRead {
  path: string;
  /** The text, without the byte order mark it may start with. */
  text?: string;
  /** Whether the file starts with a byte order mark (dropped from {@link text}). */
  bom?: boolean;
  docs?: unknown[];
  /** Why it could not be read or parsed. */
  error?: Result;
}

/** Phase one: the files found, parsed, and the config object found among them. */
export interface Tree {
  files: FileRead[];
  /** The `RenderMeshServices` object of the directory (the first found), positioned like an item. */
  config: unknown;
  /** The file holding {@link Tree.config}. */
  configPath: string | undefined;
  /** Every `RenderMeshServices` object found, in path order (a run takes exactly one). */
  configs: unknown[];
  /** Kustomize roots (folder of each kustomization file) and the patch files they name. */
  kustomizations: { file: string; patches: string[] }[];
}

/** What the core reads: items, file texts and the results of reading. */
export interface TreeItems {
  items: ReadItem[];
  texts: Map<string, string>;
  /** The files of {@link texts} that start with a byte order mark (not in their text). */
  boms: Set<string>;
}

/** Options of {@link readDirectoryTree}. */
export interface TreeReadOptions {
  /** Given the number of files found, the tick to call as each one is read. */
  progress?: ((total: number) => Tick | undefined) | undefined;
  /** The run's second thread: a large tree is read there while this one parses. */
  thread?: RunThread | undefined;
}

/**
 * Walks `root` and parses every YAML file that is not left out; results
 * name each skipped file or folder once.
 */
export async function readDirectoryTree(
  root: string,
  results: Result[],
  options: TreeReadOptions = {},
): Promise<Tree> {
  const ignore = readKrmIgnore(root, results);
  const paths = walk({ root, dir: "", ignore, results });
  const files: FileRead[] = [];
  const configs: unknown[] = [];
  let configPath: string | undefined;
  const tick = options.progress?.(paths.length);
  const texts = textsOf(paths.map((path) => `${root}/${path}`), options.thread);
  for (const path of paths) {
    let got = texts.next();
    if (got instanceof Promise) got = await got;
    const file = fileRead(path, got);
    files.push(file);
    const printing = tick?.(files.length);
    if (printing !== undefined) await printing;
    file.docs?.forEach((doc, index) => {
      if (isObject(doc) && doc.kind === CONFIG_KIND && doc.apiVersion === CONFIG_API_VERSION) {
        configs.push(withSource(doc, { path, index }));
        configPath ??= path;
      }
    });
  }
  const config = configs[0];
  const kustomizations = files
    .filter((f) => KUSTOMIZATION_FILE_NAMES.includes(basename(f.path)))
    .map((f) => ({
      file: f.path,
      patches: (f.docs ?? []).flatMap((doc) => patchFilesOf(f.path, doc)),
    }));
  return { files, config, configPath, configs, kustomizations };
}

/**
 * Phase two, once the config is known: the items of every file not
 * excluded by config `exclude`, with an info result per file that is not
 * read (excluded, a kustomize patch, render output, or holding no manifest)
 * and one per kustomize root.
 */
export function treeItems(tree: Tree, functionConfig: unknown, results: Result[]): TreeItems {
  const parsed = parseConfig(functionConfig);
  const excluded = excludeMatcher(parsed.ok ? parsed.config.exclude : []);
  const patches = new Map<string, string>();
  for (const k of tree.kustomizations) for (const p of k.patches) patches.set(p, k.file);
  const items: ReadItem[] = [];
  const texts = new Map<string, string>();
  const boms = new Set<string>();
  const isKustomization = (path: string) => KUSTOMIZATION_FILE_NAMES.includes(basename(path));
  for (const file of tree.files) {
    const glob = file.path === tree.configPath ? undefined : excluded(file.path);
    if (glob !== undefined) {
      results.push(skipped(file.path, `Skipped "${file.path}": config exclude "${glob}"`));
      continue;
    }
    if (file.error) {
      results.push(file.error);
      continue;
    }
    if (patches.has(file.path) || file.text === undefined || file.docs === undefined) continue;
    if (file.text.startsWith(RENDER_OUTPUT_HEADER)) {
      results.push(skipped(
        file.path,
        `Skipped "${file.path}": it is this tool's printed render output, never an input (write generated files with render --out instead, or print outside the directory)`,
        REASON.renderOutput,
      ));
      continue;
    }
    texts.set(file.path, file.text);
    if (file.bom) boms.add(file.path);
    const kustomization = isKustomization(file.path);
    const notManifests: string[] = [];
    file.docs.forEach((doc, index) => {
      if (isObject(doc) && doc.kind === CONFIG_KIND && doc.apiVersion === CONFIG_API_VERSION) {
        return;
      }
      const kind = classifyDocument(doc);
      if (kind.class === "not-a-manifest") {
        notManifests.push(kind.what);
        return;
      }
      const object = kind.class === "universal"
        ? fromUniversal(doc as Record<string, unknown>)
        : doc as KubeObject;
      items.push({ object: withSource(object, { path: file.path, index }), original: doc });
    });
    if (notManifests.length > 0 && !kustomization) {
      results.push(notManifestResult(file.path, notManifests, file.docs.length));
    }
  }
  for (const k of tree.kustomizations) {
    if (excluded(k.file) !== undefined) continue;
    results.push(kustomizeRootResult(k.file, k.patches));
  }
  return { items, texts, boms };
}

function notManifestResult(path: string, kinds: readonly string[], total: number): Result {
  const what = [...new Set(kinds)].join("; ");
  const subject = kinds.length === total
    ? `"${path}"`
    : `${kinds.length} of the ${total} documents of "${path}"`;
  return skipped(
    path,
    `Skipped ${subject}: not a Kubernetes manifest (${what}); list it in .krmignore or config exclude to leave it out`,
    REASON.notAManifest,
  );
}

function kustomizeRootResult(file: string, patches: readonly string[]): Result {
  const folder = dirname(file) || ".";
  const listed = patches.length === 0
    ? ""
    : `; the patches it names (${patches.slice(0, 5).map((p) => `"${p}"`).join(", ")}${
      patches.length > 5 ? ` and ${patches.length - 5} more` : ""
    }) are not read as resources`;
  return skipped(
    file,
    `Read kustomize root "${folder}" as plain files: kustomize may rename or re-namespace these objects (namePrefix, namespace, patches), and the MeshServices here follow the files as written${listed}; for exactly what kustomize builds, run meshservice-krm as a kustomize transformer`,
    REASON.kustomizeRoot,
  );
}

function skipped(path: string, message: string, reason: string = REASON.excluded): Result {
  return { message, severity: "info", file: { path }, tags: { reason } };
}

/** Reads `.krmignore` at the root, when there is one. */
function readKrmIgnore(root: string, results: Result[]): KrmIgnore | undefined {
  let text: string;
  try {
    const info = Deno.lstatSync(`${root}/.krmignore`);
    if (!info.isFile) return undefined;
    text = Deno.readTextFileSync(`${root}/.krmignore`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    results.push(fileError(".krmignore", `Cannot read ".krmignore": ${message(error)}`));
    return undefined;
  }
  return parseKrmIgnore(text);
}

interface WalkOptions {
  root: string;
  dir: string;
  ignore: KrmIgnore | undefined;
  results: Result[];
}

/**
 * YAML files under `dir`, sorted; skipped entries are reported (sync calls,
 * one readDir a folder). A folder is listed before it is looked at: its
 * listing tells whether it is a Helm chart (no `lstat` of `Chart.yaml`) and
 * is the one walked into.
 */
function walk(options: WalkOptions, listed?: Deno.DirEntry[]): string[] {
  const { root, dir, ignore, results } = options;
  const entries = listed ?? sortedEntries(root, dir);
  if (listed === undefined && isHelmChart(entries)) {
    results.push(helmChartResult(dir));
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (neverRead(entry.name)) continue;
    if (entry.isSymlink) {
      results.push({
        message: `Skipped symlink "${path}": directory mode never follows symlinks`,
        severity: "info",
        file: { path },
        tags: { reason: REASON.invalidInput },
      });
      continue;
    }
    const yaml = entry.isFile && /\.ya?ml$/.test(entry.name);
    if (!entry.isDirectory && !yaml) continue;
    const inner = entry.isDirectory ? listing(root, path) : undefined;
    // A chart is named as one, even when .krmignore leaves it out too.
    if (
      Array.isArray(inner)
        ? isHelmChart(inner)
        : inner instanceof Error && holdsHelmChart(root, path)
    ) {
      results.push(helmChartResult(path));
      continue;
    }
    const line = ignore?.ignores(path, entry.isDirectory);
    if (line !== undefined) {
      results.push(
        skipped(path, `Skipped "${path}${entry.isDirectory ? "/" : ""}": .krmignore "${line}"`),
      );
      continue;
    }
    if (inner instanceof Error) throw inner; // Cannot be listed, and not left out.
    if (inner !== undefined) files.push(...walk({ ...options, dir: path }, inner));
    else files.push(path);
  }
  return files;
}

/** A folder's sorted entries, or why it cannot be listed. */
function listing(root: string, dir: string): Deno.DirEntry[] | Error {
  try {
    return sortedEntries(root, dir);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function isHelmChart(entries: readonly Deno.DirEntry[]): boolean {
  return entries.some((e) => e.name === HELM_CHART_FILE && e.isFile);
}

/** Whether `dir` holds `Chart.yaml`, for a folder that cannot be listed. */
function holdsHelmChart(root: string, dir: string): boolean {
  try {
    return Deno.lstatSync(`${root}/${dir}/${HELM_CHART_FILE}`).isFile;
  } catch {
    return false;
  }
}

/**
 * The YAML files under `dir` of `root` (package-relative, sorted), with none
 * of the reader's rules but the first: hidden entries, `node_modules` and
 * symlinks are skipped, silently. For listing an output tree.
 */
export function listYamlFiles(root: string, dir = ""): Promise<string[]> {
  return Promise.resolve(yamlFilesUnder(root, dir));
}

function yamlFilesUnder(root: string, dir: string): string[] {
  const files: string[] = [];
  for (const entry of sortedEntries(root, dir)) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (neverRead(entry.name) || entry.isSymlink) continue;
    if (entry.isDirectory) files.push(...yamlFilesUnder(root, path));
    else if (entry.isFile && /\.ya?ml$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** The entries of `dir` (relative to `root`, `""` for the root itself), sorted by name. */
function sortedEntries(root: string, dir: string): Deno.DirEntry[] {
  const entries: Deno.DirEntry[] = [];
  for (const entry of Deno.readDirSync(dir === "" ? root : `${root}/${dir}`)) entries.push(entry);
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Hidden entries and `node_modules` are never read, nor listed. */
function neverRead(name: string): boolean {
  return name.startsWith(".") || name === "node_modules";
}

function helmChartResult(dir: string): Result {
  return skipped(
    dir === "" ? HELM_CHART_FILE : `${dir}/${HELM_CHART_FILE}`,
    `Skipped Helm chart "${
      dir === "" ? "." : dir
    }" (it holds ${HELM_CHART_FILE}): its templates are manifests only once Helm renders them; render them through Helm with "--post-renderer" running "meshservice-krm helm-post-renderer"`,
    REASON.helmChart,
  );
}

/**
 * The texts of `files`, in order: read on the run's thread when there are
 * enough of them, else here, one at a time as they are asked for.
 */
function textsOf(files: readonly string[], thread: RunThread | undefined): TextQueue {
  const threaded = thread?.for(files.length);
  if (threaded !== undefined) return threaded.read(files);
  let at = 0;
  return { next: () => readHere(files[at++]!) };
}

/** A file read (its text, or the error reading it threw), parsed. */
function fileRead(path: string, read: string | Error): FileRead {
  if (read instanceof Error) return { path, error: fileError(path, unreadable(path, read)) };
  const bom = read.charCodeAt(0) === 0xfeff;
  const text = bom ? read.slice(1) : read;
  if (text.startsWith(RENDER_OUTPUT_HEADER)) return { path, text, bom, docs: [] };
  try {
    // As parseYamlStream reads a stream (empty documents dropped), without a promise per file.
    const docs = readDocuments(text).filter((doc) => doc !== null && doc !== undefined);
    return { path, text, bom, docs };
  } catch (error) {
    const line = error instanceof YamlSyntaxError && error.line ? ` at line ${error.line}` : "";
    return {
      path,
      error: fileError(
        path,
        `Cannot parse "${path}" as YAML${line}: ${
          message(error)
        } (exclude it with .krmignore or config exclude if it is not a manifest)`,
      ),
    };
  }
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function dirname(path: string): string {
  const at = path.lastIndexOf("/");
  return at === -1 ? "" : path.slice(0, at);
}

/** An `InvalidInput` error about the file `path` (and its document `index`, when one is given). */
export function fileError(path: string, text: string, index?: number): Result {
  return {
    message: text,
    severity: "error",
    file: index ? { path, index } : { path },
    tags: { reason: REASON.invalidInput },
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a listed file cannot be read: a name that is not UTF-8 cannot be opened by its (lossy) name. */
function unreadable(path: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound && path.includes("\ufffd")) {
    return `Cannot read "${
      path.replaceAll("\ufffd", "\\ufffd")
    }": the file name is not valid UTF-8 (shown with \\ufffd); rename the file`;
  }
  return `Cannot read "${path}": ${
    error instanceof TypeError ? "it is not valid UTF-8" : message(error)
  }`;
}
