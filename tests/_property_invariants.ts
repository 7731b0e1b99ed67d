/**
 * Helpers and invariants of tests/property_test.ts: fast-check parameters,
 * item keys, and the checks that input items are preserved and MeshService
 * references resolve.
 *
 * @module
 */

import assert from "node:assert/strict";
import type fc from "fast-check";
import {
  type ConfigInput,
  type KubeObject,
  render,
  type RenderOutput,
  type Result,
} from "../mod.ts";
import { canonical } from "./_invariants.ts";

// ------------------------------------------------------------------ helpers

export type Json = Record<string, unknown>;

export const GENERATED_FROM = "meshservice-krm/generated-from";
export const ORDERING_ANNOTATIONS = [
  "config.kubernetes.io/index",
  "internal.config.kubernetes.io/index",
];
export const REFERRER_KINDS = new Set(["MeshHTTPRoute", "MeshTCPRoute", "MeshTimeout"]);

export const RUNS = Number(Deno.env.get("FC_RUNS") ?? 100);

/** fast-check parameters: a fixed number of runs, replayable from the environment. */
export function params(numRuns = RUNS): fc.Parameters<unknown> {
  const seed = Deno.env.get("FC_SEED");
  const path = Deno.env.get("FC_PATH");
  return {
    numRuns,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
    ...(path !== undefined ? { path } : {}),
  };
}

export function isObj(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** The item without the orchestrator's ordering annotations. */
export function withoutOrdering(item: KubeObject): KubeObject {
  const annotations = item.metadata?.annotations;
  if (!annotations) return item;
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(([k]) => !ORDERING_ANNOTATIONS.includes(k)),
  );
  return { ...item, metadata: { ...item.metadata, annotations: kept } };
}

export function multiset(values: readonly unknown[]): string[] {
  return values.map(canonical).sort();
}

export function isOwned(item: KubeObject): boolean {
  return typeof item.metadata?.annotations?.[GENERATED_FROM] === "string";
}

export function keyOf(
  item: { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } },
) {
  return `${String(item.kind)}|${String(item.metadata?.namespace ?? "")}|${
    String(item.metadata?.name)
  }`;
}

export function refKey(
  ref: { kind: string; name: string; namespace?: string | undefined },
): string {
  return `${ref.kind}|${ref.namespace ?? ""}|${ref.name}`;
}

export function errorsOf(results: readonly Result[]): Result[] {
  return results.filter((r) => r.severity === "error");
}

/** The library door: items and a typed configuration. */
export function run(items: readonly KubeObject[], config: ConfigInput): RenderOutput {
  return render(items, config);
}

export function resultsOf(output: RenderOutput): Result[] {
  return output.resourceList.results ?? [];
}

// -------------------------------------------------------------- invariants

/**
 * Input items that the tool does not own come out in input order; each is
 * deep-equal to its input, or is a referrer (or, with a migration stage, a
 * Mesh) that differs only under `spec` and whose change the report explains.
 */
export function assertPreserved(
  items: readonly KubeObject[],
  config: ConfigInput,
  output: RenderOutput,
) {
  const kept = items.filter((item) => !isOwned(item));
  const out = output.resourceList.items.filter((item) => !isOwned(item));
  assert.equal(out.length, kept.length, "every input item the tool does not own is in the output");
  const rewritten = new Set(
    output.report.references.filter((r) => r.after !== undefined).map((r) => refKey(r.resource)),
  );
  const reachable = new Set(
    output.report.migration.reachableBackends.map((w) =>
      refKey({ kind: w.kind, name: w.name, namespace: w.namespace })
    ),
  );
  kept.forEach((input, i) => {
    const output = out[i]!;
    if (json(output) === json(input)) {
      if (REFERRER_KINDS.has(String(input.kind))) {
        assert.ok(!rewritten.has(keyOf(input)), `${keyOf(input)}: report says it was rewritten`);
      }
      return;
    }
    const meshStage = input.kind === "Mesh" && config.migrationStage !== undefined;
    const workload = reachable.has(keyOf(input));
    assert.ok(
      REFERRER_KINDS.has(String(input.kind)) || meshStage || workload,
      `${keyOf(input)} changed but is neither a referrer, a staged Mesh nor a listed workload`,
    );
    assert.equal(
      json({ ...output, spec: null }),
      json({ ...input, spec: null }),
      `${keyOf(input)} changed outside spec`,
    );
    if (REFERRER_KINDS.has(String(input.kind))) {
      assert.ok(
        rewritten.has(keyOf(input)),
        `${keyOf(input)} changed without a rewritten reference`,
      );
    }
  });
}

/** Where every MeshService reference of an object sits, in `fieldPath` form. */
export function referenceSites(item: KubeObject): { field: string; ref: Json }[] {
  const spec = isObj(item.spec) ? item.spec : {};
  const sites: { field: string; ref: Json }[] = [];
  const add = (ref: unknown, field: string) => {
    if (isObj(ref) && ref.kind === "MeshService") sites.push({ field, ref });
  };
  add(spec.targetRef, "spec.targetRef");
  (Array.isArray(spec.to) ? spec.to : []).forEach((to: unknown, i) => {
    if (!isObj(to)) return;
    add(to.targetRef, `spec.to[${i}].targetRef`);
    (Array.isArray(to.rules) ? to.rules : []).forEach((rule: unknown, j) => {
      if (!isObj(rule) || !isObj(rule.default)) return;
      const base = `spec.to[${i}].rules[${j}].default`;
      const d = rule.default;
      (Array.isArray(d.backendRefs) ? d.backendRefs : []).forEach((ref: unknown, k) => {
        add(ref, `${base}.backendRefs[${k}]`);
      });
      (Array.isArray(d.filters) ? d.filters : []).forEach((f: unknown, k) => {
        if (isObj(f) && isObj(f.requestMirror)) {
          add(f.requestMirror.backendRef, `${base}.filters[${k}].requestMirror.backendRef`);
        }
      });
    });
  });
  return sites;
}

