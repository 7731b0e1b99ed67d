/**
 * The report as GitHub-flavoured Markdown, for a pull-request comment or a
 * GitHub Actions job summary: a verdict, reference counts by status, every
 * reference before and after, Meshes, reachable backends, a Mermaid graph of
 * routes and policies to their destinations, and the errors and warnings.
 *
 * Sections, in order: the title (`## …`) and a one-line verdict (migration
 * complete, or how many references still block `Exclusive` / Kuma 3.0; Kuma
 * version, zones, migration stage, error and warning counts); "References by
 * status" (every status, zeros included); "References" (one row per
 * reference); "Meshes" and "Reachable backends" (only when the report has
 * some); "Graph" (only when there are references); "Results".
 *
 * **Graph.** A Mermaid `flowchart LR` with one subgraph per zone (`global`
 * first, then by name). A referencing object sits in its own zone; a target
 * sits in the zone it was created in, labelled `(in Z)` when it is the copy
 * held in zone Z's store. Edges are labelled with the status, the section
 * (`§http`) and, for backendRefs, the weight (`w=90`, from After, else
 * Before). `unresolved` references, and any reference without a target, draw
 * a dashed edge to that zone's `unresolved` (or `no target`) node. Node ids
 * are `n1`, `n2`, ... by first appearance in the edges, subgraph ids `z1`,
 * `z2`, ... in zone order; labels are quoted and escaped, so any name renders.
 *
 * **Reference notation** (Before, After, Targets and reachable backends): one
 * line, parts separated by spaces, in this order:
 *
 * | Part | From | Example |
 * | --- | --- | --- |
 * | kind | `kind` (`?` when absent) | `MeshService` |
 * | name | `name`, prefixed `namespace/` when both are set | `kuma-demo/backend` |
 * | port | `port` | `:8080` |
 * | labels | `labels`, keys sorted | `{app=web, k8s.kuma.io/namespace=kuma-demo}` |
 * | tags | `tags`, keys sorted | `tags{version=v1}` |
 * | section | `sectionName` (targets: `section`) | `§http` |
 * | weight | `weight` | `w=90` |
 * | anything else | other keys, sorted | `mesh=default`, `proxyTypes=[Sidecar]` |
 *
 * So `{kind: MeshService, name: backend_kuma-demo_svc_8080}` is
 * `MeshService backend_kuma-demo_svc_8080`, a backendRef with name, namespace,
 * port and weight is `MeshService kuma-demo/backend :8080 w=90`, and a label
 * reference is `MeshService {k8s.kuma.io/namespace=kuma-demo,
 * kuma.io/display-name=backend} §http`. Map keys sort by code unit. Strings
 * are shown as they are, other values as JSON, arrays as `[a, b]`. A target adds `(in Z)` when the
 * zone whose store holds it is not the referencing object's zone, and
 * `(from Z)` when it was created in another zone than that store's (both:
 * `(in west, from east)`). `–` in After means "unchanged"; in File, "no file";
 * in Targets, "resolves to nothing".
 *
 * **Order and determinism.** The output is a pure function of the report and
 * the options: no clock, no locale (strings compare by code unit). Reference
 * rows are ordered by status, problems first (`unresolved`, `ambiguous`,
 * `needsDecision`, `unsupported`), then `rewritten`, `kept`, `migrated`;
 * within a status they keep the report's order. Results keep the report's
 * order, errors before warnings. The graph sorts references by zone,
 * resource, field and content, so it does not depend on the order of
 * `report.references`; neither do the counts, the verdict nor the other
 * sections.
 *
 * **Limits.** Each table shows at most `maxRows` rows (default 200); a line
 * below it says how many were left out and that the full list is in the JSON
 * report. The graph draws at most 150 edges (identical edges are drawn once,
 * labelled `×N`), with a note when it is cut. GitHub caps comments at 65,536
 * characters: with long names, lower `maxRows` for a comment.
 *
 * **Escaping.** Text from the report, and the title, never reaches the
 * output raw. In Markdown: `\`, `` ` ``, `*`, `~`, `[`, `]`, `|`, `#`, `$`
 * and `_` (unless between two ASCII letters or digits) are backslash-escaped,
 * `&`, `<`, `>` become entities, and a word joiner (U+2060) follows `@` so a
 * name cannot mention a user or team, and the `:` of `://` and the `www` of
 * `www.`, so a value cannot become a link. In Mermaid labels, `#`, `"`, `&`, `<`, `>`, `` ` ``,
 * `|`, `\` and `%` become Mermaid entity codes (`#quot;`, `#lt;`, ...).
 * Everywhere, line breaks, other control characters and bidirectional
 * formatting characters are shown as `\n`, `\r`, `\t` or `\uXXXX`, so no
 * value can end a table row, close a code fence or reorder text.
 *
 * @module
 */

