/**
 * Universal zones: Dataplane inbounds → candidate MeshServices, per Dataplane
 * (`pkg/core/resources/apis/meshservice/generate/generator.go` at v2.14.3:
 * `serviceTagMeshServicesForDataplane` in tag mode,
 * `workloadMeshServiceForDataplane` in workload mode; the order of
 * `pkg/core/resources/apis/mesh/dataplane_helpers.go`, `SortDataplanes`).
 *
 * @module
 */

import { fieldPath, mapKey } from "../model/field_path.ts";
import { dataplaneMesh, type Entry } from "../model/inventory.ts";
import { isRfc1035Label, LABEL } from "../model/kuma.ts";
import { compareStrings, isObject, type Result, stringMap } from "../model/krm.ts";
import { isPortNumber, type MeshServicePort, notAPortNumber } from "../model/mesh_service.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";

/** A Dataplane inbound as the generator reads it. */
export interface Inbound {
  index: number;
  port: number;
  /** `""` when unnamed. */
  name: string;
  /** The `protocol` field, `""` when unset. */
  protocol: string;
  tags: Record<string, string>;
}

/** A Dataplane with the fields the generator reads. */
export interface Dataplane {
  entry: Entry;
  name: string;
  mesh: string;
  labels: Record<string, string>;
  /** `undefined` when absent or unparsable. */
  creationTime: string | undefined;
  inbounds: Inbound[];
}

/** Port lists per MeshService name, in inbound order. */
export type Candidates = Map<string, MeshServicePort[]>;

type Read<T> = { value: T } | { field: string; message: string };

/**
 * Reads a Dataplane; a shape Kuma's validator rejects is an error result, a
 * gateway without inbounds an info result (gateways get no MeshService).
 */
export function readDataplane(entry: Entry, results: Result[]): Dataplane | undefined {
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
    const inbound = readInbound(raw, index, name);
    if (!("value" in inbound)) return bad(inbound.field, inbound.message);
    inbounds.push(inbound.value);
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

function readInbound(raw: unknown, index: number, dataplane: string): Read<Inbound> {
  const at = fieldPath("spec.networking.inbound", index);
  const bad = (field: string, problem: string) => ({
    field,
    message: `Cannot read Dataplane "${dataplane}" inbound ${index}: ${problem}`,
  });
  if (!isObject(raw)) return bad(at, "expected a map");
  const port = raw.port;
  if (!isPortNumber(port)) return bad(fieldPath(at, "port"), notAPortNumber(port));
  if (raw.tags !== undefined && raw.tags !== null) {
    if (!isObject(raw.tags) || Object.values(raw.tags).some((v) => typeof v !== "string")) {
      return bad(fieldPath(at, "tags"), "tags must be a map of strings");
    }
  }
  for (const key of ["name", "protocol"] as const) {
    if (raw[key] !== undefined && raw[key] !== null && typeof raw[key] !== "string") {
      return bad(fieldPath(at, key), `${key} must be a string`);
    }
  }
  return {
    value: {
      index,
      port,
      name: typeof raw.name === "string" ? raw.name : "",
      protocol: typeof raw.protocol === "string" ? raw.protocol : "",
      tags: stringMap(raw.tags),
    },
  };
}

/**
 * Kuma orders Dataplanes by creation time, then name. Offline, creation times
 * are known only when every Dataplane carries one; otherwise input order
 * stands in for age.
 */
export function orderDataplanes(
  dataplanes: Dataplane[],
): { ordered: Dataplane[]; byInputOrder: boolean } {
  if (dataplanes.every((dp) => dp.creationTime !== undefined)) {
    const ordered = [...dataplanes].sort((a, b) =>
      Date.parse(a.creationTime!) - Date.parse(b.creationTime!) || compareStrings(a.name, b.name)
    );
    return { ordered, byInputOrder: false };
  }
  return { ordered: dataplanes, byInputOrder: true };
}

/**
 * Tag mode: one candidate per `kuma.io/service` tag value, with a port per
 * inbound carrying it; an inbound without a valid value gets none (info
 * result).
 */
export function tagCandidates(
  dataplane: Dataplane,
  features: KumaFeatures,
  results: Result[],
): Candidates {
  const out: Candidates = new Map();
  for (const inbound of dataplane.inbounds) {
    const service = inbound.tags[LABEL.service];
    const problem = service === undefined ? undefined : serviceNameProblem(service, features);
    if (service === undefined || problem) {
      results.push(resultAt(dataplane.entry.object, {
        severity: "info",
        message: `No MeshService from inbound ${inbound.index} of Dataplane "${dataplane.name}": ${
          service === undefined
            ? "it has no kuma.io/service tag"
            : `kuma.io/service "${service}" ${problem}`
        }`,
        reason: REASON.invalidServiceName,
        ...service === undefined
          ? { field: fieldPath("spec.networking.inbound", inbound.index, "tags") }
          : {
            field: fieldPath(
              "spec.networking.inbound",
              inbound.index,
              "tags",
              mapKey(LABEL.service),
            ),
            currentValue: service,
          },
      }));
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

/**
 * Workload mode: one candidate named after the `kuma.io/workload` label with a
 * port per inbound; without a valid label none (warning result).
 */
export function workloadCandidate(
  dataplane: Dataplane,
  features: KumaFeatures,
  results: Result[],
): Candidates {
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
        field: fieldPath("metadata.labels", mapKey(LABEL.workload)),
      }),
    );
    return new Map();
  }
  const ports = dataplane.inbounds.map((inbound) =>
    portOf(inbound, inbound.protocol === "" ? undefined : inbound.protocol, features)
  );
  return new Map([[workload, ports]]);
}

/** Why a `kuma.io/service` value names no MeshService: RFC 1035 (>= 2.10), else `^[0-9a-z.\-_]*$`. */
function serviceNameProblem(service: string, features: KumaFeatures): string | undefined {
  if (features.universalRfc1035ServiceNames) {
    return isRfc1035Label(service)
      ? undefined
      : "is not an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)";
  }
  return /^[0-9a-z.\-_]*$/.test(service) ? undefined : "has characters outside [0-9a-z.-_]";
}

/** Name = inbound name or the port number; `targetPort` = the inbound port (not `servicePort`). */
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
