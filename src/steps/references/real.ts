/**
 * References already in MeshService form: checked against every zone's
 * store, and on Kuma 3.0, where `name` and `namespace` are pruned, rewritten
 * to the labels of the destination they meant.
 *
 * @module
 */

import { KIND, LABEL } from "../../model/kuma.ts";
import type { KumaFeatures } from "../../model/version.ts";
import type { ReportTarget } from "../../report.ts";
import { type Destination, refFields, resolveBackend, resolveTo } from "../destinations.ts";
import { ambiguous, type Decision, migrated, rewritten, unresolved } from "./decisions.ts";
import { reportTarget, withRest } from "./resolve.ts";
import { describeRef } from "./text.ts";
import type { SiteContext } from "./types.ts";

/** What a reference resolves to in every evaluating zone, and what went wrong where. */
interface Resolution {
  targets: ReportTarget[];
  problems: string[];
  ambiguous: string[];
  /** The destinations it resolved to, in zone order. */
  meant: Destination[];
}

/** Decides a reference in MeshService form; `backend` for backendRefs and mirrors. */
export function decideReal(at: SiteContext, backend: boolean): Decision {
  const { features } = at.context;
  // 3.0 prunes name/namespace: resolve them the 2.x way to find what they meant, then write labels.
  const byName = features.v3 && at.ref.labels === undefined && at.ref.name !== undefined;
  const resolveFeatures = byName ? { ...features, legacyReferences: true } : features;
  const resolution = resolveEverywhere(at, { backend, features: resolveFeatures });
  const { targets, problems } = resolution;
  const written = describeRef(at.site.ref);
  if (problems.length > 0) {
    return unresolved({
      targets,
      message: `${written} resolves to nothing (${problems.join("; ")})${
        features.v3 && backend && at.site.role === "backendRef"
          ? ": Kuma 3.0 answers 500 when every backendRef of a rule fails"
          : ""
      }`,
      advice: "fix the reference, or add the destination",
    });
  }
  if (resolution.ambiguous.length > 0) {
    return ambiguous({
      targets,
      message:
        `${written} matches several destinations and Kuma sends traffic to the oldest, which the manifests do not say (${
          resolution.ambiguous.join("; ")
        })`,
      blocking: false,
      advice: `add ${LABEL.zone} (or more labels) so it selects one`,
    });
  }
  if (byName) return rewriteByLabels(at, { backend, resolution });
  return migrated(targets);
}

function resolveEverywhere(
  at: SiteContext,
  how: { backend: boolean; features: KumaFeatures },
): Resolution {
  const { referrer, context, ref } = at;
  const out: Resolution = { targets: [], problems: [], ambiguous: [], meant: [] };
  for (const zone of referrer.zones) {
    if (!how.backend) {
      const matches = resolveTo(context.destinations, {
        zone,
        ref,
        origin: referrer.origin,
        features: how.features,
      });
      if (matches.length === 0) out.problems.push(`zone ${zone}: nothing matches`);
      out.targets.push(...matches.map((m) => reportTarget(m, zone)));
      out.meant.push(...matches.map((m) => m.destination));
      continue;
    }
    const outcome = resolveBackend(context.destinations, {
      zone,
      ref,
      origin: referrer.origin,
      features: how.features,
    });
    if (!outcome.match) {
      out.problems.push(`zone ${zone}: ${outcome.problem ?? "nothing matches"}`);
      continue;
    }
    if (outcome.contenders.length > 0 && !knownAges(outcome.contenders)) {
      out.ambiguous.push(
        `zone ${zone}: ${
          outcome.contenders.map((d) => `${d.name} (created in ${d.createdIn})`).join(", ")
        }`,
      );
    }
    out.targets.push(reportTarget(outcome.match, zone));
    out.meant.push(outcome.match.destination);
  }
  return out;
}

/** Kuma 3.0: the name a reference meant, written as the labels of that destination, when they resolve. */
function rewriteByLabels(
  at: SiteContext,
  found: { backend: boolean; resolution: Resolution },
): Decision {
  const { ref, referrer, context } = at;
  const { features } = context;
  const { targets, meant } = found.resolution;
  const first = meant[0]!;
  const labels: Record<string, string> = {
    [LABEL.displayName]: first.labels[LABEL.displayName] ?? first.name,
  };
  if (first.labels[LABEL.namespace] !== undefined) {
    labels[LABEL.namespace] = first.labels[LABEL.namespace]!;
  }
  if (first.labels[LABEL.zone] !== undefined && first.kind === KIND.meshService) {
    labels[LABEL.zone] = first.labels[LABEL.zone]!;
  }
  const out: Record<string, unknown> = { kind: ref.kind, labels };
  if (ref.sectionName !== undefined) out.sectionName = ref.sectionName;
  if (ref.port !== undefined) out.port = ref.port;
  const after = withRest(at.site.ref, out);
  const fields = refFields(after);
  const { destinations } = context;
  const check = found.backend
    ? referrer.zones.every((zone) => {
      const o = resolveBackend(destinations, {
        zone,
        ref: fields,
        origin: referrer.origin,
        features,
      });
      return o.match !== undefined && o.contenders.length === 0;
    })
    : referrer.zones.every((zone) =>
      resolveTo(destinations, { zone, ref: fields, origin: referrer.origin, features }).length > 0
    );
  if (check) {
    return rewritten({
      after,
      targets,
      message: "Kuma 3.0 drops name and namespace: written as labels",
    });
  }
  return unresolved({
    targets,
    message: `${
      describeRef(at.site.ref)
    }: Kuma 3.0 drops name and namespace, and no label selector resolves to the same destination`,
    advice: "write labels by hand",
  });
}

function knownAges(destinations: readonly Destination[]): boolean {
  const times = destinations.map((d) => d.creationTime);
  return times.every((t) => t !== undefined) && new Set(times).size === times.length;
}
