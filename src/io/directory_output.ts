/**
 * Directory mode's output side: `check` compares the rendered files with an
 * output root and prints a diff of the stale ones; `render --out` writes
 * them all or none, under the output's lock, and removes generated files no
 * longer rendered. A generated file in the root that belongs to a zone the
 * run does not render makes the run refuse the layout (two zones sharing one
 * output directory would delete and overwrite each other's files).
 *
 * @module
 */

import { isObject, type KubeObject } from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { GENERATED_COMMENT, GENERATED_KINDS } from "../model/tool.ts";
import { unifiedDiff } from "./diff.ts";
import { fileError } from "./directory_read.ts";
import type { Tick } from "./directory_progress.ts";
import type { RunThread } from "./file_thread.ts";
import {
  displayPath,
  TreeView,
  withOutputLock,
  writeFiles,
  type WriteOutcome,
} from "./file_writes.ts";
import { writeFreshOutput } from "./fresh_output.ts";
import { writeAll } from "./krm_stdio.ts";
import { formatResults } from "./terminal.ts";
import { isUniversalDocument, UNIVERSAL_OWNER_LABEL } from "./universal_format.ts";
import { parseYamlStream } from "./yaml.ts";

/** Header of every file this tool writes. */
export const GENERATED_HEADER = `# ${GENERATED_COMMENT}\n`;

/** The files a run compares with or writes to its output root. */
export interface Output {
  root: string;
  expected: Map<string, string>;
  /** Rewritten input files, by path (a subset of {@link expected}). */
  edited: ReadonlyMap<string, string>;
  /** The texts of the YAML files under the root when the root is the input directory. */
  texts: ReadonlyMap<string, string> | undefined;
  /** The files of {@link texts} that start with a byte order mark, which their text leaves out. */
  boms: ReadonlySet<string>;
  /** The YAML files under the root (when {@link texts} is not given). */
  list: () => Promise<string[]>;
  /** The zones this run renders: a generated file labelled with another zone is not ours. */
  zones: ReadonlySet<string>;
}

/** What {@link checkOutput} and {@link writeOutput} report to. */
export interface OutputContext {
  /** DIR as given (for the advice to run render). */
  dir: string;
  colour: boolean;
  failed: boolean;
  stderr: (text: string) => Promise<void>;
  /** Given the number of files to write, the tick to call as each is written (progress lines). */
  writing?: ((total: number) => Tick | undefined) | undefined;
  /** The run's second thread, for writing a large fresh output and reading a large existing one. */
  thread?: RunThread | undefined;
}

/** `check`: a diff of every stale file on stdout; exit 1 when there is one. */
export async function checkOutput(output: Output, context: OutputContext): Promise<number> {
  const { failed, stderr } = context;
  // `check` only reads: the texts the run read from the tree are the files it compares with, but
  // for those with a byte order mark (their text leaves it out; `render` writes the file again).
  const view = new TreeView(output.root, withoutBoms(output.texts, output.boms));
  const found = await staleFiles(output, view);
  if (typeof found === "string") {
    await stderr(`Cannot check "${displayPath(output.root)}": ${found}\n`);
    return 1;
  }
  let drift = 0;
  let rewrittenDrift = 0;
  const diffs: string[] = [];
  const current = async (path: string) => {
    try {
      return view.read(path);
    } catch (error) {
      await stderr(`[error] ${displayPath(path)}: ${message(error)}\n`);
      return undefined;
    }
  };
  for (const [path, text] of output.expected) {
    const now = await current(path);
    if (now === text) continue;
    drift++;
    if (output.edited.has(path)) rewrittenDrift++;
    diffs.push(unifiedDiff(displayPath(path), now ?? "", text));
  }
  for (const path of found) {
    drift++;
    diffs.push(unifiedDiff(displayPath(path), (await current(path)) ?? "", ""));
  }
  if (diffs.length > 0) await writeAll(Deno.stdout.writable, diffs.join(""));
  const outRoot = displayPath(output.root);
  if (drift > 0) {
    const rewritten = rewrittenDrift > 0
      ? ` (${rewrittenDrift} of them input file(s) with rewritten documents)`
      : "";
    await stderr(
      `${drift} rendered file(s) in "${outRoot}" are stale${rewritten}: run "render ${
        displayPath(context.dir)
      } --out ${outRoot}"\n`,
    );
    return 1;
  }
  if (!failed) {
    await stderr(
      `Rendered files in "${outRoot}" are up to date (${output.expected.size} file(s))\n`,
    );
  }
  return failed ? 1 : 0;
}

/** `texts` without the files that start with a byte order mark. */
function withoutBoms(
  texts: ReadonlyMap<string, string> | undefined,
  boms: ReadonlySet<string>,
): ReadonlyMap<string, string> | undefined {
  if (texts === undefined || boms.size === 0) return texts;
  return new Map([...texts].filter(([path]) => !boms.has(path)));
}

