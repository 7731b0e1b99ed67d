/**
 * What needs a human, as one narrow table: errors, problem references
 * (`unresolved`, `ambiguous`, `needsDecision`, `unsupported`) and warnings.
 * A result about a problem reference's own field is folded into that
 * reference's row instead of getting a row of its own, so nothing is listed
 * twice.
 *
 * @module
 */

import type { Result } from "../model/krm.ts";
import type { ReferenceStatus, ReportReference } from "../report.ts";
import { PROBLEM_STATUSES } from "./graph.ts";
import { refNotation, resourceNotation, targetNotation } from "./notation.ts";
import { leftOut, md, mdWrap, table } from "./text.ts";

/** What each status means, and what to do about it. */
export const STATUS_MEANING: Record<ReferenceStatus, string> = {
  unresolved: "resolves to nothing: fix or remove it",
  ambiguous: "resolves to several destinations",
  needsDecision: "the service is in several zones: set `crossZoneReferences`",
  unsupported: "the target Kuma version cannot express it: rewrite it by hand",
  rewritten: "legacy reference rewritten to a MeshService or MeshMultiZoneService",
  kept: "left legacy on purpose; still valid for this Kuma version",
  migrated: "already a MeshService-style reference; left alone",
};

const STATUS_RANK: Record<string, number> = {
  unresolved: 0,
  ambiguous: 1,
  needsDecision: 2,
  unsupported: 3,
};

interface Row {
  rank: number;
  where: string;
  problem: string;
  details: string[];
}

/** Rows of the "Needs review" table, errors first, then problem references, then warnings. */
export function reviewSection(
  references: readonly ReportReference[],
  results: readonly Result[],
  maxRows: number,
): { markdown: string; rows: number } {
  const rows: Row[] = [];
  const byField = new Map<string, Row>();
  for (const ref of references) {
    if (!PROBLEM_STATUSES.has(ref.status)) continue;
    const targets = ref.targets.length === 0
      ? ""
      : ` → ${ref.targets.map((t) => targetNotation(t, ref.zone)).join(", ")}`;
    const row: Row = {
      rank: 10 + (STATUS_RANK[ref.status] ?? 9),
      where: where(ref.resource, ref.field, ref.path),
      problem: `**${md(ref.status)}**`,
      details: [
        `${mdWrap(refNotation(ref.before) + targets)}: ${
          md(ref.message ?? STATUS_MEANING[ref.status])
        }`,
      ],
    };
    rows.push(row);
    byField.set(fieldKey(ref.resource, ref.field), row);
  }
  for (const result of results) {
    if (result.severity !== "error" && result.severity !== "warning") continue;
    const ref = result.resourceRef;
    const owner = ref && result.field
      ? byField.get(fieldKey({ ...ref, namespace: ref.namespace }, result.field.path))
      : undefined;
    if (owner) {
      if (result.severity === "error") {
        owner.rank = Math.min(owner.rank, 0);
        owner.problem = `**error** · ${owner.problem}`;
      }
      if (!owner.details.some((d) => d.endsWith(md(result.message)))) {
        owner.details.push(md(result.message));
      }
      continue;
    }
    rows.push({
      rank: result.severity === "error" ? 0 : 20,
      where: ref
        ? where(ref, result.field?.path, result.file?.path)
        : result.file
        ? mdWrap(result.file.path)
        : "–",
      problem: result.severity === "error" ? "**error**" : "warning",
      details: [md(result.message)],
    });
  }
  if (rows.length === 0) return { markdown: "", rows: 0 };
  const sorted = rows.map((row, index) => ({ row, index }))
    .sort((a, b) => a.row.rank - b.row.rank || a.index - b.index)
    .map(({ row }) => row);
  const shown = sorted.slice(0, maxRows);
  const markdown = [
    `### Needs review (${sorted.length})`,
    "",
    table(
      ["Where", "Problem", "Details"],
      shown.map((row) => [row.where, row.problem, row.details.join("<br>")]),
    ),
    ...leftOut(sorted.length, shown.length, ["row", "rows"]),
  ].join("\n");
  return { markdown, rows: sorted.length };
}

/** `Kind ns/name` over the field and the file, each wrappable. */
export function where(
  resource: { kind: string; name: string; namespace?: string },
  field?: string,
  path?: string,
): string {
  return [
    mdWrap(resourceNotation(resource)),
    ...(field === undefined ? [] : [mdWrap(field)]),
    ...(path === undefined ? [] : [`<sub>${mdWrap(path)}</sub>`]),
  ].join("<br>");
}

function fieldKey(
  resource: { kind: string; name: string; namespace?: string | undefined },
  field: string,
): string {
  return JSON.stringify([resource.kind, resource.namespace ?? "", resource.name, field]);
}
