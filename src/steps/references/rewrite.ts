/**
 * Applying decisions: every reference of every referrer is decided, the
 * rewritten ones are written into a copy of the object (the input is not
 * changed), and a change of Kuma's policy role is reported.
 *
 * @module
 */

import { fieldPathOf } from "../../model/field_path.ts";
import { isObject, type KubeObject, type Result } from "../../model/krm.ts";
import { KIND, LABEL } from "../../model/kuma.ts";
import type { ReportReference } from "../../report.ts";
import { REASON, resultAt } from "../../results.ts";
import { refFields } from "../destinations.ts";
import { holdEntriesTogether } from "../subsets.ts";
import { decide } from "./decide.ts";
import { asList, type PathCopy, pathCopy, sitesOf, writeAt } from "./sites.ts";
import type { Finding, ReferenceContext, ReferenceOutput, Referrer } from "./types.ts";

type PolicyRole = "producer" | "consumer" | "mixed" | undefined;

/** Rewrites every referrer's references. */
export function rewriteReferences(
  referrers: readonly Referrer[],
  context: ReferenceContext,
): ReferenceOutput {
  const rewritten = new Map<KubeObject, KubeObject>();
  const findings: Finding[] = [];
  const results: Result[] = [];
  for (const referrer of referrers) {
    let outcome = processReferrer(referrer, context);
    const before = policyRole(referrer, referrer.object, context);
    let after = policyRole(referrer, outcome.copy ?? referrer.object, context);
    if (after === "mixed" && before !== "mixed" && context.style === "name") {
      // Name style made some entries producer items and others consumer items: labels keep them alike.
      const retry = processReferrer(referrer, { ...context, style: "labels" });
      const role = policyRole(referrer, retry.copy ?? referrer.object, context);
      if (role !== "mixed") {
        outcome = retry;
        after = role;
      }
    }
    findings.push(...outcome.findings);
    if (outcome.copy !== undefined) rewritten.set(referrer.object, outcome.copy);
    if (after === "mixed") {
      results.push(resultAt(referrer.object, {
        severity: "warning",
        message:
          `${referrer.object.kind} "${referrer.object.metadata?.name}" mixes to[] entries that make it a producer policy (a MeshService by name in its own namespace, or a kuma.io/service name) with entries that make it a consumer policy, which Kuma rejects: split it into two policies, or resolve the remaining kuma.io/service names`,
        reason: REASON.policyRole,
        field: "spec.to",
      }));
    } else if (before !== after && before !== undefined && after !== undefined) {
      noteRoleChange(outcome.findings, { before, after });
    }
  }
  return { rewritten, findings, results };
}

/** Appends the policy role change to the first rewritten reference's message. */
function noteRoleChange(
  findings: readonly Finding[],
  change: { before: string; after: string },
): void {
  const first = findings.find((f) => f.reference.status === "rewritten");
  if (!first) return;
  const note = `policy role changes from ${change.before} to ${change.after}: ${
    change.after === "consumer"
      ? "it now applies only to clients in its own namespace and zone, and is no longer synced to other zones"
      : "it is now synced to other zones"
  }`;
  first.reference.message = first.reference.message ? `${first.reference.message}; ${note}` : note;
}

/** Decides every reference of one referrer. */
function processReferrer(
  referrer: Referrer,
  context: ReferenceContext,
): { copy: KubeObject | undefined; findings: Finding[] } {
  const findings: Finding[] = [];
  let copy: PathCopy<KubeObject> | undefined;
  const sites = sitesOf(referrer.object);
  const decisions = holdEntriesTogether(
    sites.map((s) => s.path),
    sites.map((site) => decide(site, referrer, context)),
    fieldPathOf,
  );
  sites.forEach((site, i) => {
    const decision = decisions[i]!;
    const reference: ReportReference = {
      resource: resourceOf(referrer),
      ...(referrer.path !== undefined ? { path: referrer.path } : {}),
      zone: referrer.createdIn,
      field: fieldPathOf(site.path),
      role: site.role,
      before: site.ref,
      ...(decision.after !== undefined ? { after: decision.after } : {}),
      status: decision.status,
      targets: decision.targets,
    };
    if (decision.after !== undefined) {
      copy ??= pathCopy(referrer.object);
      writeAt(copy, site.path, decision.after);
    }
    if (decision.message !== undefined) reference.message = decision.message;
    findings.push({
      reference,
      object: referrer.object,
      blocking: decision.blocking,
      severity: decision.severity,
      advice: decision.advice ?? "",
      ...(decision.traffic ? { traffic: decision.traffic } : {}),
    });
  });
  return { copy: copy?.root, findings };
}

/**
 * Kuma's `ComputePolicyRole` for a policy in a Kubernetes namespace other than
 * the system one; `undefined` elsewhere (role `system`) and without `to`.
 */
function policyRole(
  referrer: Referrer,
  object: KubeObject,
  context: ReferenceContext,
): PolicyRole {
  const namespace = referrer.origin.namespace;
  if (namespace === undefined || namespace === context.config.systemNamespace) return undefined;
  const spec = isObject(object.spec) ? object.spec : {};
  const to = asList(spec.to);
  if (to.length === 0) return undefined;
  const { features } = context;
  const producer = to.map((entry) => {
    const ref = isObject(entry) && isObject(entry.targetRef)
      ? refFields(entry.targetRef)
      : undefined;
    if (!ref) return false;
    if (features.v3) {
      const labels = ref.labels ?? {};
      const keys = Object.keys(labels);
      return labels[LABEL.displayName] !== undefined &&
        keys.every((k) =>
          k === LABEL.displayName || (k === LABEL.namespace && labels[k] === namespace)
        );
    }
    const kinds = features.routeProducerItems
      ? [KIND.meshService, KIND.meshHTTPRoute]
      : [KIND.meshService];
    return kinds.includes(ref.kind as typeof KIND.meshService) && ref.name !== undefined &&
      (ref.namespace === undefined || ref.namespace === namespace);
  });
  if (producer.every((p) => p)) return "producer";
  if (producer.every((p) => !p)) return "consumer";
  return "mixed";
}

function resourceOf(referrer: Referrer): ReportReference["resource"] {
  const meta = referrer.object.metadata ?? {};
  return {
    kind: String(referrer.object.kind),
    name: String(meta.name),
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    mesh: referrer.origin.mesh,
  };
}
