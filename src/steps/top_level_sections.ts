/**
 * Port selection of rewritten top-level targetRefs. A legacy top-level
 * `{kind: MeshService, name: db_default_svc_8080}` selects one inbound of the
 * proxies that carry that `kuma.io/service`; its rewrite `{kind: Dataplane,
 * labels: …}` selects every inbound of those proxies. Where the legacy name
 * chose one inbound among several, the inbound's `sectionName` is carried
 * when Kuma accepts it and the tool can prove the value; otherwise the
 * widening is reported.
 *
 * Kuma's rules:
 * - `sectionName` on a top-level `Dataplane` is accepted only for inbound
 *   policies (`pkg/core/resources/apis/mesh/validators.go`,
 *   `ValidateTargetRef`, "can only be used with inbound policies", from 2.10
 *   when `Dataplane` became a top-level kind, and at HEAD). A policy is
 *   inbound when it has `rules` (or, before 3.0, `from`)
 *   (`pkg/plugins/policies/core/rules/inbound/inboundrules.go`,
 *   `AffectsInbounds`), and only the validators of MeshAccessLog,
 *   MeshCircuitBreaker, MeshFaultInjection, MeshRateLimit, MeshTimeout,
 *   MeshTLS and MeshTrafficPermission pass that flag (their
 *   `api/v1alpha1/validator.go`, v2.10.11 to HEAD).
 * - The section of an inbound is its `name`, else (2.11+) its port number
 *   (`api/mesh/v1alpha1/dataplane_helpers.go`, `GetSectionName`); 2.10
 *   matches the name only (`pkg/plugins/policies/core/matchers/dataplane.go`,
 *   `inboundsSelectedBySectionName`). On Kubernetes the inbound's name is the
 *   container port's name (`pkg/plugins/runtime/k8s/util/util.go`,
 *   `FindPort`), so the Service's `targetPort` (a name) or the pod template's
 *   container port decides it.
 *
 * @module
 */

import { isObject, type KubeObject, stringMap } from "../model/krm.ts";
import { K8S_KIND, LABEL } from "../model/kuma.ts";
import { namespaceOf } from "../model/inventory.ts";
import { selectorLabelsOf } from "../model/mesh_service.ts";
import type { LegacyTarget } from "../model/service_identity.ts";
import { KUMA_VERSIONS, type KumaFeatures } from "../model/version.ts";
import type { Destination } from "./destinations.ts";

/** Policy kinds whose validator lets an inbound policy's top-level Dataplane carry `sectionName`. */
export const INBOUND_SECTION_KINDS: ReadonlySet<string> = new Set([
  "MeshAccessLog",
  "MeshCircuitBreaker",
  "MeshFaultInjection",
  "MeshRateLimit",
  "MeshTimeout",
  "MeshTLS",
  "MeshTrafficPermission",
]);

/** The container ports of a pod template in the input. */
export interface PodTemplate {
  zone: string;
  namespace: string;
  labels: Record<string, string>;
  ports: { name: string; containerPort: number; protocol: string }[];
}

/** Pod templates (and Pods) of a Kubernetes zone's items. */
export function podTemplatesOf(items: readonly KubeObject[], zone: string): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const object of items) {
    const template = templateOf(object);
    if (!template) continue;
    const spec = isObject(template.spec) ? template.spec : {};
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    const ports = containers.flatMap((c) =>
      isObject(c) && Array.isArray(c.ports) ? c.ports.filter(isObject) : []
    ).map((p) => ({
      name: typeof p.name === "string" ? p.name : "",
      containerPort: typeof p.containerPort === "number" ? p.containerPort : -1,
      protocol: typeof p.protocol === "string" && p.protocol !== "" ? p.protocol : "TCP",
    }));
    const meta = isObject(template.metadata) ? template.metadata : {};
    out.push({ zone, namespace: namespaceOf(object), labels: stringMap(meta.labels), ports });
  }
  return out;
}

function templateOf(object: KubeObject): Record<string, unknown> | undefined {
  const spec = isObject(object.spec) ? object.spec : undefined;
  switch (object.kind) {
    case K8S_KIND.pod:
      return object as unknown as Record<string, unknown>;
    case K8S_KIND.cronJob: {
      const job = spec && isObject(spec.jobTemplate) ? spec.jobTemplate.spec : undefined;
      return isObject(job) && isObject(job.template) ? job.template : undefined;
    }
    case K8S_KIND.deployment:
    case K8S_KIND.statefulSet:
    case K8S_KIND.daemonSet:
    case K8S_KIND.replicaSet:
    case K8S_KIND.job:
      return spec && isObject(spec.template) ? spec.template : undefined;
    default:
      return undefined;
  }
}

/** What the rewritten top-level targetRef gets, and the traffic change when it widens. */
export interface SectionOutcome {
  sectionName?: string;
  traffic?: { before: string; after: string; fixed: boolean; message: string };
}

/** Inputs of {@link topLevelSection}. */
export interface SectionInput {
  policy: KubeObject;
  features: KumaFeatures;
  /** The MeshService the legacy name stands for, as its zone stores it. */
  copy: Destination;
  target: LegacyTarget;
  /** The Dataplane labels the rewrite selects by. */
  labels: Record<string, string>;
  /** Every destination of the zone (other Services on the same proxies). */
  zoneDestinations: readonly Destination[];
  podTemplates: readonly PodTemplate[];
}

