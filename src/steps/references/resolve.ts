/**
 * A candidate reference against each zone's store: Kuma's resolution rules
 * (`destinations.ts`) from the referrer, the copies of a legacy target a zone
 * holds, and the report's view of a match.
 *
 * @module
 */

import { KIND, LABEL } from "../../model/kuma.ts";
import type { LegacyTarget } from "../../model/service_identity.ts";
import type { ReportTarget } from "../../report.ts";
import {
  type BackendMatch,
  type Destination,
  type Match,
  type RefFields,
  type RefLookup,
  resolveBackend,
  resolveTo,
} from "../destinations.ts";
import type { ReferenceContext, SiteContext } from "./types.ts";

/** The lookup of `fields` in one zone, from the referrer, by the run's version rules. */
function lookupIn(at: SiteContext, zone: string, fields: RefFields): RefLookup {
  return { zone, ref: fields, origin: at.referrer.origin, features: at.context.features };
}

/** `resolveTo` in one zone, from the referrer, by the run's version rules. */
export function toIn(at: SiteContext, zone: string, fields: RefFields): Match[] {
  return resolveTo(at.context.destinations, lookupIn(at, zone, fields));
}

/** `resolveBackend` in one zone, from the referrer, by the run's version rules. */
export function backendIn(at: SiteContext, zone: string, fields: RefFields): BackendMatch {
  return resolveBackend(at.context.destinations, lookupIn(at, zone, fields));
}

/** The copy of a legacy target that a zone's store holds. */
export function isCopyOf(d: Destination, target: LegacyTarget): boolean {
  return d.kind === KIND.meshService && d.createdIn === target.zone &&
    d.mesh === target.mesh &&
    (d.labels[LABEL.displayName] ?? d.name) === target.displayName &&
    d.labels[LABEL.namespace] === target.namespace;
}

/** The copy of a legacy target a zone stores (indexed by display name, no scan). */
export function copyIn(
  context: ReferenceContext,
  zone: string,
  target: LegacyTarget,
): Destination | undefined {
  return context.destinations.byDisplayName({
    zone,
    kind: KIND.meshService,
    mesh: target.mesh,
    displayName: target.displayName,
  })
    .find((d) => isCopyOf(d, target));
}

const REPLACED = new Set([
  "kind",
  "name",
  "namespace",
  "labels",
  "sectionName",
  "port",
  "tags",
  "mesh",
]);

/** Keeps the reference's other fields (weight, ...) after the rewritten ones. */
export function withRest(
  before: Readonly<Record<string, unknown>>,
  rewritten: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...rewritten };
  for (const [key, value] of Object.entries(before)) {
    if (!REPLACED.has(key)) out[key] = value;
  }
  return out;
}

/** A match as the report lists it, in the zone it was resolved in. */
export function reportTarget(match: Match, zone: string): ReportTarget {
  const d = match.destination;
  const target: ReportTarget = {
    kind: d.kind,
    name: d.name,
    ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
    zone,
    createdIn: d.createdIn,
  };
  if (match.section !== undefined) target.section = match.section;
  return target;
}

/** A legacy target as the report lists it, in `zone`. */
export function legacyReportTarget(target: LegacyTarget, zone: string): ReportTarget {
  return {
    kind: KIND.meshService,
    name: target.name,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    zone,
    createdIn: target.zone,
    ...(target.section !== "" ? { section: target.section } : {}),
  };
}

/** `MeshService ns/name, ...`, or `nothing`. */
export function describeMatches(matches: readonly Match[]): string {
  if (matches.length === 0) return "nothing";
  return matches.map((m) =>
    `${m.destination.kind} ${
      m.destination.namespace ? `${m.destination.namespace}/` : ""
    }${m.destination.name}`
  ).join(", ");
}
