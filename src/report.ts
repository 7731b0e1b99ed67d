/**
 * The machine-readable report: per MeshService its source, identity, ports and
 * selector, plus every result. The schema is versioned by `apiVersion`;
 * fields are only ever added within a version.
 *
 * @module
 */

import type { Environment, MeshServiceOutput } from "./config.ts";
import type { Result } from "./model/krm.ts";
import type {
  MeshServicePort,
  MeshServiceSelector,
  MeshServiceSource,
} from "./model/mesh_service.ts";
import type { KumaVersion } from "./model/version.ts";

/** Report schema version. */
export const REPORT_API_VERSION = "meshservice-krm.report/v2";

/** What one HostnameGenerator did for a resource in a zone. */
export interface ReportHostname {
  /** `hostnameGeneratorRef.coreName` in that zone. */
  generator: string;
  /** `Generated`, `TemplateError`, `Collision` (Kuma's reasons) or `Contested` (winner depends on unknown creation times). */
  reason: "Generated" | "TemplateError" | "Collision" | "Contested";
  hostname?: string;
  message?: string;
  /** Core names of the other resources claiming the hostname (for `Collision`: the winner), at most 10. */
  contenders?: string[];
  /** How many other resources claim it, when more than `contenders` lists. */
  contenderCount?: number;
}

/** A resource as one control plane stores it. */
export interface ReportView {
  /** Zone name, or `global`. */
  zone: string;
  name: string;
  namespace?: string;
  coreName: string;
  /** `kuma.io/origin` there. */
  origin: string;
  /** Hostnames there (none on global). */
  hostnames: ReportHostname[];
  /** MeshMultiZoneServices: `status.meshServices` there. */
  meshServices?: { name: string; namespace: string; zone: string; mesh: string }[];
  /** MeshMultiZoneServices: the `MeshServicesMatched` condition there. */
  condition?: { type: string; status: string; reason: string; message: string };
}

/** A MeshMultiZoneService or MeshExternalService of the run. */
export interface ReportDestination {
  name: string;
  namespace?: string;
  mesh: string;
  /** Zone it was created in, or `global`. */
  createdIn: string;
  /** File it was written to, when generated. */
  path?: string;
  views: ReportView[];
}

/** One MeshService in the report. */
export interface ReportMeshService {
  name: string;
  /** Kubernetes namespace; absent on Universal. */
  namespace?: string;
  mesh: string;
  zone: string;
  /** `preview`, `apply`, or `none` when nothing was emitted. */
  output: MeshServiceOutput;
  /** File the MeshService was written to (package-relative), when emitted. */
  path?: string;
  source: MeshServiceSource;
  ports: MeshServicePort[];
  selector: MeshServiceSelector;
  /** VIPs Kuma writes to `status.vips` (known only from a literal clusterIP or EndpointSlices). */
  vips: string[];
  /** The `kuma.io/service` value of each port's workload inbounds today (same order as `ports`). */
  legacyServices: string[];
  /** Hostnames in its own zone (what the preview's `status` shows). */
  hostnames: ReportHostname[];
  /** How it appears on the global control plane and in every other zone (multizone runs). */
  views: ReportView[];
}

/** What happened to one reference to a destination. */
export type ReferenceStatus =
  /** A legacy `kuma.io/service` reference, rewritten to a MeshService or MeshMultiZoneService. */
  | "rewritten"
  /** Already a MeshService-style reference that resolves: left alone. */
  | "migrated"
  /** Resolves to nothing (neither a legacy service nor a destination of the run). */
  | "unresolved"
  /** Resolves to several destinations where Kuma picks one (or where the tool cannot choose). */
  | "ambiguous"
  /** The service exists in several zones: config `crossZoneReferences` must say MeshMultiZoneService or local. */
  | "needsDecision"
  /** A form the target version cannot express (MeshServiceSubset on 3.0, `from` on 3.0): rewrite by hand. */
  | "unsupported"
  /** Left legacy on purpose (mirrors before 3.0, `from` selectors): still valid for this version. */
  | "kept";

/** A destination a reference resolves to. */
export interface ReportTarget {
  kind: string;
  name: string;
  namespace?: string;
  /** Zone whose store holds it (the referencing object's zone), or `global`. */
  zone: string;
  /** Zone it was created in, or `global`. */
  createdIn: string;
  /** Port section it resolves to; absent for the whole resource. */
  section?: string;
}

/** One reference of a route or policy, before and after the run. */
export interface ReportReference {
  /** The referencing object. */
  resource: { kind: string; name: string; namespace?: string; mesh: string };
  /** Its file (package-relative), when known. */
  path?: string;
  /** Zone it is created in, or `global`. */
  zone: string;
  /** KRM field path of the reference (`spec.to[0].rules[0].default.backendRefs[1]`). */
  field: string;
  /** Where the reference sits. */
  role: "targetRef" | "to" | "from" | "backendRef" | "requestMirror";
  /** The reference as written. */
  before: Record<string, unknown>;
  /** The reference as rewritten; absent when unchanged. */
  after?: Record<string, unknown>;
  status: ReferenceStatus;
  /** What it resolves to (after the rewrite), per zone it is evaluated in. */
  targets: ReportTarget[];
  /** Why, for every status but `migrated` and `rewritten`; for `rewritten`, notes on the choice. */
  message?: string;
}

