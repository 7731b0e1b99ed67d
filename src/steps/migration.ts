/**
 * The migration stage: `Mesh.spec.meshServices.mode` (2.x), reachable
 * backends for the workloads the config names, and the readiness gate that
 * refuses `Exclusive` (and Kuma 3.0) while legacy or unresolved references
 * remain.
 *
 * @module
 */

import type { Config } from "../config.ts";
import { isObject, type KubeObject, type Result } from "../model/krm.ts";
import { KIND, type MeshServicesMode } from "../model/kuma.ts";
import type { KumaFeatures } from "../model/version.ts";
import type { ReportMesh, ReportMigration } from "../report.ts";
import { REASON, type Reason, resultAt } from "../results.ts";
import type { DestinationIndex } from "./destinations.ts";
import { describeRef, type Finding, type Referrer } from "./references.ts";
import { type Workload, writeReachableBackends } from "./reachable_backends.ts";

export {
  formatReachableBackends,
  parseReachableBackends,
  type Workload,
  workloadsOf,
} from "./reachable_backends.ts";

/** Output of {@link applyMigrationStage}. */
export interface StageOutput {
  /** Items with the Meshes the stage changed replaced. */
  items: KubeObject[];
  meshes: ReportMesh[];
  results: Result[];
}

/** What {@link applyMigrationStage} reads besides the items. */
export interface StageOptions {
  config: Config;
  features: KumaFeatures;
  /** The file an item came from (directory mode), for the report. */
  pathOf: (object: KubeObject) => string | undefined;
}

/** Mode of a Mesh object (`Disabled` when absent, as Kuma reads it). */
export function meshModeOf(mesh: KubeObject): string {
  const spec = isObject(mesh.spec) ? mesh.spec : {};
  const services = isObject(spec.meshServices) ? spec.meshServices : {};
  return typeof services.mode === "string" ? services.mode : "Disabled";
}

/**
 * Sets `spec.meshServices.mode` to the configured stage on every Mesh of the
 * input (2.x). Runs before generation, so MeshServices follow the new mode.
 */
export function applyMigrationStage(
  items: readonly KubeObject[],
  options: StageOptions,
): StageOutput {
  const { config, features, pathOf } = options;
  const results: Result[] = [];
  const meshes: ReportMesh[] = [];
  const stage = config.migrationStage;
  const seen = new Set<string>();
  const out = items.map((item) => {
    if (item.kind !== KIND.mesh || !String(item.apiVersion ?? "").startsWith("kuma.io/")) {
      return item;
    }
    const name = String(item.metadata?.name);
    const path = pathOf(item);
    const hasField = isObject(item.spec) && item.spec.meshServices !== undefined;
    if (features.v3) {
      if (hasField && !seen.has(name)) {
        results.push(
          resultAt(item, {
            severity: "info",
            message:
              `Mesh "${name}": Kuma 3.0 removed spec.meshServices and ignores it (every mesh behaves as Exclusive); remove the field`,
            reason: REASON.versionNote,
            field: "spec.meshServices",
          }),
        );
      }
      seen.add(name);
      meshes.push({ name, modeBefore: null, modeAfter: null, ...(path ? { path } : {}) });
      return item;
    }
    const before = meshModeOf(item);
    seen.add(name);
    if (stage === undefined || before === stage) {
      meshes.push({ name, modeBefore: before, modeAfter: before, ...(path ? { path } : {}) });
      return item;
    }
    if (before === "Exclusive") {
      results.push(
        resultAt(item, {
          severity: "warning",
          message:
            `Mesh "${name}" goes back from Exclusive to ${stage}: proxies get kuma.io/service outbounds again`,
          reason: REASON.migrationStage,
          field: "spec.meshServices.mode",
        }),
      );
    }
    meshes.push({ name, modeBefore: before, modeAfter: stage, ...(path ? { path } : {}) });
    const spec = isObject(item.spec) ? item.spec : {};
    const services = isObject(spec.meshServices) ? spec.meshServices : {};
    return { ...item, spec: { ...spec, meshServices: { ...services, mode: stage } } };
  });
  for (const assumed of config.assumeMeshes) {
    if (seen.has(assumed.name)) continue;
    const after: MeshServicesMode | null = features.v3 ? null : stage ?? assumed.mode;
    meshes.push({
      name: assumed.name,
      modeBefore: features.v3 ? null : assumed.mode,
      modeAfter: after,
    });
  }
  if (stage !== undefined && features.v3) {
    results.push(resultAtGlobal(
      `Config migrationStage ${stage} has no Mesh field to set on Kuma 3.0: every mesh behaves as Exclusive, so the readiness gate applies`,
    ));
  }
  return { items: out, meshes, results };
}

