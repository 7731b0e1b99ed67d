/**
 * Kubernetes zones: the MeshServices Kuma's controller derives from Services
 * (`pkg/plugins/runtime/k8s/controllers/meshservice_controller.go`), with the
 * labels the mutating webhook adds (`pkg/core/resources/labels/compute.go`).
 *
 * @module
 */

import type { Config } from "../config.ts";
import {
  ANNOTATION,
  DEFAULT_MESH,
  ENV,
  isRfc1035Label,
  isRfc1123Label,
  LABEL,
  MANAGED_BY,
  ORIGIN,
  parseBoolean,
  parseEnabled,
} from "../model/kuma.ts";
import {
  compareStrings,
  isObject,
  type KubeObject,
  refOf,
  type Result,
  sortedMap,
  stringMap,
} from "../model/krm.ts";
import {
  type Entry,
  type Inventory,
  meshServiceKey,
  namespaceOf,
  type PodTemplateSource,
  templatesMatching,
} from "../model/inventory.ts";
import {
  type GeneratedMeshService,
  meshServiceObject,
  type MeshServicePort,
  meshServiceRejection,
  type MeshServiceSelector,
  type StepOutput,
} from "../model/mesh_service.ts";
import { headlessMeshServiceName } from "../model/hash.ts";
import { kubernetesServiceTag } from "../model/service_identity.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, type Reason, resultAt } from "../results.ts";
import { type MeshLookup, meshServicesModeOf, resolveMesh } from "./meshes.ts";
import { substitutable } from "./substitution.ts";
import { ownedAnnotations } from "../model/tool.ts";

/** What the Kubernetes step needs besides the inventory. */
export interface KubernetesOptions {
  config: Config;
  features: KumaFeatures;
  meshes: MeshLookup;
}

/** A Service after API-server defaulting, reduced to the fields Kuma reads. */
interface DefaultedService {
  entry: Entry;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  selector: Record<string, string> | undefined;
  /** `undefined`: allocated by the API server, unknown offline. */
  clusterIP: string | undefined;
  ports: DefaultedPort[];
}

interface DefaultedPort {
  index: number;
  name: string;
  port: number;
  targetPort: number | string;
  protocol: string;
  appProtocol: string | undefined;
}

