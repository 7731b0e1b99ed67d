/**
 * Checks on the input before any rule runs: every item is a readable
 * Kubernetes object, metadata fields have the types the API server accepts,
 * no object appears twice, and Kuma policies have the shape Kuma's CRDs and
 * validators require in the fields this tool reads. Each problem is a result
 * naming the resource and the field; the item itself always passes through
 * unchanged.
 *
 * @module
 */

import { fieldPath, mapKey } from "../model/field_path.ts";
import { fileOf, isObject, type KubeObject, type Result } from "../model/krm.ts";
import {
  classifyDocument,
  isKustomizationFile,
  isReadKind,
  patchFilesOf,
} from "../model/manifest.ts";
import {
  isRfc1123Label,
  K8S_KIND,
  KNOWN_KUMA_KINDS,
  LABEL,
  parseEnabled,
  POLICY_KINDS,
  ROUTE_KINDS,
} from "../model/kuma.ts";
import { REASON, resultAt } from "../results.ts";
import { hasPlaceholder, substitutable } from "./substitution.ts";

/** Items the rules may read, and why the others may not. */
export interface CheckedItems {
  valid: KubeObject[];
  results: Result[];
}

/**
 * Splits items into the ones the rules read and results, by the rule of
 * `model/manifest.ts`: an item that is not a resource (no `apiVersion` or
 * `kind`, not a map) passes through untouched with one info result per file;
 * a resource of a kind the tool does not read (a Kustomization, a Kptfile, a
 * CRD) passes through untouched, unchecked and unread; a resource of a kind
 * the tool reads must have `metadata.name`, a string `metadata.namespace`
 * and `metadata.labels`/`annotations` maps of strings, else it is an error.
 *
 * @example
 * ```ts
 * import { checkItems } from "./input_checks.ts";
 * import assert from "node:assert/strict";
 *
 * const { valid, results } = checkItems([
 *   { apiVersion: "v1", kind: "Service", metadata: { name: "a", labels: { n: 1 } } },
 *   { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" },
 *   { replicaCount: 1 },
 * ] as never);
 * assert.equal(valid.length, 0);
 * assert.equal(results[0]?.field?.path, 'metadata.labels["n"]');
 * assert.equal(results[1]?.severity, "info");
 * ```
 */
export function checkItems(items: readonly unknown[]): CheckedItems {
  const valid: KubeObject[] = [];
  const results: Result[] = [];
  const skipped = new Map<string, { index: number; what: string; count: number; path?: string }>();
  const patches = kustomizePatches(items);
  items.forEach((item, index) => {
    const path = isObject(item) ? fileOf(item as KubeObject)?.path : undefined;
    const patchOf = path === undefined ? undefined : patches.get(path);
    if (patchOf !== undefined) {
      const seen = skipped.get(path!);
      if (seen) seen.count++;
      else {
        skipped.set(path!, {
          index,
          what: `it is a kustomize patch named by "${patchOf}", not a resource`,
          count: 1,
          path: path!,
        });
      }
      return;
    }
    const kind = classifyDocument(item);
    if (kind.class !== "resource") {
      const key = path ?? `\0${index}`;
      const seen = skipped.get(key);
      if (seen) seen.count++;
      else {
        skipped.set(key, {
          index,
          what: `not a Kubernetes resource (${
            kind.class === "universal"
              ? "a Universal YAML document, which directory mode reads (render DIR)"
              : kind.what
          })`,
          count: 1,
          ...(path !== undefined ? { path } : {}),
        });
      }
      return;
    }
    if (!isReadKind(item as Record<string, unknown>)) return;
    const problem = itemProblem(item as Record<string, unknown>, index);
    if (!problem) {
      valid.push(item as KubeObject);
      return;
    }
    results.push(
      resultAt(item as KubeObject, {
        severity: "error",
        message: problem.message,
        reason: REASON.invalidInput,
        field: problem.field,
      }),
    );
  });
  for (const { index, what, count, path } of skipped.values()) {
    results.push(notAManifest({ index, what, count, path }));
  }
  return { valid, results };
}

