/**
 * Kubernetes zones: the MeshService object Kuma stores for a Service — the
 * controller's labels (`manageMeshService` in
 * `pkg/plugins/runtime/k8s/controllers/meshservice_controller.go`), then what
 * the mutating webhook adds (`pkg/plugins/runtime/k8s/webhooks/defaulter.go`,
 * `pkg/core/resources/labels/compute.go`) — or why it cannot be stored.
 *
 * @module
 */

import {
  ANNOTATION,
  DEFAULT_MESH,
  ENV,
  K8S_KIND,
  LABEL,
  MANAGED_BY,
  ORIGIN,
} from "../model/kuma.ts";
import { isObject, type KubeObject, refOf, sortedMap } from "../model/krm.ts";
import { type Inventory, meshServiceKey } from "../model/inventory.ts";
import {
  type GeneratedMeshService,
  meshServiceObject,
  type MeshServicePort,
  meshServiceRejection,
  type MeshServiceSelector,
  type StepOutput,
} from "../model/mesh_service.ts";
import { kubernetesServiceTag } from "../model/service_identity.ts";
import { ownedAnnotations } from "../model/tool.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";
import type { DefaultedService, NamespaceView } from "./kubernetes_service_defaults.ts";

/** One MeshService the controller writes for a Service (one per Pod for a headless Service). */
export interface Emission {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: MeshServiceSelector;
  ports: MeshServicePort[];
  vips: string[];
  /** The Pod of a headless Service's MeshService. */
  pod?: string;
}

/** Where an {@link Emission} comes from and goes to. */
export interface EmitContext {
  inventory: Inventory;
  service: DefaultedService;
  namespace: NamespaceView;
  features: KumaFeatures;
  /** The zone the webhook labels MeshServices with. */
  zone: string;
  out: StepOutput;
}

/**
 * Adds the MeshService of an emission to `out`, or a warning when Kuma cannot
 * store it (validator, or a MeshService of that name the Service does not own).
 */
export function emit(context: EmitContext, emission: Emission): void {
  const { inventory, service, features, out } = context;
  if (rejected(context, emission)) return;
  const foreign = inventory.foreignMeshServices.get(
    meshServiceKey(emission.namespace, emission.name),
  );
  if (foreign && !ownedByService(foreign.object, service.name)) {
    out.results.push(resultAt(foreign.object, {
      severity: "warning",
      message:
        `Kuma's controller cannot manage MeshService "${emission.namespace}/${emission.name}" for Service "${service.name}": a MeshService with that name exists and is not owned by the Service ("MeshService already exists and isn't owned by Service"); remove it or rename it`,
      reason: REASON.ownershipConflict,
    }));
    return;
  }
  if (foreign) return; // The cluster's own copy of the controller's MeshService: nothing to add.

  const { labels, annotations } = webhookApplies(context.namespace)
    ? webhookDefaults(emission, context.zone, features)
    : { labels: emission.labels, annotations: {} as Record<string, string> };
  const source = `Service ${service.namespace}/${service.name}${
    emission.pod ? ` pod ${emission.pod}` : ""
  }`;
  out.meshServices.push(generatedRecord(service, emission, {
    object: meshServiceObject({
      name: emission.name,
      namespace: emission.namespace,
      labels: sortedMap(labels),
      annotations: { ...annotations, ...ownedAnnotations(source) },
      ports: emission.ports,
      selector: emission.selector,
      vips: emission.vips,
    }),
    mesh: labels[LABEL.mesh] ?? DEFAULT_MESH,
  }));
}

/** Reports (and returns true) when Kuma's MeshService validator refuses the emission. */
function rejected(context: EmitContext, emission: Emission): boolean {
  const { features } = context;
  const rejection = meshServiceRejection(emission.name, emission.ports, features);
  if (!rejection) return false;
  const action = rejection.subject === "appProtocol"
    ? "change the Service port's appProtocol"
    : emission.pod
    ? `rename the workload of pod "${emission.pod}", whose name the MeshService name comes from`
    : "rename the Service";
  context.out.results.push(resultAt(context.service.entry.object, {
    severity: "warning",
    message:
      `Kuma ${features.version} cannot create MeshService "${emission.name}": ${rejection.problem}; ${action}`,
    reason: REASON.failedToGenerate,
    field: rejection.subject === "appProtocol" ? "spec.ports" : "metadata.name",
  }));
  return true;
}

function generatedRecord(
  service: DefaultedService,
  emission: Emission,
  built: { object: KubeObject; mesh: string },
): GeneratedMeshService {
  const object = service.entry.object;
  const generated: GeneratedMeshService = {
    object: built.object,
    mesh: built.mesh,
    source: {
      kind: K8S_KIND.service,
      service: refOf(object),
      ...(emission.pod ? { pod: emission.pod } : {}),
    },
    legacyServices: emission.ports.map((p) =>
      kubernetesServiceTag(service.name, service.namespace, p.port)
    ),
  };
  // The controller creates the MeshService when the Service appears: its age orders them.
  const created = object.metadata?.creationTimestamp;
  if (!emission.pod && typeof created === "string" && created !== "") {
    generated.creationTime = created;
  }
  return generated;
}

/** Controller labels (`manageMeshService`): all Service labels, then Kuma's own. */
export function controllerLabels(
  service: DefaultedService,
  labels: Record<string, string>,
  context: { mesh: string; headless: boolean },
): Record<string, string> {
  return {
    ...labels,
    [LABEL.mesh]: context.mesh,
    [LABEL.serviceName]: service.name,
    [LABEL.managedBy]: MANAGED_BY.k8sController,
    [LABEL.env]: ENV.kubernetes,
    [LABEL.isHeadlessService]: context.headless ? "true" : "false",
  };
}

/** Whether the MeshService's first owner is the Service (`setFromClusterIPSvc`). */
function ownedByService(meshService: KubeObject, serviceName: string): boolean {
  const owners = meshService.metadata?.ownerReferences;
  if (!Array.isArray(owners) || !isObject(owners[0])) return false;
  return owners[0].kind === K8S_KIND.service && owners[0].name === serviceName;
}

/** The mutating webhook runs for namespaces that have the injection label key, except kube-system. */
function webhookApplies(namespace: NamespaceView): boolean {
  return LABEL.sidecarInjection in namespace.labels && namespace.name !== "kube-system";
}

/** Labels and annotations Kuma's defaulting webhook adds on a zone control plane. */
function webhookDefaults(
  emission: Emission,
  zone: string,
  features: KumaFeatures,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels = { ...emission.labels };
  // The display name lives in an annotation on Kubernetes; a copied label is replaced by it.
  delete labels[LABEL.displayName];
  const setIfAbsent = (key: string, value: string) => {
    if (!(key in labels)) labels[key] = value;
  };
  setIfAbsent(LABEL.mesh, DEFAULT_MESH);
  if (features.webhookForcesOrigin) labels[LABEL.origin] = ORIGIN.zone;
  else setIfAbsent(LABEL.origin, ORIGIN.zone);
  if (features.webhookForcesOrigin || labels[LABEL.origin] !== ORIGIN.global) {
    setIfAbsent(LABEL.zone, zone);
    setIfAbsent(LABEL.env, ENV.kubernetes);
  }
  if (labels[LABEL.origin] === ORIGIN.zone) setIfAbsent(LABEL.namespace, emission.namespace);
  return { labels, annotations: { [ANNOTATION.displayName]: emission.name } };
}