interface NamespaceView {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
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
    const namespace = namespaceView(inventory, service, options.config, assumedNamespaces);
    if (!namespace) continue;
    reconcile(inventory, service, namespace, options, out);
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

/** Applies the API server's defaults; reports fields of the wrong type. */
function defaultService(entry: Entry, results: Result[]): DefaultedService | undefined {
  const object = entry.object;
  const spec = object.spec;
  const bad = (field: string, message: string, currentValue?: unknown) => {
    results.push(
      resultAt(object, {
        severity: "error",
        message,
        reason: REASON.invalidField,
        field,
        ...currentValue !== undefined ? { currentValue: currentValue as never } : {},
      }),
    );
    return undefined;
  };
  const serviceName = String(object.metadata?.name);
  // Flux placeholders some substitution makes valid are read as written (warned about elsewhere).
  if (!isRfc1035Label(serviceName) && !substitutable(serviceName, isRfc1035Label)) {
    return bad(
      "metadata.name",
      `Cannot read Service "${serviceName}": a Service name must be a DNS-1035 label (at most 63 characters of a-z, 0-9 and '-', starting with a letter and ending with a letter or digit), so the API server rejects it`,
      serviceName,
    );
  }
  const serviceNamespace = namespaceOf(object);
  if (!isRfc1123Label(serviceNamespace) && !substitutable(serviceNamespace, isRfc1123Label)) {
    return bad(
      "metadata.namespace",
      `Cannot read Service "${serviceName}": namespace "${serviceNamespace}" is not a DNS-1123 label (at most 63 characters of a-z, 0-9 and '-'), so the API server rejects it`,
      serviceNamespace,
    );
  }
  if (spec !== undefined && !isObject(spec)) {
    return bad("spec", "Cannot read Service: spec must be a map");
  }
  const s = (spec ?? {}) as Record<string, unknown>;
  const type = s.type ?? "ClusterIP";
  if (typeof type !== "string") {
    return bad("spec.type", "Cannot read Service: spec.type must be a string", type);
  }
  if (s.clusterIP !== undefined && typeof s.clusterIP !== "string") {
    return bad(
      "spec.clusterIP",
      "Cannot read Service: spec.clusterIP must be a string",
      s.clusterIP,
    );
  }
  if (s.selector !== undefined && s.selector !== null) {
    if (!isObject(s.selector) || Object.values(s.selector).some((v) => typeof v !== "string")) {
      return bad("spec.selector", "Cannot read Service: spec.selector must be a map of strings");
    }
  }
  if (s.ports !== undefined && s.ports !== null && !Array.isArray(s.ports)) {
    return bad("spec.ports", "Cannot read Service: spec.ports must be a list");
  }
  const ports: DefaultedPort[] = [];
  for (const [index, raw] of ((s.ports ?? []) as unknown[]).entries()) {
    const at = `spec.ports[${index}]`;
    if (!isObject(raw)) return bad(at, `Cannot read Service port ${index}: expected a map`);
    const port = raw.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      return bad(
        `${at}.port`,
        `Cannot read Service port ${index}: port must be an integer from 1 to 65535, got ${
          JSON.stringify(port)
        }`,
        port,
      );
    }
    for (const key of ["name", "protocol", "appProtocol"] as const) {
      if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== "string") {
        return bad(
          `${at}.${key}`,
          `Cannot read Service port ${index}: ${key} must be a string`,
          raw[key],
        );
      }
    }
    const target = raw.targetPort ?? port;
    const validTarget =
      (typeof target === "number" && Number.isInteger(target) && target >= 1 && target <= 65535) ||
      (typeof target === "string" && target !== "");
    if (!validTarget) {
      return bad(
        `${at}.targetPort`,
        `Cannot read Service port ${index}: targetPort must be a port number or a port name, got ${
          JSON.stringify(target)
        }`,
        target,
      );
    }
    const name = typeof raw.name === "string" ? raw.name : "";
    const protocol = typeof raw.protocol === "string" && raw.protocol !== "" ? raw.protocol : "TCP";
    const clash = ports.find((p) =>
      (p.port === port && p.protocol === protocol) || (name !== "" && p.name === name)
    );
    if (clash) {
      const same = clash.port === port && clash.protocol === protocol
        ? `port ${port}/${protocol}`
        : `name "${name}"`;
      return bad(
        clash.port === port && clash.protocol === protocol ? `${at}.port` : `${at}.name`,
        `Cannot read Service port ${index}: ${same} is already used by port ${clash.index}, so the API server rejects the Service (ports need a unique port/protocol pair and a unique name)`,
        clash.port === port && clash.protocol === protocol ? port : name,
      );
    }
    ports.push({
      index,
      name,
      port,
      targetPort: target as number | string,
      protocol,
      appProtocol: typeof raw.appProtocol === "string" ? raw.appProtocol : undefined,
    });
  }
  // API-server defaulting: ExternalName Services never get a cluster IP; other types get one
  // allocated unless `None` (headless) or a literal address is given.
  // An empty clusterIP is unset: the API server allocates one for every type but ExternalName.
  const clusterIP = type === "ExternalName"
    ? ""
    : s.clusterIP === ""
    ? undefined
    : s.clusterIP as string | undefined;
  return {
    entry,
    name: String(object.metadata?.name),
    namespace: namespaceOf(object),
    labels: stringMap(object.metadata?.labels),
    annotations: stringMap(object.metadata?.annotations),
    selector: isObject(s.selector) ? s.selector as Record<string, string> : undefined,
    clusterIP,
    ports,
  };
}

function namespaceView(
  inventory: Inventory,
  service: DefaultedService,
  config: Config,
  assumed: Map<string, DefaultedService>,
): NamespaceView | undefined {
  const entry = inventory.namespaces.get(service.namespace);
  if (entry) {
    return {
      name: service.namespace,
      labels: stringMap(entry.object.metadata?.labels),
      annotations: stringMap(entry.object.metadata?.annotations),
    };
  }
  const injected = isAssumedInjected(config, service.namespace);
  const attached = assumed.get(service.namespace);
  if (attached === undefined || compareStrings(service.name, attached.name) < 0) {
    assumed.set(service.namespace, service);
  }
  return {
    name: service.namespace,
    labels: injected ? { [LABEL.sidecarInjection]: "enabled" } : {},
    annotations: {},
  };
}

