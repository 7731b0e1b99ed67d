/**
 * The report as GitHub-flavoured Markdown, for a pull-request comment or a
 * GitHub Actions job summary, designed for a reviewer in GitHub's 948 px
 * column: what needs a human first, everything else collapsed.
 *
 * Sections, in order:
 * 1. the title (`## …`) and a one-line **verdict**: blocked by errors, not
 *    yet ready for `Exclusive` / Kuma 3.0 (how many references block), or
 *    migration complete; with the Kuma version, zones and migration stage;
 * 2. one line of **counts**: MeshServices, references by status (non-zero
 *    only, problems in bold), errors and warnings;
 * 3. **Changes from the base branch** (only with `options.base`, the report
 *    of the base branch's rendering): MeshServices added and removed,
 *    references new, removed or changed in status, new and fixed problems;
 * 4. **Needs review**: errors, problem references (`unresolved`,
 *    `ambiguous`, `needsDecision`, `unsupported`) and warnings in one
 *    three-column table (Where, Problem, Details); a result about a problem
 *    reference's field is folded into its row;
 * 5. **Traffic changes** (only when the run found some): what changes between
 *    traffic under `kuma.io/service` and under MeshService, open ones first;
 * 6. collapsed (`<details>`): all references (Where, Before → after,
 *    Status), one Mermaid graph per zone with a one-line legend, Meshes,
 *    reachable backends, and the infos.
 *
 * **Width.** Tables have at most three columns; names and field paths longer
 * than 24 characters get `<wbr>` break opportunities after `.`, `/`, `_`,
 * `-`, `]`, `,` and `=`, so no cell forces the table wider than the column
 * (tests/report_render_test.ts renders it with GitHub's CSS in Chromium).
 *
 * **Graphs** (`src/report_markdown/graph.ts`): per zone, merged edges, problem
 * edges dashed and red, synced copies in the zone that holds them, at most 40
 * edges with a `… and N more references` node.
 *
 * **Reference notation** (Before, After, targets and reachable backends): one
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
 * A target adds `(in Z)` when the zone whose store holds it is not the
 * referencing object's zone, and `(from Z)` when it was created in another
 * zone than that store's. `–` means "unchanged" (After) or "no file".
 *
 * **Order and determinism.** The output is a pure function of the report and
 * the options: no clock, no locale (strings compare by code unit). Review
 * rows: errors, then problem references (`unresolved`, `ambiguous`,
 * `needsDecision`, `unsupported`), then warnings, each in report order. The
 * references table lists problems first, then `rewritten`, `kept`,
 * `migrated`. Graphs depend on the references' content only.
 *
 * **Limits.** Each table shows at most `maxRows` rows (default 200); a line
 * below it says how many were left out and that the full list is in the JSON
 * report. GitHub caps comments at 65,536 characters: with long names, lower
 * `maxRows` for a comment.
 *
 * **Escaping.** Text from the report, and the title, never reaches the
 * output raw. In Markdown: `\\`, `` ` ``, `*`, `~`, `[`, `]`, `|`, `#`, `$`
 * and `_` (unless between two ASCII letters or digits) are backslash-escaped,
 * `&`, `<`, `>` become entities, and a word joiner (U+2060) follows `@` so a
 * name cannot mention a user or team, and the `:` of `://` and the `www` of
 * `www.`, so a value cannot become a link. In Mermaid labels, `#`, `"`, `&`, `<`,
 * `>`, `` ` ``, `|`, `\\` and `%` become Mermaid entity codes (`#quot;`,
 * `#lt;`, ...). Everywhere, line breaks, other control characters and
 * bidirectional formatting characters are shown as `\\n`, `\\r`, `\\t` or
 * `\\uXXXX`, so no value can end a table row, close a code fence or reorder
 * text.
 *
 * @module
 */

import type { Result } from "./model/krm.ts";
import { REASON } from "./results.ts";
import type {
  ReferenceStatus,
  Report,
  ReportMesh,
  ReportReachableBackends,
  ReportReference,
} from "./report.ts";
import { diffSection, reportDiff } from "./report_markdown/diff.ts";
import { PROBLEM_STATUSES, zoneGraphs } from "./report_markdown/graph.ts";
import { refNotation, targetNotation } from "./report_markdown/notation.ts";
import { reviewSection, where } from "./report_markdown/review.ts";
import { trafficChangesSection } from "./report_markdown/traffic.ts";
import { details, leftOut, md, mdWrap, plural, table } from "./report_markdown/text.ts";

