/**
 * What a pull request changes: the difference between the report of the base
 * branch's rendering and the report of the pull request's. MeshServices are
 * compared by mesh, zone, namespace and name; references by zone, referencing
 * object, field and role; problems (errors, warnings and problem references)
 * by severity or status, resource, field and message.
 *
 * @module
 */

import type { Report, ReportMeshService, ReportReference } from "../report.ts";
import { PROBLEM_STATUSES } from "./graph.ts";
import { referenceKey, resourceNotation } from "./notation.ts";
import { md, mdWrap, plural } from "./text.ts";

/** The difference between two reports. */
export interface ReportDiff {
  meshServicesAdded: string[];
  meshServicesRemoved: string[];
  referencesAdded: number;
  referencesRemoved: number;
  /** References present in both whose status changed, `label: before → after`. */
  statusChanged: { label: string; before: string; after: string }[];
  problemsAdded: string[];
  problemsFixed: string[];
}

/** Compares the base branch's report with the pull request's. */
export function reportDiff(base: Report, head: Report): ReportDiff {
  const services = (r: Report) => new Map(r.meshServices.map((m) => [meshServiceKey(m), m]));
  const [before, after] = [services(base), services(head)];
  const refs = (r: Report) => new Map(r.references.map((ref) => [referenceKey(ref), ref]));
  const [refsBefore, refsAfter] = [refs(base), refs(head)];
  const statusChanged = [...refsAfter].flatMap(([key, ref]) => {
    const old = refsBefore.get(key);
    return old && old.status !== ref.status
      ? [{
        label: `${resourceNotation(ref.resource)} ${ref.field}`,
        before: old.status,
        after: ref.status,
      }]
      : [];
  });
  const [problemsBefore, problemsAfter] = [problems(base), problems(head)];
  return {
    meshServicesAdded: missingFrom(before, after).map(meshServiceLabel),
    meshServicesRemoved: missingFrom(after, before).map(meshServiceLabel),
    referencesAdded: missingFrom(refsBefore, refsAfter).length,
    referencesRemoved: missingFrom(refsAfter, refsBefore).length,
    statusChanged,
    problemsAdded: [...problemsAfter].filter((p) => !problemsBefore.has(p)).sort(),
    problemsFixed: [...problemsBefore].filter((p) => !problemsAfter.has(p)).sort(),
  };
}

/** True when the diff is empty. */
export function diffIsEmpty(diff: ReportDiff): boolean {
  return diff.meshServicesAdded.length + diff.meshServicesRemoved.length +
      diff.referencesAdded + diff.referencesRemoved + diff.statusChanged.length +
      diff.problemsAdded.length + diff.problemsFixed.length === 0;
}

const LISTED = 10;

/** The "Changes from the base branch" section. */
export function diffSection(diff: ReportDiff): string {
  const heading = "### Changes from the base branch";
  if (diffIsEmpty(diff)) {
    return `${heading}\n\nNo change in MeshServices, references or problems.`;
  }
  const lines: string[] = [];
  if (diff.meshServicesAdded.length + diff.meshServicesRemoved.length > 0) {
    lines.push(
      `- MeshServices: ${diff.meshServicesAdded.length} added${names(diff.meshServicesAdded)}, ` +
        `${diff.meshServicesRemoved.length} removed${names(diff.meshServicesRemoved)}`,
    );
  }
  if (diff.referencesAdded + diff.referencesRemoved + diff.statusChanged.length > 0) {
    lines.push(
      `- References: ${diff.referencesAdded} new, ${diff.referencesRemoved} removed, ` +
        `${plural(diff.statusChanged.length, "status change", "status changes")}`,
      ...diff.statusChanged.slice(0, LISTED).map((c) =>
        `  - ${mdWrap(c.label)}: ${md(c.before)} → **${md(c.after)}**`
      ),
      ...more(diff.statusChanged.length, "  "),
    );
  }
  if (diff.problemsAdded.length + diff.problemsFixed.length > 0) {
    lines.push(
      `- Problems: **${diff.problemsAdded.length} new**, ${diff.problemsFixed.length} fixed`,
      ...diff.problemsAdded.slice(0, LISTED).map((p) => `  - new: ${mdWrap(p)}`),
      ...more(diff.problemsAdded.length, "  "),
    );
  }
  return [heading, "", ...lines].join("\n");
}

function names(list: readonly string[]): string {
  if (list.length === 0) return "";
  const shown = list.slice(0, LISTED).map(mdWrap).join(", ");
  return ` (${shown}${list.length > LISTED ? `, … ${list.length - LISTED} more` : ""})`;
}

function more(total: number, indent: string): string[] {
  return total > LISTED ? [`${indent}- … and ${total - LISTED} more (JSON report)`] : [];
}

function meshServiceKey(m: ReportMeshService): string {
  return JSON.stringify([m.mesh, m.zone, m.namespace ?? "", m.name]);
}

function meshServiceLabel(m: ReportMeshService): string {
  return `${m.namespace ? `${m.namespace}/` : ""}${m.name} (${m.zone})`;
}

function missingFrom<T>(base: Map<string, T>, head: Map<string, T>): T[] {
  return [...head].filter(([key]) => !base.has(key)).map(([, v]) => v);
}

function problems(report: Report): Set<string> {
  const found = new Set<string>();
  for (const ref of report.references) {
    if (PROBLEM_STATUSES.has(ref.status)) found.add(problemOf(ref));
  }
  for (const r of report.results) {
    if (r.severity !== "error" && r.severity !== "warning") continue;
    const where = r.resourceRef ? resourceNotation(r.resourceRef) : r.file?.path ?? "";
    found.add(`${r.severity}: ${where}${r.field ? ` ${r.field.path}` : ""}: ${r.message}`);
  }
  return found;
}

function problemOf(ref: ReportReference): string {
  return `${ref.status}: ${resourceNotation(ref.resource)} ${ref.field}`;
}
