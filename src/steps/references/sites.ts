/**
 * Where references sit in each kind: the top-level `targetRef`, `to[].targetRef`,
 * route `backendRefs` and `requestMirror` filters, and `from[].targetRef`.
 *
 * @module
 */

import { isObject, type KubeObject } from "../../model/krm.ts";
import { KIND, REQUEST_MIRROR, ROUTE_KINDS } from "../../model/kuma.ts";
import type { Role, Site } from "./types.ts";

/** Kinds whose `spec` holds references to destinations: every `kuma.io` policy with `targetRef`, `to` or `from`. */
export function isReferrerKind(object: KubeObject): boolean {
  if (typeof object.apiVersion !== "string" || !object.apiVersion.startsWith("kuma.io/")) {
    return false;
  }
  switch (object.kind) {
    case KIND.mesh:
    case KIND.dataplane:
    case KIND.meshService:
    case KIND.meshMultiZoneService:
    case KIND.meshExternalService:
    case KIND.hostnameGenerator:
    case KIND.meshGateway:
      return false;
  }
  const spec = object.spec;
  return isObject(spec) &&
    (Array.isArray(spec.to) || Array.isArray(spec.from) || isObject(spec.targetRef));
}

/** Every reference to a destination (or a legacy service) in an object, in document order. */
export function sitesOf(object: KubeObject): Site[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const sites: Site[] = [];
  const add = (ref: unknown, path: (string | number)[], role: Role) => {
    if (isObject(ref) && typeof ref.kind === "string" && isServiceKind(ref.kind)) {
      sites.push({ path, ref: ref as Record<string, unknown>, role });
    }
  };
  add(spec.targetRef, ["spec", "targetRef"], "targetRef");
  const route = ROUTE_KINDS.has(String(object.kind));
  asList(spec.to).forEach((to, i) => {
    if (!isObject(to)) return;
    add(to.targetRef, ["spec", "to", i, "targetRef"], "to");
    if (!route) return;
    asList(to.rules).forEach((rule, j) => {
      if (!isObject(rule) || !isObject(rule.default)) return;
      const base = ["spec", "to", i, "rules", j, "default"];
      asList(rule.default.backendRefs).forEach((ref, k) => {
        add(ref, [...base, "backendRefs", k], "backendRef");
      });
      asList(rule.default.filters).forEach((filter, f) => {
        if (!isObject(filter) || filter.type !== REQUEST_MIRROR) return;
        if (!isObject(filter.requestMirror)) return;
        add(filter.requestMirror.backendRef, [
          ...base,
          "filters",
          f,
          "requestMirror",
          "backendRef",
        ], "requestMirror");
      });
    });
  });
  asList(spec.from).forEach((from, i) => {
    if (isObject(from)) add(from.targetRef, ["spec", "from", i, "targetRef"], "from");
  });
  return sites;
}

function isServiceKind(kind: string): boolean {
  return kind === KIND.meshService || kind === KIND.meshServiceSubset ||
    kind === KIND.meshMultiZoneService || kind === KIND.meshExternalService;
}

/** The value when it is a list, else an empty list. */
export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * A copy of an object that shares every part it has not written: {@link writeAt}
 * copies only the maps and lists on the path it writes (each once), so the
 * original is never changed and untouched subtrees stay the original's.
 */
export interface PathCopy<T> {
  root: T;
  /** The maps and lists this copy made (and may therefore write into). */
  own: WeakSet<object>;
}

/** A {@link PathCopy} of `object`: so far only its top-level map is copied. */
export function pathCopy<T extends object>(object: T): PathCopy<T> {
  const root = { ...object };
  const own = new WeakSet<object>([root]);
  return { root, own };
}

/** Writes `value` at `path` of `copy` (every step of the path exists), copying the path first. */
export function writeAt(
  copy: PathCopy<unknown>,
  path: readonly (string | number)[],
  value: unknown,
): void {
  let current = copy.root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i]!;
    let child = current[part] as Record<string | number, unknown>;
    if (!copy.own.has(child)) {
      child = Array.isArray(child) ? [...child] as unknown as typeof child : { ...child };
      copy.own.add(child);
      current[part] = child;
    }
    current = child;
  }
  current[path[path.length - 1]!] = value;
}