/** Options of {@link reportMarkdown}. */
export interface ReportMarkdownOptions {
  /** Most rows per table (review, references, Meshes, reachable backends, infos); default 200. */
  maxRows?: number;
  /** Heading text; default `meshservice-krm report`. */
  title?: string;
  /** The report of the base branch's rendering: adds "Changes from the base branch". */
  base?: Report | undefined;
  /**
   * Markdown placed right under the title, before the report's own verdict
   * (which is then labelled "Migration status:"): the GitHub Action's step verdict.
   */
  lead?: string | undefined;
}

const DEFAULT_MAX_ROWS = 200;
const DEFAULT_TITLE = "meshservice-krm report";

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

const LEGEND = "Legend: `§name` port section · `w=N` backendRef weight · `×N` N references · " +
  "`(from Z)` a copy synced from zone Z · dashed red edge: a problem (unresolved, ambiguous, " +
  "needsDecision, unsupported).";

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
 *   trafficChanges: [],
 *   results: [],
 * };
 *
 * const markdown = reportMarkdown(report, { title: "Kuma migration" });
 * assert.ok(markdown.startsWith("## Kuma migration\n"));
 * assert.ok(markdown.includes("**Migration complete**"));
 * assert.ok(markdown.includes("Nothing needs review"));
 * assert.ok(markdown.includes("<details><summary><b>All references (1)</b></summary>"));
 * assert.ok(markdown.includes("→ MeshService kuma-demo/backend :8080 w=90"));
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
  const traffic = report.trafficChanges ?? [];
  // Traffic-change warnings have their own table: list them there only.
  const reviewed = traffic.length === 0
    ? report.results
    : report.results.filter((r) => r.tags?.["reason"] !== REASON.trafficChange);
  const review = reviewSection(report.references, reviewed, maxRows);
  const blocks = [
    `## ${md(options.title ?? DEFAULT_TITLE)}`,
    options.lead ?? "",
    [(options.lead === undefined ? "" : "Migration status: ") + verdict(report), counts(report)]
      .join(
        "  \n",
      ),
    options.base === undefined ? "" : diffSection(reportDiff(options.base, report)),
    review.rows > 0
      ? review.markdown
      : traffic.length > 0
      ? ""
      : "Nothing needs review: no error, warning or problem reference.",
    trafficChangesSection(traffic, maxRows),
    referencesSection(report.references, maxRows),
    graphsSection(report.references),
    meshesSection(report.migration.meshes, maxRows),
    reachableSection(report.migration.reachableBackends, maxRows),
    infosSection(report.results, maxRows),
  ];
  return blocks.filter((block) => block !== "").join("\n\n") + "\n";
}

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

// ---------------------------------------------------------------------------
// Sections

function verdict(report: Report): string {
  const { complete, remaining, stage } = report.migration;
  const errors = report.summary.errors;
  const head = errors > 0
    ? `❌ **Blocked**: ${plural(errors, "error", "errors")} to fix`
    : complete
    ? "✅ **Migration complete**: no legacy or unresolved reference remains"
    : `⚠️ **Not ready for Exclusive / Kuma 3.0**: ${
      plural(remaining, "reference still blocks", "references still block")
    }`;
  const zones = report.zones.length > 0
    ? report.zones.map((z) => z.name)
    : report.zone !== null
    ? [report.zone]
    : [];
  return [
    head,
    report.kumaVersion === null ? "Kuma version unknown" : `Kuma ${md(report.kumaVersion)}`,
    zones.length === 0
      ? "no zone"
      : `${zones.length === 1 ? "zone" : "zones"} ${zones.map(md).join(", ")}`,
    ...(stage === null ? [] : [`stage ${md(stage)}`]),
  ].join(" · ");
}

function counts(report: Report): string {
  const refs = report.summary.references;
  const openChanges = (report.trafficChanges ?? []).filter((c) => !c.fixed).length;
  const statuses = STATUS_ORDER.filter((s) => (refs[s] ?? 0) > 0).map((s) =>
    PROBLEM_STATUSES.has(s) ? `**${refs[s]} ${s}**` : `${refs[s]} ${s}`
  );
  return [
    plural(report.summary.meshServices, "MeshService", "MeshServices"),
    `${plural(refs.total ?? 0, "reference", "references")}${
      statuses.length === 0 ? "" : ` (${statuses.join(", ")})`
    }`,
    plural(report.summary.errors, "error", "errors"),
    plural(report.summary.warnings, "warning", "warnings"),
    ...(openChanges === 0
      ? []
      : [`**${plural(openChanges, "traffic change", "traffic changes")} open**`]),
  ].join(" · ");
}

