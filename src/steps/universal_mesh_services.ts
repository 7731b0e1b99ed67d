/**
 * Universal zones: the MeshServices Kuma's generator derives from Dataplane
 * inbounds (`pkg/core/resources/apis/meshservice/generate/generator.go`), in
 * tag mode (`kuma.io/service`) or workload mode (`kuma.io/workload`).
 *
 * @module
 */

import type { Config, MeshServiceOutput } from "../config.ts";
import { ENV, isRfc1035Label, LABEL, MANAGED_BY, ORIGIN } from "../model/kuma.ts";
import {
  compareStrings,
  isObject,
  refOf,
  type ResourceRef,
  type Result,
  sortedMap,
  stringMap,
} from "../model/krm.ts";
import { dataplaneMesh, type Entry, type Inventory, meshServiceKey } from "../model/inventory.ts";
import {
  meshServiceObject,
  type MeshServicePort,
  meshServiceRejection,
  type MeshServiceSelector,
  type StepOutput,
} from "../model/mesh_service.ts";
import { ownedAnnotations, TOOL_ANNOTATION } from "../model/tool.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";
import {
  deletedResult,
  managedByMesh,
  type ManagedUpdate,
  reconcileManaged,
} from "./generator_managed.ts";
import { type MeshLookup, meshServicesModeOf, resolveMesh } from "./meshes.ts";

/** What the Universal step needs besides the inventory. */
export interface UniversalOptions {
  config: Config;
  features: KumaFeatures;
  meshes: MeshLookup;
  output: MeshServiceOutput;
}

interface Inbound {
  index: number;
  port: number;
  name: string;
  protocol: string;
  tags: Record<string, string>;
}

interface Dataplane {
  entry: Entry;
  name: string;
  mesh: string;
  labels: Record<string, string>;
  creationTime: string | undefined;
  inbounds: Inbound[];
}

interface Candidate {
  dataplane: Dataplane;
  ports: MeshServicePort[];
}

/** Output of the Universal step: generated MeshServices and the input ones Kuma's generator rewrites. */
export interface UniversalStepOutput extends StepOutput {
  /** Input MeshServices labelled `kuma.io/managed-by: meshservice-generator`, as the generator leaves them. */
  updates: ManagedUpdate[];
}

/** Generates the MeshServices Kuma's Universal generator would create (and updates the ones it manages). */
export function generateUniversalMeshServices(
  inventory: Inventory,
  options: UniversalOptions,
): UniversalStepOutput {
  const out: UniversalStepOutput = { meshServices: [], results: [], updates: [] };
  const byMesh = new Map<string, Dataplane[]>();
  for (const entry of inventory.dataplanes) {
    const dataplane = readDataplane(entry, out.results);
    if (!dataplane) continue;
    const list = byMesh.get(dataplane.mesh);
    if (list) list.push(dataplane);
    else byMesh.set(dataplane.mesh, [dataplane]);
  }
  const managed = managedByMesh(inventory, options.features);
  const meshNames = [...new Set([...byMesh.keys(), ...managed.keys()])].sort(compareStrings);
  for (const meshName of meshNames) {
    generateForMesh(
      {
        inventory,
        meshName,
        dataplanes: byMesh.get(meshName) ?? [],
        managed: managed.get(meshName) ?? [],
      },
      options,
      out,
    );
  }
  return out;
}

/** The Dataplanes and generator-managed MeshServices of one mesh. */
interface MeshGroup {
  inventory: Inventory;
  meshName: string;
  dataplanes: Dataplane[];
  managed: Entry[];
}

