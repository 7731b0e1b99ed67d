/**
 * Writes a set of files under one root all together or not at all: every new
 * text is first written to a hidden temporary file beside its target, and
 * only when all of them are on disk are they renamed into place. A failure
 * (or SIGINT/SIGTERM) before that point removes the temporaries and the
 * folders the run created, and leaves the tree as it was. Paths never leave
 * the root and never pass through a symlink, so a link planted in the repo
 * cannot redirect a write. One run at a time writes a root: {@link withOutputLock}
 * holds a lock file there while the run compares, writes and removes.
 *
 * File system calls are synchronous (an awaited call costs about 50 µs, a
 * synchronous one 2-4 µs); each folder is `lstat`ed once per run and listed
 * once when its files are compared ({@link TreeView}), not once per file.
 *
 * @module
 */

import type { RunThread } from "./file_thread.ts";

/** What {@link writeFiles} did. */
export type WriteOutcome =
  | { ok: true; written: string[]; removed: string[] }
  | { ok: false; path: string; message: string };

/** Characters that must not reach a printed line raw: C0, DEL, C1, line and paragraph separators, BOM. */
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;
// deno-lint-ignore no-control-regex
const UNSAFE_ALL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\\]/g;

/**
 * A path (or any name) safe to print on one line: unchanged when it holds no
 * control character, else with backslashes and every control, line-break and
 * BOM character written as an escape (`\n`, `\t`, `\x1b`, `\u2028`), so a
 * file name cannot start a new YAML document or log line.
 *
 * @example
 * ```ts
 * import { displayPath } from "./file_writes.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(displayPath("apps/web.yaml"), "apps/web.yaml");
 * assert.equal(displayPath("a\n---\nkind: Secret.yaml"), "a\\n---\\nkind: Secret.yaml");
 * ```
 */
