/**
 * Kubernetes zones: the Pods behind a Service, offline. Kuma's controller
 * reads EndpointSlices labelled `kubernetes.io/service-name` and keeps the
 * endpoints whose `targetRef` is a Pod (kind `Pod`, apiVersion `v1` or empty),
 * whatever their readiness (`pkg/plugins/runtime/k8s/controllers/meshservice_controller.go`,
 * `Reconcile` and `isServiceForGateway`). Without EndpointSlices in the input
 * only StatefulSet pod names are predictable.
 *
 * @module
 */

import { LABEL } from "../model/kuma.ts";
import { compareStrings, isObject, type Result, stringMap } from "../model/krm.ts";
import { type Inventory, type PodTemplateSource, templatesMatching } from "../model/inventory.ts";
import { REASON, resultAt } from "../results.ts";
import type { DefaultedService } from "./kubernetes_service_defaults.ts";

/** A Pod a headless Service gets one MeshService for. */
export interface HeadlessPod {
  name: string;
  namespace: string;
  /** The StatefulSet labels Kuma copies from the Pod. */
  labels: Record<string, string>;
  /** The endpoint's addresses (`status.vips`). */
  addresses: string[];
}

/**
 * Pods behind a headless Service: from EndpointSlices when the input has any
 * for the Service, else from StatefulSets whose pod template the selector
 * matches (pod names are predictable only for StatefulSets). No Pod: an info
 * result says why.
 */
export function headlessEndpoints(
  inventory: Inventory,
  service: DefaultedService,
  results: Result[],
): HeadlessPod[] {
  const slices = inventory.endpointSlices.get(`${service.namespace}/${service.name}`);
  const pods = slices ? podsOfSlices(inventory, service) : podsOfStatefulSets(inventory, service);
  if (pods.size === 0) results.push(noEndpointsResult(inventory, service));
  return [...pods.values()].sort((a, b) =>
    compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`)
  );
}

/** Endpoint Pods by `namespace/name`; a later slice overwrites an earlier one for the same Pod. */
function podsOfSlices(inventory: Inventory, service: DefaultedService): Map<string, HeadlessPod> {
  const pods = new Map<string, HeadlessPod>();
  for (const slice of inventory.endpointSlices.get(`${service.namespace}/${service.name}`) ?? []) {
    const endpoints = slice.object.endpoints;
    if (!Array.isArray(endpoints)) continue;
    for (const endpoint of endpoints) {
      const target = podTargetOf(endpoint);
      if (!target) continue;
      const namespace = target.namespace || service.namespace;
      const addresses = isObject(endpoint) && Array.isArray(endpoint.addresses)
        ? endpoint.addresses.filter((a): a is string => typeof a === "string")
        : [];
      pods.set(`${namespace}/${target.name}`, {
        name: target.name,
        namespace,
        labels: podLabels(inventory, namespace, target.name),
        addresses,
      });
    }
  }
  return pods;
}

/** The pods of the StatefulSets the Service selects: `<name>-<ordinal>` for each replica. */
function podsOfStatefulSets(
  inventory: Inventory,
  service: DefaultedService,
): Map<string, HeadlessPod> {
  const pods = new Map<string, HeadlessPod>();
  for (const sts of statefulSetsFor(inventory, service)) {
    for (let ordinal = sts.start; ordinal < sts.start + sts.replicas; ordinal++) {
      const name = `${sts.name}-${ordinal}`;
      pods.set(`${service.namespace}/${name}`, {
        name,
        namespace: service.namespace,
        labels: { [LABEL.statefulSetPodName]: name, [LABEL.podIndex]: String(ordinal) },
        addresses: [],
      });
    }
  }
  return pods;
}

function noEndpointsResult(inventory: Inventory, service: DefaultedService): Result {
  const others = matchingTemplates(inventory, service).filter((t) => t.kind !== "StatefulSet");
  return resultAt(service.entry.object, {
    severity: "info",
    message: others.length > 0
      ? `No MeshService for headless Service "${service.name}" rendered: its pods come from ${
        others.map((t) => `${t.kind} ${t.name}`).sort(compareStrings).join(", ")
      }, whose pod names are not predictable; add the EndpointSlices to the input to render them`
      : `No MeshService for headless Service "${service.name}": Kuma creates one per pod and the input has no EndpointSlices or StatefulSet pods for it`,
    reason: REASON.noEndpoints,
  });
}

/** The Pod an endpoint points at (`namespace` `""` when unset), or `undefined` when it is no Pod. */
export function podTargetOf(endpoint: unknown): { name: string; namespace: string } | undefined {
  if (!isObject(endpoint) || !isObject(endpoint.targetRef)) return undefined;
  const ref = endpoint.targetRef;
  if (ref.kind !== "Pod" || typeof ref.name !== "string") return undefined;
  if (ref.apiVersion !== undefined && ref.apiVersion !== "v1" && ref.apiVersion !== "") {
    return undefined;
  }
  return { name: ref.name, namespace: typeof ref.namespace === "string" ? ref.namespace : "" };
}

/** Labels Kuma copies from a Pod, from the Pod in the input or inferred from its StatefulSet. */
function podLabels(inventory: Inventory, namespace: string, name: string): Record<string, string> {
  const pod = inventory.pods.get(`${namespace}/${name}`);
  const out: Record<string, string> = {};
  if (pod) {
    const labels = stringMap(pod.object.metadata?.labels);
    for (const key of [LABEL.statefulSetPodName, LABEL.podIndex]) {
      if (labels[key] !== undefined) out[key] = labels[key];
    }
    return out;
  }
  for (const sts of inventory.statefulSets.get(namespace) ?? []) {
    const stsName = String(sts.object.metadata?.name);
    const match = name.startsWith(`${stsName}-`)
      ? /^\d+$/.exec(name.slice(stsName.length + 1))
      : null;
    if (match) return { [LABEL.statefulSetPodName]: name, [LABEL.podIndex]: match[0] };
  }
  return out;
}

interface StatefulSetPods {
  name: string;
  replicas: number;
  start: number;
}

function statefulSetsFor(inventory: Inventory, service: DefaultedService): StatefulSetPods[] {
  const out: StatefulSetPods[] = [];
  for (const template of matchingTemplates(inventory, service)) {
    if (template.kind !== "StatefulSet") continue;
    const spec = template.entry.object.spec;
    const s = isObject(spec) ? spec : {};
    const replicas = typeof s.replicas === "number" && Number.isInteger(s.replicas)
      ? s.replicas
      : 1;
    const ordinals = isObject(s.ordinals) ? s.ordinals : {};
    const start = typeof ordinals.start === "number" && Number.isInteger(ordinals.start)
      ? ordinals.start
      : 0;
    out.push({ name: template.name, replicas: Math.max(0, replicas), start: Math.max(0, start) });
  }
  return out;
}

/** Pod templates of the Service's namespace its selector matches (none without a selector). */
export function matchingTemplates(
  inventory: Inventory,
  service: DefaultedService,
): PodTemplateSource[] {
  return service.selector ? templatesMatching(inventory, service.namespace, service.selector) : [];
}