function reconcile(
  inventory: Inventory,
  service: DefaultedService,
  namespace: NamespaceView,
  options: KubernetesOptions,
  out: StepOutput,
): void {
  const { features } = options;
  const object = service.entry.object;
  const skip = (
    reason: Reason,
    message: string,
    severity: "info" | "warning" = "info",
    field?: string,
  ) => {
    out.results.push(resultAt(object, { severity, message, reason, ...field ? { field } : {} }));
    reportWouldBeDeleted(inventory, service, message, out.results);
  };

  const injectionValue = namespace.labels[LABEL.sidecarInjection];
  let injected = false;
  if (injectionValue !== undefined) {
    const parsed = parseEnabled(injectionValue);
    // An invalid value is reported once on the Namespace by the input checks.
    if (parsed === undefined) return;
    injected = parsed;
  }
  if (!(LABEL.mesh in service.labels) && !injected) {
    return skip(
      REASON.notInMesh,
      `No MeshService for Service "${service.name}": namespace "${namespace.name}" is not labelled kuma.io/sidecar-injection: enabled and the Service has no kuma.io/mesh label`,
    );
  }

  const meshName = meshOfService(service, namespace, features);
  const mesh = resolveMesh(options.meshes, meshName);
  if (!mesh) {
    return skip(
      REASON.meshNotFound,
      `No MeshService for Service "${service.name}": Mesh "${meshName}" is not in the input and not assumed by config assumeMeshes`,
    );
  }
  if (features.meshServicesMode && meshServicesModeOf(mesh) === "Disabled") {
    return skip(
      REASON.meshServicesDisabled,
      `No MeshService for Service "${service.name}": Mesh "${meshName}" has meshServices.mode ${
        mesh.mode ?? "unset, which Kuma treats as Disabled"
      } (set Everywhere, ReachableBackends or Exclusive to generate MeshServices)`,
    );
  }
  if (Object.keys(service.annotations).length > 0) {
    if (
      features.ignoreAnnotation &&
      parseBoolean(service.annotations[ANNOTATION.ignore] ?? "") === true
    ) {
      return skip(
        REASON.ignoredByAnnotation,
        `No MeshService for Service "${service.name}": annotation kuma.io/ignore is "${
          service.annotations[ANNOTATION.ignore]
        }"`,
      );
    }
    if (ANNOTATION.gateway in service.annotations) {
      out.results.push(
        resultAt(object, {
          severity: "info",
          message:
            `No MeshService for Service "${service.name}": it is a gateway Service (annotation kuma.io/gateway)`,
          reason: REASON.gatewayService,
        }),
      );
      return;
    }
  }
  if (features.zoneProxyLabel && LABEL.zoneProxyType in service.labels) {
    return skip(
      REASON.zoneProxyService,
      `No MeshService for Service "${service.name}": it is a zone proxy Service (label k8s.kuma.io/zone-proxy-type)`,
    );
  }
  if (features.delegatedGatewayCheck) {
    const gateway = gatewayBackend(inventory, service);
    if (gateway) {
      return skip(
        REASON.gatewayService,
        `No MeshService for Service "${service.name}": it selects gateway pods (${gateway} is annotated kuma.io/gateway)`,
      );
    }
  }
  if (service.clusterIP === "") {
    out.results.push(
      resultAt(object, {
        severity: "info",
        message:
          `No MeshService for Service "${service.name}": it has no cluster IP (type ExternalName or an empty clusterIP)`,
        reason: REASON.noClusterIP,
      }),
    );
    return;
  }

  const ports = meshServicePorts(service, out.results);
  if (service.clusterIP === "None") {
    for (const pod of headlessEndpoints(inventory, service, out.results)) {
      const name = headlessMeshServiceName(pod.name, service.name, service.namespace);
      const labels: Record<string, string> = { ...service.labels, ...pod.labels };
      emit(inventory, service, namespace, options, out, {
        name,
        namespace: pod.namespace,
        labels: controllerLabels(labels, service.name, meshName, true),
        selector: { dataplaneRef: { name: `${pod.name}.${pod.namespace}` } },
        ports,
        vips: pod.addresses,
        pod: pod.name,
      });
    }
    return;
  }
  const selector = { ...(service.selector ?? {}), [LABEL.namespace]: service.namespace };
  emit(inventory, service, namespace, options, out, {
    name: service.name,
    namespace: service.namespace,
    labels: controllerLabels(service.labels, service.name, meshName, false),
    selector:
      features.v3 || (features.inboundTagsDisabledFlag && options.config.inboundTagsDisabled)
        ? { dataplaneLabels: { matchLabels: sortedMap(selector) } }
        : { dataplaneTags: sortedMap(selector) },
    ports,
    vips: service.clusterIP !== undefined && service.clusterIP !== "" ? [service.clusterIP] : [],
  });
}

