/**
 * Kubernetes zones: the MeshServices Kuma's controller derives from Services
 * (`pkg/plugins/runtime/k8s/controllers/meshservice_controller.go`), with the
 * labels the mutating webhook adds (`pkg/core/resources/labels/compute.go`).
 *
 * The step in four parts: API-server defaulting and port rules
 * (`kubernetes_service_defaults.ts`), the skip rules (`kubernetes_skip_rules.ts`),
 * headless Services' Pods (`kubernetes_endpoints.ts`) and the stored object
 * (`kubernetes_mesh_service_object.ts`).
 *
 * @module
 */

import type { Config } from "../config.ts";
import { LABEL } from "../model/kuma.ts";
import { compareStrings, type Result, sortedMap, stringMap } from "../model/krm.ts";
import { type Inventory, meshServiceKey } from "../model/inventory.ts";
import type { StepOutput } from "../model/mesh_service.ts";
import { headlessMeshServiceName } from "../model/hash.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";
import type { MeshLookup } from "./meshes.ts";
import { headlessEndpoints } from "./kubernetes_endpoints.ts";
import { controllerLabels, emit, type EmitContext } from "./kubernetes_mesh_service_object.ts";
import {
  type DefaultedService,
  defaultService,
  meshServicePorts,
  type NamespaceView,
} from "./kubernetes_service_defaults.ts";
import { decideService } from "./kubernetes_skip_rules.ts";

/** What the Kubernetes step needs besides the inventory. */
export interface KubernetesOptions {
  /** The run's config; its `zone` is not read (a multizone run generates per zone): {@link zone} is. */
  config: Config;
  /** The zone generation runs in: the `kuma.io/zone` label Kuma's webhook sets. */
  zone: string;
  features: KumaFeatures;
  meshes: MeshLookup;
}

/** Generates the MeshServices Kuma's Kubernetes controller would create. */
export function generateKubernetesMeshServices(
  inventory: Inventory,
  options: KubernetesOptions,
): StepOutput {
  const out: StepOutput = { meshServices: [], results: [] };
  // Namespace → the Service (first by name) the "Assumed Namespace" result is attached to.
  const assumedNamespaces = new Map<string, DefaultedService>();
  for (const entry of inventory.services) {
    const service = defaultService(entry, out.results);
    if (!service) continue;
    const namespace = namespaceView(inventory, service, {
      config: options.config,
      assumed: assumedNamespaces,
    });
    reconcile({ inventory, options, out }, service, namespace);
  }
  for (const [name, service] of [...assumedNamespaces].sort(([a], [b]) => compareStrings(a, b))) {
    out.results.push(
      resultAt(service.entry.object, {
        severity: "info",
        message: isAssumedInjected(options.config, name)
          ? `Assumed Namespace "${name}" is labelled kuma.io/sidecar-injection: enabled: it is not in the input (config assumeInjectedNamespaces)`
          : `Assumed Namespace "${name}" has no kuma.io/sidecar-injection label: it is not in the input and not listed in config assumeInjectedNamespaces`,
        reason: REASON.assumed,
      }),
    );
  }
  return out;
}

function isAssumedInjected(config: Config, namespace: string): boolean {
  return config.assumeInjectedNamespaces === "*" ||
    config.assumeInjectedNamespaces.includes(namespace);
}

/**
 * The Service's Namespace from the input, else as config
 * `assumeInjectedNamespaces` assumes it (recorded in `assumed`, keyed by
 * namespace, with the first Service by name).
 */
function namespaceView(
  inventory: Inventory,
  service: DefaultedService,
  assumption: { config: Config; assumed: Map<string, DefaultedService> },
): NamespaceView {
  const entry = inventory.namespaces.get(service.namespace);
  if (entry) {
    return {
      name: service.namespace,
      labels: stringMap(entry.object.metadata?.labels),
      annotations: stringMap(entry.object.metadata?.annotations),
    };
  }
  const injected = isAssumedInjected(assumption.config, service.namespace);
  const attached = assumption.assumed.get(service.namespace);
  if (attached === undefined || compareStrings(service.name, attached.name) < 0) {
    assumption.assumed.set(service.namespace, service);
  }
  return {
    name: service.namespace,
    labels: injected ? { [LABEL.sidecarInjection]: "enabled" } : {},
    annotations: {},
  };
}

interface StepContext {
  inventory: Inventory;
  options: KubernetesOptions;
  out: StepOutput;
}

/** One Service through the controller's `Reconcile`. */
function reconcile(step: StepContext, service: DefaultedService, namespace: NamespaceView): void {
  const { inventory, options, out } = step;
  const { features } = options;
  const decision = decideService({
    inventory,
    service,
    namespace,
    features,
    meshes: options.meshes,
  });
  if (decision.kind === "unreadable") return;
  if (decision.kind === "skip") {
    out.results.push(resultAt(service.entry.object, {
      severity: "info",
      message: decision.message,
      reason: decision.reason,
    }));
    const deleted = decision.deletes
      ? wouldBeDeletedResult(inventory, service, decision.message)
      : undefined;
    if (deleted) out.results.push(deleted);
    return;
  }
  const mesh = decision.mesh;
  const context: EmitContext = {
    inventory,
    service,
    namespace,
    features,
    zone: options.zone,
    out,
  };
  const ports = meshServicePorts(service, out.results);
  if (service.clusterIP === "None") {
    for (const pod of headlessEndpoints(inventory, service, out.results)) {
      emit(context, {
        name: headlessMeshServiceName(pod.name, service.name, service.namespace),
        namespace: pod.namespace,
        labels: controllerLabels(service, { ...service.labels, ...pod.labels }, {
          mesh,
          headless: true,
        }),
        selector: { dataplaneRef: { name: `${pod.name}.${pod.namespace}` } },
        ports,
        vips: pod.addresses,
        pod: pod.name,
      });
    }
    return;
  }
  const selector = { ...(service.selector ?? {}), [LABEL.namespace]: service.namespace };
  emit(context, {
    name: service.name,
    namespace: service.namespace,
    labels: controllerLabels(service, service.labels, { mesh, headless: false }),
    selector:
      features.v3 || (features.inboundTagsDisabledFlag && options.config.inboundTagsDisabled)
        ? { dataplaneLabels: { matchLabels: sortedMap(selector) } }
        : { dataplaneTags: sortedMap(selector) },
    ports,
    vips: service.clusterIP !== undefined && service.clusterIP !== "" ? [service.clusterIP] : [],
  });
}

/** An input MeshService Kuma's controller would delete for this Service (not one this tool generated). */
function wouldBeDeletedResult(
  inventory: Inventory,
  service: DefaultedService,
  why: string,
): Result | undefined {
  const existing = inventory.foreignMeshServices.get(
    meshServiceKey(service.namespace, service.name),
  );
  if (!existing) return undefined;
  return resultAt(existing.object, {
    severity: "warning",
    message: `Kuma's controller deletes MeshService "${service.namespace}/${service.name}": ${
      why.replace(/^No MeshService for /, "")
    }`,
    reason: REASON.wouldBeDeleted,
  });
}
