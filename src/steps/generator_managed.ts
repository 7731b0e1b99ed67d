/**
 * Input MeshServices that carry Kuma's generator label
 * (`kuma.io/managed-by: meshservice-generator`) in a Universal zone: Kuma's
 * generator treats them as its own (`pkg/core/resources/apis/meshservice/
 * generate/generator.go`, `generate()`), whoever wrote them.
 *
 * - With Dataplanes for the name it keeps the existing ports when some
 *   Dataplane agrees with them, else takes the first Dataplane's ports and
 *   selector (`checkMeshServicesConsistency`), drops the deletion grace
 *   period label and, from 2.14, resets its own labels (mesh, display name,
 *   managed-by, env, zone, origin) keeping every other label. The tool
 *   rewrites the input item the same way, with an info result.
 * - Without Dataplanes (or, on 2.x, in a mesh whose mode is `Disabled`) it
 *   deletes the MeshService. The tool keeps the item and says so with a
 *   warning: the input may not hold every Dataplane (kuma-dp registers them
 *   at run time), a directory render cannot delete a document, and the
 *   repository's owner decides whether to remove it or the label.
 * - From 2.14 it leaves MeshServices synced from another zone
 *   (`kuma.io/origin` other than `zone`) alone (`IsLocalMeshService`).
 *
 * Label propagation (`meshService.labelPropagation`, off by default) is not
 * emulated.
 *
 * @module
 */

import {
  isObject,
  type KubeObject,
  type ResourceRef,
  type Result,
  sortedMap,
  stringMap,
} from "../model/krm.ts";
import { ENV, LABEL, MANAGED_BY, ORIGIN } from "../model/kuma.ts";
import type { Entry, Inventory } from "../model/inventory.ts";
import type {
  GeneratedMeshService,
  MeshServicePort,
  MeshServiceSelector,
} from "../model/mesh_service.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";
import { meshOf } from "./sync.ts";

/** A Dataplane's candidate for a MeshService, as the generator computes it. */
export interface ManagedCandidate {
  dataplane: { name: string; ref: ResourceRef; object: KubeObject };
  ports: MeshServicePort[];
}

/** An input MeshService the generator reconciles, rewritten as the generator leaves it. */
export interface ManagedUpdate {
  from: KubeObject;
  to: KubeObject;
  /** What the legacy-name index and the preview need about it. */
  record: GeneratedMeshService;
}

/** Options of {@link reconcileManaged}. */
export interface ReconcileOptions {
  mesh: string;
  /** Candidates for the MeshService's name, oldest Dataplane first. */
  candidates: readonly ManagedCandidate[];
  selector: MeshServiceSelector;
  workloadMode: boolean;
  byInputOrder: boolean;
  /** The zone the generator runs in: its `kuma.io/zone` label. */
  zone: string;
  features: KumaFeatures;
}

/** True when the generator of this version reconciles the input MeshService. */
export function isGeneratorManaged(object: KubeObject, features: KumaFeatures): boolean {
  const labels = stringMap(object.metadata?.labels);
  if (labels[LABEL.managedBy] !== MANAGED_BY.meshServiceGenerator) return false;
  if (!features.generatorLocalOnly) return true;
  const origin = labels[LABEL.origin];
  return Object.keys(labels).length === 0 || origin === undefined || origin === ORIGIN.zone;
}

/** Generator-managed input MeshServices by mesh, in input order. */
export function managedByMesh(
  inventory: Inventory,
  features: KumaFeatures,
): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  const entries = [...inventory.foreignMeshServices.values()]
    .filter((entry) => isGeneratorManaged(entry.object, features))
    .sort((a, b) => a.position - b.position);
  for (const entry of entries) {
    const mesh = meshOf(entry.object);
    const list = out.get(mesh);
    if (list) list.push(entry);
    else out.set(mesh, [entry]);
  }
  return out;
}

/** The warning for a managed MeshService Kuma's generator deletes. */
export function deletedResult(object: KubeObject, mesh: string, why: string): Result {
  const name = String(object.metadata?.name);
  return resultAt(object, {
    severity: "warning",
    message:
      `Kuma's generator deletes MeshService "${name}" of mesh "${mesh}" (label ${LABEL.managedBy}: ${MANAGED_BY.meshServiceGenerator}): ${why}; the item is kept: remove it, or remove the label to keep it as a hand-made MeshService`,
    reason: REASON.wouldBeDeleted,
    field: `metadata.labels["${LABEL.managedBy}"]`,
  });
}