import type { Result } from "./model/krm.ts";
import type {
  ReferenceStatus,
  Report,
  ReportMesh,
  ReportReachableBackends,
  ReportReference,
  ReportTarget,
} from "./report.ts";

/** Options of {@link reportMarkdown}. */
export interface ReportMarkdownOptions {
  /** Most rows per table (references, Meshes, reachable backends, results); default 200. */
  maxRows?: number;
  /** Heading text; default `meshservice-krm report`. */
  title?: string;
}

const DEFAULT_MAX_ROWS = 200;
const DEFAULT_TITLE = "meshservice-krm report";
const MAX_GRAPH_EDGES = 150;

/** Statuses in table and row order: problems first. */
const STATUS_ORDER: readonly ReferenceStatus[] = [
  "unresolved",
  "ambiguous",
  "needsDecision",
  "unsupported",
  "rewritten",
  "kept",
  "migrated",
];

const PROBLEMS: ReadonlySet<ReferenceStatus> = new Set([
  "unresolved",
  "ambiguous",
  "needsDecision",
  "unsupported",
]);

const STATUS_MEANING: Record<ReferenceStatus, string> = {
  unresolved: "resolves to nothing: fix or remove it",
  ambiguous: "resolves to several destinations",
  needsDecision: "the service is in several zones: set `crossZoneReferences`",
  unsupported: "the target Kuma version cannot express it: rewrite it by hand",
  rewritten: "legacy reference rewritten to a MeshService or MeshMultiZoneService",
  kept: "left legacy on purpose; still valid for this Kuma version",
  migrated: "already a MeshService-style reference; left alone",
};