export function displayPath(path: string): string {
  if (!UNSAFE.test(path)) return path;
  return path.replace(UNSAFE_ALL, (char) => {
    const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" };
    const code = char.charCodeAt(0);
    return named[char] ??
      (code <= 0xff
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}

type Entry = "directory" | "missing" | { problem: string };

/** What a path under a {@link TreeView} is, for a read: a regular file, or nothing there. */
const FILE = "file";
const ABSENT = "absent";

/**
 * A view of the files under one root that never follows a symlink: each
 * folder is checked once and remembered (`lstat` per folder, not per path
 * component per file).
 */
export class TreeView {
  readonly #root: string;
  readonly #folders = new Map<string, Entry>();
  readonly #texts = new Map<string, string | undefined>();
  readonly #listings = new Map<string, ReadonlyMap<string, Deno.DirEntry> | undefined>();

  /**
   * A view of the files under `root`; `known` holds texts this run has already read from it
   * (regular files, read with the same checks), which are then not read again.
   */
  constructor(root: string, known?: ReadonlyMap<string, string>) {
    this.#root = root;
    if (known !== undefined) { for (const [path, text] of known) this.#texts.set(path, text); }
  }

  /** Why a path under the root cannot be used, or `undefined` (also when it does not exist yet). */
  problem(path: string): string | undefined {
    const where = this.#locate(path);
    if (typeof where === "string") return where;
    if (where.missing) return undefined;
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(`${this.#root}/${path}`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      return errorText(error);
    }
    if (info.isSymlink) {
      return `"${displayPath(path)}" is a symlink, and files are never written through symlinks`;
    }
    return info.isFile ? undefined : "it exists and is not a regular file";
  }

  /**
   * A file's text, or `undefined` when absent; throws when the path is
   * unsafe. Read once per view: a view lives for one compare-and-write phase.
   */
  read(path: string): string | undefined {
    if (this.#texts.has(path)) return this.#texts.get(path);
    const text = this.#readOnce(path);
    this.#texts.set(path, text);
    return text;
  }

  /**
   * Reads the files at `paths` that {@link read} would read, ahead and on
   * the run's second thread when there are many (with the same checks and
   * the same decoding): a compare of 20,000 files then waits for no read.
   * A file the thread could not read is read again by {@link read}, which
   * throws as it always has.
   */
  async prefetch(paths: readonly string[], thread: RunThread | undefined): Promise<void> {
    const files = paths.filter((path) => !this.#texts.has(path) && this.#check(path) === FILE);
    const threaded = thread?.for(files.length);
    if (threaded === undefined) return;
    const texts = threaded.read(files.map((path) => `${this.#root}/${path}`), true);
    for (const path of files) {
      let got = texts.next();
      if (got instanceof Promise) got = await got;
      if (typeof got === "string") this.#texts.set(path, got);
      else if (got instanceof Deno.errors.NotFound) this.#texts.set(path, undefined);
    }
  }

  #readOnce(path: string): string | undefined {
    const checked = this.#check(path);
    if (checked === ABSENT) return undefined;
    if (checked !== FILE) throw new Error(`Cannot read "${displayPath(path)}": ${checked.problem}`);
    try {
      return Deno.readTextFileSync(`${this.#root}/${path}`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      return undefined;
    }
  }

  /** Whether `path` is a regular file to read, absent, or why it cannot be read. */
  #check(path: string): typeof FILE | typeof ABSENT | { problem: string } {
    const where = this.#locate(path);
    if (typeof where === "string") return { problem: where };
    if (where.missing) return ABSENT; // A folder on the way does not exist: nothing to read.
    // The folder is listed once: an absent file costs no failed read, a present one no lstat.
    const slash = path.lastIndexOf("/");
    const listing = this.#listing(slash < 0 ? "" : path.slice(0, slash));
    const entry = listing?.get(path.slice(slash + 1));
    if (listing !== undefined && entry === undefined) return ABSENT;
    const problem = entry === undefined ? this.problem(path) : entryProblem(path, entry);
    return problem === undefined ? FILE : { problem };
  }

  /** The entries of one existing folder by name, read once; `undefined` when it cannot be listed. */
  #listing(folder: string): ReadonlyMap<string, Deno.DirEntry> | undefined {
    if (this.#listings.has(folder)) return this.#listings.get(folder);
    let entries: Map<string, Deno.DirEntry> | undefined = new Map();
    try {
      for (
        const entry of Deno.readDirSync(folder === "" ? this.#root : `${this.#root}/${folder}`)
      ) {
        entries.set(entry.name, entry);
      }
    } catch {
      entries = undefined; // Unreadable: each file is then checked on its own, as before.
    }
    this.#listings.set(folder, entries);
    return entries;
  }

  /**
   * True when `path` is at the root or its folder was already seen to be a
   * directory: such a folder has directories all the way up (see #folder).
   */
  #parentKnown(path: string): boolean {
    const slash = path.lastIndexOf("/");
    return slash < 0 || this.#folders.get(path.slice(0, slash)) === "directory";
  }

  /** The folders of `path` that do not exist yet, outermost first (relative to the root). */
  missingFolders(path: string): string[] {
    if (this.#parentKnown(path)) return [];
    const parts = path.split("/").slice(0, -1);
    const missing: string[] = [];
    for (let i = 1; i <= parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (this.#folder(folder) === "missing") missing.push(folder);
    }
    return missing;
  }

  /** Records that the run created `folder`. */
  created(folder: string): void {
    this.#folders.set(folder, "directory");
  }

  /** The file's folders checked: a problem, or whether some folder is still missing. */
  #locate(path: string): string | { missing: boolean } {
    if (path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "")) {
      return "the path leaves the output directory";
    }
    if (this.#parentKnown(path)) return { missing: false };
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const entry = this.#folder(parts.slice(0, i).join("/"));
      if (entry === "missing") return { missing: true };
      if (entry !== "directory") return entry.problem;
    }
    return { missing: false };
  }

  #folder(folder: string): Entry {
    const known = this.#folders.get(folder);
    if (known !== undefined) return known;
    const slash = folder.lastIndexOf("/");
    const parent = slash < 0 ? "directory" : this.#folder(folder.slice(0, slash));
    let entry: Entry;
    if (parent !== "directory") entry = parent;
    else {
      try {
        const info = Deno.lstatSync(`${this.#root}/${folder}`);
        entry = info.isSymlink
          ? {
            problem: `"${
              displayPath(folder)
            }" is a symlink, and files are never written through symlinks`,
          }
          : info.isDirectory
          ? "directory"
          : { problem: `"${displayPath(folder)}" is not a directory` };
      } catch (error) {
        entry = error instanceof Deno.errors.NotFound ? "missing" : { problem: errorText(error) };
      }
    }
    this.#folders.set(folder, entry);
    return entry;
  }
}

/** Why a listed entry cannot be read as a file, or `undefined`. */
function entryProblem(path: string, entry: Deno.DirEntry): string | undefined {
  if (entry.isSymlink) {
    return `"${displayPath(path)}" is a symlink, and files are never written through symlinks`;
  }
  return entry.isFile ? undefined : "it exists and is not a regular file";
}

/** Why a path under the root cannot be used, or `undefined`. */
export function unsafePath(root: string, path: string): string | undefined {
  return new TreeView(root).problem(path);
}

/** A file's text under the root, or `undefined` when absent; refuses symlinks on the way. */
export function readInside(root: string, path: string): string | undefined {
  return new TreeView(root).read(path);
}

/** Undo actions run on SIGINT/SIGTERM before the process exits (temporaries, lock files). */
const onInterrupt = new Set<() => void>();
const SIGNALS: Deno.Signal[] = Deno.build.os === "windows" ? [] : ["SIGINT", "SIGTERM"];

function interrupted(): void {
  for (const undo of [...onInterrupt].reverse()) undo();
  Deno.exit(130);
}

/** Runs `undo` if a signal arrives before the returned release function is called. */
export function guard(undo: () => void): () => void {
  if (onInterrupt.size === 0) {
    for (const signal of SIGNALS) Deno.addSignalListener(signal, interrupted);
  }
  onInterrupt.add(undo);
  return () => {
    onInterrupt.delete(undo);
    if (onInterrupt.size === 0) {
      for (const signal of SIGNALS) Deno.removeSignalListener(signal, interrupted);
    }
  };
}

/** Name of the lock file {@link withOutputLock} holds in the output root. */
export const LOCK_FILE = ".meshservice-krm.lock";

/** Options of {@link withOutputLock}. */
export interface LockOptions {
  /** How long to wait for another run's lock, in milliseconds (default 60 s). */
  waitMs?: number;
}

/**
 * Runs `work` holding `root/.meshservice-krm.lock` (created exclusively):
 * concurrent runs on one output take turns, so none removes a file another
 * is writing or compares against a half-written tree. The root (and its
 * missing parents) are created for the lock and removed again when they are
 * left empty. A lock left by a killed run is reported after `waitMs`, with
 * the file to remove.
 */
export async function withOutputLock<T>(
  root: string,
  work: () => T | Promise<T>,
  options: LockOptions = {},
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  const lock = `${root}/${LOCK_FILE}`;
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  const created: string[] = [];
  const removeCreated = () => {
    for (const folder of created.reverse()) {
      try {
        Deno.removeSync(folder); // Only when empty.
      } catch {
        break;
      }
    }
    created.length = 0;
  };
  const release = () => {
    try {
      Deno.removeSync(lock);
    } catch {
      // Already gone.
    }
    removeCreated();
  };
  const unguard = guard(release);
  try {
    for (let wait = 10;; wait = Math.min(wait * 2, 200)) {
      try {
        createFolders(root, created);
        Deno.writeTextFileSync(lock, `${Deno.pid} ${new Date().toISOString()}\n`, {
          createNew: true,
        });
        break;
      } catch (error) {
        if (
          !(error instanceof Deno.errors.AlreadyExists || error instanceof Deno.errors.NotFound)
        ) {
          removeCreated();
          return {
            ok: false,
            message: `cannot create its lock file "${LOCK_FILE}": ${errorText(error)}`,
          };
        }
      }
      if (Date.now() > deadline) {
        removeCreated();
        return {
          ok: false,
          message:
            `another run is writing it (lock file "${LOCK_FILE}"); if none is running, a killed run left the lock: remove "${lock}"`,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return { ok: true, value: await work() };
  } finally {
    release();
    unguard();
  }
}

/**
 * Creates `path` and its missing parents, outermost first, adding each to
 * `created` as soon as it is made (so a failure part-way still says what
 * to remove).
 */
export function createFolders(path: string, created: string[]): void {
  const missing: string[] = [];
  for (let current = path; current !== "" && current !== "." && current !== "/";) {
    try {
      Deno.lstatSync(current);
      break;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) break; // Not readable: it exists, or mkdir says why.
    }
    missing.unshift(current);
    const slash = current.lastIndexOf("/");
    current = slash < 0 ? "" : current.slice(0, slash);
  }
  for (const folder of missing) {
    try {
      Deno.mkdirSync(folder);
      created.push(folder);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}

/** Options of {@link writeFiles}. */
export interface WriteOptions {
  /** Generated files no longer produced, removed with the writes. */
  remove?: readonly string[];
  /** The view to check paths with (one lstat per folder for the whole run). */
  view?: TreeView;
  /** Given the number of files to write, the tick to call as each is staged (progress lines). */
  progress?:
    | ((total: number) => ((done: number) => Promise<void> | undefined) | undefined)
    | undefined;
}

/**
 * Writes `files` (path relative to `root` → text) and removes
 * `options.remove`, all or nothing. Files whose text is already on disk are
 * left untouched.
 */
export async function writeFiles(
  root: string,
  files: ReadonlyMap<string, string>,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const view = options.view ?? new TreeView(root);
  const remove = options.remove ?? [];
  const changed: [string, string][] = [];
  for (const [path, text] of files) {
    try {
      if (view.read(path) === text) continue;
    } catch (error) {
      const problem = view.problem(path);
      return { ok: false, path, message: problem ?? errorText(error) };
    }
    changed.push([path, text]);
  }
  for (const path of remove) {
    const problem = view.problem(path) ?? commitProblem(root, path);
    if (problem !== undefined) return { ok: false, path, message: problem };
  }
  for (const [path] of changed) {
    const problem = commitProblem(root, path);
    if (problem !== undefined) return { ok: false, path, message: problem };
  }
  const staged = await stage(root, changed, { view, tick: options.progress?.(changed.length) });
  if (!staged.ok) return staged;
  // Everything is on disk: only renames and removals are left, all synchronous, so no signal
  // handler runs in between.
  try {
    for (const [target, temporary] of staged.temporaries) Deno.renameSync(temporary, target);
    for (const path of remove) {
      try {
        Deno.removeSync(`${root}/${path}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error; // Removed already: fine.
      }
    }
  } finally {
    staged.release();
  }
  return { ok: true, written: changed.map(([path]) => path), removed: [...remove] };
}

/**
 * Why renaming a written temporary to `path` (or removing `path`) would
 * fail, found before anything is written, since a failure among the renames
 * would leave some files new and some old: a file name longer than
 * {@link NAME_MAX} bytes (its temporary's name is shortened, so only the
 * rename would fail), or no write permission for that very path (`--deny-write`
 * naming a file).
 */
function commitProblem(root: string, path: string): string | undefined {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name.length * 3 > NAME_MAX && new TextEncoder().encode(name).length > NAME_MAX) {
    return `its file name is longer than ${NAME_MAX} bytes, which most file systems refuse; shorten it (for a generated file: config outputPath or the names it uses)`;
  }
  const target = `${root}/${path}`;
  if (Deno.permissions.querySync({ name: "write", path: target }).state !== "granted") {
    return `no write permission (Requires write access to "${displayPath(target)}")`;
  }
  return undefined;
}

type Staged =
  | { ok: true; temporaries: Map<string, string>; release: () => void }
  | { ok: false; path: string; message: string };

/**
 * Writes every text to a temporary file beside its target, creating folders;
 * undone on failure (and on a signal while a progress line is printed).
 */
async function stage(
  root: string,
  changed: readonly [string, string][],
  options: { view: TreeView; tick: ((done: number) => Promise<void> | undefined) | undefined },
): Promise<Staged> {
  const { view, tick } = options;
  const temporaries = new Map<string, string>(); // target → temporary
  const folders: string[] = [];
  const undo = () => {
    for (const temporary of temporaries.values()) {
      try {
        Deno.removeSync(temporary);
      } catch {
        // Already gone.
      }
    }
    for (const folder of folders.reverse()) {
      try {
        Deno.removeSync(`${root}/${folder}`); // Only when empty.
      } catch {
        // Not empty, or gone.
      }
    }
  };
  const unguard = guard(undo);
  for (const [path, text] of changed) {
    const target = `${root}/${path}`;
    const slash = target.lastIndexOf("/");
    const temporary = `${target.slice(0, slash)}/${temporaryName(target.slice(slash + 1))}`;
    try {
      for (const folder of view.missingFolders(path)) {
        try {
          Deno.mkdirSync(`${root}/${folder}`);
          folders.push(folder);
        } catch (error) {
          if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
        }
        view.created(folder);
      }
      temporaries.set(target, temporary);
      Deno.writeTextFileSync(temporary, text, { createNew: true });
      const printing = tick?.(temporaries.size);
      if (printing !== undefined) await printing;
    } catch (error) {
      undo();
      unguard();
      return { ok: false, path, message: errorText(error) };
    }
  }
  return {
    ok: true,
    temporaries,
    release: () => {
      temporaries.clear();
      folders.length = 0;
      unguard();
    },
  };
}

/** The longest file name most file systems take (bytes). */
const NAME_MAX = 255;

/**
 * A hidden temporary name beside `name`: `.NAME.meshservice-krm-UUID.tmp`,
 * with NAME shortened (on a character boundary) so the whole stays within
 * 255 bytes even when `name` itself is near that limit.
 */
export function temporaryName(name: string): string {
  const suffix = `.meshservice-krm-${crypto.randomUUID()}.tmp`;
  const room = NAME_MAX - 1 - suffix.length;
  const encoder = new TextEncoder();
  let prefix = name;
  while (encoder.encode(prefix).length > room) prefix = [...prefix].slice(0, -1).join("");
  return `.${prefix}${suffix}`;
}

/** Writes one file through a temporary file and a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) : ".";
  const name = slash >= 0 ? path.slice(slash + 1) : path;
  if (dir !== "" && dir !== ".") await Deno.mkdir(dir, { recursive: true });
  const temporary = `${dir}/${temporaryName(name)}`;
  try {
    await Deno.writeTextFile(temporary, text, { createNew: true });
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Deno.errors.NotCapable) {
    const access = error.message.includes("read access") ? "read" : "write";
    return displayPath(`no ${access} permission (${error.message.split(",")[0]})`);
  }
  return displayPath(error instanceof Error ? error.message : String(error));
}
