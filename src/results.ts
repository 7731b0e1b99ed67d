/**
 * KRM results as data: constructors, reason constants (borrowing Kuma's event
 * names where Kuma has one) and the exit-code rule.
 *
 * @module
 */

import {
  fileOf,
  type JsonValue,
  type KubeObject,
  refOf,
  type Result,
  type Severity,
} from "./model/krm.ts";

/** Values of `results[].tags.reason`. */
export const REASON = {
  // Kuma's controller event reasons.
  created: "CreatedMeshService",
  failedToGenerate: "FailedToGenerateMeshService",
  ignoredUnsupportedPort: "IgnoredUnsupportedPort",
  // Why Kuma generates nothing for a Service or Dataplane.
  notInMesh: "NotInMesh",
  meshNotFound: "MeshNotFound",
  meshServicesDisabled: "MeshServicesDisabled",
  ignoredByAnnotation: "IgnoredByAnnotation",
  gatewayService: "GatewayService",
  zoneProxyService: "ZoneProxyService",
  noClusterIP: "NoClusterIP",
  noEndpoints: "NoEndpoints",
  invalidServiceName: "InvalidServiceName",
  noWorkloadLabel: "NoWorkloadLabel",
  gatewayDataplane: "GatewayDataplane",
  portConflict: "PortConflict",
  existingMeshService: "ExistingMeshService",
  ownershipConflict: "OwnershipConflict",
  wouldBeDeleted: "WouldBeDeleted",
  updatedMeshService: "UpdatedMeshService",
  // Hostnames and multizone.
  templateError: "TemplateError",
  hostnameCollision: "Collision",
  hostnameContested: "HostnameContested",
  invalidHostnameGenerator: "InvalidHostnameGenerator",
  shadowsDefaultGenerator: "ShadowsDefaultGenerator",
  invalidMultiZoneService: "InvalidMeshMultiZoneService",
  noMatchesFound: "NoMatchesFound",
  noZone: "NoZone",
  kdsSyncDisabled: "KDSSyncDisabled",
  // References and migration.
  legacyReference: "LegacyReference",
  unresolvedReference: "UnresolvedReference",
  ambiguousReference: "AmbiguousReference",
  crossZoneReference: "CrossZoneReference",
  unsupportedReference: "UnsupportedReference",
  migrationStage: "MigrationStage",
  reachableBackends: "ReachableBackends",
  policyRole: "PolicyRole",
  trafficChange: "TrafficChange",
  // Assumptions and configuration.
  assumed: "Assumed",
  invalidConfig: "InvalidConfig",
  /** A second config: a `RenderMeshServices` item besides the functionConfig, or a second file in the tree. */
  configConflict: "ConfigConflict",
  versionNote: "VersionNote",
  versionAcceptance: "VersionAcceptance",
  environmentDetected: "EnvironmentDetected",
  // Bad input.
  invalidInput: "InvalidInput",
  invalidField: "InvalidField",
  pathConflict: "PathConflict",
  duplicateResource: "DuplicateResource",
  /** A foreign kind carries the tool's `generated-from` annotation (it passes through). */
  foreignToolAnnotation: "ForeignToolAnnotation",
  /** A generated item of an earlier run is removed from the output. */
  staleGenerated: "StaleGeneratedRemoved",
  // Pipelines.
  fluxSubstitution: "FluxSubstitution",
  // Real repositories: what directory mode and KRM mode do not read.
  notAManifest: "NotAManifest",
  excluded: "Excluded",
  helmChart: "HelmChart",
  kustomizeRoot: "KustomizeRoot",
  renderOutput: "RenderOutput",
  /** Stands for the results left out of the list by {@link capResults}. */
  resultsOmitted: "ResultsOmitted",
} as const;

/** A value of {@link REASON}. */
export type Reason = typeof REASON[keyof typeof REASON];

/** What a result says about one object: {@link resultAt}'s second argument. */
export interface Problem {
  severity: Severity;
  message: string;
  reason: Reason;
  /** Field path in Kuma's form (`spec.ports[0].port`), built with `fieldPath`. */
  field?: string;
  /** Current value of the field. */
  currentValue?: JsonValue;
}

/**
 * A result about one object, with its file and reason.
 *
 * @example
 * ```ts
 * import { REASON, resultAt } from "./results.ts";
 * const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web" } };
 * const result = resultAt(service, { severity: "error", message: "No ports", reason: REASON.invalidField });
 * if (result.resourceRef?.name !== "web") throw new Error("resourceRef");
 * ```
 */
export function resultAt(object: KubeObject, problem: Problem): Result {
  const result: Result = {
    message: clip(problem.message),
    severity: problem.severity,
    resourceRef: refOf(object),
  };
  if (problem.field !== undefined) {
    result.field = { path: problem.field };
    if (problem.currentValue !== undefined) {
      result.field.currentValue = typeof problem.currentValue === "string"
        ? clip(problem.currentValue)
        : problem.currentValue;
    }
  }
  const file = fileOf(object);
  if (file) result.file = file;
  result.tags = { reason: problem.reason };
  return result;
}