/**
 * Renders `report` as GitHub-flavoured Markdown (see the module
 * documentation for the sections, the reference notation and the escaping).
 * The result ends with one newline.
 *
 * @example A rewritten backendRef
 * ```ts
 * import { reportMarkdown } from "./report_markdown.ts";
 * import type { Report } from "./report.ts";
 * import assert from "node:assert/strict";
 *
 * const report: Report = {
 *   apiVersion: "meshservice-krm.report/v2",
 *   kumaVersion: "2.14",
 *   zone: "east",
 *   environment: "kubernetes",
 *   meshServiceOutput: "preview",
 *   zones: [{ name: "east", environment: "kubernetes", meshServiceOutput: "preview" }],
 *   summary: {
 *     meshServices: 1, hostnames: 0, hostnameProblems: 0, meshMultiZoneServices: 0,
 *     references: {
 *       total: 1, rewritten: 1, migrated: 0, unresolved: 0, ambiguous: 0,
 *       needsDecision: 0, unsupported: 0, kept: 0,
 *     },
 *     errors: 0, warnings: 0, infos: 0,
 *   },
 *   meshServices: [],
 *   meshMultiZoneServices: [],
 *   meshExternalServices: [],
 *   hostnameGenerators: [],
 *   references: [{
 *     resource: { kind: "MeshHTTPRoute", name: "web", namespace: "kuma-demo", mesh: "default" },
 *     path: "routes.yaml",
 *     zone: "east",
 *     field: "spec.to[0].rules[0].default.backendRefs[0]",
 *     role: "backendRef",
 *     before: { kind: "MeshService", name: "backend_kuma-demo_svc_8080", weight: 90 },
 *     after: { kind: "MeshService", name: "backend", namespace: "kuma-demo", port: 8080, weight: 90 },
 *     status: "rewritten",
 *     targets: [{
 *       kind: "MeshService", name: "backend", namespace: "kuma-demo",
 *       zone: "east", createdIn: "east", section: "8080",
 *     }],
 *   }],
 *   migration: {
 *     stage: "ReachableBackends", referenceStyle: "name", meshes: [], reachableBackends: [],
 *     complete: true, remaining: 0,
 *   },
 *   results: [],
 * };
 *
 * const markdown = reportMarkdown(report, { title: "Kuma migration" });
 * assert.ok(markdown.startsWith("## Kuma migration\n"));
 * assert.ok(markdown.includes("**Migration complete**"));
 * assert.ok(markdown.includes(
 *   "| MeshService backend_kuma-demo_svc_8080 w=90 | MeshService kuma-demo/backend :8080 w=90 |",
 * ));
 * assert.ok(markdown.includes('n1 -->|"rewritten §8080 w=90"| n2'));
 * ```
 *
 * @throws {RangeError} when `maxRows` is not a non-negative integer (or `Infinity`).
 */
export function reportMarkdown(report: Report, options: ReportMarkdownOptions = {}): string {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (!(maxRows === Infinity || (Number.isSafeInteger(maxRows) && maxRows >= 0))) {
    throw new RangeError(`maxRows must be a non-negative integer, got ${maxRows}`);
  }
  const blocks = [
    `## ${md(options.title ?? DEFAULT_TITLE)}`,
    verdict(report),
    statusSection(report),
    referencesSection(report, maxRows),
    meshesSection(report.migration.meshes, maxRows),
    reachableSection(report.migration.reachableBackends, maxRows),
    graphSection(report.references),
    resultsSection(report.results, maxRows),
  ];
  return blocks.filter((block) => block !== "").join("\n\n") + "\n";
}

// ---------------------------------------------------------------------------
// Sections

function verdict(report: Report): string {
  const { complete, remaining, stage } = report.migration;
  const head = complete
    ? "✅ **Migration complete**: no legacy or unresolved reference remains"
    : `⚠️ **${plural(remaining, "reference still blocks", "references still block")} ` +
      "Exclusive / Kuma 3.0**";
  const zones = report.zones.length > 0
    ? report.zones.map((z) => z.name)
    : report.zone !== null
    ? [report.zone]
    : [];
  const parts = [
    head,
    report.kumaVersion === null ? "Kuma version unknown" : `Kuma ${md(report.kumaVersion)}`,
    zones.length === 0
      ? "no zone"
      : `${zones.length === 1 ? "zone" : "zones"} ${zones.map(md).join(", ")}`,
    ...(stage === null ? [] : [`stage ${md(stage)}`]),
    plural(report.summary.errors, "error", "errors"),
    plural(report.summary.warnings, "warning", "warnings"),
  ];
  return parts.join(" · ");
}

function statusSection(report: Report): string {
  const counts = report.summary.references;
  const rows = STATUS_ORDER.map((status) => [
    PROBLEMS.has(status) ? `**${status}**` : status,
    String(counts[status] ?? 0),
    STATUS_MEANING[status],
  ]);
  rows.push(["total", String(counts.total ?? 0), ""]);
  return [
    "### References by status",
    "",
    table(["Status", "References", "Meaning"], rows, ["---", "--:", "---"]),
  ].join("\n");
}

