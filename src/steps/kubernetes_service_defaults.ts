/**
 * Kubernetes zones, step one: a Service as Kuma's controller reads it, after
 * the API server's defaulting (missing `protocol` is `TCP`, missing
 * `targetPort` is `port`, missing `type` is `ClusterIP`), and the ports the
 * controller copies into a MeshService
 * (`pkg/plugins/runtime/k8s/controllers/meshservice_controller.go`,
 * `manageMeshService`).
 *
 * @module
 */

import { fieldPath } from "../model/field_path.ts";
import { isRfc1035Label, isRfc1123Label } from "../model/kuma.ts";
import { isObject, type Result, stringMap } from "../model/krm.ts";
import { type Entry, namespaceOf } from "../model/inventory.ts";
import { isPortNumber, type MeshServicePort, notAPortNumber } from "../model/mesh_service.ts";
import { REASON, resultAt } from "../results.ts";
import { substitutable } from "./substitution.ts";

/** A Service after API-server defaulting, reduced to the fields Kuma reads. */
export interface DefaultedService {
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

/** A Service port after API-server defaulting. */
export interface DefaultedPort {
  /** Position in `spec.ports`. */
  index: number;
  /** `""` when the port has no name. */
  name: string;
  port: number;
  targetPort: number | string;
  protocol: string;
  appProtocol: string | undefined;
}

/** The Namespace of a Service as the rules see it (from the input, or assumed). */
export interface NamespaceView {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Why a Service cannot be read: the API server would reject it. */
interface Unreadable {
  field: string;
  message: string;
  currentValue?: unknown;
}

type Read<T> = { value: T } | { unreadable: Unreadable };

/** Applies the API server's defaults; reports fields of the wrong type as error results. */
export function defaultService(entry: Entry, results: Result[]): DefaultedService | undefined {
  const read = readService(entry);
  if ("value" in read) return read.value;
  const { field, message, currentValue } = read.unreadable;
  results.push(
    resultAt(entry.object, {
      severity: "error",
      message,
      reason: REASON.invalidField,
      field,
      ...currentValue !== undefined ? { currentValue: currentValue as never } : {},
    }),
  );
  return undefined;
}

function readService(entry: Entry): Read<DefaultedService> {
  const object = entry.object;
  const spec = object.spec;
  const bad = (field: string, message: string, currentValue?: unknown) => ({
    unreadable: { field, message, currentValue },
  });
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
  const ports = readPorts(s.ports);
  if ("unreadable" in ports) return ports;
  return {
    value: {
      entry,
      name: serviceName,
      namespace: serviceNamespace,
      labels: stringMap(object.metadata?.labels),
      annotations: stringMap(object.metadata?.annotations),
      selector: isObject(s.selector) ? s.selector as Record<string, string> : undefined,
      clusterIP: defaultedClusterIP(type, s.clusterIP as string | undefined),
      ports: ports.value,
    },
  };
}

/**
 * API-server defaulting: ExternalName Services never get a cluster IP; other
 * types get one allocated unless `None` (headless) or a literal address is
 * given. An empty clusterIP is unset: the API server allocates one for every
 * type but ExternalName.
 */
function defaultedClusterIP(type: string, clusterIP: string | undefined): string | undefined {
  if (type === "ExternalName") return "";
  return clusterIP === "" ? undefined : clusterIP;
}

function readPorts(raw: unknown): Read<DefaultedPort[]> {
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    return {
      unreadable: {
        field: "spec.ports",
        message: "Cannot read Service: spec.ports must be a list",
      },
    };
  }
  const ports: DefaultedPort[] = [];
  for (const [index, item] of ((raw ?? []) as unknown[]).entries()) {
    const port = readPort(item, index, ports);
    if ("unreadable" in port) return port;
    ports.push(port.value);
  }
  return { value: ports };
}

/** One port with its defaults; `before` are the ports read so far (names and port/protocol pairs are unique). */
function readPort(
  raw: unknown,
  index: number,
  before: readonly DefaultedPort[],
): Read<DefaultedPort> {
  const at = fieldPath("spec.ports", index);
  const bad = (field: string, problem: string, currentValue?: unknown) => ({
    unreadable: { field, message: `Cannot read Service port ${index}: ${problem}`, currentValue },
  });
  if (!isObject(raw)) return bad(at, "expected a map");
  const port = raw.port;
  if (!isPortNumber(port)) return bad(fieldPath(at, "port"), notAPortNumber(port), port);
  for (const key of ["name", "protocol", "appProtocol"] as const) {
    if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== "string") {
      return bad(fieldPath(at, key), `${key} must be a string`, raw[key]);
    }
  }
  const target = raw.targetPort ?? port;
  const validTarget = isPortNumber(target) ||
    (typeof target === "string" && target !== "");
  if (!validTarget) {
    return bad(
      fieldPath(at, "targetPort"),
      `targetPort must be a port number or a port name, got ${JSON.stringify(target)}`,
      target,
    );
  }
  const name = typeof raw.name === "string" ? raw.name : "";
  const protocol = typeof raw.protocol === "string" && raw.protocol !== "" ? raw.protocol : "TCP";
  const clash = before.find((p) =>
    (p.port === port && p.protocol === protocol) || (name !== "" && p.name === name)
  );
  if (clash) {
    const samePair = clash.port === port && clash.protocol === protocol;
    return bad(
      samePair ? fieldPath(at, "port") : fieldPath(at, "name"),
      `${
        samePair ? `port ${port}/${protocol}` : `name "${name}"`
      } is already used by port ${clash.index}, so the API server rejects the Service (ports need a unique port/protocol pair and a unique name)`,
      samePair ? port : name,
    );
  }
  return {
    value: {
      index,
      name,
      port,
      targetPort: target as number | string,
      protocol,
      appProtocol: typeof raw.appProtocol === "string" ? raw.appProtocol : undefined,
    },
  };
}

/**
 * The MeshService ports of a Service (`manageMeshService`): TCP ports only (a
 * warning names each other one, Kuma's `IgnoredUnsupportedPort` event); name
 * = port name or, when empty, the port number; `targetPort` and `appProtocol`
 * verbatim, `appProtocol` `tcp` when absent.
 */
export function meshServicePorts(service: DefaultedService, results: Result[]): MeshServicePort[] {
  const ports: MeshServicePort[] = [];
  for (const port of service.ports) {
    const name = port.name !== "" ? port.name : String(port.port);
    if (port.protocol !== "TCP") {
      results.push(resultAt(service.entry.object, {
        severity: "warning",
        message:
          `Ignored port "${name}" of Service "${service.name}": MeshServices support only TCP, the port's protocol is ${port.protocol}`,
        reason: REASON.ignoredUnsupportedPort,
        field: fieldPath("spec.ports", port.index, "protocol"),
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
