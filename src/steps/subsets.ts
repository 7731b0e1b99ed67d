/**
 * MeshServiceSubset references and `to[]` entries rewritten whole.
 *
 * A `MeshServiceSubset {name: reviews_default_svc_9080, tags: {version: v1}}`
 * selects the proxies of the Service behind the legacy name whose inbound
 * also carries the tags. When another Service of the same namespace selects
 * exactly the legacy Service's selector plus those tags, its MeshService
 * selects the same proxies (Kubernetes inbound tags are the Pod's labels,
 * `inbound_converter.go`, `InboundTagsForService`), and its port with the
 * same `targetPort` is the same inbound: the reference can be rewritten to
 * it. Otherwise the advice names the Service to create.
 *
 * @module
 */

import { KIND, LABEL } from "../model/kuma.ts";
import { isObject } from "../model/krm.ts";
import { selectorLabelsOf } from "../model/mesh_service.ts";
import { type LegacyTarget, sectionOf } from "../model/service_identity.ts";
import type { KumaFeatures } from "../model/version.ts";
import type { ReportTarget } from "../report.ts";
import type { Destination, DestinationIndex } from "./destinations.ts";
import { type Decision, kept, rewritten, unsupported } from "./references/decisions.ts";

/** Inputs of {@link subsetDecision}: the reference and the reference step's helpers. */
export interface SubsetContext {
  /** The MeshServiceSubset reference as written. */
  ref: Readonly<Record<string, unknown>>;
  /** The MeshService ports its legacy name stands for. */
  candidates: readonly LegacyTarget[];
  features: KumaFeatures;
  destinations: DestinationIndex;
  copyOf: (target: LegacyTarget) => Destination | undefined;
  /** The verified MeshService reference to a target (the reference step's forms). */
  build: (
    target: LegacyTarget,
  ) => { ok: true; after: Record<string, unknown>; targets: ReportTarget[] } | {
    ok: false;
    problem: string;
  };
  reportTarget: (target: LegacyTarget) => ReportTarget;
}

/**
 * Rewrites a MeshServiceSubset reference to the MeshService that selects
 * exactly its Pods when there is one and the reference to it resolves;
 * otherwise `unsupported`, with advice naming that MeshService or the Service
 * to create.
 */
export function subsetDecision(context: SubsetContext): Decision {
  const { ref, candidates } = context;
  const tags = isObject(ref.tags) ? ref.tags as Record<string, unknown> : {};
  const tagText = Object.entries(tags).map(([k, v]) => `${k}=${String(v)}`).join(", ");
  const name = typeof ref.name === "string" ? ref.name : "";
  const target = candidates[0];
  const message =
    `MeshServiceSubset "${name}" with tags {${tagText}} has no MeshService equivalent${
      context.features.v3 ? " and Kuma 3.0 rejects it" : " (Kuma 3.0 rejects it)"
    }`;
  const targets = candidates.map(context.reportTarget);
  const equivalent = target === undefined ? undefined : subsetEquivalent({
    target,
    tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])),
    copy: context.copyOf(target),
    zoneDestinations: context.destinations.all(target.zone),
  });
  if (equivalent?.found) {
    const found = equivalent.target;
    const where = `${found.namespace ? `${found.namespace}/` : ""}${found.displayName}`;
    const single = new Set(candidates.map((c) => c.zone)).size === 1;
    const built = single
      ? context.build(found)
      : { ok: false as const, problem: `"${name}" exists in several zones` };
    if (built.ok) {
      return rewritten({
        after: built.after,
        targets: built.targets,
        message:
          `MeshServiceSubset "${name}" {${tagText}} selects the same Pods as Service "${where}": rewritten to its MeshService`,
      });
    }
    return unsupported({
      targets,
      message: `${message}; Service "${where}" selects the same Pods, but ${built.problem}`,
      advice: `reference its MeshService by hand: {kind: MeshService, name: ${found.displayName}${
        found.namespace ? `, namespace: ${found.namespace}` : ""
      }, port: ${found.port}}`,
    });
  }
  return subsetAdvice(context, { tags, tagText, message, targets, equivalent });
}

/** The `unsupported` decision: the Service to create, or why the one that exists does not do. */
function subsetAdvice(
  context: SubsetContext,
  found: {
    tags: Record<string, unknown>;
    tagText: string;
    message: string;
    targets: ReportTarget[];
    equivalent: SubsetEquivalent | undefined;
  },
): Decision {
  const { tags, tagText, message, targets, equivalent } = found;
  const target = context.candidates[0];
  const suffix = Object.values(tags).map(String).join("-").toLowerCase().replace(
    /[^a-z0-9-]/g,
    "-",
  );
  const suggestion = target
    ? `a Service "${target.displayName}-${suffix}"${
      target.namespace ? ` in ${target.namespace}` : ""
    } selecting the Pods with ${
      tagText || "those tags"
    }, referenced as {kind: MeshService, name: ${target.displayName}-${suffix}${
      target.namespace ? `, namespace: ${target.namespace}` : ""
    }, port: ${target.port}}`
    : `a Service selecting the Pods with ${tagText || "those tags"}, referenced as a MeshService`;
  const named = equivalent?.found === false ? equivalent.named : undefined;
  const taken = target === undefined || named !== undefined
    ? undefined
    : context.destinations.all(target.zone).find((d) =>
      d.kind === KIND.meshService && d.createdIn === target.zone &&
      d.name === `${target.displayName}-${suffix}` && d.namespace === target.namespace
    );
  return unsupported({
    targets,
    message: named !== undefined && equivalent?.found === false
      ? `${message}; Service "${named.name}" selects the same Pods, but ${equivalent.problem}`
      : taken !== undefined
      ? `${message}; Service "${taken.name}" exists but selects other Pods than the subset`
      : message,
    advice: taken !== undefined
      ? `make Service "${taken.name}" select exactly the Pods of "${
        target!.displayName
      }" with ${tagText}, or create ${suggestion}`
      : `create ${suggestion}`,
  });
}