function referencesSection(report: Report, maxRows: number): string {
  const heading = "### References";
  if (report.references.length === 0) {
    return `${heading}\n\nNo references: no route or policy in the input refers to a destination.`;
  }
  const rank = new Map(STATUS_ORDER.map((status, index) => [status, index]));
  const sorted = [...report.references].sort((a, b) =>
    (rank.get(a.status) ?? STATUS_ORDER.length) - (rank.get(b.status) ?? STATUS_ORDER.length)
  );
  const rows = sorted.slice(0, maxRows).map((ref) => [
    md(resourceNotation(ref.resource)),
    ref.path === undefined ? "–" : md(ref.path),
    md(ref.field),
    md(refNotation(ref.before)),
    ref.after === undefined ? "–" : md(refNotation(ref.after)),
    PROBLEMS.has(ref.status) ? `**${md(ref.status)}**` : md(ref.status),
    ref.targets.length === 0
      ? "–"
      : ref.targets.map((target) => md(targetNotation(target, ref.zone))).join("<br>"),
    ref.message === undefined ? "" : md(ref.message),
  ]);
  return [
    heading,
    "",
    table(["Resource", "File", "Field", "Before", "After", "Status", "Targets", "Note"], rows),
    ...leftOut(sorted.length, rows.length, "reference", "references"),
  ].join("\n");
}

function meshesSection(meshes: readonly ReportMesh[], maxRows: number): string {
  if (meshes.length === 0) return "";
  const rows = meshes.slice(0, maxRows).map((mesh) => [
    md(mesh.name),
    `${mode(mesh.modeBefore)} → ${mode(mesh.modeAfter)}`,
    mesh.path === undefined ? "–" : md(mesh.path),
  ]);
  return [
    "### Meshes",
    "",
    table(["Mesh", "meshServices.mode (before → after)", "File"], rows),
    ...leftOut(meshes.length, rows.length, "Mesh", "Meshes"),
  ].join("\n");
}

function reachableSection(workloads: readonly ReportReachableBackends[], maxRows: number): string {
  if (workloads.length === 0) return "";
  const rows = workloads.slice(0, maxRows).map((workload) => [
    md(resourceNotation(workload)),
    workload.path === undefined ? "–" : md(workload.path),
    workload.refs.length === 0
      ? "none"
      : workload.refs.map((ref) => md(refNotation(ref))).join("<br>"),
  ]);
  return [
    "### Reachable backends",
    "",
    table(["Workload", "File", "Reachable backends"], rows),
    ...leftOut(workloads.length, rows.length, "workload", "workloads"),
  ].join("\n");
}

function resultsSection(results: readonly Result[], maxRows: number): string {
  const heading = "### Results";
  const shown = [
    ...results.filter((r) => r.severity === "error"),
    ...results.filter((r) => r.severity === "warning"),
  ];
  const infos = results.length - shown.length;
  const infoNote = infos === 0 ? "" : ` (${plural(infos, "info", "infos")} in the JSON report)`;
  if (shown.length === 0) return `${heading}\n\nNo errors or warnings${infoNote}.`;
  const rows = shown.slice(0, maxRows).map((result) => [
    result.severity === "error" ? "**error**" : "warning",
    result.resourceRef !== undefined
      ? md(resourceNotation(result.resourceRef))
      : result.file !== undefined
      ? md(result.file.path)
      : "–",
    result.field === undefined ? "–" : md(result.field.path),
    md(result.message),
  ]);
  return [
    heading,
    "",
    table(["Severity", "Resource", "Field", "Message"], rows),
    ...leftOut(shown.length, rows.length, "error or warning", "errors and warnings"),
    ...(infoNote === "" ? [] : ["", `Infos are not listed${infoNote}.`]),
  ].join("\n");
}

// ---------------------------------------------------------------------------
// Graph

interface GraphNode {
  zone: string;
  label: string;
  sink: boolean;
}

interface GraphEdge {
  from: string;
  to: string;
  label: string;
  dashed: boolean;
  count: number;
}

