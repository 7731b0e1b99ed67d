/**
 * "Traffic changes": every difference between traffic under `kuma.io/service`
 * and under MeshService that the run found, open ones first, in the same
 * three-column shape as "Needs review". Reads only `report.trafficChanges`.
 *
 * @module
 */

import type { ReportTrafficChange } from "../report.ts";
import { where } from "./review.ts";
import { leftOut, md, mdWrap, plural, table } from "./text.ts";

/** The section, or `""` when the run found no traffic change. */
export function trafficChangesSection(
  changes: readonly ReportTrafficChange[],
  maxRows: number,
): string {
  if (changes.length === 0) return "";
  const open = changes.filter((c) => !c.fixed);
  const rows = [...open, ...changes.filter((c) => c.fixed)].slice(0, maxRows).map((change) => [
    change.resource === undefined ? "the run" : where(change.resource, change.field, change.path),
    `${change.fixed ? "fixed" : "**open**"} · ${md(change.kind)}<br>` +
    `${mdWrap(change.before)} → ${mdWrap(change.after)}`,
    md(change.message),
  ]);
  return [
    `### Traffic changes (${plural(open.length, "open", "open")}, ${
      changes.length - open.length
    } fixed)`,
    "",
    "Differences between traffic under `kuma.io/service` and under MeshService that nobody asked for.",
    "",
    table(["Where", "Change (under kuma.io/service → under MeshService)", "Details"], rows),
    ...leftOut(changes.length, rows.length, ["traffic change", "traffic changes"]),
  ].join("\n");
}