function generateForMesh(
  group: MeshGroup,
  options: UniversalOptions,
  out: UniversalStepOutput,
): void {
  const { inventory, meshName, dataplanes } = group;
  const workloadMode = options.features.v3 ||
    (options.features.inboundTagsDisabledFlag && options.config.inboundTagsDisabled);
  const mesh = resolveMesh(options.meshes, meshName);
  // A result about the group names its first Dataplane by name, so input order does not matter.
  const first = dataplanes.length === 0
    ? undefined
    : dataplanes.reduce((a, b) => compareStrings(b.name, a.name) < 0 ? b : a).entry.object;
  if (!mesh) {
    if (!first) return;
    out.results.push(
      resultAt(first, {
        severity: "info",
        message:
          `No MeshServices for the ${dataplanes.length} Dataplane(s) of mesh "${meshName}": Mesh "${meshName}" is not in the input and not assumed by config assumeMeshes`,
        reason: REASON.meshNotFound,
      }),
    );
    return;
  }
  if (options.features.meshServicesMode && meshServicesModeOf(mesh) === "Disabled") {
    const mode = mesh.mode ?? "unset, which Kuma treats as Disabled";
    if (first) {
      out.results.push(
        resultAt(mesh.object ?? first, {
          severity: "info",
          message:
            `No MeshServices for the ${dataplanes.length} Dataplane(s) of mesh "${meshName}": meshServices.mode is ${mode}`,
          reason: REASON.meshServicesDisabled,
        }),
      );
    }
    for (const entry of group.managed) {
      out.results.push(deletedResult(
        entry.object,
        meshName,
        `meshServices.mode of mesh "${meshName}" is ${mode}, and then the generator deletes every MeshService it manages there`,
      ));
    }
    return;
  }
  const { ordered, byInputOrder } = orderDataplanes(dataplanes);
  const candidates = new Map<string, Candidate[]>();
  for (const dataplane of ordered) {
    const perService = workloadMode
      ? workloadCandidate(dataplane, options.features, out.results)
      : tagCandidates(dataplane, options.features, out.results);
    for (const [service, ports] of perService) {
      const list = candidates.get(service);
      if (list) list.push({ dataplane, ports });
      else candidates.set(service, [{ dataplane, ports }]);
    }
  }
  updateManaged(group, { candidates, byInputOrder, workloadMode, options }, out);
  for (const [service, list] of [...candidates].sort(([a], [b]) => compareStrings(a, b))) {
    consolidate(inventory, meshName, service, list, byInputOrder, workloadMode, options, out);
  }
}

/**
 * The generator's pass over the MeshServices it manages: each takes the
 * candidates of its name (so none is generated for it), or is deleted.
 */
function updateManaged(
  group: MeshGroup,
  context: {
    candidates: Map<string, Candidate[]>;
    byInputOrder: boolean;
    workloadMode: boolean;
    options: UniversalOptions;
  },
  out: UniversalStepOutput,
): void {
  const { meshName } = group;
  const { candidates, byInputOrder, workloadMode, options } = context;
  for (const entry of group.managed) {
    const name = String(entry.object.metadata?.name);
    const list = candidates.get(name) ?? [];
    candidates.delete(name); // The generator updates it instead of creating one.
    if (list.length === 0) {
      const source = workloadMode
        ? `label ${LABEL.workload}`
        : `an inbound tagged ${LABEL.service}`;
      out.results.push(deletedResult(
        entry.object,
        meshName,
        `no Dataplane of the input has ${source} "${name}", and the generator deletes a MeshService it manages once its deletion grace period is over`,
      ));
      continue;
    }
    const { update, results } = reconcileManaged(entry, {
      mesh: meshName,
      candidates: list.map((c) => ({
        dataplane: {
          name: c.dataplane.name,
          ref: refOf(c.dataplane.entry.object) as ResourceRef,
          object: c.dataplane.entry.object,
        },
        ports: c.ports,
      })),
      selector: selectorOf(name, workloadMode),
      workloadMode,
      byInputOrder,
      config: options.config,
      features: options.features,
    });
    out.results.push(...results);
    out.updates.push(update);
  }
}

function selectorOf(service: string, workloadMode: boolean): MeshServiceSelector {
  return workloadMode
    ? { dataplaneLabels: { matchLabels: { [LABEL.workload]: service } } }
    : { dataplaneTags: { [LABEL.service]: service } };
}