function graphSection(references: readonly ReportReference[]): string {
  if (references.length === 0) return "";
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (key: unknown[], value: GraphNode): string => {
    const id = JSON.stringify(key);
    if (!nodes.has(id)) nodes.set(id, value);
    return id;
  };
  const edge = (from: string, to: string, label: string, dashed: boolean) => {
    const id = JSON.stringify([from, to, label, dashed]);
    const existing = edges.get(id);
    if (existing) existing.count++;
    else edges.set(id, { from, to, label, dashed, count: 1 });
  };

  for (const ref of canonicalOrder(references)) {
    const { kind, name, namespace, mesh } = ref.resource;
    const source = node(["source", ref.zone, mesh, kind, namespace ?? "", name], {
      zone: ref.zone,
      label: resourceNotation(ref.resource) + (mesh === "default" ? "" : ` (mesh ${mesh})`),
      sink: false,
    });
    const weight = ref.role === "backendRef"
      ? (ref.after?.["weight"] ?? ref.before["weight"])
      : undefined;
    const suffix = weight === undefined ? "" : ` w=${value(weight)}`;
    if (ref.status === "unresolved" || ref.targets.length === 0) {
      const sinkLabel = ref.status === "unresolved" ? "unresolved" : "no target";
      const sink = node(["sink", ref.zone, sinkLabel], {
        zone: ref.zone,
        label: sinkLabel,
        sink: true,
      });
      edge(source, sink, ref.status + suffix, true);
      continue;
    }
    for (const target of sortedTargets(ref.targets)) {
      const to = node(
        ["target", target.createdIn, target.zone, target.kind, target.namespace ?? "", target.name],
        {
          zone: target.createdIn,
          label: targetNotation({ ...target, section: undefined }) +
            (target.zone === target.createdIn ? "" : ` (in ${target.zone})`),
          sink: false,
        },
      );
      const section = target.section === undefined ? "" : ` §${target.section}`;
      edge(source, to, ref.status + section + suffix, false);
    }
  }

  const all = [...edges.values()];
  const drawn = all.slice(0, MAX_GRAPH_EDGES);
  const ids = new Map<string, string>();
  for (const { from, to } of drawn) {
    for (const key of [from, to]) if (!ids.has(key)) ids.set(key, `n${ids.size + 1}`);
  }
  const zones = [...new Set([...ids.keys()].map((key) => nodes.get(key)!.zone))].sort(zoneOrder);
  const lines = ["```mermaid", "flowchart LR"];
  zones.forEach((zone, index) => {
    const title = zone === "global" ? "global" : `zone ${zone}`;
    lines.push(`  subgraph z${index + 1} ["${mermaid(title)}"]`);
    for (const [key, id] of ids) {
      const n = nodes.get(key)!;
      if (n.zone !== zone) continue;
      lines.push(`    ${id}["${mermaid(n.label)}"]${n.sink ? ":::problem" : ""}`);
    }
    lines.push("  end");
  });
  for (const e of drawn) {
    const label = e.label + (e.count > 1 ? ` ×${e.count}` : "");
    lines.push(
      `  ${ids.get(e.from)} ${e.dashed ? "-.->" : "-->"}|"${mermaid(label)}"| ${ids.get(e.to)}`,
    );
  }
  lines.push("  classDef problem fill:#fee,stroke:#c33,color:#000", "```");
  const cut = all.length > drawn.length
    ? [
      "",
      `_Graph cut at ${drawn.length} of ${all.length} edges; every reference is in the table ` +
      "and the JSON report._",
    ]
    : [];
  return ["### Graph", "", ...lines, ...cut].join("\n");
}

