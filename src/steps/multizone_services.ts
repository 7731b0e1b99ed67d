/**
 * MeshMultiZoneServices: generated from config (explicit entries, or every
 * service present in N zones), validated with Kuma's validator of the chosen
 * version (`multizone_validation.ts`), and their `status.meshServices` as each zone computes it
 * (`meshmultizoneservice/status_updater.go`).
 *
 * @module
 */

import type { Config, MeshMultiZoneServiceRequest } from "../config.ts";
import { matchesLabels, type TargetView } from "../model/hostname_generator.ts";
import { compareStrings, type KubeObject, type Result, sortedMap } from "../model/krm.ts";
import { KIND, KUMA_API_VERSION, LABEL } from "../model/kuma.ts";
import { ownedAnnotations } from "../model/tool.ts";
import type { KumaFeatures } from "../model/version.ts";
import { configResultAt, REASON, resultAt } from "../results.ts";
import { configFieldOf, multiZoneServiceProblems } from "./multizone_validation.ts";
import { displayNameOf } from "./sync.ts";

/** A MeshService a zone derived, as the auto mode groups them. */
export interface ZoneMeshService {
  zone: string;
  view: TargetView;
  ports: { name: string; port: number; appProtocol: string }[];
}

/** One entry of `status.meshServices`. */
export interface MatchedMeshService {
  name: string;
  namespace: string;
  zone: string;
  mesh: string;
}

/** Inputs of {@link generateMultiZoneServices}. */
export interface MultiZoneServiceInput {
  config: Config;
  features: KumaFeatures;
  /** Every zone's MeshServices (for config `multiZoneServicesFromZones`). */
  zoneServices: readonly ZoneMeshService[];
  /** `functionConfig`, for results at config keys. */
  configObject: KubeObject | undefined;
}

/** Builds the MeshMultiZoneServices the config asks for. */
export function generateMultiZoneServices(
  input: MultiZoneServiceInput,
): { objects: KubeObject[]; results: Result[] } {
  const { config, features, zoneServices, configObject } = input;
  const requests: { request: MeshMultiZoneServiceRequest; from: string }[] = config
    .meshMultiZoneServices.map((request, i) => ({ request, from: `meshMultiZoneServices[${i}]` }));
  if (config.multiZoneServicesFromZones !== undefined) {
    requests.push(
      ...autoRequests(zoneServices, config.multiZoneServicesFromZones).map((request) => ({
        request,
        from: "multiZoneServicesFromZones",
      })),
    );
  }
  const objects: KubeObject[] = [];
  const results: Result[] = [];
  const seen = new Set<string>();
  for (const { request, from } of requests) {
    const key = `${request.mesh}/${request.name}`;
    if (seen.has(key) && from === "multiZoneServicesFromZones") continue; // Requested explicitly.
    if (seen.has(key)) {
      results.push(
        configResultAt(configObject, {
          key: from,
          message:
            `MeshMultiZoneService "${request.name}" of mesh "${request.mesh}" is requested twice: rename one`,
          reason: REASON.invalidMultiZoneService,
        }),
      );
      continue;
    }
    seen.add(key);
    const object = multiZoneServiceObject(request, config, from);
    const problems = multiZoneServiceProblems(object, features, config.globalEnvironment);
    if (problems.some((p) => p.severity === "error")) {
      // Every violation, each at its config key (an explicit entry) or at the auto-mode key.
      for (const p of problems) {
        results.push(
          configResultAt(configObject, {
            key: from === "multiZoneServicesFromZones" ? from : `${from}.${configFieldOf(p.field)}`,
            message: `MeshMultiZoneService "${request.name}": ${p.message}`,
            reason: REASON.invalidMultiZoneService,
          }),
        );
      }
      continue;
    }
    results.push(
      ...problems.map((p) =>
        resultAt(object, {
          severity: p.severity,
          message: p.message,
          reason: REASON.invalidMultiZoneService,
          field: p.field,
        })
      ),
    );
    objects.push(object);
  }
  return { objects, results };
}