/**
 * Shape errors of Dataplanes in a zone that derives nothing from them (a
 * Kubernetes zone): Kuma's validator rejects them all the same.
 */
export function dataplaneShapeResults(entries: readonly Entry[]): Result[] {
  const results: Result[] = [];
  for (const entry of entries) readDataplane(entry, results);
  return results.filter((r) => r.severity === "error");
}

function readDataplane(entry: Entry, results: Result[]): Dataplane | undefined {
  const object = entry.object;
  const bad = (field: string, message: string) => {
    results.push(
      resultAt(object, { severity: "error", message, reason: REASON.invalidField, field }),
    );
    return undefined;
  };
  const name = String(object.metadata?.name);
  const spec = object.spec;
  if (!isObject(spec) || !isObject(spec.networking)) {
    return bad("spec.networking", `Cannot read Dataplane "${name}": networking is required`);
  }
  const networking = spec.networking;
  const rawInbounds = networking.inbound ?? [];
  if (!Array.isArray(rawInbounds)) {
    return bad(
      "spec.networking.inbound",
      `Cannot read Dataplane "${name}": networking.inbound must be a list`,
    );
  }
  if (rawInbounds.length === 0) {
    if (networking.gateway !== undefined && networking.gateway !== null) {
      results.push(
        resultAt(object, {
          severity: "info",
          message: `No MeshService from Dataplane "${name}": it is a gateway and has no inbounds`,
          reason: REASON.gatewayDataplane,
        }),
      );
      return undefined;
    }
    return bad(
      "spec.networking.inbound",
      `Cannot use Dataplane "${name}": it has no inbounds and no gateway, which Kuma rejects; add networking.inbound`,
    );
  }
  const inbounds: Inbound[] = [];
  for (const [index, raw] of rawInbounds.entries()) {
    const at = `spec.networking.inbound[${index}]`;
    if (!isObject(raw)) {
      return bad(at, `Cannot read Dataplane "${name}" inbound ${index}: expected a map`);
    }
    const port = raw.port;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
      return bad(
        `${at}.port`,
        `Cannot read Dataplane "${name}" inbound ${index}: port must be an integer from 1 to 65535, got ${
          JSON.stringify(port)
        }`,
      );
    }
    if (raw.tags !== undefined && raw.tags !== null) {
      if (!isObject(raw.tags) || Object.values(raw.tags).some((v) => typeof v !== "string")) {
        return bad(
          `${at}.tags`,
          `Cannot read Dataplane "${name}" inbound ${index}: tags must be a map of strings`,
        );
      }
    }
    for (const key of ["name", "protocol"] as const) {
      if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== "string") {
        return bad(
          `${at}.${key}`,
          `Cannot read Dataplane "${name}" inbound ${index}: ${key} must be a string`,
        );
      }
    }
    inbounds.push({
      index,
      port,
      name: typeof raw.name === "string" ? raw.name : "",
      protocol: typeof raw.protocol === "string" ? raw.protocol : "",
      tags: stringMap(raw.tags),
    });
  }
  const created = object.metadata?.creationTimestamp;
  return {
    entry,
    name,
    mesh: dataplaneMesh(object),
    labels: stringMap(object.metadata?.labels),
    creationTime: typeof created === "string" && !Number.isNaN(Date.parse(created))
      ? created
      : undefined,
    inbounds,
  };
}

/**
 * Kuma orders Dataplanes by creation time, then name. Offline, creation times
 * are known only when every Dataplane carries one; otherwise input order
 * stands in for age.
 */
function orderDataplanes(dataplanes: Dataplane[]): { ordered: Dataplane[]; byInputOrder: boolean } {
  if (dataplanes.every((dp) => dp.creationTime !== undefined)) {
    const ordered = [...dataplanes].sort((a, b) =>
      Date.parse(a.creationTime!) - Date.parse(b.creationTime!) || compareStrings(a.name, b.name)
    );
    return { ordered, byInputOrder: false };
  }
  return { ordered: dataplanes, byInputOrder: true };
}