/** Patch files named by the kustomization items (kpt passes kustomization files as items), by path. */
function kustomizePatches(items: readonly unknown[]): Map<string, string> {
  const patches = new Map<string, string>();
  for (const item of items) {
    if (!isObject(item)) continue;
    const path = fileOf(item as KubeObject)?.path;
    if (path === undefined || !isKustomizationFile(path)) continue;
    for (const patch of patchFilesOf(path, item)) patches.set(patch, path);
  }
  return patches;
}

/** The info result for the items of one file (or one item without a file) that are not resources. */
function notAManifest(
  skip: { index: number; what: string; count: number; path?: string | undefined },
): Result {
  const subject = skip.path === undefined ? `item ${skip.index}` : `"${skip.path}"`;
  const many = skip.count > 1 ? ` (${skip.count} items)` : "";
  const result: Result = {
    message: `Passed through ${subject}${many} untouched: ${skip.what}, so it is not read`,
    severity: "info",
    tags: { reason: REASON.notAManifest },
  };
  if (skip.path !== undefined) result.file = { path: skip.path };
  else result.field = { path: `items[${skip.index}]` };
  return result;
}

function itemProblem(
  item: Record<string, unknown>,
  index: number,
): { field: string; message: string } | undefined {
  const metadata = item.metadata;
  if (!isObject(metadata) || typeof metadata.name !== "string" || metadata.name === "") {
    return {
      field: "metadata.name",
      message: `Cannot read ${item.kind} at item ${index}: metadata.name is missing`,
    };
  }
  const what = () => `${item.kind} "${metadata.name}"`;
  const namespace = metadata.namespace;
  if (namespace !== undefined && namespace !== null && typeof namespace !== "string") {
    return {
      field: "metadata.namespace",
      message: `Cannot read ${what()}: metadata.namespace must be a string, got ${
        describe(namespace)
      } (quote it)`,
    };
  }
  for (const key of ["labels", "annotations"] as const) {
    const map = metadata[key];
    if (map === undefined || map === null) continue;
    if (!isObject(map)) {
      return {
        field: `metadata.${key}`,
        message: `Cannot read ${what()}: metadata.${key} must be a map of strings, got ${
          describe(map)
        }`,
      };
    }
    // Own keys in Object.entries' order, without an array per entry.
    for (const name in map) {
      if (!Object.hasOwn(map, name)) continue;
      const value = map[name];
      if (value !== null && typeof value !== "string") {
        return {
          field: fieldPath("metadata", key, mapKey(name)),
          message: `Cannot read ${what()}: ${key} "${name}" must be a string, got ${
            describe(value)
          } (quote it: the API server rejects ${key} that are not strings)`,
        };
      }
    }
  }
  return undefined;
}

/** `a list`, `a number`, `null`: what a value is, for messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  return `a ${typeof value}`;
}

/** The items one object identity names more than once, and an error for each repeat. */
export interface Duplicates {
  /** Every repeat after the first occurrence. */
  repeats: Set<KubeObject>;
  results: Result[];
}

/**
 * Finds objects that appear twice in one store: same API group, kind,
 * namespace and name (and mesh, for Universal objects). The first one is
 * used; each later one is an error, as `kubectl apply` and kustomize refuse
 * them.
 */
export function findDuplicates(items: readonly KubeObject[]): Duplicates {
  const first = new Map<string, KubeObject>();
  const repeats = new Set<KubeObject>();
  const results: Result[] = [];
  for (const item of items) {
    const key = identityOf(item);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, item);
      continue;
    }
    repeats.add(item);
    const where = fileOf(earlier)?.path;
    results.push(
      resultAt(item, {
        severity: "error",
        message: `${item.kind} "${namespacedName(item)}" appears twice${
          where ? ` (first in ${where})` : ""
        }: the API server keeps only one of them, so remove or rename one (this copy is ignored)`,
        reason: REASON.duplicateResource,
        field: "metadata.name",
      }),
    );
  }
  return { repeats, results };
}