function referencesSection(references: readonly ReportReference[], maxRows: number): string {
  if (references.length === 0) {
    return "No references: no route or policy in the input refers to a destination.";
  }
  const rank = new Map(STATUS_ORDER.map((status, index) => [status, index]));
  const sorted = [...references].sort((a, b) =>
    (rank.get(a.status) ?? STATUS_ORDER.length) - (rank.get(b.status) ?? STATUS_ORDER.length)
  );
  const rows = sorted.slice(0, maxRows).map((ref) => [
    where(ref.resource, ref.field, ref.path),
    change(ref),
    PROBLEM_STATUSES.has(ref.status) ? `**${md(ref.status)}**` : md(ref.status),
  ]);
  const body = [
    table(["Where", "Before → after", "Status"], rows),
    ...leftOut(sorted.length, rows.length, ["reference", "references"]),
  ].join("\n");
  return details(`<b>All references (${references.length})</b>`, body);
}

function change(ref: ReportReference): string {
  const after = ref.after === undefined ? "unchanged" : mdWrap(refNotation(ref.after));
  const targets = ref.targets.length === 0
    ? "resolves to nothing"
    : `resolves to ${ref.targets.map((t) => mdWrap(targetNotation(t, ref.zone))).join(", ")}`;
  return [
    mdWrap(refNotation(ref.before)),
    `→ ${after}`,
    `<sub>${targets}</sub>`,
    ...(ref.message === undefined || PROBLEM_STATUSES.has(ref.status)
      ? []
      : [`<sub>${md(ref.message)}</sub>`]),
  ].join("<br>");
}

function graphsSection(references: readonly ReportReference[]): string {
  const graphs = zoneGraphs(references);
  if (graphs.length === 0) return "";
  const blocks = graphs.map((g) => {
    const cut = g.drawn < g.edges ? `, ${g.drawn} of ${g.edges} edges drawn` : "";
    const title = g.zone === "global" ? "global" : `zone ${md(g.zone)}`;
    return details(
      `<b>Graph: ${title}</b> (${plural(g.references, "reference", "references")}${cut})`,
      ["```mermaid", g.mermaid, "```"].join("\n"),
    );
  });
  return [...blocks, LEGEND].join("\n\n");
}

function meshesSection(meshes: readonly ReportMesh[], maxRows: number): string {
  if (meshes.length === 0) return "";
  const rows = meshes.slice(0, maxRows).map((mesh) => [
    md(mesh.name),
    `${mode(mesh.modeBefore)} → ${mode(mesh.modeAfter)}`,
    mesh.path === undefined ? "–" : mdWrap(mesh.path),
  ]);
  const body = [
    table(["Mesh", "meshServices.mode (before → after)", "File"], rows),
    ...leftOut(meshes.length, rows.length, ["Mesh", "Meshes"]),
  ].join("\n");
  return details(`<b>Meshes (${meshes.length})</b>`, body);
}

function reachableSection(workloads: readonly ReportReachableBackends[], maxRows: number): string {
  if (workloads.length === 0) return "";
  const rows = workloads.slice(0, maxRows).map((workload) => [
    where(workload, undefined, workload.path),
    workload.refs.length === 0
      ? "none"
      : workload.refs.map((ref) => mdWrap(refNotation(ref))).join("<br>"),
  ]);
  const body = [
    table(["Workload", "Reachable backends"], rows),
    ...leftOut(workloads.length, rows.length, ["workload", "workloads"]),
  ].join("\n");
  return details(`<b>Reachable backends (${workloads.length})</b>`, body);
}

function infosSection(results: readonly Result[], maxRows: number): string {
  const infos = results.filter((r) => r.severity === "info");
  if (infos.length === 0) return "";
  const rows = infos.slice(0, maxRows).map((result) => [
    result.resourceRef !== undefined
      ? where(result.resourceRef, result.field?.path, result.file?.path)
      : result.file !== undefined
      ? mdWrap(result.file.path)
      : "–",
    md(result.message),
  ]);
  const body = [
    table(["Where", "Info"], rows),
    ...leftOut(infos.length, rows.length, ["info", "infos"]),
  ].join("\n");
  return details(`<b>Infos (${infos.length})</b>`, body);
}

function mode(m: string | null): string {
  return m === null ? "–" : md(m);
}