/** `render --out`: every file written and every stale one removed, or none, holding the output's lock. */
export async function writeOutput(output: Output, context: OutputContext): Promise<number> {
  const { stderr } = context;
  const outRoot = displayPath(output.root);
  // Every text is final here: all files are written, or none. A new OUT is written whole.
  const fresh = await writeFreshOutput(output.root, output.expected, {
    thread: context.thread,
    progress: context.writing,
  });
  const outcome: WriteOutcome | { ok: false; path: undefined; message: string } =
    fresh !== undefined
      ? { ok: true, written: fresh, removed: [] }
      : await lockedWrite(output, context);
  if (!outcome.ok) {
    const path = outcome.path;
    await stderr(
      formatResults(
        [
          path === undefined
            ? { message: `Cannot write "${outRoot}": ${outcome.message}`, severity: "error" }
            : fileError(path, `Cannot write "${displayPath(path)}": ${outcome.message}`),
        ],
        { colour: context.colour },
      ),
    );
    await stderr(`Wrote nothing under "${outRoot}": the tree is as it was\n`);
    return 1;
  }
  const rewritten = outcome.written.filter((path) => output.edited.has(path)).length;
  await stderr(
    `Wrote ${outcome.written.length} file(s) (${rewritten} rewritten input file(s)), removed ${outcome.removed.length} stale file(s) under "${outRoot}"\n`,
  );
  return 0;
}

/** The writes of `render --out` to an existing output (or when the fresh path does not apply). */
async function lockedWrite(
  output: Output,
  context: OutputContext,
): Promise<WriteOutcome | { ok: false; path: undefined; message: string }> {
  const locked = await withOutputLock(output.root, async () => {
    const view = new TreeView(output.root);
    // Read under the lock (a file may have changed since the tree was read), on the second
    // thread for a large output.
    await view.prefetch([...output.expected.keys()], context.thread);
    const stale = await staleFiles(output, view);
    if (typeof stale === "string") return { ok: false as const, path: undefined, message: stale };
    return await writeFiles(output.root, output.expected, {
      remove: stale,
      view,
      progress: context.writing,
    });
  });
  return locked.ok ? locked.value : { ok: false, path: undefined, message: locked.message };
}

/** Why `path` cannot be the output root (it exists and is not a directory), or `undefined`. */
export async function notADirectory(path: string): Promise<string | undefined> {
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink) {
      return (await Deno.stat(path)).isDirectory ? undefined : "not a directory";
    }
    return info.isDirectory ? undefined : "not a directory";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    return message(error);
  }
}

/**
 * Files under the output root that hold only generated documents and are no
 * longer rendered; or why the root cannot be used: a generated file there
 * (stale, or at a path this run writes) belongs to a zone this run does not
 * render, which happens when two zones share one output directory (each
 * would delete and overwrite the other's files), so the layout is refused.
 */
async function staleFiles(output: Output, view: TreeView): Promise<string[] | string> {
  const stale: string[] = [];
  let candidates: string[];
  try {
    candidates = output.texts !== undefined ? [...output.texts.keys()] : await output.list();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return []; // Not written yet.
    return message(error);
  }
  for (const path of candidates) {
    const expected = output.expected.get(path);
    let text: string | undefined;
    try {
      text = expected === undefined ? output.texts?.get(path) ?? view.read(path) : view.read(path);
    } catch {
      continue; // Not a regular file: never removed; a write there reports it.
    }
    if (text === undefined || text === expected || !text.startsWith(GENERATED_HEADER)) continue;
    let docs: unknown[];
    try {
      docs = await parseYamlStream(text);
    } catch {
      continue;
    }
    const owned = docs.length > 0 &&
      docs.every((doc) =>
        isUniversalDocument(doc)
          ? GENERATED_KINDS.includes(String(doc.type)) && isObject(doc.labels) &&
            doc.labels[UNIVERSAL_OWNER_LABEL] === "meshservice-krm"
          : isObject(doc) && isOwned(doc as KubeObject)
      );
    if (!owned) continue;
    const foreign = docs.map(zoneOf).find((zone) => zone !== undefined && !output.zones.has(zone));
    if (foreign !== undefined) {
      return `"${displayPath(path)}" was generated for zone "${
        displayPath(foreign)
      }", which this run does not render: give each zone its own output directory (zones sharing one delete and overwrite each other's files), or delete the file if the zone was renamed`;
    }
    if (expected === undefined) stale.push(path);
  }
  return stale;
}

/** The `kuma.io/zone` label of a generated document (Kubernetes or Universal), if any. */
export function zoneOf(doc: unknown): string | undefined {
  if (!isObject(doc)) return undefined;
  const metadata: unknown = doc.metadata;
  const labels = isUniversalDocument(doc)
    ? doc.labels
    : isObject(metadata)
    ? metadata.labels
    : undefined;
  const zone = isObject(labels) ? labels["kuma.io/zone"] : undefined;
  return typeof zone === "string" ? zone : undefined;
}

/** An error's message on one line (control characters escaped). */
function message(error: unknown): string {
  return displayPath(error instanceof Error ? error.message : String(error));
}
