/**
 * Kubernetes zones: which Services Kuma's controller gives no MeshService,
 * and why. The rules run in the order of `Reconcile` in
 * `pkg/plugins/runtime/k8s/controllers/meshservice_controller.go` (v2.14.3);
 * the first that matches ends the reconcile. Most also delete a MeshService
 * of the Service's name (`deleteIfExist`); the `kuma.io/gateway` annotation
 * and a missing cluster IP only stop.
 *
 * @module
 */

import { ANNOTATION, DEFAULT_MESH, LABEL, parseBoolean, parseEnabled } from "../model/kuma.ts";
import type { Inventory } from "../model/inventory.ts";
import { stringMap } from "../model/krm.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, type Reason } from "../results.ts";
import { matchingTemplates, podTargetOf } from "./kubernetes_endpoints.ts";
import type { DefaultedService, NamespaceView } from "./kubernetes_service_defaults.ts";
import { type MeshLookup, meshServicesModeOf, resolveMesh } from "./meshes.ts";

/** What the controller does with a Service. */
export type ServiceDecision =
  /** Reconcile goes on to build MeshServices in `mesh`. */
  | { kind: "generate"; mesh: string }
  /** No MeshService; `deletes`: the controller deletes a MeshService named after the Service. */
  | { kind: "skip"; reason: Reason; message: string; deletes: boolean }
  /** The Namespace's injection label has no valid value: reconcile fails (reported once on the Namespace). */
  | { kind: "unreadable" };

/** Inputs of {@link decideService}. */
export interface DecisionInput {
  inventory: Inventory;
  service: DefaultedService;
  namespace: NamespaceView;
  features: KumaFeatures;
  meshes: MeshLookup;
}

/** The first rule of `Reconcile` that applies to the Service, or `generate`. */
export function decideService(input: DecisionInput): ServiceDecision {
  const { service, namespace, features } = input;
  const skip = (reason: Reason, why: string, deletes = true): ServiceDecision => ({
    kind: "skip",
    reason,
    message: `No MeshService for Service "${service.name}": ${why}`,
    deletes,
  });
  const injectionValue = namespace.labels[LABEL.sidecarInjection];
  const injected = injectionValue === undefined ? false : parseEnabled(injectionValue);
  if (injected === undefined) return { kind: "unreadable" };
  // Presence of the label key only: an empty value counts.
  if (!(LABEL.mesh in service.labels) && !injected) {
    return skip(
      REASON.notInMesh,
      `namespace "${namespace.name}" is not labelled kuma.io/sidecar-injection: enabled and the Service has no kuma.io/mesh label`,
    );
  }
  const meshName = meshOfService(service, namespace, features);
  const mesh = resolveMesh(input.meshes, meshName);
  if (!mesh) {
    return skip(
      REASON.meshNotFound,
      `Mesh "${meshName}" is not in the input and not assumed by config assumeMeshes`,
    );
  }
  if (features.meshServicesMode && meshServicesModeOf(mesh) === "Disabled") {
    return skip(
      REASON.meshServicesDisabled,
      `Mesh "${meshName}" has meshServices.mode ${
        mesh.mode ?? "unset, which Kuma treats as Disabled"
      } (set Everywhere, ReachableBackends or Exclusive to generate MeshServices)`,
    );
  }
  return serviceRules(input, skip) ?? { kind: "generate", mesh: meshName };
}

type Skip = (reason: Reason, why: string, deletes?: boolean) => ServiceDecision;

/** The rules about the Service itself, after the mesh is known. */
function serviceRules(input: DecisionInput, skip: Skip): ServiceDecision | undefined {
  const { service, features } = input;
  const ignore = service.annotations[ANNOTATION.ignore];
  if (features.ignoreAnnotation && parseBoolean(ignore ?? "") === true) {
    return skip(REASON.ignoredByAnnotation, `annotation kuma.io/ignore is "${ignore}"`);
  }
  if (ANNOTATION.gateway in service.annotations) {
    return skip(
      REASON.gatewayService,
      "it is a gateway Service (annotation kuma.io/gateway)",
      false,
    );
  }
  if (features.zoneProxyLabel && LABEL.zoneProxyType in service.labels) {
    return skip(
      REASON.zoneProxyService,
      "it is a zone proxy Service (label k8s.kuma.io/zone-proxy-type)",
    );
  }
  const gateway = features.delegatedGatewayCheck
    ? gatewayBackend(input.inventory, service)
    : undefined;
  if (gateway) {
    return skip(
      REASON.gatewayService,
      `it selects gateway pods (${gateway} is annotated kuma.io/gateway)`,
    );
  }
  if (service.clusterIP === "") {
    return skip(
      REASON.noClusterIP,
      "it has no cluster IP (type ExternalName or an empty clusterIP)",
      false,
    );
  }
  return undefined;
}

/**
 * Kuma's mesh lookup (`pkg/plugins/runtime/k8s/util/util.go`,
 * `MeshOfByLabelOrAnnotation`): the first non-empty of the Service label,
 * [2.x] the Service annotation, the Namespace label, [2.x] its annotation;
 * else `default`.
 */
export function meshOfService(
  service: DefaultedService,
  namespace: NamespaceView,
  features: KumaFeatures,
): string {
  const candidates = [
    service.labels[LABEL.mesh],
    features.meshAnnotation ? service.annotations[ANNOTATION.mesh] : undefined,
    namespace.labels[LABEL.mesh],
    features.meshAnnotation ? namespace.annotations[ANNOTATION.mesh] : undefined,
  ];
  return candidates.find((value) => value !== undefined && value !== "") ?? DEFAULT_MESH;
}

/**
 * Kuma >= 2.13 skips Services whose first existing endpoint Pod is a gateway
 * (`isServiceForGateway`). Offline: the EndpointSlices and Pods of the input
 * when present, else the first pod template (input order) the selector
 * matches. Returns what is annotated, or `undefined`.
 */
function gatewayBackend(inventory: Inventory, service: DefaultedService): string | undefined {
  const slices = inventory.endpointSlices.get(`${service.namespace}/${service.name}`) ?? [];
  for (const slice of slices) {
    const endpoints = Array.isArray(slice.object.endpoints) ? slice.object.endpoints : [];
    for (const endpoint of endpoints) {
      const target = podTargetOf(endpoint);
      if (!target) continue;
      const pod = inventory.pods.get(`${target.namespace || service.namespace}/${target.name}`);
      if (!pod) continue;
      return ANNOTATION.gateway in stringMap(pod.object.metadata?.annotations)
        ? `Pod ${target.name}`
        : undefined;
    }
  }
  if (slices.length > 0) return undefined;
  const first = matchingTemplates(inventory, service)[0];
  return first && ANNOTATION.gateway in first.annotations
    ? `${first.kind} ${first.name}`
    : undefined;
}
