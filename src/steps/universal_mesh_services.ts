/**
 * Universal zones: the MeshServices Kuma's generator derives from Dataplane
 * inbounds (`pkg/core/resources/apis/meshservice/generate/generator.go`), in
 * tag mode (`kuma.io/service`) or workload mode (`kuma.io/workload`). The
 * per-Dataplane rules live in `universal_inbounds.ts`; this file groups
 * candidates by mesh and name and builds the MeshServices.
 *
 * @module
 */

import type { Config, MeshServiceOutput } from "../config.ts";
import { ENV, LABEL, MANAGED_BY, ORIGIN } from "../model/kuma.ts";
import { compareStrings, refOf, type ResourceRef, type Result, sortedMap } from "../model/krm.ts";
import { type Entry, type Inventory, meshServiceKey } from "../model/inventory.ts";
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
import {
  type Dataplane,
  orderDataplanes,
  readDataplane,
  tagCandidates,
  workloadCandidate,
} from "./universal_inbounds.ts";

/** What the Universal step needs besides the inventory. */
export interface UniversalOptions {
  /** The run's config; its `zone` is not read (a multizone run generates per zone): {@link zone} is. */
  config: Config;
  /** The zone generation runs in: the generator's `kuma.io/zone` label. */
  zone: string;
  features: KumaFeatures;
  meshes: MeshLookup;
  output: MeshServiceOutput;
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
  const context: MeshContext = {
    inventory,
    mesh: meshName,
    byInputOrder,
    workloadMode,
    options,
    out,
  };
  for (const [service, list] of [...candidates].sort(([a], [b]) => compareStrings(a, b))) {
    consolidate(context, service, list);
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
      zone: options.zone,
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

/** What {@link consolidate} needs about the mesh being generated. */
interface MeshContext {
  inventory: Inventory;
  mesh: string;
  byInputOrder: boolean;
  workloadMode: boolean;
  options: UniversalOptions;
  out: StepOutput;
}

/**
 * The candidates of one name become one MeshService (`checkMeshServicesConsistency`):
 * the oldest Dataplane's ports win, unless a MeshService of that name is in
 * the input or Kuma's validator refuses it.
 */
function consolidate(context: MeshContext, service: string, candidates: Candidate[]): void {
  const { inventory, mesh, workloadMode, options, out } = context;
  const { features } = options;
  const winner = candidates[0]!;
  const winnerObject = winner.dataplane.entry.object;
  reportPortConflicts(context, service, candidates);
  const existing = inventory.foreignMeshServices.get(meshServiceKey(mesh, service));
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
  const annotations = ownedAnnotations(
    `Dataplanes of mesh ${mesh} with ${workloadMode ? LABEL.workload : LABEL.service}=${service}`,
  );
  const format = winnerObject.metadata?.annotations?.[TOOL_ANNOTATION.format];
  if (format !== undefined) annotations[TOOL_ANNOTATION.format] = format;
  out.meshServices.push({
    object: meshServiceObject({
      name: service,
      labels: sortedMap(generatorLabels(context, service)),
      annotations,
      ports: winner.ports,
      selector: selectorOf(service, workloadMode),
    }),
    mesh,
    source: {
      kind: "Dataplanes",
      dataplanes: candidates.map((c) => refOf(c.dataplane.entry.object) as ResourceRef),
    },
    legacyServices: workloadMode ? [] : winner.ports.map(() => service),
  });
}

/** The generator's labels (`generate/labels.go`, `desiredLabels`). */
function generatorLabels(context: MeshContext, service: string): Record<string, string> {
  const { features, zone, output } = context.options;
  const labels: Record<string, string> = {
    [LABEL.mesh]: context.mesh,
    [LABEL.displayName]: service,
    [LABEL.env]: ENV.universal,
    [LABEL.origin]: ORIGIN.zone,
  };
  if (features.universalZoneLabel) labels[LABEL.zone] = zone;
  // Git-owned MeshServices must not carry the generator's label, or Kuma's generator takes them over.
  if (output !== "apply") labels[LABEL.managedBy] = MANAGED_BY.meshServiceGenerator;
  return labels;
}

/** A warning on each Dataplane whose ports differ from the winner's (`servicesDiffer`). */
function reportPortConflicts(context: MeshContext, service: string, candidates: Candidate[]): void {
  const winner = candidates[0]!;
  for (const other of candidates.slice(1)) {
    if (samePorts(other.ports, winner.ports)) continue;
    context.out.results.push(
      resultAt(other.dataplane.entry.object, {
        severity: "warning",
        message:
          `Port conflict on MeshService "${service}": Dataplane "${other.dataplane.name}" has ports ${
            describePorts(other.ports)
          } but Dataplane "${winner.dataplane.name}" has ${
            describePorts(winner.ports)
          }; Kuma keeps the ports of "${winner.dataplane.name}", the oldest Dataplane (${
            context.byInputOrder
              ? "first in input order: creation times are unknown"
              : "by creation time"
          }), and traffic to the other ports of "${other.dataplane.name}" fails`,
        reason: REASON.portConflict,
        field: "spec.networking.inbound",
      }),
    );
  }
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
