/**
 * The top-level `targetRef` by `kuma.io/service` (MeshService or
 * MeshServiceSubset selecting proxies): deprecated from 2.10 and rejected by
 * 3.0, rewritten to `{kind: Dataplane, labels}` (with `sectionName` for one
 * inbound) when the Service's selector says which proxies it stood for.
 *
 * @module
 */

import { isObject } from "../../model/krm.ts";
import { KIND, LABEL } from "../../model/kuma.ts";
import { selectorLabelsOf } from "../../model/mesh_service.ts";
import type { KumaFeatures } from "../../model/version.ts";
import { topLevelSelection } from "../top_level_sections.ts";
import { type Decision, kept, migrated, rewritten, unsupported } from "./decisions.ts";
import { indexedTargets } from "./legacy_identity.ts";
import { copyIn, withRest } from "./resolve.ts";
import type { SiteContext, TrafficNote } from "./types.ts";

/** Decides a top-level `targetRef`. */
export function decideTopLevel(at: SiteContext): Decision {
  const { ref, referrer, context } = at;
  const { features } = context;
  if (ref.kind !== KIND.meshService && ref.kind !== KIND.meshServiceSubset) return migrated();
  if (!features.dataplaneTargetRef) {
    return kept({
      message:
        `top-level ${ref.kind} selects proxies by kuma.io/service, which Kuma 2.9 keeps (deprecated: MeshSubset with tags kuma.io/service: ${ref.name})`,
    });
  }
  const candidates = indexedTargets(at);
  const copies = candidates.map((c) => copyIn(context, c.zone, c));
  const selectors = copies.map((d) => selectorLabelsOf(d?.object));
  const selector = selectors[0];
  const same = selector !== undefined &&
    selectors.every((s) => s !== undefined && JSON.stringify(s) === JSON.stringify(selector));
  if (candidates.length === 0 || !same || selector[LABEL.service] !== undefined) {
    return unknownProxies(at);
  }
  const ports = copies[0]?.ports.length ?? 1;
  const tags = isObject(at.site.ref.tags) ? at.site.ref.tags as Record<string, string> : {};
  const labels = {
    ...selector,
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])),
  };
  const { sectionName, traffic } = topLevelSelection(candidates.map((target, i) => ({
    policy: referrer.object,
    features,
    copy: copies[i]!,
    target,
    labels,
    zoneDestinations: context.destinations.all(target.zone),
    podTemplates: context.podTemplates ?? [],
  })));
  // Rewriting would widen the policy to every inbound: kept, so a rerun says the same.
  if (traffic && !traffic.fixed) return widenedDecision(traffic, { labels, features });
  const form: Record<string, unknown> = { kind: KIND.dataplane, labels };
  if (sectionName !== undefined) form.sectionName = sectionName;
  return rewritten({
    after: withRest(at.site.ref, form),
    targets: [],
    message: `top-level ${ref.kind} is ${
      features.v3 ? "rejected by Kuma 3.0" : "deprecated"
    }: selects the same proxies by Dataplane labels${
      sectionName !== undefined
        ? ` and the same inbound by sectionName "${sectionName}"`
        : ports > 1
        ? ` (every inbound: the Service has ${ports} ports)`
        : ""
    }`,
    traffic,
  });
}

/** No Service selector says which Dataplane labels the name stands for: kept (2.x) or unsupported (3.0). */
function unknownProxies(at: SiteContext): Decision {
  const { ref } = at;
  const v3 = at.context.features.v3;
  const message = `top-level ${ref.kind} "${ref.name ?? ""}" selects proxies by kuma.io/service${
    v3 ? ", which Kuma 3.0 rejects" : " (deprecated)"
  }, and the tool cannot tell which Dataplane labels stand for it`;
  const advice = "use {kind: Dataplane, labels: {...}} with the workload's labels";
  return v3 ? unsupported({ message, advice }) : kept({ message, advice });
}

/**
 * The decision for a top-level reference whose rewrite would widen the
 * policy: kept as written (2.x, where it still works) or `unsupported` (3.0),
 * with a warning, so a rerun says the same.
 */
export function widenedDecision(
  traffic: TrafficNote,
  selection: { labels: Readonly<Record<string, string>>; features: KumaFeatures },
): Decision {
  const advice = `write {kind: Dataplane, labels: {${
    Object.entries(selection.labels).map(([k, v]) => `${k}: ${v}`).join(", ")
  }}, sectionName: <the inbound's name>} by hand, or give the port its own workload`;
  const note = { message: traffic.message, advice, traffic };
  return selection.features.v3 ? unsupported(note) : kept({ ...note, severity: "warning" });
}
