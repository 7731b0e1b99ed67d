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

import { fieldPathOf } from "../model/field_path.ts";
import { isObject, type KubeObject, type Result } from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { K8S_KIND } from "../model/kuma.ts";
import { REASON, resultAt } from "../results.ts";

const PLACEHOLDER = "${";

/** Flux's placeholder forms: `${var}`, `${var:=default}`, `${var:position}`, ... */
const PLACEHOLDERS = /\$\{[^}]*\}/g;

/** True when `value` holds a Flux post-build placeholder (`${`). */
export function hasPlaceholder(value: string): boolean {
  return value.includes(PLACEHOLDER);
}

/**
 * True when `value` holds a placeholder and some substitution could make it
 * pass `valid` (each placeholder replaced by `a`): then the value is not
 * rejected, the source gets a warning instead ({@link placeholderResults}).
 * A value no substitution can save (`${ENV}_web`, an underscore in a DNS
 * label) stays an error.
 *
 * @example
 * ```ts
 * import { substitutable } from "./substitution.ts";
 * import assert from "node:assert/strict";
 *
 * const label = (v: string) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v);
 * assert.equal(substitutable("${APP_NS}", label), true);
 * assert.equal(substitutable("shop-${ENV}", label), true);
 * assert.equal(substitutable("${ENV}_shop", label), false);
 * assert.equal(substitutable("Shop", label), false);
 * ```
 */
export function substitutable(value: string, valid: (value: string) => boolean): boolean {
  return hasPlaceholder(value) && valid(value.replace(PLACEHOLDERS, "a"));
}

/**
 * True when some string or key anywhere in `value` holds `${`: the cheap
 * test before {@link substitutionResults}. Every generated item copies its
 * text from the input or the config, so without a placeholder there none
 * holds one.
 */
export function holdsPlaceholder(value: unknown): boolean {
  if (typeof value === "string") return value.includes(PLACEHOLDER);
  if (Array.isArray(value)) {
    for (const child of value) if (holdsPlaceholder(child)) return true;
    return false;
  }
  if (value === null || typeof value !== "object") return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.includes(PLACEHOLDER)) return true;
    if (holdsPlaceholder((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * False when no value parsed from `text` can hold `${`: the text has no
 * `${` and no backslash (YAML and JSON escapes such as `\u0024{` are the only
 * way to write one without spelling it).
 */
export function textMayHoldPlaceholder(text: string): boolean {
  return text.includes(PLACEHOLDER) || text.includes("\\");
}

/** Most fields one warning lists. */
const LISTED_FIELDS = 5;

/**
 * Warnings for input objects the tool reads (Services, Namespaces, every
 * `kuma.io` kind) that hold a placeholder in a field it reads: name,
 * namespace, labels, Kuma annotations and `spec` (ports' names, selectors,
 * references). One warning per object, naming every such field; the object
 * is read and rendered as written.
 *
 * @example
 * ```ts
 * import { placeholderResults } from "./substitution.ts";
 * import assert from "node:assert/strict";
 *
 * const [warning] = placeholderResults([{
 *   apiVersion: "v1",
 *   kind: "Service",
 *   metadata: { name: "web", namespace: "${APP_NS}" },
 *   spec: { ports: [{ name: "${PORT_NAME}", port: 80 }] },
 * }]);
 * assert.equal(warning?.field?.path, "metadata.namespace");
 * assert.match(warning?.message ?? "", /spec\.ports\[0\]\.name/);
 * ```
 */
export function placeholderResults(items: readonly KubeObject[]): Result[] {
  const results: Result[] = [];
  for (const item of items) {
    if (isOwned(item) || !isPlaceholderChecked(item)) continue;
    if (!JSON.stringify(item).includes(PLACEHOLDER)) continue;
    const found = readFieldsWithPlaceholders(item);
    if (found.length === 0) continue;
    const listed = found.slice(0, LISTED_FIELDS).map((f) =>
      `${fieldPathOf(f.path)} ${JSON.stringify(f.value)}`
    ).join(", ");
    const more = found.length > LISTED_FIELDS ? ` and ${found.length - LISTED_FIELDS} more` : "";
    results.push(resultAt(item, {
      severity: "warning",
      message:
        `Read ${item.kind} "${item.metadata?.name}" as written with Flux post-build placeholders in ${listed}${more}: Flux substitutes them in the cluster, but names, namespaces, hashes and hostnames here come from the placeholder text; render the substituted manifests (flux envsubst) for an exact result`,
      reason: REASON.fluxSubstitution,
      field: fieldPathOf(found[0]!.path),
    }));
  }
  return results;
}

function isPlaceholderChecked(item: KubeObject): boolean {
  const apiVersion = typeof item.apiVersion === "string" ? item.apiVersion : "";
  if (apiVersion.startsWith("kuma.io/")) return true;
  return apiVersion === "v1" &&
    (item.kind === K8S_KIND.service || item.kind === K8S_KIND.namespace);
}

/** Placeholders in the fields the tool reads: metadata name, namespace, labels, Kuma annotations, spec. */
function readFieldsWithPlaceholders(item: KubeObject): { path: string[]; value: string }[] {
  const found: { path: string[]; value: string }[] = [];
  const metadata = isObject(item.metadata) ? item.metadata : {};
  for (const key of ["name", "namespace"]) {
    const value = metadata[key];
    if (typeof value === "string" && hasPlaceholder(value)) {
      found.push({ path: ["metadata", key], value });
    }
  }
  for (const key of ["labels", "annotations"]) {
    const map = metadata[key];
    if (!isObject(map)) continue;
    for (const [name, value] of Object.entries(map)) {
      if (key === "annotations" && !/(^|\.)kuma\.io\//.test(name)) continue;
      if (hasPlaceholder(name)) found.push({ path: ["metadata", key, name], value: name });
      else if (typeof value === "string" && hasPlaceholder(value)) {
        found.push({ path: ["metadata", key, name], value });
      }
    }
  }
  collectPlaceholders(item.spec, ["spec"], found);
  return found;
}

function collectPlaceholders(
  value: unknown,
  path: string[],
  found: { path: string[]; value: string }[],
): void {
  if (typeof value === "string") {
    if (hasPlaceholder(value)) found.push({ path, value });
  } else if (Array.isArray(value)) {
    value.forEach((child, i) => collectPlaceholders(child, [...path, String(i)], found));
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (hasPlaceholder(key)) found.push({ path: [...path, key], value: key });
      else collectPlaceholders(child, [...path, key], found);
    }
  }
}

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
 * assert.equal(results[0]?.field?.path, 'metadata.labels["team"]');
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
    results.push(
      resultAt(item, {
        severity: "warning",
        message: `Generated from a value holding "\${...}" (${
          JSON.stringify(found.value)
        }): Flux post-build substitution would replace it in the cluster, but this output was computed from the placeholder, so names, hashes and hostnames may not match; substitute first (flux envsubst) or keep variables out of the fields MeshServices are derived from`,
        reason: REASON.fluxSubstitution,
        field: fieldPathOf(found.path),
      }),
    );
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
