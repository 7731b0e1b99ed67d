/**
 * Argo CD Config Management Plugin parameters: what an Application sets
 * under `spec.source.plugin.parameters` reaches the generate command as
 * `ARGOCD_APP_PARAMETERS` (JSON, exact names) and as `PARAM_<NAME>`
 * variables (upper-cased names, `PARAM_<NAME>_<i>` for arrays). Both are read
 * here into config overrides; the JSON wins where both name a key.
 *
 * @module
 */

/** Overrides for the function config, and what could not be read. */
export interface ArgoParameters {
  overrides: Record<string, unknown>;
  problems: string[];
}

/**
 * Reads parameters for the given config keys. `env` looks up one variable
 * (so the caller needs only `--allow-env=ARGOCD_APP_PARAMETERS,PARAM_*`).
 *
 * @example
 * ```ts
 * import { argoParameters } from "./argocd.ts";
 * import assert from "node:assert/strict";
 *
 * const env = new Map([
 *   ["ARGOCD_APP_PARAMETERS", '[{"name":"zone","string":"east"}]'],
 *   ["PARAM_KUMAVERSION", "3.0"],
 * ]);
 * const { overrides } = argoParameters((name) => env.get(name), ["kumaVersion", "zone"]);
 * assert.deepEqual(overrides, { kumaVersion: "3.0", zone: "east" });
 * ```
 */
export function argoParameters(
  env: (name: string) => string | undefined,
  keys: readonly string[],
): ArgoParameters {
  const overrides: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of keys) {
    const name = `PARAM_${key.toUpperCase().replace(/[^A-Z0-9_]/g, "_")}`;
    const single = env(name);
    if (single !== undefined) {
      overrides[key] = single;
      continue;
    }
    const list: string[] = [];
    for (let i = 0;; i++) {
      const value = env(`${name}_${i}`);
      if (value === undefined) break;
      list.push(value);
    }
    if (list.length > 0) overrides[key] = list;
  }
  const json = env("ARGOCD_APP_PARAMETERS");
  if (json === undefined || json.trim() === "") return { overrides, problems };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    problems.push(`Cannot read ARGOCD_APP_PARAMETERS as JSON: ${(error as Error).message}`);
    return { overrides, problems };
  }
  if (!Array.isArray(parsed)) {
    problems.push("Cannot read ARGOCD_APP_PARAMETERS: expected a JSON array of parameters");
    return { overrides, problems };
  }
  for (const entry of parsed) {
    const parameter = entry as Record<string, unknown> | null;
    const name = parameter?.name;
    if (typeof name !== "string") {
      problems.push("Cannot read an ARGOCD_APP_PARAMETERS entry: it has no name");
      continue;
    }
    if (!keys.includes(name)) {
      problems.push(
        `Unknown parameter "${name}": expected one of ${keys.join(", ")}`,
      );
      continue;
    }
    const value = parameter!.string ?? parameter!.array ?? parameter!.map;
    if (value === undefined) continue;
    overrides[name] = value;
  }
  return { overrides, problems };
}
