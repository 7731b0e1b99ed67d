/**
 * Mesh lookup shared by both environments: Mesh objects of the input first,
 * then the Meshes the configuration assumes (recorded so the run can say
 * what it assumed).
 *
 * @module
 */

import type { AssumedMesh, Config } from "../config.ts";
import { isObject, type KubeObject, type Result } from "../model/krm.ts";
import { MESH_SERVICES_MODES, type MeshServicesMode } from "../model/kuma.ts";
import type { Inventory } from "../model/inventory.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt, resultGlobal } from "../results.ts";

/** A Mesh as the rules see it. */
export interface MeshView {
  name: string;
  /** `spec.meshServices.mode`; `undefined` when unset or invalid (Kuma then behaves as `Disabled`). */
  mode: MeshServicesMode | undefined;
  /** The Mesh object, absent for an assumed Mesh. */
  object?: KubeObject;
}

/** An assumed Mesh; `configuredMode` is set when config `migrationStage` replaced its mode. */
export interface StagedAssumedMesh extends AssumedMesh {
  configuredMode?: MeshServicesMode;
}

/** Meshes known to a run. */
export interface MeshLookup {
  meshes: Map<string, MeshView>;
  assumed: Map<string, StagedAssumedMesh>;
  /** Names of assumed Meshes some rule used. */
  used: Set<string>;
}

/**
 * The assumed Meshes of a run: on 2.x config `migrationStage` sets their
 * `meshServices.mode` as it sets the mode of every Mesh object of the input
 * (`migration.ts`), so generation and the results follow the stage.
 */
export function assumedMeshesOf(config: Config, features: KumaFeatures): StagedAssumedMesh[] {
  const stage = config.migrationStage;
  return config.assumeMeshes.map((mesh) =>
    stage === undefined || features.v3 || stage === mesh.mode
      ? mesh
      : { ...mesh, mode: stage, configuredMode: mesh.mode }
  );
}

/** Indexes the input's Meshes and the assumed ones, with a result for every invalid mode. */
export function buildMeshLookup(
  inventory: Inventory,
  assumed: readonly StagedAssumedMesh[],
): { lookup: MeshLookup; results: Result[] } {
  const results: Result[] = [];
  const meshes = new Map<string, MeshView>();
  for (const [name, entry] of inventory.meshes) {
    const spec = entry.object.spec;
    if (spec !== undefined && spec !== null && !isObject(spec)) {
      results.push(
        resultAt(entry.object, {
          severity: "error",
          message: `Cannot read Mesh "${name}": spec must be a map`,
          reason: REASON.invalidField,
          field: "spec",
        }),
      );
    }
    const meshServices = isObject(spec) ? spec.meshServices : undefined;
    if (meshServices !== undefined && meshServices !== null && !isObject(meshServices)) {
      results.push(
        resultAt(entry.object, {
          severity: "error",
          message:
            `Cannot read Mesh "${name}": spec.meshServices must be a map such as {mode: Exclusive}`,
          reason: REASON.invalidField,
          field: "spec.meshServices",
        }),
      );
    }
    const raw = isObject(meshServices) ? meshServices.mode : undefined;
    let mode: MeshServicesMode | undefined;
    if (raw !== undefined && raw !== null) {
      if (typeof raw === "string" && (MESH_SERVICES_MODES as readonly string[]).includes(raw)) {
        mode = raw as MeshServicesMode;
      } else {
        results.push(
          resultAt(entry.object, {
            severity: "error",
            message: `Cannot read Mesh "${name}": meshServices.mode must be one of ${
              MESH_SERVICES_MODES.join(", ")
            }`,
            reason: REASON.invalidField,
            field: "spec.meshServices.mode",
            currentValue: raw as never,
          }),
        );
      }
    }
    meshes.set(name, { name, mode, object: entry.object });
  }
  const lookup = {
    meshes,
    assumed: new Map(assumed.map((m) => [m.name, m])),
    used: new Set<string>(),
  };
  return { lookup, results };
}

/** The Mesh of that name: from the input, else assumed by config, else `undefined`. */
export function resolveMesh(lookup: MeshLookup, name: string): MeshView | undefined {
  const found = lookup.meshes.get(name);
  if (found) return found;
  const assumed = lookup.assumed.get(name);
  if (!assumed) return undefined;
  lookup.used.add(name);
  return { name, mode: assumed.mode };
}

/** Kuma treats an unset mode as `Disabled`. */
export function meshServicesModeOf(mesh: MeshView): MeshServicesMode {
  return mesh.mode ?? "Disabled";
}

/** Info results naming every assumed Mesh a rule relied on. */
export function assumedMeshResults(lookup: MeshLookup, meshServicesMode: boolean): Result[] {
  return [...lookup.used].sort().map((name) => {
    const mesh = lookup.assumed.get(name)!;
    return resultGlobal(
      "info",
      !meshServicesMode
        ? `Assumed Mesh "${name}": it is not in the input (config assumeMeshes)`
        : mesh.configuredMode !== undefined
        ? `Assumed Mesh "${name}" with meshServices.mode ${mesh.mode}, set by config migrationStage (assumeMeshes says ${mesh.configuredMode}): it is not in the input (config assumeMeshes)`
        : `Assumed Mesh "${name}" with meshServices.mode ${mesh.mode}: it is not in the input (config assumeMeshes)`,
      REASON.assumed,
    );
  });
}