function tagCandidates(
  dataplane: Dataplane,
  features: KumaFeatures,
  results: Result[],
): Map<string, MeshServicePort[]> {
  const out = new Map<string, MeshServicePort[]>();
  for (const inbound of dataplane.inbounds) {
    const service = inbound.tags[LABEL.service];
    const at = `spec.networking.inbound[${inbound.index}].tags["${LABEL.service}"]`;
    if (service === undefined) {
      results.push(resultAt(dataplane.entry.object, {
        severity: "info",
        message:
          `No MeshService from inbound ${inbound.index} of Dataplane "${dataplane.name}": it has no kuma.io/service tag`,
        reason: REASON.invalidServiceName,
        field: `spec.networking.inbound[${inbound.index}].tags`,
      }));
      continue;
    }
    const problem = serviceNameProblem(service, features);
    if (problem) {
      results.push(
        resultAt(dataplane.entry.object, {
          severity: "info",
          message:
            `No MeshService from inbound ${inbound.index} of Dataplane "${dataplane.name}": kuma.io/service "${service}" ${problem}`,
          reason: REASON.invalidServiceName,
          field: at,
          currentValue: service,
        }),
      );
      continue;
    }
    const protocolSource = features.inboundProtocolField && inbound.protocol !== ""
      ? inbound.protocol
      : inbound.tags[LABEL.protocol];
    const port = portOf(inbound, protocolSource, features);
    const list = out.get(service);
    if (list) list.push(port);
    else out.set(service, [port]);
  }
  return out;
}

function workloadCandidate(
  dataplane: Dataplane,
  features: KumaFeatures,
  results: Result[],
): Map<string, MeshServicePort[]> {
  const workload = dataplane.labels[LABEL.workload];
  if (workload === undefined || workload === "" || !isRfc1035Label(workload)) {
    // A warning: its inbounds get no MeshService, so nothing can reach them by MeshService.
    results.push(
      resultAt(dataplane.entry.object, {
        severity: "warning",
        message: workload
          ? `No MeshService from Dataplane "${dataplane.name}": label ${LABEL.workload} "${workload}" is not an RFC 1035 label, so Kuma ${features.version} skips it; set ${LABEL.workload} to an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)`
          : `No MeshService from Dataplane "${dataplane.name}": Kuma ${features.version} names MeshServices after the ${LABEL.workload} label, which it lacks; add label ${LABEL.workload} with the workload's name to the Dataplane`,
        reason: REASON.noWorkloadLabel,
        field: `metadata.labels["${LABEL.workload}"]`,
      }),
    );
    return new Map();
  }
  const ports = dataplane.inbounds.map((inbound) =>
    portOf(inbound, inbound.protocol === "" ? undefined : inbound.protocol, features)
  );
  return new Map([[workload, ports]]);
}

function serviceNameProblem(service: string, features: KumaFeatures): string | undefined {
  if (features.universalRfc1035ServiceNames) {
    return isRfc1035Label(service)
      ? undefined
      : "is not an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)";
  }
  return /^[0-9a-z.\-_]*$/.test(service) ? undefined : "has characters outside [0-9a-z.-_]";
}

function portOf(
  inbound: Inbound,
  protocol: string | undefined,
  features: KumaFeatures,
): MeshServicePort {
  return {
    name: inbound.name !== "" ? inbound.name : String(inbound.port),
    port: inbound.port,
    targetPort: inbound.port,
    appProtocol: appProtocolOf(protocol, features),
  };
}

/** 2.9-2.11 copy the protocol verbatim; later versions lower-case it and fall back to `tcp`. */
function appProtocolOf(protocol: string | undefined, features: KumaFeatures): string {
  if (protocol === undefined) return "tcp";
  if (!features.universalProtocols) return protocol;
  const lower = protocol.toLowerCase();
  return features.universalProtocols.includes(lower) ? lower : "tcp";
}