/** Inputs of {@link subsetEquivalent}. */
export interface SubsetInput {
  target: LegacyTarget;
  tags: Readonly<Record<string, string>>;
  /** The legacy target's MeshService as its zone stores it. */
  copy: Destination | undefined;
  /** Every destination of the target's zone. */
  zoneDestinations: readonly Destination[];
}

/** The MeshService port that selects exactly the subset's proxies, or why there is none. */
export type SubsetEquivalent =
  | { found: true; target: LegacyTarget; destination: Destination }
  | { found: false; problem: string; named?: Destination };

/** Finds the MeshService whose selector is the legacy service's selector plus the subset's tags. */
export function subsetEquivalent(input: SubsetInput): SubsetEquivalent {
  const { target, tags, copy } = input;
  const selector = selectorLabelsOf(copy?.object);
  if (!copy || selector === undefined || selector[LABEL.service] !== undefined) {
    return { found: false, problem: "the legacy service is not selected by Pod labels" };
  }
  const wanted: Record<string, string> = { ...selector };
  for (const [key, value] of Object.entries(tags)) {
    if (key === LABEL.service || (wanted[key] !== undefined && wanted[key] !== value)) {
      return { found: false, problem: `tag ${key}=${value} contradicts the service's selector` };
    }
    wanted[key] = value;
  }
  const matches = input.zoneDestinations.filter((d) =>
    d !== copy && d.kind === copy.kind && d.mesh === copy.mesh && d.createdIn === copy.createdIn &&
    d.namespace === copy.namespace && sameLabels(selectorLabelsOf(d.object), wanted)
  );
  if (matches.length !== 1) {
    return {
      found: false,
      problem: matches.length === 0
        ? "no Service selects exactly those Pods"
        : `several Services select exactly those Pods (${matches.map((d) => d.name).join(", ")})`,
    };
  }
  const destination = matches[0]!;
  const targetPort = targetPortOf(copy, target.port);
  const ports = portsOf(destination).filter((p) => p.targetPort === targetPort);
  if (targetPort === undefined || ports.length !== 1) {
    return {
      found: false,
      problem: `Service "${destination.name}" has ${
        ports.length === 0 ? "no port" : "several ports"
      } with targetPort ${String(targetPort)}`,
      named: destination,
    };
  }
  const port = ports[0]!;
  const equivalent: LegacyTarget = {
    legacy: target.legacy,
    mesh: target.mesh,
    zone: target.zone,
    name: destination.name,
    displayName: destination.labels[LABEL.displayName] ?? destination.name,
    port: port.port,
    section: sectionOf(port),
  };
  if (destination.namespace !== undefined) equivalent.namespace = destination.namespace;
  return { found: true, target: equivalent, destination };
}

function sameLabels(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>>,
): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function portsOf(
  d: Destination,
): { name?: string; port: number; targetPort: number | string | undefined }[] {
  const spec = d.object.spec;
  const ports = isObject(spec) && Array.isArray(spec.ports) ? spec.ports.filter(isObject) : [];
  return ports.filter((p) => typeof p.port === "number").map((p) => ({
    ...(typeof p.name === "string" ? { name: p.name } : {}),
    port: p.port as number,
    targetPort: typeof p.targetPort === "number" || typeof p.targetPort === "string"
      ? p.targetPort
      : p.port as number,
  }));
}

function targetPortOf(d: Destination, port: number): number | string | undefined {
  return portsOf(d).find((p) => p.port === port)?.targetPort;
}

/**
 * A `to[]` entry is rewritten whole or not at all: when one of its
 * references (targetRef, backendRefs, mirrors) still depends on
 * `kuma.io/service` and cannot be rewritten, the entry's other rewrites are
 * undone and reported. Returns new decisions; the input is not changed.
 */
export function holdEntriesTogether(
  paths: readonly (readonly (string | number)[])[],
  decisions: readonly Decision[],
  describe: (path: readonly (string | number)[]) => string,
): Decision[] {
  const entryOf = (path: readonly (string | number)[]) =>
    path[0] === "spec" && path[1] === "to" && typeof path[2] === "number" ? path[2] : undefined;
  const stuck = new Map<number, number>();
  decisions.forEach((d, i) => {
    const entry = entryOf(paths[i]!);
    if (entry !== undefined && d.after === undefined && d.blocking && !stuck.has(entry)) {
      stuck.set(entry, i);
    }
  });
  if (stuck.size === 0) return [...decisions];
  return decisions.map((d, i) => {
    const entry = entryOf(paths[i]!);
    const blocker = entry === undefined ? undefined : stuck.get(entry);
    if (blocker === undefined || d.after === undefined) return d;
    const other = decisions[blocker]!;
    return kept({
      message: `left as written: ${
        describe(paths[blocker]!)
      } of the same to[] entry is ${other.status}, and an entry is rewritten together with its backendRefs or not at all`,
      blocking: true,
      severity: "warning",
      advice: "resolve that reference first, then render again",
      ...(d.traffic ? { traffic: d.traffic } : {}),
    });
  });
}