function resultAtGlobal(message: string): Result {
  return { message, severity: "info", tags: { reason: REASON.versionNote } };
}

/** Inputs of {@link finishMigration}. */
export interface FinishInput {
  config: Config;
  features: KumaFeatures;
  meshes: readonly ReportMesh[];
  findings: readonly Finding[];
  referrers: readonly Referrer[];
  destinations: DestinationIndex;
  /** Workload objects per zone (pod-template owners and Pods on Kubernetes, Dataplanes on Universal). */
  workloads: readonly Workload[];
  style: "name" | "labels";
}

/** Output of {@link finishMigration}. */
export interface FinishOutput {
  /** Workloads with reachable backends written, by the input object. */
  rewritten: Map<KubeObject, KubeObject>;
  migration: ReportMigration;
  results: Result[];
}

/** Reachable backends, the gate, and the results of every reference finding. */
export function finishMigration(input: FinishInput): FinishOutput {
  const { features, config } = input;
  const gated = new Set(
    input.meshes.filter((m) => features.v3 || m.modeAfter === "Exclusive").map((m) => m.name),
  );
  const results = findingResults(input.findings, { features, gated });
  const remaining = input.findings.filter((f) => f.blocking).length;
  if (
    config.migrationStage === "Exclusive" && !features.v3 && remaining > 0 &&
    input.meshes.length > 0
  ) {
    results.push({
      message:
        `Refused migrationStage Exclusive: ${remaining} reference(s) still use kuma.io/service or resolve to nothing (listed above)`,
      severity: "error",
      tags: { reason: REASON.migrationStage },
    });
  }
  const written = writeReachableBackends({
    patterns: config.reachableBackendsFor,
    workloads: input.workloads,
    findings: input.findings,
    referrers: input.referrers,
    destinations: input.destinations,
  });
  results.push(...written.results);
  const { rewritten, reachable } = written;
  if (
    config.reachableBackendsFor.length === 0 && !features.v3 &&
    input.meshes.some((m) => m.modeAfter === "ReachableBackends")
  ) {
    results.push({
      message:
        "Mesh mode ReachableBackends gives MeshService outbounds only to proxies that list reachable backends: set config reachableBackendsFor to the workloads to migrate",
      severity: "warning",
      tags: { reason: REASON.reachableBackends },
    });
  }
  return {
    rewritten,
    migration: {
      stage: config.migrationStage ?? null,
      referenceStyle: input.style,
      meshes: [...input.meshes],
      reachableBackends: reachable,
      complete: remaining === 0,
      remaining,
    },
    results,
  };
}

/** One result per finding that has a severity; an error where the readiness gate applies. */
function findingResults(
  findings: readonly Finding[],
  gate: { features: KumaFeatures; gated: ReadonlySet<string> },
): Result[] {
  const { features, gated } = gate;
  const results: Result[] = [];
  for (const finding of findings) {
    const gate = finding.blocking && (features.v3 || gated.has(finding.reference.resource.mesh));
    const severity = gate ? "error" : finding.severity;
    if (severity === undefined) continue;
    const ref = finding.reference;
    const where = ref.path !== undefined ? ` (${ref.path})` : "";
    const why = gate
      ? features.v3
        ? "Kuma 3.0 accepts only resolvable MeshService references"
        : `mesh "${ref.resource.mesh}" is Exclusive, where kuma.io/service references stop working`
      : undefined;
    const message = `${ref.resource.kind} "${ref.resource.name}"${where} ${ref.field} ${
      describeRef(ref.before)
    } is ${statusText(ref.status)}: ${ref.message ?? ""}${why ? `; ${why}` : ""}${
      finding.advice ? `; ${finding.advice}` : ""
    }`;
    results.push(
      resultAt(finding.object, {
        severity,
        message,
        reason: reasonOf(ref.status),
        field: ref.field,
      }),
    );
  }
  return results;
}

function statusText(status: string): string {
  switch (status) {
    case "needsDecision":
      return "waiting for a decision";
    case "kept":
      return "kept as kuma.io/service";
    default:
      return status;
  }
}

function reasonOf(status: string): Reason {
  switch (status) {
    case "unresolved":
      return REASON.unresolvedReference;
    case "ambiguous":
      return REASON.ambiguousReference;
    case "needsDecision":
      return REASON.crossZoneReference;
    case "unsupported":
      return REASON.unsupportedReference;
    default:
      return REASON.legacyReference;
  }
}