function identityOf(item: KubeObject): string {
  const apiVersion = String(item.apiVersion);
  const slash = apiVersion.indexOf("/");
  const group = slash === -1 ? "" : apiVersion.slice(0, slash);
  // Universal stores key Kuma objects by mesh and name: the top-level mesh, or the mesh label
  // of an object without a namespace.
  const namespace = item.metadata?.namespace ?? "";
  const mesh = typeof item.mesh === "string"
    ? item.mesh
    : namespace === "" && group === "kuma.io"
    ? item.metadata?.labels?.[LABEL.mesh] ?? ""
    : "";
  return [group, item.kind, namespace, item.metadata?.name, mesh].join("\0");
}

function namespacedName(item: KubeObject): string {
  const namespace = item.metadata?.namespace;
  return namespace ? `${namespace}/${item.metadata?.name}` : String(item.metadata?.name);
}

/**
 * Results for Kubernetes objects Kuma reads whatever the zone: a Namespace
 * name must be a DNS-1123 label and its `kuma.io/sidecar-injection` label a
 * value Kuma accepts.
 */
export function checkNamespaces(items: readonly KubeObject[]): Result[] {
  const results: Result[] = [];
  for (const item of items) {
    if (item.kind !== K8S_KIND.namespace || item.apiVersion !== "v1") continue;
    const name = String(item.metadata?.name);
    // A Flux placeholder some substitution makes valid is read as written (warned about elsewhere).
    if (!isRfc1123Label(name) && !substitutable(name, isRfc1123Label)) {
      results.push(resultAt(item, {
        severity: "error",
        message:
          `Cannot read Namespace "${name}": a namespace name must be a DNS-1123 label (at most 63 characters of a-z, 0-9 and '-'), so the API server rejects it`,
        reason: REASON.invalidField,
        field: "metadata.name",
        currentValue: name,
      }));
      continue;
    }
    const value = item.metadata?.labels?.[LABEL.sidecarInjection];
    if (typeof value === "string" && parseEnabled(value) === undefined && !hasPlaceholder(value)) {
      results.push(resultAt(item, {
        severity: "error",
        message:
          `Cannot decide whether namespace "${name}" is in the mesh: label kuma.io/sidecar-injection is "${value}", Kuma accepts enabled, true, yes, disabled, false or no`,
        reason: REASON.invalidField,
        field: `metadata.labels["${LABEL.sidecarInjection}"]`,
        currentValue: value,
      }));
    }
  }
  return results;
}

/**
 * Results for Kuma objects: policies whose `spec`, `targetRef`, `to`, `from`
 * or route rules have a shape Kuma rejects, and kinds that are not Kuma's.
 * Such a policy is not valid: nothing in it is rewritten, it passes through
 * as it is.
 */
export function checkKumaObjects(items: readonly KubeObject[]): CheckedItems {
  const results: Result[] = [];
  const valid: KubeObject[] = [];
  const unknown = new Map<string, KubeObject[]>();
  for (const item of items) {
    if (typeof item.apiVersion !== "string" || !item.apiVersion.startsWith("kuma.io/")) {
      valid.push(item);
      continue;
    }
    const kind = String(item.kind);
    if (!KNOWN_KUMA_KINDS.has(kind)) {
      const list = unknown.get(kind);
      if (list) list.push(item);
      else unknown.set(kind, [item]);
    }
    const problems = POLICY_KINDS.includes(kind) ? policyShape(item) : [];
    results.push(...problems);
    if (problems.length === 0) valid.push(item);
  }
  for (const [kind, list] of unknown) {
    const near = [...KNOWN_KUMA_KINDS].find((k) => k.toLowerCase() === kind.toLowerCase());
    results.push(
      resultAt(list[0]!, {
        severity: near ? "error" : "info",
        message: near
          ? `Unknown Kuma kind "${kind}" (${list.length} item(s)): kinds are case-sensitive, did you mean "${near}"? The API server has no such kind`
          : `Unknown Kuma kind "${kind}" (${list.length} item(s)): not a kind of Kuma 2.9 to 3.0 that meshservice-krm knows; passed through unchanged, and its targetRef/to/from references are treated like a policy's`,
        reason: REASON.invalidInput,
        field: "kind",
      }),
    );
  }
  return { valid, results };
}

