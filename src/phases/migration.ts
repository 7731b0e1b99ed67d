/**
 * Phase 7, migration: reachable backends, the readiness gate, traffic
 * changes and version checks on the rewritten objects, and the final map of
 * every input item the run replaces.
 *
 * @module
 */

import type { KubeObject, Result } from "../model/krm.ts";
import { selectorLabelsOf } from "../model/mesh_service.ts";
import type { ReportMigration, ReportTrafficChange } from "../report.ts";
import { finishMigration, workloadsOf } from "../steps/migration.ts";
import { detectTrafficChanges } from "../steps/traffic_changes.ts";
import { versionResults } from "../steps/version_checks.ts";
import type { RunConfig } from "./config.ts";
import { pathOf } from "./read.ts";
import type { ReferencesOutput } from "./references.ts";
import type { DerivedZone } from "./zones.ts";

/** Inputs of {@link migrationPhase}. */
export interface MigrationInput {
  run: RunConfig;
  /** The readable input items (before the config phase). */
  valid: readonly KubeObject[];
  zones: readonly DerivedZone[];
  references: ReferencesOutput;
}

/** Output of {@link migrationPhase}. */
export interface MigrationOutput {
  /** Every input item the run replaces, by input item. */
  replaced: Map<KubeObject, KubeObject>;
  migration: ReportMigration;
  trafficChanges: ReportTrafficChange[];
  results: Result[];
}

/** Finishes the migration and checks the rewritten objects against the target version. */
export function migrationPhase(input: MigrationInput): MigrationOutput {
  const { run, zones, references: refs } = input;
  const { config, features } = run;
  const findings = refs.references.findings;
  const migration = finishMigration({
    config,
    features,
    meshes: run.meshes,
    findings,
    referrers: refs.referrers,
    destinations: refs.destinations,
    workloads: zones.flatMap((z) => workloadsOf(z, selectorsOf(z), pathOf)),
    style: run.style,
  });
  const traffic = detectTrafficChanges({
    config,
    features,
    zones: zones.map((z) => ({ ...z, meshServices: z.step.meshServices })),
    findings,
    referrers: refs.referrers,
    legacy: refs.legacy,
    destinations: refs.destinations,
    meshes: run.meshes,
    reachableBackends: migration.migration.reachableBackends,
    pathOf,
  });
  const replaced = replacedItems(input, migration.rewritten);
  const checks = versionResults({
    items: input.valid,
    replaced,
    inputOf: run.inputOf,
    meshes: run.meshes,
    findings,
    features,
  });
  return {
    replaced,
    migration: migration.migration,
    trafficChanges: traffic.changes,
    results: [...migration.results, ...traffic.results, ...checks],
  };
}

/** The config phase's replacements, then the zones', the fixes, the rewrites and the migration's. */
function replacedItems(
  input: MigrationInput,
  migrated: ReadonlyMap<KubeObject, KubeObject>,
): Map<KubeObject, KubeObject> {
  const { run, zones } = input;
  const replaced = new Map(run.replaced);
  for (const z of zones) {
    for (const u of z.updates.values()) if (u.to !== u.from) replaced.set(u.from, u.to);
  }
  for (const z of zones) for (const [from, to] of z.fixed) replaced.set(from, to);
  for (const [from, to] of [...input.references.references.rewritten, ...migrated]) {
    replaced.set(run.inputOf.get(from) ?? from, to);
  }
  return replaced;
}

/** Kubernetes MeshService selectors of a zone and the legacy services each stands for. */
function selectorsOf(
  zone: DerivedZone,
): { namespace: string; selector: Record<string, string>; services: string[] }[] {
  return zone.step.meshServices.flatMap((ms) => {
    const selector = selectorLabelsOf(ms.object);
    const namespace = ms.object.metadata?.namespace;
    if (!selector || namespace === undefined) return [];
    return [{ namespace, selector, services: ms.legacyServices }];
  });
}