/** What a result says about a key of the functionConfig: {@link configResultAt}'s second argument. */
export interface ConfigProblem {
  /** The key, as a field path below `data` (ConfigMap) or the object root. */
  key: string;
  message: string;
  reason: Reason;
}

/**
 * An error about a key of the functionConfig (`data.<key>` in a ConfigMap),
 * or about the run when there is no config object.
 */
export function configResultAt(
  configObject: KubeObject | undefined,
  problem: ConfigProblem,
): Result {
  const { key, message, reason } = problem;
  if (!configObject) return resultGlobal("error", message, reason);
  const prefix = configObject.kind === "ConfigMap" ? "data." : "";
  return resultAt(configObject, { severity: "error", message, reason, field: `${prefix}${key}` });
}

/** A result about the run as a whole. */
export function resultGlobal(severity: Severity, message: string, reason: Reason): Result {
  return { message: clip(message), severity, tags: { reason } };
}

/** Longest message or value a result repeats: a hostile megabyte name is cut in the middle. */
export const MAX_RESULT_TEXT = 2000;

/**
 * Cuts a text longer than {@link MAX_RESULT_TEXT} in the middle, saying how
 * much was left out.
 *
 * @example
 * ```ts
 * import { clip } from "./results.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(clip("short"), "short");
 * assert.ok(clip("x".repeat(1_000_000)).length < 2100);
 * ```
 */
export function clip(text: string): string {
  if (text.length <= MAX_RESULT_TEXT) return text;
  const keep = MAX_RESULT_TEXT / 2;
  return `${text.slice(0, keep)}[… ${text.length - MAX_RESULT_TEXT} characters left out …]${
    text.slice(-keep)
  }`;
}

/** Most results of one severity and reason a result list keeps (see {@link capResults}). */
export const MAX_RESULTS_PER_REASON = 1000;

/**
 * Keeps the first {@link MAX_RESULTS_PER_REASON} results of each severity and
 * reason, in order; the rest of a group become one result of the same
 * severity (so the exit code is unchanged) saying how many were left out,
 * where the first left-out one was. A hostile input of a million tiny items
 * then gives a list of bounded size, not a result per item.
 *
 * @example
 * ```ts
 * import { capResults, exitCodeOf } from "./results.ts";
 * import assert from "node:assert/strict";
 *
 * const many = Array.from({ length: 5000 }, (_, i) => ({
 *   message: `Bad item ${i}`,
 *   severity: "error" as const,
 *   tags: { reason: "InvalidInput" },
 * }));
 * const capped = capResults(many);
 * assert.equal(capped.length, 1001);
 * assert.match(capped[1000]!.message, /4,000 more error results with reason "InvalidInput"/);
 * assert.equal(exitCodeOf(capped), 1);
 * ```
 */
export function capResults(
  results: readonly Result[],
  max: number = MAX_RESULTS_PER_REASON,
): Result[] {
  const counts = new Map<string, number>();
  for (const r of results) {
    const key = `${r.severity}\u0000${r.tags?.reason ?? ""}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if ([...counts.values()].every((n) => n <= max)) return [...results];
  const seen = new Map<string, number>();
  const out: Result[] = [];
  for (const r of results) {
    const key = `${r.severity}\u0000${r.tags?.reason ?? ""}`;
    const index = (seen.get(key) ?? 0) + 1;
    seen.set(key, index);
    if (index <= max) out.push(r);
    if (index !== max + 1) continue;
    const left = counts.get(key)! - max;
    const reason = r.tags?.reason;
    out.push({
      message: `… and ${groupDigits(left)} more ${r.severity} results${
        reason !== undefined ? ` with reason "${reason}"` : ""
      }, not listed (the first ${groupDigits(max)} are): fix those and run again`,
      severity: r.severity,
      tags: { reason: REASON.resultsOmitted, ...(reason !== undefined ? { omitted: reason } : {}) },
    });
  }
  return out;
}

/** `8998` as `8,998`. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Exit code of a run: 1 exactly when an error result exists. */
export function exitCodeOf(results: readonly Result[]): 0 | 1 {
  return results.some((r) => r.severity === "error") ? 1 : 0;
}

/** `[severity] kind ns/name field: message`, kustomize-style, for stderr. */
export function formatResult(result: Result): string {
  const parts = [`[${result.severity}]`];
  if (result.resourceRef) {
    const ref = result.resourceRef;
    parts.push(`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`);
  }
  if (result.field) parts.push(result.field.path);
  const head = parts.join(" ");
  const where = result.file
    ? ` (${result.file.path}${result.file.index ? `#${result.file.index}` : ""})`
    : "";
  return parts.length > 1
    ? `${head}: ${result.message}${where}`
    : `${head} ${result.message}${where}`;
}