function consolidate(
  inventory: Inventory,
  mesh: string,
  service: string,
  candidates: Candidate[],
  byInputOrder: boolean,
  workloadMode: boolean,
  options: UniversalOptions,
  out: StepOutput,
): void {
  const { features, config } = options;
  const winner = candidates[0]!;
  const winnerObject = winner.dataplane.entry.object;
  for (const other of candidates.slice(1)) {
    if (samePorts(other.ports, winner.ports)) continue;
    out.results.push(
      resultAt(other.dataplane.entry.object, {
        severity: "warning",
        message:
          `Port conflict on MeshService "${service}": Dataplane "${other.dataplane.name}" has ports ${
            describePorts(other.ports)
          } but Dataplane "${winner.dataplane.name}" has ${
            describePorts(winner.ports)
          }; Kuma keeps the ports of "${winner.dataplane.name}", the oldest Dataplane (${
            byInputOrder ? "first in input order: creation times are unknown" : "by creation time"
          }), and traffic to the other ports of "${other.dataplane.name}" fails`,
        reason: REASON.portConflict,
        field: "spec.networking.inbound",
      }),
    );
  }
  const key = meshServiceKey(mesh, service);
  const existing = inventory.foreignMeshServices.get(key);
  if (existing) {
    out.results.push(resultAt(existing.object, {
      severity: "info",
      message:
        `No MeshService generated for "${service}": MeshService "${service}" of mesh "${mesh}" is already in the input, and Kuma's generator does not touch a MeshService it did not create`,
      reason: REASON.existingMeshService,
    }));
    return;
  }
  const rejection = meshServiceRejection(service, winner.ports, features);
  if (rejection) {
    const action = rejection.subject === "appProtocol"
      ? "change the inbound protocol"
      : `shorten the ${workloadMode ? LABEL.workload : LABEL.service} value`;
    out.results.push(
      resultAt(winnerObject, {
        severity: "warning",
        message:
          `Kuma ${features.version} cannot create MeshService "${service}": ${rejection.problem}; ${action}`,
        reason: REASON.failedToGenerate,
        field: "spec.networking.inbound",
      }),
    );
    return;
  }
  const labels: Record<string, string> = {
    [LABEL.mesh]: mesh,
    [LABEL.displayName]: service,
    [LABEL.env]: ENV.universal,
    [LABEL.origin]: ORIGIN.zone,
  };
  if (features.universalZoneLabel) labels[LABEL.zone] = config.zone;
  // Git-owned MeshServices must not carry the generator's label, or Kuma's generator takes them over.
  if (options.output !== "apply") labels[LABEL.managedBy] = MANAGED_BY.meshServiceGenerator;
  const selector = selectorOf(service, workloadMode);
  const annotations = ownedAnnotations(
    `Dataplanes of mesh ${mesh} with ${workloadMode ? LABEL.workload : LABEL.service}=${service}`,
  );
  const format = winnerObject.metadata?.annotations?.[TOOL_ANNOTATION.format];
  if (format !== undefined) annotations[TOOL_ANNOTATION.format] = format;
  out.meshServices.push({
    object: meshServiceObject(service, sortedMap(labels), { ports: winner.ports, selector }, {
      annotations,
    }),
    mesh,
    source: {
      kind: "Dataplanes",
      dataplanes: candidates.map((c) => refOf(c.dataplane.entry.object) as ResourceRef),
    },
    legacyServices: workloadMode ? [] : winner.ports.map(() => service),
  });
}

function samePorts(a: MeshServicePort[], b: MeshServicePort[]): boolean {
  return a.length === b.length && a.every((port, i) => {
    const other = b[i]!;
    return port.name === other.name && port.port === other.port &&
      port.targetPort === other.targetPort &&
      port.appProtocol === other.appProtocol;
  });
}

function describePorts(ports: MeshServicePort[]): string {
  return ports.map((p) => `${p.port} "${p.name}" ${p.appProtocol}`).join(", ");
}
