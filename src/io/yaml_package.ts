/**
 * The npm `yaml` package (CST, node positions, surgical edits), for the
 * modules that need more than js-yaml: the surgical editor and the source-line finder.
 *
 * It is imported by its package name, so the library works from any
 * directory and with `--node-modules-dir=none` (no `node_modules` path in an
 * import). Deno resolves `yaml` to its Node build, whose parser and composer
 * read `process.env.LOG_TOKENS` and `process.env.LOG_STREAM` on every parse:
 * under Deno that needs `--allow-env`, which directory mode and the Action
 * do not grant. The two parse functions here therefore run with
 * `process.env` swapped for an empty object; both are synchronous, so no
 * other code can observe the swap, and it is restored even when parsing
 * throws. Nothing else in the package reads the environment.
 *
 * `process` is taken from the global, not imported: the release bundle
 * inlines the package's ES module build (which reads no environment), and a
 * top-level `import "node:process"` there would set up Deno's Node
 * compatibility layer on every run, KRM mode included. Under `deno run`, the
 * Node build has already loaded that layer, so the global costs nothing.
 *
 * @module
 */

import * as YAML from "yaml";

export {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  Scalar,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";

/** The part of Node's `process` the swap touches. */
interface ProcessEnv {
  env: Record<string, string | undefined>;
}

const NO_ENVIRONMENT: ProcessEnv["env"] = Object.freeze({});

/** Runs a synchronous `yaml` call with an empty `process.env` (see the module note). */
function withoutEnvironment<T>(run: () => T): T {
  const process = (globalThis as { process?: ProcessEnv }).process;
  if (process === undefined) return run();
  const saved = process.env;
  process.env = NO_ENVIRONMENT;
  try {
    return run();
  } finally {
    process.env = saved;
  }
}

/** `yaml`'s `parse`, without reading the environment. */
export const parse: typeof YAML.parse =
  ((...args: Parameters<typeof YAML.parse>) =>
    withoutEnvironment(() => YAML.parse(...args))) as typeof YAML.parse;

/** `yaml`'s `parseAllDocuments`, without reading the environment. */
export const parseAllDocuments: typeof YAML.parseAllDocuments =
  ((...args: Parameters<typeof YAML.parseAllDocuments>) =>
    withoutEnvironment(() => YAML.parseAllDocuments(...args))) as typeof YAML.parseAllDocuments;