/** Shape errors in the fields of a policy the reference rewriter reads. */
function policyShape(item: KubeObject): Result[] {
  const out: Result[] = [];
  const bad = (field: string, message: string) =>
    out.push(
      resultAt(item, {
        severity: "error",
        message: `Cannot read ${item.kind} "${item.metadata?.name}": ${message}`,
        reason: REASON.invalidField,
        field,
      }),
    );
  const spec = item.spec;
  if (!isObject(spec)) {
    bad(
      "spec",
      spec === undefined || spec === null
        ? "spec is missing: a policy needs a spec (Kuma rejects it)"
        : `spec must be a map, got ${describe(spec)}`,
    );
    return out;
  }
  const targetRef = (value: unknown, field: string) => {
    if (value === undefined || value === null) return;
    if (!isObject(value)) {
      bad(field, `${field} must be a map with a kind, got ${describe(value)}`);
    } else if (typeof value.kind !== "string") {
      bad(`${field}.kind`, `${field}.kind must be a string such as Mesh or MeshService`);
    }
  };
  targetRef(spec.targetRef, "spec.targetRef");
  for (const key of ["to", "from", "rules"] as const) {
    const list = spec[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      bad(`spec.${key}`, `spec.${key} must be a list, got ${describe(list)}`);
      continue;
    }
    list.forEach((entry, i) => {
      const at = `spec.${key}[${i}]`;
      if (!isObject(entry)) {
        bad(at, `${at} must be a map, got ${describe(entry)}`);
        return;
      }
      if (key !== "rules") targetRef(entry.targetRef, `${at}.targetRef`);
      if (key === "to" && ROUTE_KINDS.has(String(item.kind))) routeRules(entry.rules, at, bad);
    });
  }
  return out;
}

function routeRules(
  rules: unknown,
  at: string,
  bad: (field: string, message: string) => void,
): void {
  if (rules === undefined || rules === null) return;
  if (!Array.isArray(rules)) {
    bad(`${at}.rules`, `${at}.rules must be a list, got ${describe(rules)}`);
    return;
  }
  rules.forEach((rule, j) => {
    const ruleAt = `${at}.rules[${j}]`;
    if (!isObject(rule)) return bad(ruleAt, `${ruleAt} must be a map, got ${describe(rule)}`);
    const defaults = rule.default;
    if (defaults === undefined || defaults === null) return;
    if (!isObject(defaults)) {
      return bad(`${ruleAt}.default`, `${ruleAt}.default must be a map, got ${describe(defaults)}`);
    }
    const refs = defaults.backendRefs;
    if (refs === undefined || refs === null) return;
    const refsAt = `${ruleAt}.default.backendRefs`;
    if (!Array.isArray(refs)) return bad(refsAt, `${refsAt} must be a list, got ${describe(refs)}`);
    refs.forEach((ref, k) => {
      if (!isObject(ref)) {
        bad(`${refsAt}[${k}]`, `${refsAt}[${k}] must be a map with a kind, got ${describe(ref)}`);
      } else if (typeof ref.kind !== "string") {
        bad(`${refsAt}[${k}].kind`, `${refsAt}[${k}].kind must be a string such as MeshService`);
      }
    });
  });
}
