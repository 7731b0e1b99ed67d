/**
 * A legacy name that exists in several zones, rewritten to the
 * MeshMultiZoneService that selects every copy of it (config
 * `crossZoneReferences: multiZoneService`).
 *
 * @module
 */

import { isObject, type KubeObject } from "../../model/krm.ts";
import { KIND, LABEL } from "../../model/kuma.ts";
import { type LegacyTarget, sectionOf } from "../../model/service_identity.ts";
import type { ReportTarget } from "../../report.ts";
import { type Destination, refFields } from "../destinations.ts";
import { ambiguous, type Decision, needsDecision, rewritten, unresolved } from "./decisions.ts";
import { backendIn, copyIn, reportTarget, toIn, withRest } from "./resolve.ts";
import { fromText, unique } from "./text.ts";
import type { SiteContext } from "./types.ts";

/** The legacy targets of one name and the zones they are created in. */
export interface CrossZone {
  candidates: LegacyTarget[];
  zones: string[];
}

/** Rewrites to the one MeshMultiZoneService that selects every copy of the name, when a reference to it resolves. */
export function rewriteToMultiZone(at: SiteContext, found: CrossZone): Decision {
  const { candidates, zones } = found;
  const first = candidates[0]!;
  const name = at.ref.name!;
  const multiZone = selectingMultiZone(at, candidates);
  const names = unique(multiZone.map((d) => d.name));
  if (names.length === 0) {
    return needsDecision({
      message: `"${name}" exists in zones ${
        zones.join(", ")
      } and config crossZoneReferences says multiZoneService, but no MeshMultiZoneService selects it${
        at.site.role === "to" ? "" : ` on port ${first.port}`
      }`,
      advice: "add one to config meshMultiZoneServices (or set multiZoneServicesFromZones)",
    });
  }
  if (names.length > 1) {
    return ambiguous({
      targets: [],
      message: `several MeshMultiZoneServices select "${name}": ${names.join(", ")}`,
      blocking: true,
      advice: "keep one MeshMultiZoneService per service",
    });
  }
  const target = multiZone[0]!;
  for (const form of multiZoneForms(at, { target, first })) {
    const targets = resolvesTo(at, { form, target });
    if (targets !== undefined) {
      return rewritten({
        after: form,
        targets,
        message: `"${name}" exists in zones ${
          zones.join(", ")
        }: MeshMultiZoneService "${target.name}" keeps traffic balanced across them`,
      });
    }
  }
  const { features } = at.context;
  const namespace = at.referrer.origin.namespace;
  return unresolved({
    message:
      `MeshMultiZoneService "${target.name}" selects "${name}" but no reference to it resolves from ${
        fromText(at.referrer.createdIn)
      }`,
    advice: features.backendRefNamespaceDefault && namespace !== undefined
      ? `Kuma 3.0 adds the route's namespace (${namespace}) to a selector with ${LABEL.displayName} and no namespace, and the MeshMultiZoneService has none: give it a label of its own and select by that`
      : "reference it by hand",
  });
}

/** MeshMultiZoneServices whose selector takes in every copy of the service in the first evaluating zone's store. */
function selectingMultiZone(at: SiteContext, candidates: readonly LegacyTarget[]): Destination[] {
  const { context, referrer, site } = at;
  const first = candidates[0]!;
  const evalZone = referrer.zones[0]!;
  const copies = unique(
    candidates.map((c) => copyIn(context, evalZone, c)).filter((d) => d !== undefined),
  );
  return context.destinations.all(evalZone).filter((d) => {
    if (d.kind !== KIND.meshMultiZoneService || d.mesh !== first.mesh) return false;
    const matchLabels = matchLabelsOf(d.object);
    if (matchLabels === undefined) return false;
    return copies.length > 0 &&
      copies.every((c) => Object.entries(matchLabels).every(([k, v]) => c.labels[k] === v)) &&
      (site.role === "to" && first.section === "" || d.ports.some((p) => p.port === first.port));
  });
}

/** The forms tried, in order: by display name, then by display name and namespace. */
function multiZoneForms(
  at: SiteContext,
  chosen: { target: Destination; first: LegacyTarget },
): Record<string, unknown>[] {
  const { target, first } = chosen;
  const port = target.ports.find((p) => p.port === first.port);
  const display = target.labels[LABEL.displayName] ?? target.name;
  const selectors: Record<string, string>[] = [{ [LABEL.displayName]: display }];
  if (target.labels[LABEL.namespace] !== undefined) {
    selectors.push({
      [LABEL.displayName]: display,
      [LABEL.namespace]: target.labels[LABEL.namespace]!,
    });
  }
  return selectors.map((labels) => {
    const form: Record<string, unknown> = { kind: KIND.meshMultiZoneService, labels };
    if (at.site.role !== "to") form.port = first.port;
    else if (port && first.section !== "" && at.context.features.labelsWithSectionName) {
      form.sectionName = sectionOf(port);
    }
    return withRest(at.site.ref, form);
  });
}

/** The report targets when `form` resolves to `target` alone in every evaluating zone, else `undefined`. */
function resolvesTo(
  at: SiteContext,
  candidate: { form: Record<string, unknown>; target: Destination },
): ReportTarget[] | undefined {
  const fields = refFields(candidate.form);
  const object = candidate.target.object;
  const targets: ReportTarget[] = [];
  let ok = true;
  for (const zone of at.referrer.zones) {
    if (at.site.role === "to") {
      const matches = toIn(at, zone, fields);
      ok &&= matches.length === 1 && matches[0]!.destination.object === object;
      targets.push(...matches.map((m) => reportTarget(m, zone)));
    } else {
      const outcome = backendIn(at, zone, fields);
      ok &&= outcome.match?.destination.object === object && outcome.contenders.length === 0;
      if (outcome.match) targets.push(reportTarget(outcome.match, zone));
    }
  }
  return ok ? targets : undefined;
}

function matchLabelsOf(object: KubeObject): Record<string, string> | undefined {
  const spec = object.spec;
  if (!isObject(spec) || !isObject(spec.selector) || !isObject(spec.selector.meshService)) {
    return undefined;
  }
  const labels = spec.selector.meshService.matchLabels;
  if (!isObject(labels)) return undefined;
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}
