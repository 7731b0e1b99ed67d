/**
 * A read-only index of the input items, built once; steps look objects up
 * here and never scan the item list themselves.
 *
 * @module
 */

import { K8S_KIND, KIND, KUMA_API_VERSION, LABEL } from "./kuma.ts";
import { isObject, type KubeObject, stringAt, stringMap, valueAt } from "./krm.ts";
import { GENERATED_KINDS, TOOL_ANNOTATION } from "./tool.ts";

/** An input item and its position in the input list. */
export interface Entry {
  object: KubeObject;
  position: number;
}

/** A pod template found in a workload (or a bare Pod), for offline endpoint guesses. */
export interface PodTemplateSource {
  entry: Entry;
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The index. */
export interface Inventory {
  services: Entry[];
  namespaces: Map<string, Entry>;
  meshes: Map<string, Entry>;
  /** EndpointSlices by `namespace/service-name`. */
  endpointSlices: Map<string, Entry[]>;
  /** Pods by `namespace/name`. */
  pods: Map<string, Entry>;
  /** Pod templates (workloads and Pods) by {@link templateLabelKey}, in input order. */
  podTemplatesByLabel: Map<string, PodTemplateSource[]>;
  /** StatefulSets by namespace. */
  statefulSets: Map<string, Entry[]>;
  dataplanes: Entry[];
  /** MeshServices in the input that this tool did not generate, by {@link meshServiceKey}. */
  foreignMeshServices: Map<string, Entry>;
  /** MeshServices in the input that this tool generated, by {@link meshServiceKey}. */
  ownedMeshServices: Map<string, Entry>;
  /** True when the input holds Kubernetes workload objects (Service, Namespace, workloads). */
  hasKubernetesObjects: boolean;
}

/** Identity of a MeshService: namespace and name (Kubernetes) or mesh and name (Universal). */
export function meshServiceKey(scope: string, name: string): string {
  return `${scope}/${name}`;
}

/** Index key of a pod template label. */
export function templateLabelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

/** Pod templates in `namespace` whose labels contain every pair of a non-empty `selector`, in input order. */
export function templatesMatching(
  inventory: Inventory,
  namespace: string,
  selector: Record<string, string>,
): PodTemplateSource[] {
  const pairs = Object.entries(selector);
  const first = pairs[0];
  if (!first) return [];
  const candidates =
    inventory.podTemplatesByLabel.get(templateLabelKey(namespace, first[0], first[1])) ?? [];
  return candidates.filter((t) => pairs.every(([key, value]) => t.labels[key] === value));
}

/** Namespace of an object; objects without one live in `default`, as `kubectl apply` would put them. */
export function namespaceOf(object: KubeObject): string {
  const namespace = object.metadata?.namespace;
  return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

/** Mesh of a Dataplane: the top-level `mesh` field (CRD and Universal form), else `default`. */
export function dataplaneMesh(object: KubeObject): string {
  return typeof object.mesh === "string" && object.mesh !== "" ? object.mesh : "default";
}

/**
 * True for an item this tool generated in an earlier run: one of the
 * {@link GENERATED_KINDS} (`kuma.io/v1alpha1`) carrying
 * {@link TOOL_ANNOTATION.generatedFrom}. Only such items are replaced or
 * dropped as stale; any other item carrying the annotation is foreign (see
 * {@link hasToolAnnotation}).
 */
export function isOwned(object: KubeObject): boolean {
  return hasToolAnnotation(object) && object.apiVersion === KUMA_API_VERSION &&
    GENERATED_KINDS.includes(object.kind as string);
}

/** True when an item carries {@link TOOL_ANNOTATION.generatedFrom}, whatever its kind. */
export function hasToolAnnotation(object: KubeObject): boolean {
  if (!isObject(object)) return false;
  const annotations = isObject(object.metadata) ? object.metadata.annotations : undefined;
  return isObject(annotations) && typeof annotations[TOOL_ANNOTATION.generatedFrom] === "string";
}

const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  K8S_KIND.deployment,
  K8S_KIND.statefulSet,
  K8S_KIND.daemonSet,
  K8S_KIND.replicaSet,
  K8S_KIND.job,
]);