/** A Mesh's `spec.meshServices.mode` before and after the run. */
export interface ReportMesh {
  name: string;
  /** Mode in the input (`Disabled` when absent); `null` on Kuma 3.0 or for assumed Meshes. */
  modeBefore: string | null;
  modeAfter: string | null;
  /** File of the Mesh, when in the input. */
  path?: string;
}

/** Reachable backends written for a workload. */
export interface ReportReachableBackends {
  /** `Deployment`, `StatefulSet`, ... or `Dataplane`. */
  kind: string;
  name: string;
  namespace?: string;
  path?: string;
  refs: Record<string, unknown>[];
}

/** Where the migration stands. */
export interface ReportMigration {
  /** Config `migrationStage`, or `null`. */
  stage: "Everywhere" | "ReachableBackends" | "Exclusive" | null;
  /** `labels` or `name`. */
  referenceStyle: "labels" | "name";
  meshes: ReportMesh[];
  reachableBackends: ReportReachableBackends[];
  /** True when no legacy or unresolved reference remains. */
  complete: boolean;
  /** References that still block `Exclusive` / Kuma 3.0. */
  remaining: number;
}

/** The report. */
export interface Report {
  apiVersion: typeof REPORT_API_VERSION;
  kumaVersion: KumaVersion | null;
  zone: string | null;
  environment: Environment | null;
  meshServiceOutput: MeshServiceOutput | null;
  /** Every zone of the run. */
  zones: ReportZone[];
  summary: {
    meshServices: number;
    hostnames: number;
    hostnameProblems: number;
    meshMultiZoneServices: number;
    /** References by status. */
    references: Record<ReferenceStatus, number> & { total: number };
    errors: number;
    warnings: number;
    infos: number;
  };
  meshServices: ReportMeshService[];
  meshMultiZoneServices: ReportDestination[];
  meshExternalServices: ReportDestination[];
  /** HostnameGenerators rendered from config. */
  hostnameGenerators: { name: string; source: string; path?: string }[];
  /** Every reference of every route and policy, before and after. */
  references: ReportReference[];
  migration: ReportMigration;
  results: Result[];
}

/** A zone of the run. */
export interface ReportZone {
  name: string;
  environment: Environment;
  meshServiceOutput: MeshServiceOutput;
}

/** The resources a report lists. */
export interface ReportContent {
  meshServices: ReportMeshService[];
  meshMultiZoneServices: ReportDestination[];
  meshExternalServices: ReportDestination[];
  hostnameGenerators: Report["hostnameGenerators"];
  references: ReportReference[];
  migration: ReportMigration;
}

/** Options of {@link buildReport}. */
export interface ReportContext {
  kumaVersion: KumaVersion | null;
  zone: string | null;
  environment: Environment | null;
  meshServiceOutput: MeshServiceOutput | null;
  zones: ReportZone[];
}

/** Assembles the report. */
export function buildReport(
  context: ReportContext,
  content: ReportContent,
  results: readonly Result[],
): Report {
  const count = (severity: string) => results.filter((r) => r.severity === severity).length;
  const outcomes = [
    ...content.meshServices.flatMap((m) => [m.hostnames, ...m.views.map((v) => v.hostnames)]),
    ...[...content.meshMultiZoneServices, ...content.meshExternalServices]
      .flatMap((d) => d.views.map((v) => v.hostnames)),
  ].flat();
  return {
    apiVersion: REPORT_API_VERSION,
    ...context,
    summary: {
      meshServices: content.meshServices.length,
      hostnames: outcomes.filter((o) => o.reason === "Generated").length,
      hostnameProblems: outcomes.filter((o) => o.reason !== "Generated").length,
      meshMultiZoneServices: content.meshMultiZoneServices.length,
      references: referenceCounts(content.references),
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
    },
    ...content,
    results: [...results],
  };
}

/** Every status, in report order. */
export const REFERENCE_STATUSES: readonly ReferenceStatus[] = [
  "rewritten",
  "migrated",
  "unresolved",
  "ambiguous",
  "needsDecision",
  "unsupported",
  "kept",
];

function referenceCounts(
  references: readonly ReportReference[],
): Record<ReferenceStatus, number> & { total: number } {
  const counts = Object.fromEntries(REFERENCE_STATUSES.map((s) => [s, 0])) as Record<
    ReferenceStatus,
    number
  >;
  for (const reference of references) counts[reference.status]++;
  return { total: references.length, ...counts };
}
