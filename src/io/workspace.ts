/**
 * The workspace: the folder directory mode may read and write in, the
 * checkout a pull request controls. It is `--workspace ROOT` when given, else
 * the current working directory (Argo CD runs `generate .` in the
 * application's folder; a GitHub Actions step runs in `GITHUB_WORKSPACE`).
 *
 * A path given on the command line that lies inside the workspace as written
 * (DIR, `--out`, `--config`, `--report`, `--summary`) must also lie inside it
 * once every symlink is resolved: a linked folder (`zones/east ->
 * ../../outside`) or a linked parent would otherwise lead reads and writes out
 * of the checkout. Links that stay inside are followed. Links above the
 * workspace (`/tmp -> /private/tmp`) are not the pull request's and are
 * trusted, and so is a path written outside the workspace: the invoker named
 * it.
 *
 * @module
 */

import { displayPath } from "./file_writes.ts";

/** The workspace as written (absolute) and its real path. */
export interface Workspace {
  path: string;
  real: string;
}

/** The workspace of a run, or a message saying why its real path is unknown. */
export function workspaceOf(root: string | undefined): Workspace | string {
  const cwd = Deno.cwd(); // getcwd(3): already free of symlinks.
  if (root === undefined) return { path: cwd, real: cwd };
  const path = absolute(cwd, root);
  try {
    const real = Deno.realPathSync(path);
    if (!Deno.statSync(real).isDirectory) {
      return `Cannot use the workspace "${displayPath(root)}": not a directory`;
    }
    return { path, real };
  } catch (error) {
    return `Cannot use the workspace "${displayPath(root)}": ${reason(error)}`;
  }
}

/**
 * Why `path` (relative to the working directory) must not be used, or
 * `undefined`: it is inside the workspace as written but its real path (of
 * the path, or of its deepest existing folder when it does not exist yet) is
 * not. With `replaced`, the path is a file that is written by renaming a new
 * file over it, so a link there is replaced, not followed: only its folder
 * is checked (and the file needs no read permission).
 */
export function escapesWorkspace(
  workspace: Workspace,
  path: string,
  options: { replaced?: boolean } = {},
): string | undefined {
  const cwd = Deno.cwd();
  const written = absolute(cwd, path);
  if (!within(workspace.path, written) && !within(workspace.real, written)) return undefined;
  // Resolved as the file system will resolve it: `link/..` is the link target's parent.
  let current = path.startsWith("/") ? path : `${cwd}/${path}`;
  // A file replaced by a rename (report, summary) is never written through: its folder counts.
  if (options.replaced && !current.endsWith("/..")) current = parentOf(current);
  for (;;) {
    let real: string;
    if (!current.split("/").includes("..") && absolute("/", current) === workspace.path) {
      real = workspace.real;
    } else {
      try {
        real = Deno.realPathSync(current);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          current = parentOf(current);
          continue; // Created later, as a real folder.
        }
        const grant = error instanceof Deno.errors.NotCapable
          ? ": grant read access to it (-R) so that it can be checked"
          : "";
        return `cannot resolve its real path (${reason(error)})${grant}`;
      }
    }
    if (within(workspace.real, real)) return undefined;
    return `its real path "${displayPath(real)}" is outside the workspace "${
      displayPath(workspace.real)
    }" (a symlink leads out of it); directory mode reads and writes only inside the workspace: the current directory, or --workspace`;
  }
}

function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root === "/" ? "/" : `${root}/`);
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash <= 0 ? "/" : trimmed.slice(0, slash);
}

/** `path` resolved against `cwd`, with `.`, `..` and repeated slashes removed (no symlink resolved). */
function absolute(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${cwd}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

function reason(error: unknown): string {
  if (error instanceof Deno.errors.NotCapable) {
    return displayPath(`no read permission (${error.message.split(",")[0]})`);
  }
  return displayPath(error instanceof Error ? error.message : String(error));
}
