/**
 * The decision for one reference, by where it sits and what it is: a
 * top-level `targetRef`, a `from[]` entry, a MeshServiceSubset, a mirror on a
 * version that mirrors only to `kuma.io/service`, a legacy name, or a
 * reference already in MeshService form.
 *
 * @module
 */

import { KIND } from "../../model/kuma.ts";
import { parseLegacyServiceName } from "../../model/service_identity.ts";
import { refFields } from "../destinations.ts";
import { subsetDecision } from "../subsets.ts";
import { type Decision, kept, unresolved, unsupported } from "./decisions.ts";
import { buildMeshServiceRef } from "./forms.ts";
import {
  indexedTargets,
  legacyCandidates,
  rewriteLegacy,
  sectionToPort,
  unresolvedLegacy,
} from "./legacy_identity.ts";
import { decideReal } from "./real.ts";
import { copyIn, legacyReportTarget } from "./resolve.ts";
import { describeRef } from "./text.ts";
import { decideTopLevel } from "./top_level.ts";
import type { ReferenceContext, Referrer, Site, SiteContext } from "./types.ts";

/** Decides one reference of a referrer. */
export function decide(site: Site, referrer: Referrer, context: ReferenceContext): Decision {
  const at: SiteContext = { site, ref: refFields(site.ref), referrer, context };
  const { ref } = at;
  const { features } = context;
  if (site.role === "targetRef") return decideTopLevel(at);
  if (site.role === "from") return decideFrom(at);
  if (ref.kind === KIND.meshServiceSubset) return decideSubset(at);
  if (site.role === "requestMirror" && !features.mirrorRealReferences) {
    return decideLegacyMirror(at);
  }
  const backend = site.role === "backendRef" || site.role === "requestMirror";
  const legacyForm = ref.kind === KIND.meshService && ref.labels === undefined &&
    ref.name !== undefined && (
      features.v3 ||
      (backend
        ? ref.port === undefined &&
          (!features.backendRefSectionName || ref.sectionName === undefined)
        : ref.sectionName === undefined)
    );
  if (legacyForm) {
    const candidates = legacyCandidates(at);
    if (candidates.length > 0) return rewriteLegacy(at, candidates);
    if (backend && !features.v3 && ref.sectionName !== undefined) {
      const fixed = sectionToPort(at);
      if (fixed) return fixed;
    }
    if (parseLegacyServiceName(ref.name!) !== undefined || (backend && !features.v3)) {
      return unresolvedLegacy(at);
    }
  }
  return decideReal(at, backend);
}

/** `from[]` selects clients by `kuma.io/service`: kept on 2.x, removed by 3.0. */
function decideFrom(at: SiteContext): Decision {
  if (at.context.features.v3) {
    return unsupported({
      message: "Kuma 3.0 removed from[]: the policy must select clients in rules[]",
      advice: "move the client selection to spec.rules (by SPIFFE ID or Dataplane labels)",
    });
  }
  return kept({
    message:
      "from[] selects clients by their kuma.io/service tag, which MeshService mode does not change",
  });
}

/** Before `mirrorRealReferences` a mirror names a `kuma.io/service`: kept when it does, else unresolved. */
function decideLegacyMirror(at: SiteContext): Decision {
  const { ref } = at;
  const version = at.context.features.version;
  const candidates = indexedTargets(at);
  if (candidates.length > 0 && ref.kind === KIND.meshService) {
    return kept({
      targets: candidates.map((c) => legacyReportTarget(c, c.zone)),
      message:
        `Kuma ${version} mirrors only to a kuma.io/service (port and labels are ignored): kept; it is rewritten for Kuma 3.0`,
      severity: "info",
      advice: "",
    });
  }
  return unresolved({
    message: `Kuma ${version} mirrors only to a kuma.io/service, and ${
      describeRef(ref as unknown as Record<string, unknown>)
    } is none`,
    advice: "name the kuma.io/service to mirror to (for example <service>_<namespace>_svc_<port>)",
  });
}

/** A MeshServiceSubset: rewritten to the MeshService that selects exactly its Pods (see `subsets.ts`). */
function decideSubset(at: SiteContext): Decision {
  const { context } = at;
  return subsetDecision({
    ref: at.site.ref,
    candidates: indexedTargets(at),
    features: context.features,
    destinations: context.destinations,
    copyOf: (target) => copyIn(context, target.zone, target),
    build: (target) => buildMeshServiceRef(at, [target], "zone"),
    reportTarget: (target) => legacyReportTarget(target, target.zone),
  });
}