export interface MeshServiceView {
  name: string;
  namespace: string | undefined;
  mesh: string;
  labels: Record<string, string>;
  ports: { port: number; name?: string }[];
}

export function meshServiceViews(items: readonly KubeObject[]): MeshServiceView[] {
  return items.filter((item) => item.kind === "MeshService").map((item) => {
    const labels = { ...item.metadata?.labels };
    const display = item.metadata?.annotations?.["kuma.io/display-name"] ??
      labels["kuma.io/display-name"] ?? String(item.metadata?.name);
    labels["kuma.io/display-name"] = display;
    const spec = isObj(item.spec) ? item.spec : {};
    return {
      name: String(item.metadata?.name),
      namespace: item.metadata?.namespace,
      mesh: labels["kuma.io/mesh"] ?? "default",
      labels,
      ports: (Array.isArray(spec.ports) ? spec.ports : []) as MeshServiceView["ports"],
    };
  });
}

/** True when a MeshService of `views` is what `ref`, written in `referrer`, points at. */
export function resolves(
  ref: Json,
  referrer: KubeObject,
  views: readonly MeshServiceView[],
): boolean {
  const mesh = referrer.metadata?.labels?.["kuma.io/mesh"] ?? "default";
  const namespace = referrer.metadata?.namespace;
  const candidates = views.filter((v) => {
    if (v.mesh !== mesh) return false;
    if (isObj(ref.labels)) {
      return Object.entries(ref.labels).every(([k, value]) => v.labels[k] === value);
    }
    if (typeof ref.name !== "string" || ref.name !== v.name) return false;
    const wanted = typeof ref.namespace === "string" ? ref.namespace : namespace;
    return v.namespace === wanted;
  });
  return candidates.some((v) =>
    (ref.port === undefined || v.ports.some((p) => p.port === ref.port)) &&
    (ref.sectionName === undefined ||
      v.ports.some((p) => (p.name ?? String(p.port)) === ref.sectionName))
  );
}

export function valueAt(root: unknown, field: string): unknown {
  const parts = field.replace(/\[(\d+)\]/g, ".$1").split(".");
  let current = root;
  for (const part of parts) {
    if (Array.isArray(current)) current = current[Number(part)];
    else if (isObj(current)) current = current[part];
    else return undefined;
  }
  return current;
}

export function names(result: Result, item: KubeObject): boolean {
  const ref = result.resourceRef;
  return ref !== undefined && ref.kind === item.kind && ref.name === item.metadata?.name &&
    (ref.namespace ?? "") === (item.metadata?.namespace ?? "");
}

/**
 * Every MeshService reference of the output resolves to a MeshService of the
 * input or output; one that does not is as written in the input, and when the
 * report calls it unresolved a warning or error names its object.
 */
export function assertReferencesResolve(items: readonly KubeObject[], output: RenderOutput) {
  const outItems = output.resourceList.items;
  const views = meshServiceViews([...items, ...outItems]);
  const inputs = new Map(items.map((item) => [keyOf(item), item]));
  const results = resultsOf(output);
  const reported = new Map(
    output.report.references.map((r) => [`${refKey(r.resource)}#${r.field}`, r]),
  );
  for (const item of outItems) {
    if (!REFERRER_KINDS.has(String(item.kind))) continue;
    const input = inputs.get(keyOf(item));
    assert.ok(input, `${keyOf(item)} comes from the input`);
    for (const site of referenceSites(item)) {
      if (resolves(site.ref, item, views)) continue;
      const where = `${keyOf(item)} ${site.field} ${json(site.ref)}`;
      assert.deepEqual(site.ref, valueAt(input, site.field), `${where}: unresolved yet changed`);
      const finding = reported.get(`${keyOf(item)}#${site.field}`);
      assert.ok(finding, `${where}: not in the report's references`);
      assert.ok(
        finding.status !== "rewritten" && finding.status !== "migrated",
        `${where}: report says ${finding.status} but it resolves to no MeshService`,
      );
      if (finding.status === "unresolved") {
        assert.ok(
          results.some((r) => r.severity !== "info" && names(r, item)),
          `${where}: unresolved without a warning or error naming ${keyOf(item)}`,
        );
      }
    }
  }
  for (const finding of output.report.references) {
    if (finding.status !== "unresolved") continue;
    const key = refKey(finding.resource);
    const item = outItems.find((i) => keyOf(i) === key);
    assert.ok(item, `${key} of an unresolved reference is in the output`);
    assert.deepEqual(valueAt(item, finding.field), finding.before, `${key} ${finding.field} kept`);
    assert.ok(
      results.some((r) => r.severity !== "info" && names(r, item)),
      `${key} ${finding.field}: unresolved without a warning or error`,
    );
  }
}