/** References in an order that depends on their content only. */
function canonicalOrder(references: readonly ReportReference[]): ReportReference[] {
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

function sortedTargets(targets: readonly ReportTarget[]): ReportTarget[] {
  const key = (t: ReportTarget) => [
    t.createdIn,
    t.zone,
    t.kind,
    t.namespace ?? "",
    t.name,
    t.section ?? "",
  ];
  return [...targets].sort((a, b) => compareKeys(key(a), key(b)));
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** `global` first, then by code unit. */
function zoneOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "global") return -1;
  if (b === "global") return 1;
  return a < b ? -1 : 1;
}

/** JSON with object keys sorted, so equal values give equal strings. */
function canonicalJson(v: unknown): string {
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

// ---------------------------------------------------------------------------
// Notation

/** `Kind namespace/name`. */
function resourceNotation(resource: { kind: string; name: string; namespace?: string }): string {
  return `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ""}${resource.name}`;
}

/** One reference map on one line (see the module documentation). */
function refNotation(ref: Readonly<Record<string, unknown>>): string {
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
function targetNotation(
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
function value(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return `[${v.map(value).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>)
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return `{${entries.map(([k, inner]) => `${k}=${value(inner)}`).join(", ")}}`;
  }
  return JSON.stringify(v) ?? String(v);
}

function mode(m: string | null): string {
  return m === null ? "–" : md(m);
}

// ---------------------------------------------------------------------------
// Markdown

function table(header: readonly string[], rows: readonly string[][], align?: string[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(align ?? header.map(() => "---")), ...rows.map(line)].join("\n");
}

function leftOut(total: number, shown: number, one: string, many: string): string[] {
  const rest = total - shown;
  if (rest <= 0) return [];
  return [
    "",
    `_${plural(rest, `more ${one}`, `more ${many}`)} not shown (${shown} of ${total}); ` +
    "the full list is in the JSON report._",
  ];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const BACKSLASHED = new Set(["\\", "`", "*", "~", "[", "]", "|", "#", "$"]);
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** Text from the report as inline Markdown that renders as itself (see the module documentation). */
/**
 * Text as inline Markdown that renders as itself: Markdown punctuation
 * backslash-escaped, `&`, `<`, `>` as entities, `@` followed by a word joiner
 * (no mentions), `://` and `www.` broken by one (no links), control and
 * bidirectional characters made visible. The
 * report's tables and the GitHub Action's summary and comment use it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markdownText } from "./report_markdown.ts";
 *
 * assert.equal(markdownText("a|b <c>"), "a\\|b &lt;c&gt;");
 * ```
 */
export function markdownText(text: string): string {
  return md(text);
}

function md(text: string): string {
  const s = visible(text);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (BACKSLASHED.has(c)) out += `\\${c}`;
    else if (ENTITIES[c] !== undefined) out += ENTITIES[c];
    else if (c === "_") out += isAlnum(s[i - 1]) && isAlnum(s[i + 1]) ? "_" : "\\_";
    else if (c === "@") out += "@\u2060";
    else out += c;
  }
  // GitHub links bare URLs (`https://…`, `www.…`): a word joiner breaks the autolink.
  return out.replace(/:(?=\/\/)/g, ":\u2060").replace(/(www)(?=\.)/gi, "$1\u2060");
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9]$/.test(c);
}

const MERMAID_ENTITIES: Record<string, string> = {
  "#": "#35;",
  '"': "#quot;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
  "|": "#124;",
  "\\": "#92;",
  "%": "#37;",
};

/** Text for a quoted Mermaid label. */
function mermaid(text: string): string {
  let out = "";
  for (const c of visible(text)) out += MERMAID_ENTITIES[c] ?? c;
  return out;
}

const NAMED_CONTROLS: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Control, line-separator and bidirectional formatting characters as `\n`, `\uXXXX`. */
function visible(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.codePointAt(0)!;
    const hidden = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x200e ||
      code === 0x200f || code === 0x2028 || code === 0x2029 ||
      (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    out += hidden ? NAMED_CONTROLS[c] ?? `\\u${code.toString(16).padStart(4, "0")}` : c;
  }
  return out;
}
