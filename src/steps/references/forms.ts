/**
 * The MeshService reference for legacy targets, in the first form that
 * provably resolves to them in every zone the referrer is evaluated in.
 *
 * @module
 */

import { KIND, LABEL } from "../../model/kuma.ts";
import type { LegacyTarget } from "../../model/service_identity.ts";
import type { ReportTarget } from "../../report.ts";
import { refFields } from "../destinations.ts";
import {
  backendIn,
  copyIn,
  describeMatches,
  isCopyOf,
  reportTarget,
  toIn,
  withRest,
} from "./resolve.ts";
import type { SiteContext } from "./types.ts";

/** How a rewrite is pinned: to the target's zone, to each evaluating zone's own copy, or not. */
export type Pin = "zone" | "origin" | "none";

/** A verified form. */
export interface Built {
  ok: true;
  after: Record<string, unknown>;
  targets: ReportTarget[];
  notes: string[];
}

/** No form resolves exactly to the targets. */
export interface NotBuilt {
  ok: false;
  problem: string;
}

/**
 * The MeshService reference for `targets` (one per zone when pinned by
 * origin), in the first form that resolves exactly to them: by name (2.x,
 * `referenceStyle: name`), by labels pinned to the zone, by labels alone.
 */
export function buildMeshServiceRef(
  at: SiteContext,
  targets: LegacyTarget[],
  pin: Pin,
): Built | NotBuilt {
  const { site, referrer, context } = at;
  const { features } = context;
  const first = targets[0]!;
  const backend = site.role !== "to";
  const wholeService = first.section === "";
  const tail = (selector: Record<string, unknown>, labels: boolean) => {
    const out: Record<string, unknown> = { kind: KIND.meshService, ...selector };
    if (backend) out.port = first.port;
    else if (!wholeService && (!labels || features.labelsWithSectionName)) {
      out.sectionName = first.section;
    }
    return withRest(site.ref, out);
  };
  const forms: Record<string, unknown>[] = [];
  const nameAllowed = features.legacyReferences && context.style === "name" &&
    pin !== "origin" && referrer.createdIn === first.zone;
  if (nameAllowed) {
    forms.push(tail({
      name: first.displayName,
      ...(first.namespace !== undefined ? { namespace: first.namespace } : {}),
    }, false));
  }
  const labels: Record<string, string> = { [LABEL.displayName]: first.displayName };
  if (first.namespace !== undefined) labels[LABEL.namespace] = first.namespace;
  const pinnable = context.multizone || context.config.zoneKnown ||
    referrer.createdIn !== first.zone;
  if (pin === "origin") {
    forms.push(tail({ labels: { ...labels, [LABEL.origin]: "zone" } }, true));
  } else if (pinnable) {
    forms.push(tail({ labels: { ...labels, [LABEL.zone]: first.zone } }, true));
  }
  if (pin !== "origin") forms.push(tail({ labels }, true));
  const expected = (zone: string) =>
    pin === "origin"
      ? targets.filter((t) => t.zone === zone)
      : targets.filter((t) => t.zone === first.zone);
  for (const form of forms) {
    const check = verify(at, form, expected);
    if (check.ok) {
      return { ok: true, after: form, targets: check.targets, notes: formNotes(at, form, first) };
    }
  }
  const last = forms.length === 0 ? undefined : verify(at, forms[forms.length - 1]!, expected);
  return { ok: false, problem: last && !last.ok ? last.problem : "no form applies" };
}

/** Kuma 2.9 forbids `sectionName` with labels: say when a labels form widens a `to[]` entry to every port. */
function formNotes(at: SiteContext, form: Record<string, unknown>, first: LegacyTarget): string[] {
  const { features } = at.context;
  if (
    at.site.role !== "to" || first.section === "" || form.labels === undefined ||
    features.labelsWithSectionName
  ) {
    return [];
  }
  const copy = copyIn(at.context, first.zone, first);
  const ports = copy ? copy.ports.length : 1;
  return ports > 1
    ? [
      `Kuma 2.9 forbids sectionName with labels: this entry now applies to all ${ports} ports of "${first.displayName}", not only ${first.section}`,
    ]
    : [];
}

/** Checks that a candidate reference resolves, in every zone the referrer is evaluated in, exactly to the expected targets. */
export function verify(
  at: SiteContext,
  form: Record<string, unknown>,
  expected: (zone: string) => LegacyTarget[],
): { ok: true; targets: ReportTarget[] } | NotBuilt {
  const fields = refFields(form);
  const targets: ReportTarget[] = [];
  for (const zone of at.referrer.zones) {
    const wanted = expected(zone);
    if (at.site.role === "to") {
      const matches = toIn(at, zone, fields);
      const w = wanted[0];
      const m = matches[0];
      const ok = w === undefined ? matches.length === 0 : matches.length === 1 &&
        m !== undefined && isCopyOf(m.destination, w) &&
        (w.section === "" || m.section === w.section || fields.sectionName === undefined);
      if (!ok) {
        return {
          ok: false,
          problem: `in zone ${zone} it would select ${describeMatches(matches)}`,
        };
      }
      targets.push(...matches.map((m) => reportTarget(m, zone)));
    } else {
      if (wanted.length === 0) continue;
      const outcome = backendIn(at, zone, fields);
      if (
        !outcome.match || outcome.contenders.length > 0 ||
        !isCopyOf(outcome.match.destination, wanted[0]!)
      ) {
        return {
          ok: false,
          problem: `in zone ${zone} ${
            outcome.contenders.length > 0
              ? `it matches ${outcome.contenders.length} MeshServices and Kuma picks the oldest`
              : outcome.problem ?? "it would pick another MeshService"
          }`,
        };
      }
      targets.push(reportTarget(outcome.match, zone));
    }
  }
  return { ok: true, targets };
}
