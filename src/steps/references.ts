/**
 * Rewrites the references of routes and policies from legacy `kuma.io/service`
 * names to MeshService (or MeshMultiZoneService) references, the way Kuma of
 * the configured version resolves them, and records every reference before
 * and after.
 *
 * A reference is rewritten only when the new form provably resolves, in every
 * zone the object is evaluated in, to the destinations the legacy name stood
 * for; otherwise it is left as written and reported.
 *
 * The step lives in `references/`, one file per concern:
 * - `sites.ts`: where references sit in each kind;
 * - `decide.ts`: the decision for one reference, by where it sits and what it is;
 * - `decisions.ts`: the `Decision` type and one constructor per status;
 * - `legacy_identity.ts`: `kuma.io/service` names to destinations, the cross-zone choice;
 * - `forms.ts`: the MeshService reference that provably resolves to the legacy targets;
 * - `multizone.ts`: names in several zones to a MeshMultiZoneService;
 * - `real.ts`: references already in MeshService form (3.0: name to labels);
 * - `top_level.ts`: the top-level `targetRef` to `{kind: Dataplane, labels}`;
 * - `resolve.ts`: a candidate against each zone's store;
 * - `rewrite.ts`: applying decisions to copies, policy roles.
 *
 * @module
 */

export { isReferrerKind } from "./references/sites.ts";
export { rewriteReferences } from "./references/rewrite.ts";
export { describeRef } from "./references/text.ts";
export type {
  Finding,
  ReferenceContext,
  ReferenceOutput,
  Referrer,
  TrafficNote,
} from "./references/types.ts";
