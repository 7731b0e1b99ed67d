/**
 * Flux post-build substitution (`kustomize.toolkit.fluxcd.io/substitute`)
 * replaces `${var}` in every manifest it applies. The tool never writes `${`
 * itself, but a generated item can carry one copied from its source (a
 * Service label such as `team: ${TEAM}`). Flux would then substitute the
 * copy, while names, hashes and hostnames were computed from the
 * placeholder: such items get a warning naming the field.
 *
 * @module
 */

import type { KubeObject, Result } from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { REASON, resultAt } from "../results.ts";

const PLACEHOLDER = "${";

/**
 * Warnings for generated items holding `${` in a string or key.
 *
 * @example
 * ```ts
 * import { substitutionResults } from "./substitution.ts";
 * import assert from "node:assert/strict";
 *
 * const results = substitutionResults([{
 *   apiVersion: "kuma.io/v1alpha1",
 *   kind: "MeshService",
 *   metadata: {
 *     name: "web",
 *     labels: { team: "${TEAM}" },
 *     annotations: { "meshservice-krm/generated-from": "Service shop/web" },
 *   },
 * }]);
 * assert.equal(results[0]?.field?.path, "metadata.labels.team");
 * ```
 */
export function substitutionResults(items: readonly KubeObject[]): Result[] {
  const results: Result[] = [];
  for (const item of items) {
    if (!isOwned(item)) continue;
    // JSON keeps "${" as is (neither character is escaped) and cannot create
    // one across a key or value boundary: a quick test before the walk.
    if (!JSON.stringify(item).includes(PLACEHOLDER)) continue;
    const found = findPlaceholder(item, []);
    if (found === undefined) continue;
    results.push(resultAt(
      "warning",
      item,
      `Generated from a value holding "\${...}" (${
        JSON.stringify(found.value)
      }): Flux post-build substitution would replace it in the cluster, but this output was computed from the placeholder, so names, hashes and hostnames may not match; substitute first (flux envsubst) or keep variables out of the fields MeshServices are derived from`,
      REASON.fluxSubstitution,
      { field: found.path.join(".") },
    ));
  }
  return results;
}

function findPlaceholder(
  value: unknown,
  path: string[],
): { path: string[]; value: string } | undefined {
  if (typeof value === "string") {
    return value.includes(PLACEHOLDER) ? { path, value } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPlaceholder(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key.includes(PLACEHOLDER)) return { path: [...path, key], value: key };
      const found = findPlaceholder(child, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}
