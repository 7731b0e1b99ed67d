/**
 * The one-line notation of resources, references and targets in the Markdown
 * report (see `src/report_markdown.ts` for the table of parts), and the
 * content-only orderings that make the report independent of input order.
 *
 * @module
 */

import type { ReportReference, ReportTarget } from "../report.ts";

/** `Kind namespace/name`. */
export function resourceNotation(
  resource: { kind: string; name: string; namespace?: string },
): string {
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ""}${resource.name}`;
}

/** One reference map on one line. */
export function refNotation(ref: Readonly<Record<string, unknown>>): string {
  const rest = new Map(Object.entries(ref).filter(([, v]) => v !== undefined));
  const take = (key: string): unknown => {
    const v = rest.get(key);
    rest.delete(key);
    return v;
  };
  const kind = take("kind");
  const parts = [kind === undefined ? "?" : value(kind)];
  if (rest.has("name")) {
    const name = take("name");
    const namespace = take("namespace");
    parts.push(namespace === undefined ? value(name) : `${value(namespace)}/${value(name)}`);
  }
  const port = take("port");
  if (port !== undefined) parts.push(`:${value(port)}`);
  const labels = take("labels");
  if (labels !== undefined) parts.push(value(labels));
  const tags = take("tags");
  if (tags !== undefined) parts.push(`tags${value(tags)}`);
  const section = take("sectionName");
  if (section !== undefined) parts.push(`§${value(section)}`);
  const weight = take("weight");
  if (weight !== undefined) parts.push(`w=${value(weight)}`);
  for (const key of [...rest.keys()].sort()) parts.push(`${key}=${value(rest.get(key))}`);
  return parts.join(" ");
}

/** A target; `(in Z, from Z)` when its store or origin is not the referencing object's zone. */
export function targetNotation(
  target: Omit<ReportTarget, "section"> & { section?: string | undefined },
  referenceZone?: string,
): string {
  const base = refNotation({
    kind: target.kind,
    name: target.name,
    namespace: target.namespace,
    sectionName: target.section,
  });
  if (referenceZone === undefined) return base;
  const where = [
    ...(target.zone !== referenceZone ? [`in ${target.zone}`] : []),
    ...(target.createdIn !== target.zone ? [`from ${target.createdIn}`] : []),
  ];
  return where.length === 0 ? base : `${base} (${where.join(", ")})`;
}

/** Strings as they are, arrays as `[a, b]`, maps as `{k=v}` (keys sorted), the rest as JSON. */
export function value(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return `{${entries.map(([k, inner]) => `${k}=${value(inner)}`).join(", ")}}`;
  }
  return JSON.stringify(v) ?? String(v);
}

/** The key that identifies a reference across runs: zone, resource, field and role. */
export function referenceKey(ref: ReportReference): string {
  const { kind, name, namespace, mesh } = ref.resource;
  return JSON.stringify([ref.zone, mesh, kind, namespace ?? "", name, ref.field, ref.role]);
}

/** References in an order that depends on their content only. */
export function canonicalOrder(references: readonly ReportReference[]): ReportReference[] {
  const keyed = references.map((ref) => ({
    ref,
    key: [
      ref.zone,
      ref.resource.kind,
      ref.resource.namespace ?? "",
      ref.resource.name,
      ref.resource.mesh,
      ref.field,
      ref.role,
      ref.status,
      canonicalJson(ref.before),
      canonicalJson(ref.after ?? null),
      canonicalJson(sortedTargets(ref.targets)),
      ref.message ?? "",
      ref.path ?? "",
    ],
  }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.map((k) => k.ref);
}

/** Targets by store zone, origin, kind, namespace, name and section. */
export function sortedTargets(targets: readonly ReportTarget[]): ReportTarget[] {
  const key = (t: ReportTarget) => [
    t.zone,
    t.createdIn,
    t.kind,
    t.namespace ?? "",
    t.name,
    t.section ?? "",
  ];
  return [...targets].sort((a, b) => compareKeys(key(a), key(b)));
}

/** Lexicographic order of string tuples, by code unit. */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `global` first, then by code unit. */
export function zoneOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "global") return -1;
  if (b === "global") return 1;
  return a < b ? -1 : 1;
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(
    v,
    (_key, inner) =>
      inner !== null && typeof inner === "object" && !Array.isArray(inner)
        ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([x], [y]) =>
            x < y ? -1 : x > y ? 1 : 0
          ),
        )
        : inner,
  ) ?? "";
}
