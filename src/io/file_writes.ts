/**
 * Writes a set of files under one root all together or not at all: every new
 * text is first written to a hidden temporary file beside its target, and
 * only when all of them are on disk are they renamed into place. A failure
 * (or SIGINT/SIGTERM) before that point removes the temporaries and leaves
 * the tree as it was. Paths never leave the root and never pass through a
 * symlink, so a link planted in the repo cannot redirect a write.
 *
 * @module
 */

/** What {@link writeFiles} did. */
export type WriteOutcome =
  | { ok: true; written: string[]; removed: string[] }
  | { ok: false; path: string; message: string };

/** Why a path under the root cannot be used, or `undefined`. */
export async function unsafePath(root: string, path: string): Promise<string | undefined> {
  if (path.startsWith("/") || path.split("/").some((part) => part === ".." || part === "")) {
    return "the path leaves the output directory";
  }
  const parts = path.split("/");
  let current = root;
  for (const [i, part] of parts.entries()) {
    current = `${current}/${part}`;
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(current);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined; // The rest is created.
      return errorText(error);
    }
    if (info.isSymlink) {
      return `"${
        parts.slice(0, i + 1).join("/")
      }" is a symlink, and files are never written through symlinks`;
    }
    const last = i === parts.length - 1;
    if (!last && !info.isDirectory) {
      return `"${parts.slice(0, i + 1).join("/")}" is not a directory`;
    }
    if (last && !info.isFile) return "it exists and is not a regular file";
  }
  return undefined;
}

/** A file's text under the root, or `undefined` when absent; refuses symlinks on the way. */
export async function readInside(root: string, path: string): Promise<string | undefined> {
  const problem = await unsafePath(root, path);
  if (problem !== undefined) throw new Error(`Cannot read "${path}": ${problem}`);
  try {
    return await Deno.readTextFile(`${root}/${path}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Writes `files` (path relative to `root` → text) and removes `remove`, all or
 * nothing. Files whose text is already on disk are left untouched.
 */
export async function writeFiles(
  root: string,
  files: ReadonlyMap<string, string>,
  remove: readonly string[] = [],
): Promise<WriteOutcome> {
  const changed: [string, string][] = [];
  for (const [path, text] of files) {
    const problem = await unsafePath(root, path);
    if (problem !== undefined) return { ok: false, path, message: problem };
    try {
      if ((await readInside(root, path)) === text) continue;
    } catch (error) {
      return { ok: false, path, message: errorText(error) };
    }
    changed.push([path, text]);
  }
  for (const path of remove) {
    const problem = await unsafePath(root, path);
    if (problem !== undefined) return { ok: false, path, message: problem };
  }

  const staged = new Map<string, string>(); // target → temporary
  const cleanUp = () => {
    for (const temporary of staged.values()) {
      try {
        Deno.removeSync(temporary);
      } catch {
        // Already gone.
      }
    }
  };
  // A signal while staging removes the temporaries and exits. The renames below are
  // synchronous, so no handler runs between two of them: an interrupt never leaves the tree
  // half old and half new.
  const onSignal = () => {
    cleanUp();
    Deno.exit(130);
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? [] : ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  try {
    for (const [path, text] of changed) {
      const target = `${root}/${path}`;
      const slash = target.lastIndexOf("/");
      const temporary = `${target.slice(0, slash)}/.${
        target.slice(slash + 1)
      }.meshservice-krm-${crypto.randomUUID()}.tmp`;
      try {
        await Deno.mkdir(target.slice(0, slash), { recursive: true });
        staged.set(target, temporary);
        await Deno.writeTextFile(temporary, text, { createNew: true });
      } catch (error) {
        cleanUp();
        return { ok: false, path, message: errorText(error) };
      }
    }
    // Everything is on disk: only renames and removals are left, done synchronously so no
    // signal handler runs in between.
    for (const [target, temporary] of staged) Deno.renameSync(temporary, target);
    staged.clear();
    for (const path of remove) Deno.removeSync(`${root}/${path}`);
  } finally {
    cleanUp();
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  }
  return { ok: true, written: changed.map(([path]) => path), removed: [...remove] };
}

/** Writes one file through a temporary file and a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash) : ".";
  const name = slash >= 0 ? path.slice(slash + 1) : path;
  if (dir !== "" && dir !== ".") await Deno.mkdir(dir, { recursive: true });
  const temporary = `${dir}/.${name}.meshservice-krm-${crypto.randomUUID()}.tmp`;
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
    return `no write permission (${error.message.split(",")[0]})`;
  }
  return error instanceof Error ? error.message : String(error);
}