/** Builds the index. Items must already be known to be objects with a kind. */
export function buildInventory(items: readonly KubeObject[]): Inventory {
  const inventory: Inventory = {
    services: [],
    namespaces: new Map(),
    meshes: new Map(),
    endpointSlices: new Map(),
    pods: new Map(),
    podTemplatesByLabel: new Map(),
    statefulSets: new Map(),
    dataplanes: [],
    foreignMeshServices: new Map(),
    ownedMeshServices: new Map(),
    hasKubernetesObjects: false,
  };
  items.forEach((object, position) => {
    const entry = { object, position };
    const apiVersion = object.apiVersion;
    const name = object.metadata?.name;
    if (typeof name !== "string") return;
    switch (object.kind) {
      case K8S_KIND.service:
        if (apiVersion !== "v1") return;
        inventory.services.push(entry);
        inventory.hasKubernetesObjects = true;
        return;
      case K8S_KIND.namespace:
        if (apiVersion !== "v1") return;
        setFirst(inventory.namespaces, name, entry);
        inventory.hasKubernetesObjects = true;
        return;
      case KIND.mesh:
        setFirst(inventory.meshes, name, entry);
        return;
      case K8S_KIND.endpointSlice: {
        const service = stringAt(object.metadata?.labels, LABEL.endpointSliceServiceName);
        if (service === undefined) return;
        push(inventory.endpointSlices, `${namespaceOf(object)}/${service}`, entry);
        return;
      }
      case K8S_KIND.pod:
        if (apiVersion !== "v1") return;
        setFirst(inventory.pods, `${namespaceOf(object)}/${name}`, entry);
        addTemplate(inventory, entry, object.metadata);
        inventory.hasKubernetesObjects = true;
        return;
      case KIND.dataplane:
        inventory.dataplanes.push(entry);
        return;
      case KIND.meshService: {
        // Universal YAML carries the mesh in the `mesh` field, Kubernetes in the kuma.io/mesh label.
        const scope = object.metadata?.namespace ??
          (typeof object.mesh === "string" && object.mesh !== "" ? object.mesh : undefined) ??
          stringAt(object.metadata?.labels, LABEL.mesh) ??
          "default";
        const key = meshServiceKey(String(scope), name);
        setFirst(
          isOwned(object) ? inventory.ownedMeshServices : inventory.foreignMeshServices,
          key,
          entry,
        );
        return;
      }
      case K8S_KIND.cronJob: {
        const jobSpec = valueAt(object, ["spec", "jobTemplate", "spec", "template", "metadata"]);
        addTemplate(inventory, entry, jobSpec);
        inventory.hasKubernetesObjects = true;
        return;
      }
      default:
        if (WORKLOAD_KINDS.has(String(object.kind))) {
          addTemplate(inventory, entry, valueAt(object, ["spec", "template", "metadata"]));
          if (object.kind === K8S_KIND.statefulSet) {
            push(inventory.statefulSets, namespaceOf(object), entry);
          }
          inventory.hasKubernetesObjects = true;
        }
    }
  });
  return inventory;
}

function addTemplate(inventory: Inventory, entry: Entry, metadata: unknown): void {
  const meta = isObject(metadata) ? metadata : {};
  const namespace = namespaceOf(entry.object);
  const template: PodTemplateSource = {
    entry,
    kind: String(entry.object.kind),
    name: String(entry.object.metadata?.name),
    namespace,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
  };
  for (const [key, value] of Object.entries(template.labels)) {
    push(inventory.podTemplatesByLabel, templateLabelKey(namespace, key, value), template);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function setFirst<T>(map: Map<string, T>, key: string, value: T): void {
  if (!map.has(key)) map.set(key, value);
}
