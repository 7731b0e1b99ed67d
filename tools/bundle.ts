/**
 * Builds the release bundle, `meshservice-krm.js`: the whole tool in one
 * file. `deno task bundle` runs this into `dist/`; the tests and the bench
 * build their copies with the same {@link bundleArgs}, so there is one home
 * for how the release is built.
 *
 * Why these flags (measured side by side, see docs/performance.md):
 * - no `--minify`: it halves the file but saves only about 1 ms of start-up
 *   (V8's code cache makes the size matter little), and the minified code ran
 *   8% slower on the large benchmark repo (2,677 against 2,463 ms).
 * - `--platform browser`: the `yaml` package resolves to its ES module build
 *   (the same version's code, without `require`), so the bundle has no
 *   top-level `import ... from "node:module"`; that import alone set up
 *   Deno's Node compatibility layer on every run, KRM mode included. Deno's
 *   globals (`Deno.*`) are untouched by the platform choice.
 * - then `tools/eager_compile.ts` marks the module bodies and top-level
 *   functions for eager compilation, so V8's code cache holds their
 *   bytecode: a one-item run starts about 4 ms sooner (40.6 against 44.4 ms,
 *   an empty script 16 ms), and the large repo runs as fast.
 *
 * @example Run it
 * ```sh
 * deno run --no-prompt --allow-read --allow-write=dist --allow-run tools/bundle.ts dist/meshservice-krm.js
 * ```
 *
 * @module
 */

import { eagerCompile } from "./eager_compile.ts";

/** `deno bundle` arguments that build the release from `entry` into `output`. */
export function bundleArgs(entry: string, output: string): string[] {
  return ["bundle", "--quiet", "--platform", "browser", entry, "-o", output];
}

/** Builds the bundle into `output` (executable, its shebang runs `deno run --no-prompt`). */
export async function buildBundle(
  options: { deno: string; entry: string; output: string },
): Promise<void> {
  const built = await new Deno.Command(options.deno, {
    args: bundleArgs(options.entry, options.output),
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (!built.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(built.stderr)}`);
  }
  const eager = eagerCompile(await Deno.readTextFile(options.output));
  if (eager.modules === 0) throw new Error("tools/eager_compile.ts found no module bodies");
  await Deno.writeTextFile(options.output, eager.text);
  await Deno.chmod(options.output, 0o755);
}

if (import.meta.main) {
  const [output] = Deno.args;
  if (Deno.args.length !== 1 || !output) {
    console.error("Usage: tools/bundle.ts OUTPUT");
    Deno.exit(2);
  }
  const entry = new URL("../mod.ts", import.meta.url).pathname;
  await buildBundle({ deno: Deno.execPath(), entry, output });
}
