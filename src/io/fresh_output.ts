/**
 * `render --out OUT` when OUT does not exist yet: every file is written into
 * one hidden staging folder beside OUT (`.OUT.meshservice-krm-UUID.tmp`),
 * which is then renamed to OUT at once. The fresh output appears whole or not
 * at all, as with the per-file staging of `file_writes.ts`, without a
 * temporary name and a rename per file. On a large output the run's second
 * thread writes half of the files while this one writes the other half.
 *
 * This path is taken only when it ends exactly where the per-file one would:
 * the process may write every final path and the lock file and read every
 * folder (Deno's permission query, so `--allow-write=LIST` and `--deny-write`
 * are honoured as they would be for the per-file writes), and OUT still does
 * not exist when the staging folder is renamed. Anything else (a permission,
 * a failed write, OUT created meanwhile by another run) removes the staging
 * folder and every folder made for it, and the caller writes through the
 * per-file path, which then succeeds or reports the failure as it always has.
 *
 * @module
 */

import type { Tick } from "./directory_progress.ts";
import { createFolders, guard, LOCK_FILE, temporaryName } from "./file_writes.ts";
import type { RunThread, WriteShare } from "./file_thread.ts";

/** Options of {@link writeFreshOutput}. */
export interface FreshOptions {
  /** The run's second thread: an output of enough files is written by both threads. */
  thread?: RunThread | undefined;
  /** Given the number of files to write, the tick to call as each is written (progress lines). */
  progress?: ((total: number) => Tick | undefined) | undefined;
}

/**
 * Writes `files` (path relative to `root` → text) as a new folder `root`;
 * the paths written, or `undefined` when this path does not apply or did not
 * finish (nothing is left behind then: see the module documentation).
 */
export async function writeFreshOutput(
  root: string,
  files: ReadonlyMap<string, string>,
  options: FreshOptions = {},
): Promise<string[] | undefined> {
  const slash = root.lastIndexOf("/");
  const name = root.slice(slash + 1);
  const parent = slash < 0 ? "." : slash === 0 ? "/" : root.slice(0, slash);
  if (files.size === 0 || name === "" || name === "." || name === "..") return undefined;
  if (!absent(root)) return undefined;
  const folders = foldersOf(files.keys());
  if (folders === undefined || !mayUse(root, folders)) return undefined;
  const created: string[] = [];
  const staging = `${parent === "/" ? "" : parent}/${temporaryName(name)}`;
  let share: WriteShare | undefined;
  let made = false;
  const undo = () => {
    share?.stop();
    try {
      if (made) Deno.removeSync(staging, { recursive: true });
    } catch {
      // Gone already.
    }
    for (const folder of created.reverse()) {
      try {
        Deno.removeSync(folder); // Only when empty.
      } catch {
        break;
      }
    }
  };
  const unguard = guard(undo);
  try {
    createFolders(parent, created);
    Deno.mkdirSync(staging);
    made = true;
    for (const folder of folders) Deno.mkdirSync(`${staging}/${folder}`);
    const all = [...files];
    // Asked per file only when some path may be refused (`--allow-write=LIST`, `--deny-write`).
    const anywhere = writesAnywhere();
    const threaded = options.thread?.for(all.length);
    // The second thread takes the second half; this one writes the first while it runs.
    const mine = threaded === undefined ? all.length : Math.ceil(all.length / 2);
    const theirs = all.slice(mine);
    share = threaded?.write(
      theirs.map(([path, text]) => [`${staging}/${path}`, text] as const),
      anywhere ? undefined : theirs.map(([path]) => `${root}/${path}`),
    );
    const ok = await writeShare(all.slice(0, mine), {
      root: anywhere ? undefined : root,
      staging,
      tick: options.progress?.(all.length),
      others: share,
    });
    if (!ok || (share !== undefined && (await share.done) !== undefined)) {
      undo();
      return undefined;
    }
    Deno.renameSync(staging, root);
    return all.map(([path]) => path);
  } catch {
    undo();
    return undefined;
  } finally {
    unguard();
  }
}

/** Writes this thread's share into the staging folder; false when a final path may not be written. */
async function writeShare(
  files: readonly [string, string][],
  at: {
    /** OUT, when each final path must be asked for (else `undefined`). */
    root: string | undefined;
    staging: string;
    tick: Tick | undefined;
    others: WriteShare | undefined;
  },
): Promise<boolean> {
  const { root, staging, tick, others } = at;
  for (let i = 0; i < files.length; i++) {
    const [path, text] = files[i]!;
    if (root !== undefined && !granted("write", `${root}/${path}`)) return false;
    Deno.writeTextFileSync(`${staging}/${path}`, text, { createNew: true });
    const printing = tick?.(i + 1 + (others?.written() ?? 0));
    if (printing !== undefined) await printing;
  }
  return true;
}

/** Whether `path` does not exist (false when it exists or cannot be looked at). */
function absent(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return false;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}

/**
 * Every folder of `paths`, parents before children; `undefined` when a path
 * is not a plain relative path (the per-file path refuses it with its message).
 */
function foldersOf(paths: Iterable<string>): string[] | undefined {
  const folders = new Set<string>();
  for (const path of paths) {
    if (path.startsWith("/") || path.split("/").some((p) => p === "" || p === "." || p === "..")) {
      return undefined;
    }
    for (let at = path.indexOf("/"); at >= 0; at = path.indexOf("/", at + 1)) {
      folders.add(path.slice(0, at));
    }
  }
  return [...folders].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
}

/**
 * Whether the per-file path would have the permissions it uses besides the
 * files' own writes: reading OUT and each folder under it (it lists and
 * `lstat`s them), writing the lock file.
 */
function mayUse(root: string, folders: readonly string[]): boolean {
  return granted("read", root) && granted("write", `${root}/${LOCK_FILE}`) &&
    folders.every((folder) => granted("read", `${root}/${folder}`));
}

/** Whether the process may write every path: `-W` (or `--allow-write`) and no `--deny-write`. */
function writesAnywhere(): boolean {
  const status = Deno.permissions.querySync({ name: "write" });
  return status.state === "granted" && status.partial === false;
}

function granted(name: "read" | "write", path: string): boolean {
  return Deno.permissions.querySync({ name, path }).state === "granted";
}
