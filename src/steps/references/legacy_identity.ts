/**
 * Legacy `kuma.io/service` names to destinations: the MeshService ports a
 * name stands for (what generation produced, `model/service_identity.ts`, or
 * Kuma's own translation of 3- and 4-part names), the cross-zone choice, and
 * the rewrite to a MeshService reference.
 *
 * @module
 */

import type { Config, CrossZoneChoice } from "../../config.ts";
import { KIND, LABEL } from "../../model/kuma.ts";
import {
  type LegacyTarget,
  legacyTargetsOf,
  parseLegacyServiceName,
  sectionOf,
} from "../../model/service_identity.ts";
import type { ReportTarget } from "../../report.ts";
import { resolveBackend, selectByLabels } from "../destinations.ts";
import {
  ambiguous,
  type Decision,
  kept,
  needsDecision,
  rewritten,
  unresolved,
} from "./decisions.ts";
import { buildMeshServiceRef, type Pin } from "./forms.ts";
import { rewriteToMultiZone } from "./multizone.ts";
import { legacyReportTarget, reportTarget, withRest } from "./resolve.ts";
import { fromText, unique, zonesText } from "./text.ts";
import type { SiteContext } from "./types.ts";

/** The MeshService ports the site's legacy name stands for, across every zone. */
export function legacyCandidates(at: SiteContext): LegacyTarget[] {
  const { referrer, context } = at;
  const name = at.ref.name!;
  const mesh = referrer.origin.mesh;
  const indexed = legacyTargetsOf(context.legacy, mesh, name);
  if (indexed.length > 0) return [...indexed];
  // Kuma's own translation of 3- and 4-part names, against any MeshService of the run.
  const parsed = parseLegacyServiceName(name);
  if (parsed === undefined || at.ref.namespace !== undefined) return [];
  const out: LegacyTarget[] = [];
  for (const zone of context.destinations.zones) {
    const found = selectByLabels(context.destinations, {
      zone,
      kind: KIND.meshService,
      mesh,
      selector: { [LABEL.displayName]: parsed.name, [LABEL.namespace]: parsed.namespace },
    }).filter((d) => d.createdIn === zone);
    for (const d of found) {
      const ports = parsed.port === undefined
        ? d.ports
        : d.ports.filter((p) => p.port === parsed.port);
      for (const port of ports.slice(0, parsed.port === undefined ? 1 : ports.length)) {
        const target: LegacyTarget = {
          legacy: name,
          mesh,
          zone,
          name: d.name,
          displayName: parsed.name,
          port: port.port,
          section: parsed.port === undefined ? "" : sectionOf(port),
        };
        if (d.namespace !== undefined) target.namespace = d.namespace;
        out.push(target);
      }
    }
  }
  return out;
}

/** A legacy name no workload and no MeshService of the run stands for. */
export function unresolvedLegacy(at: SiteContext): Decision {
  const name = at.ref.name!;
  const parsed = parseLegacyServiceName(name);
  const serviceless = parsed !== undefined && parsed.port === undefined;
  return unresolved({
    message: serviceless
      ? `"${name}" is the kuma.io/service of a workload without a Service: Kuma generates no MeshService for it`
      : `no workload of mesh "${at.referrer.origin.mesh}" in ${
        zonesText(at.context.destinations.zones)
      } has kuma.io/service "${name}", and no MeshService matches it`,
    advice: serviceless
      ? "add a Service that selects the workload, then render again"
      : "fix the name, or add the Service or Dataplane it stands for",
  });
}

function resourceKey(target: LegacyTarget): string {
  return `${target.zone}\u0000${target.namespace ?? ""}\u0000${target.name}`;
}

/** The targets a rewrite must resolve to, how it is pinned, and a note on what changes. */
interface Choice {
  chosen: LegacyTarget[];
  pin: Pin;
  note?: string;
}

/** Rewrites a legacy name that stands for `candidates` to a MeshService (or MeshMultiZoneService) reference. */
export function rewriteLegacy(at: SiteContext, candidates: LegacyTarget[]): Decision {
  const zones = unique(candidates.map((c) => c.zone));
  const choice = zones.length > 1
    ? chooseAcrossZones(at, { candidates, zones })
    : { chosen: candidates, pin: "zone" as const };
  if (!("chosen" in choice)) return choice;
  const { chosen, pin, note } = choice;
  const name = at.ref.name!;
  // Several MeshServices for one legacy port in a zone: headless Services (one per Pod).
  const resources = unique(chosen.map(resourceKey));
  const perZone = pin === "origin" ? zones.map((z) => chosen.filter((c) => c.zone === z)) : [
    chosen,
  ];
  if (perZone.some((list) => unique(list.map(resourceKey)).length > 1)) {
    return ambiguous({
      targets: chosen.map((c) => legacyReportTarget(c, c.zone)),
      message: `"${name}" stands for ${resources.length} MeshServices (${
        chosen.map((c) => c.name).join(", ")
      }): a headless Service gets one per Pod, and a reference picks one`,
      blocking: true,
      advice: "reference the Pod's MeshService you mean, or give the workload a ClusterIP Service",
    });
  }
  const result = buildMeshServiceRef(at, chosen, pin);
  if (!result.ok) {
    return unresolved({
      message: `no MeshService reference to "${name}" resolves from ${
        fromText(at.referrer.createdIn)
      }: ${result.problem}`,
      advice: "reference it by hand",
    });
  }
  const notes = [note, ...result.notes].filter((n) => n !== undefined);
  return rewritten({
    after: result.after,
    targets: result.targets,
    message: notes.length > 0 ? notes.join("; ") : undefined,
  });
}