/** Decides `sectionName` for a rewritten top-level targetRef (see the module documentation). */
export function topLevelSection(input: SectionInput): SectionOutcome {
  const { policy, features, copy, target } = input;
  const spec = isObject(policy.spec) ? policy.spec : {};
  const inbound = nonEmpty(spec.rules) || (!features.v3 && nonEmpty(spec.from));
  if (!inbound) return {};
  const others = input.zoneDestinations.filter((d) =>
    d !== copy && d.kind === copy.kind && d.mesh === copy.mesh && d.createdIn === copy.createdIn &&
    d.namespace === copy.namespace && subsetOf(selectorLabelsOf(d.object), input.labels)
  );
  const covered = copy.ports.length + others.reduce((n, d) => n + d.ports.length, 0);
  if (covered <= 1) return {};
  const legacy = `"${target.legacy}"`;
  const extra = [
    ...copy.ports.filter((p) => p.port !== target.port).map((p) => `${copy.name}:${p.port}`),
    ...others.flatMap((d) => d.ports.map((p) => `${d.name}:${p.port}`)),
  ];
  const before = `the inbound of ${legacy} (port ${target.port}) only`;
  const section = sectionFor(input);
  const accepted = INBOUND_SECTION_KINDS.has(String(policy.kind));
  if (accepted && section.value !== undefined) {
    return {
      sectionName: section.value,
      traffic: {
        before,
        after: `the inbound with sectionName ${section.value}`,
        fixed: true,
        message:
          `sectionName "${section.value}" keeps the policy on the inbound ${legacy} stood for`,
      },
    };
  }
  const why = !accepted
    ? `Kuma accepts sectionName on a top-level Dataplane only in the inbound policies ${
      [...INBOUND_SECTION_KINDS].join(", ")
    }`
    : section.problem!;
  return {
    traffic: {
      before,
      after:
        `left as written: {kind: Dataplane, labels} would select all ${covered} inbounds (also ${
          extra.join(", ")
        })`,
      fixed: false,
      message:
        `top-level targetRef ${legacy} selects one inbound, and {kind: Dataplane, labels} would select every inbound of those proxies (also ${
          extra.join(", ")
        }), but ${why}: left as written`,
    },
  };
}

/**
 * {@link topLevelSection} for every zone copy of the legacy name: the
 * `sectionName` is carried only when every copy gives the same one.
 */
export function topLevelSelection(inputs: readonly SectionInput[]): SectionOutcome {
  const outcomes = inputs.map(topLevelSection);
  const first = outcomes[0];
  if (!first) return {};
  if (outcomes.every((o) => o.sectionName === first.sectionName)) return first;
  return {
    traffic: {
      before: first.traffic?.before ?? "",
      after: "left as written: the zones name the inbound differently",
      fixed: false,
      message: `top-level targetRef "${
        inputs[0]!.target.legacy
      }" selects one inbound, which the zones name differently, so no single sectionName keeps it: left as written`,
    },
  };
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function subsetOf(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function atLeast211(features: KumaFeatures): boolean {
  return KUMA_VERSIONS.indexOf(features.version) >= KUMA_VERSIONS.indexOf("2.11");
}

/** The inbound's section name, when the input proves it. */
function sectionFor(input: SectionInput): { value?: string; problem?: string } {
  const { copy, target, features } = input;
  const msPorts = isObject(copy.object.spec) && Array.isArray(copy.object.spec.ports)
    ? copy.object.spec.ports.filter(isObject)
    : [];
  const msPort = msPorts.find((p) => p.port === target.port);
  if (copy.namespace === undefined) {
    // Universal: the MeshService port is named after the inbound (its name, else its number).
    const unnamed = target.section === String(target.port);
    if (unnamed && !atLeast211(features)) {
      return { problem: `Kuma ${features.version} selects inbounds by name only, and it has none` };
    }
    return { value: target.section };
  }
  const targetPort = msPort?.targetPort ?? target.port;
  if (typeof targetPort === "string") return { value: targetPort };
  const pods = input.podTemplates.filter((p) =>
    p.zone === copy.createdIn && p.namespace === copy.namespace &&
    Object.entries(input.labels).every(([k, v]) =>
      k === LABEL.namespace ? v === p.namespace : p.labels[k] === v
    )
  );
  if (pods.length === 0) {
    return {
      problem:
        `no pod template in the input shows the name of container port ${targetPort}, which is the inbound's section`,
    };
  }
  const names = new Set(
    pods.map((p) =>
      p.ports.find((c) => c.containerPort === targetPort && c.protocol === "TCP")?.name ?? ""
    ),
  );
  if (names.size > 1) {
    return { problem: `the pod templates name container port ${targetPort} differently` };
  }
  const name = [...names][0]!;
  if (name !== "") return { value: name };
  if (!atLeast211(features)) {
    return {
      problem:
        `container port ${targetPort} has no name, and Kuma ${features.version} selects inbounds by name only`,
    };
  }
  return { value: String(targetPort) };
}