/**
 * What Kuma's generator does to a managed MeshService whose name has
 * candidates: the updated object when anything changes, and the results
 * (port conflicts and the update).
 */
export function reconcileManaged(
  entry: Entry,
  options: ReconcileOptions,
): { update: ManagedUpdate; results: Result[] } {
  const object = entry.object;
  const name = String(object.metadata?.name);
  const spec = isObject(object.spec) ? object.spec : {};
  const existing = Array.isArray(spec.ports) ? spec.ports : [];
  const { candidates } = options;
  const keeps = candidates.some((c) => portsKey(c.ports) === portsKey(existing));
  const chosen = keeps ? undefined : candidates[0]!;
  const results: Result[] = [];
  for (const other of candidates) {
    const differs = keeps
      ? portsKey(other.ports) !== portsKey(existing)
      : portsKey(other.ports) !== portsKey(chosen!.ports);
    if (!differs) continue;
    results.push(
      resultAt(other.dataplane.object, {
        severity: "warning",
        message:
          `Port conflict on MeshService "${name}": Dataplane "${other.dataplane.name}" has ports ${
            describe(other.ports)
          } but Kuma's generator keeps ${
            keeps
              ? "the ports the MeshService already has"
              : `those of Dataplane "${chosen!.dataplane.name}", the oldest (${
                options.byInputOrder
                  ? "first in input order: creation times are unknown"
                  : "by creation time"
              })`
          }, and traffic to the other ports of "${other.dataplane.name}" fails`,
        reason: REASON.portConflict,
        field: "spec.networking.inbound",
      }),
    );
  }
  const labels = generatorLabels(object, name, options);
  const before = stringMap(object.metadata?.labels);
  const labelsChange = JSON.stringify(sortedMap(before)) !== JSON.stringify(sortedMap(labels));
  const to: KubeObject = !chosen && !labelsChange ? object : {
    ...object,
    metadata: { ...object.metadata, labels },
    spec: chosen ? { ...spec, ports: chosen.ports, selector: options.selector } : spec,
  };
  // The same words whether or not this run changed it, so a rerun on the output reports the same.
  results.push(resultAt(object, {
    severity: "info",
    message:
      `Kuma's generator manages MeshService "${name}" of mesh "${options.mesh}" (label ${LABEL.managedBy}: ${MANAGED_BY.meshServiceGenerator}): the output holds it as the generator keeps it (ports that a Dataplane of "${name}" has, ${
        options.features.generatorDesiredLabels ? "the generator's own labels reset, " : ""
      }no deletion grace period label); remove the label to keep the MeshService as written`,
    reason: REASON.updatedMeshService,
  }));
  const ports =
    (isObject(to.spec) && Array.isArray(to.spec.ports) ? to.spec.ports : []) as MeshServicePort[];
  return {
    update: {
      from: object,
      to,
      record: {
        object: to,
        mesh: options.mesh,
        source: { kind: "Dataplanes", dataplanes: candidates.map((c) => c.dataplane.ref) },
        legacyServices: options.workloadMode ? [] : ports.map(() => name),
      },
    },
    results,
  };
}

/** Labels after the update: the grace-period label goes; from 2.14 the generator's own labels are reset. */
function generatorLabels(
  object: KubeObject,
  name: string,
  options: ReconcileOptions,
): Record<string, string> {
  const labels = { ...stringMap(object.metadata?.labels) };
  delete labels[LABEL.deletionGracePeriodStartedAt];
  if (!options.features.generatorDesiredLabels) return labels;
  // desiredLabels(): every other label is kept as it is.
  Object.assign(labels, {
    [LABEL.mesh]: options.mesh,
    [LABEL.displayName]: name,
    [LABEL.managedBy]: MANAGED_BY.meshServiceGenerator,
    [LABEL.env]: ENV.universal,
    [LABEL.zone]: options.zone,
    [LABEL.origin]: ORIGIN.zone,
  });
  return sortedMap(labels);
}

/** Kuma compares ports with reflect.DeepEqual: an absent name or targetPort differs from a set one. */
function portsKey(ports: readonly unknown[]): string {
  return JSON.stringify(ports.map((raw) => {
    const port = isObject(raw) ? raw : {};
    return [port.name ?? null, port.port ?? null, port.targetPort ?? null, port.appProtocol ?? ""];
  }));
}

function describe(ports: readonly MeshServicePort[]): string {
  return ports.map((p) => `${p.port} "${p.name}" ${p.appProtocol}`).join(", ");
}