/** A name in several zones: what config `crossZoneReferences` says to do, as a choice or a decision. */
function chooseAcrossZones(
  at: SiteContext,
  found: { candidates: LegacyTarget[]; zones: string[] },
): Choice | Decision {
  const { candidates, zones } = found;
  const home = at.referrer.createdIn;
  const name = at.ref.name!;
  const choice = crossZoneChoice(at.context.config, name, candidates[0]!.displayName);
  const elsewhere = zones.filter((z) => z !== home);
  const plural = elsewhere.length > 1;
  if (choice === undefined) {
    return needsDecision({
      message: `"${name}" exists in zones ${
        zones.join(", ")
      }: today traffic is load-balanced across them, a MeshService reference sends it to one zone only${
        home === "global"
          ? ""
          : `, so zone${plural ? "s" : ""} ${
            elsewhere.join(", ")
          } would stop receiving traffic from ${home}`
      }`,
      advice:
        `set config crossZoneReferences to multiZoneService (keeps cross-zone balancing) or local for "${name}" or "*"`,
    });
  }
  if (choice === "keep") {
    return kept({
      message: `"${name}" exists in zones ${
        zones.join(", ")
      }; kept as kuma.io/service as config crossZoneReferences says`,
      blocking: true,
      severity: "info",
      advice: "",
    });
  }
  if (choice === "multiZoneService") return rewriteToMultiZone(at, { candidates, zones });
  // local
  if (home === "global") {
    const missing = at.referrer.zones.filter((z) => !zones.includes(z));
    if (missing.length === 0) return { chosen: candidates, pin: "origin" };
    const note = `zone${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ha${
      missing.length > 1 ? "ve" : "s"
    } no local "${name}": traffic there resolves to nothing`;
    return { chosen: candidates, pin: "origin", note };
  }
  const chosen = candidates.filter((c) => c.zone === home);
  if (chosen.length === 0) {
    return unresolved({
      message: `"${name}" has no MeshService in zone ${home} (it exists in ${
        zones.join(", ")
      }), and config crossZoneReferences says local`,
      advice: `use multiZoneService for "${name}", or deploy it in zone ${home}`,
    });
  }
  const note = `pinned to zone ${home}: zone${plural ? "s" : ""} ${elsewhere.join(", ")} stop${
    plural ? "" : "s"
  } receiving this traffic`;
  return { chosen, pin: "zone", note };
}

function crossZoneChoice(
  config: Config,
  legacy: string,
  displayName: string,
): CrossZoneChoice | undefined {
  const map = config.crossZoneReferences;
  return map[legacy] ?? map[displayName] ?? map["*"];
}

/**
 * Before 2.12 a MeshService backendRef with `sectionName` and no `port` is read
 * as a `kuma.io/service` name; when it names a MeshService, write its port.
 */
export function sectionToPort(at: SiteContext): Decision | undefined {
  const { ref, referrer, context } = at;
  const features = { ...context.features, backendRefSectionName: true };
  const targets: ReportTarget[] = [];
  let port: number | undefined;
  for (const zone of referrer.zones) {
    const outcome = resolveBackend(context.destinations, {
      zone,
      ref,
      origin: referrer.origin,
      features,
    });
    if (!outcome.match || outcome.contenders.length > 0) return undefined;
    const hit = outcome.match.destination.ports.find((p) =>
      sectionOf(p) === outcome.match!.section
    );
    if (!hit || (port !== undefined && port !== hit.port)) return undefined;
    port = hit.port;
    targets.push(reportTarget(outcome.match, zone));
  }
  if (port === undefined) return undefined;
  const out: Record<string, unknown> = { kind: ref.kind, name: ref.name };
  if (ref.namespace !== undefined) out.namespace = ref.namespace;
  out.port = port;
  return rewritten({
    after: withRest(at.site.ref, out),
    targets,
    message:
      `Kuma ${context.features.version} ignores sectionName on backendRefs (honoured from 2.12) and reads a backendRef without port as the kuma.io/service "${ref.name}": written with port ${port}`,
  });
}

/** The legacy targets a name stands for in the legacy index (no translation), for mirrors, subsets and top-level refs. */
export function indexedTargets(at: SiteContext): readonly LegacyTarget[] {
  return at.ref.name === undefined
    ? []
    : legacyTargetsOf(at.context.legacy, at.referrer.origin.mesh, at.ref.name);
}