/** `status.meshServices` and the condition one zone computes for a MeshMultiZoneService. */
export function multiZoneServiceStatus(
  matchLabels: Readonly<Record<string, string>>,
  zoneMeshServices: readonly TargetView[],
): {
  meshServices: MatchedMeshService[];
  condition: { type: string; status: "True" | "False"; reason: string; message: string };
} {
  // Kuma matches MeshServices of every mesh here (no mesh check in the status updater).
  const meshServices = zoneMeshServices
    .filter((ms) => matchesLabels(matchLabels, ms.labels))
    .map((ms) => ({
      name: displayNameOf(ms),
      namespace: ms.labels[LABEL.namespace] ?? "",
      zone: ms.labels[LABEL.zone] ?? "",
      mesh: ms.mesh,
    }))
    .sort((a, b) =>
      compareStrings(
        `${a.name}/${a.namespace}/${a.zone}/${a.mesh}`,
        `${b.name}/${b.namespace}/${b.zone}/${b.mesh}`,
      )
    );
  return {
    meshServices,
    condition: meshServices.length > 0
      ? {
        type: "MeshServicesMatched",
        status: "True",
        reason: "MatchesFound",
        message: `Matched ${meshServices.length} MeshService(s)`,
      }
      : {
        type: "MeshServicesMatched",
        status: "False",
        reason: "NoMatchesFound",
        message: "Selector does not match any MeshService in this zone",
      },
  };
}

function multiZoneServiceObject(
  request: MeshMultiZoneServiceRequest,
  config: Config,
  from: string,
): KubeObject {
  const metadata: KubeObject["metadata"] = { name: request.name };
  if (config.globalEnvironment === "kubernetes") metadata.namespace = config.systemNamespace;
  metadata.labels = { [LABEL.mesh]: request.mesh };
  metadata.annotations = ownedAnnotations(`config ${from}`);
  return {
    apiVersion: KUMA_API_VERSION,
    kind: KIND.meshMultiZoneService,
    metadata,
    spec: {
      selector: { meshService: { matchLabels: sortedMap(request.matchLabels) } },
      ports: request.ports.map((p) => {
        const port: Record<string, string | number> = {};
        if (p.name !== undefined) port.name = p.name;
        port.port = p.port;
        port.appProtocol = p.appProtocol ?? "tcp";
        return port;
      }),
    },
  };
}

/** One request per service (mesh, display name, namespace) present in at least `minZones` zones. */
function autoRequests(
  services: readonly ZoneMeshService[],
  minZones: number,
): MeshMultiZoneServiceRequest[] {
  const groups = new Map<string, ZoneMeshService[]>();
  for (const service of services) {
    if (service.view.labels[LABEL.isHeadlessService] === "true") continue;
    const key = [
      service.view.mesh,
      displayNameOf(service.view),
      service.view.labels[LABEL.namespace] ?? "",
    ].join("\u0000");
    const list = groups.get(key) ?? [];
    list.push(service);
    groups.set(key, list);
  }
  const chosen = [...groups.entries()]
    .filter(([, list]) => new Set(list.map((s) => s.zone)).size >= minZones)
    .sort(([a], [b]) => compareStrings(a, b));
  const nameCount = new Map<string, number>();
  for (const [, list] of chosen) {
    const key = `${list[0]!.view.mesh}/${displayNameOf(list[0]!.view)}`;
    nameCount.set(key, (nameCount.get(key) ?? 0) + 1);
  }
  return chosen.map(([, list]) => {
    const first = list[0]!;
    const displayName = displayNameOf(first.view);
    const namespace = first.view.labels[LABEL.namespace];
    const matchLabels: Record<string, string> = { [LABEL.displayName]: displayName };
    if (namespace !== undefined) matchLabels[LABEL.namespace] = namespace;
    const shared = first.ports.filter((p) =>
      list.every((s) => s.ports.some((q) => q.port === p.port))
    );
    const unique = (nameCount.get(`${first.view.mesh}/${displayName}`) ?? 0) === 1;
    return {
      name: unique || namespace === undefined ? displayName : `${displayName}-${namespace}`,
      mesh: first.view.mesh,
      matchLabels,
      ports: shared.map((p) => {
        const port: MeshMultiZoneServiceRequest["ports"][number] = {
          port: p.port,
          appProtocol: p.appProtocol,
        };
        if (p.name !== String(p.port)) port.name = p.name;
        return port;
      }),
    };
  });
}