/** Kuma's mesh lookup: Service label, [2.x] Service annotation, Namespace label, [2.x] annotation, `default`. */
function meshOfService(
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

/** Controller labels: all Service labels, then Kuma's own. */
function controllerLabels(
  serviceLabels: Record<string, string>,
  serviceName: string,
  mesh: string,
  headless: boolean,
): Record<string, string> {
  return {
    ...serviceLabels,
    [LABEL.mesh]: mesh,
    [LABEL.serviceName]: serviceName,
    [LABEL.managedBy]: MANAGED_BY.k8sController,
    [LABEL.env]: ENV.kubernetes,
    [LABEL.isHeadlessService]: headless ? "true" : "false",
  };
}

function meshServicePorts(service: DefaultedService, results: Result[]): MeshServicePort[] {
  const ports: MeshServicePort[] = [];
  for (const port of service.ports) {
    const name = port.name !== "" ? port.name : String(port.port);
    if (port.protocol !== "TCP") {
      results.push(resultAt(service.entry.object, {
        severity: "warning",
        message:
          `Ignored port "${name}" of Service "${service.name}": MeshServices support only TCP, the port's protocol is ${port.protocol}`,
        reason: REASON.ignoredUnsupportedPort,
        field: `spec.ports[${port.index}].protocol`,
        currentValue: port.protocol,
      }));
      continue;
    }
    ports.push({
      name,
      port: port.port,
      targetPort: port.targetPort,
      appProtocol: port.appProtocol ?? "tcp",
    });
  }
  return ports;
}

interface HeadlessPod {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  addresses: string[];
}

/**
 * Pods behind a headless Service: from EndpointSlices when the input has any
 * for the Service, else from StatefulSets whose pod template the selector
 * matches (pod names are predictable only for StatefulSets).
 */
function headlessEndpoints(
  inventory: Inventory,
  service: DefaultedService,
  results: Result[],
): HeadlessPod[] {
  const slices = inventory.endpointSlices.get(`${service.namespace}/${service.name}`);
  const pods = new Map<string, HeadlessPod>();
  if (slices) {
    for (const slice of slices) {
      const endpoints = slice.object.endpoints;
      if (!Array.isArray(endpoints)) continue;
      for (const endpoint of endpoints) {
        const target = podTargetOf(endpoint);
        if (!target) continue;
        const namespace = target.namespace || service.namespace;
        const key = `${namespace}/${target.name}`;
        const addresses = isObject(endpoint) && Array.isArray(endpoint.addresses)
          ? endpoint.addresses.filter((a): a is string => typeof a === "string")
          : [];
        pods.set(key, {
          name: target.name,
          namespace,
          labels: podLabels(inventory, namespace, target.name),
          addresses,
        });
      }
    }
  } else {
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
  }
  if (pods.size === 0) {
    const others = matchingTemplates(inventory, service).filter((t) => t.kind !== "StatefulSet");
    results.push(
      resultAt(service.entry.object, {
        severity: "info",
        message: others.length > 0
          ? `No MeshService for headless Service "${service.name}" rendered: its pods come from ${
            others.map((t) => `${t.kind} ${t.name}`).sort(compareStrings).join(", ")
          }, whose pod names are not predictable; add the EndpointSlices to the input to render them`
          : `No MeshService for headless Service "${service.name}": Kuma creates one per pod and the input has no EndpointSlices or StatefulSet pods for it`,
        reason: REASON.noEndpoints,
      }),
    );
  }
  return [...pods.values()].sort((a, b) =>
    compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`)
  );
}

function podTargetOf(endpoint: unknown): { name: string; namespace: string } | undefined {
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

function matchingTemplates(inventory: Inventory, service: DefaultedService): PodTemplateSource[] {
  return service.selector ? templatesMatching(inventory, service.namespace, service.selector) : [];
}

/**
 * Kuma >= 2.13 skips Services whose first endpoint Pod is a gateway. Offline:
 * the EndpointSlices and Pods of the input when present, else the first pod
 * template (input order) the selector matches.
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

interface Emission {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: MeshServiceSelector;
  ports: MeshServicePort[];
  vips: string[];
  pod?: string;
}

function emit(
  inventory: Inventory,
  service: DefaultedService,
  namespace: NamespaceView,
  options: KubernetesOptions,
  out: StepOutput,
  emission: Emission,
): void {
  const { features, config } = options;
  const object = service.entry.object;
  const rejection = meshServiceRejection(emission.name, emission.ports, features);
  if (rejection) {
    const action = rejection.subject === "appProtocol"
      ? "change the Service port's appProtocol"
      : emission.pod
      ? `rename the workload of pod "${emission.pod}", whose name the MeshService name comes from`
      : "rename the Service";
    out.results.push(resultAt(object, {
      severity: "warning",
      message:
        `Kuma ${features.version} cannot create MeshService "${emission.name}": ${rejection.problem}; ${action}`,
      reason: REASON.failedToGenerate,
      field: rejection.subject === "appProtocol" ? "spec.ports" : "metadata.name",
    }));
    return;
  }
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

  const webhook = webhookApplies(namespace);
  const { labels, annotations } = webhook
    ? webhookDefaults(emission.labels, emission.name, emission.namespace, config.zone, features)
    : { labels: emission.labels, annotations: {} as Record<string, string> };
  const source = `Service ${service.namespace}/${service.name}${
    emission.pod ? ` pod ${emission.pod}` : ""
  }`;
  const meshServiceObj = meshServiceObject(
    emission.name,
    sortedMap(labels),
    { ports: emission.ports, selector: emission.selector },
    {
      namespace: emission.namespace,
      annotations: { ...annotations, ...ownedAnnotations(source) },
      vips: emission.vips,
    },
  );
  const generated: GeneratedMeshService = {
    object: meshServiceObj,
    mesh: labels[LABEL.mesh] ?? DEFAULT_MESH,
    source: {
      kind: "Service",
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
  out.meshServices.push(generated);
}

function ownedByService(meshService: KubeObject, serviceName: string): boolean {
  const owners = meshService.metadata?.ownerReferences;
  if (!Array.isArray(owners) || !isObject(owners[0])) return false;
  return owners[0].kind === "Service" && owners[0].name === serviceName;
}

/** The mutating webhook runs for namespaces that have the injection label key, except kube-system. */
function webhookApplies(namespace: NamespaceView): boolean {
  return LABEL.sidecarInjection in namespace.labels && namespace.name !== "kube-system";
}

/** Labels and annotations Kuma's defaulting webhook adds on a zone control plane. */
function webhookDefaults(
  controllerLabels: Record<string, string>,
  name: string,
  namespace: string,
  zone: string,
  features: KumaFeatures,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels = { ...controllerLabels };
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
  if (labels[LABEL.origin] === ORIGIN.zone) setIfAbsent(LABEL.namespace, namespace);
  return { labels, annotations: { [ANNOTATION.displayName]: name } };
}

/** An input MeshService Kuma's controller would delete for this Service (not one this tool generated). */
function reportWouldBeDeleted(
  inventory: Inventory,
  service: DefaultedService,
  why: string,
  results: Result[],
): void {
  const existing = inventory.foreignMeshServices.get(
    meshServiceKey(service.namespace, service.name),
  );
  if (!existing) return;
  results.push(
    resultAt(existing.object, {
      severity: "warning",
      message: `Kuma's controller deletes MeshService "${service.namespace}/${service.name}": ${
        why.replace(/^No MeshService for /, "")
      }`,
      reason: REASON.wouldBeDeleted,
    }),
  );
}
