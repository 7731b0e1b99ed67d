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
  /** The hostname, for `Generated`. */
  hostname?: string;
  /** Kuma's condition message, for the other reasons. */
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
  /** Name there (synced names are hashed). */
  name: string;
  /** Namespace there (the system namespace for synced copies on Kubernetes). */
  namespace?: string;
  /** Kuma's core name there (`name.namespace` on Kubernetes). */
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
  /** Name where it was created. */
  name: string;
  /** Namespace where it was created; absent on Universal and global. */
  namespace?: string;
  /** Its Mesh. */
  mesh: string;
  /** Zone it was created in, or `global`. */
  createdIn: string;
  /** File it was written to, when generated. */
  path?: string;
  /** How it appears on global and in every zone. */
  views: ReportView[];
}

/** One MeshService in the report. */
export interface ReportMeshService {
  /** `metadata.name`. */
  name: string;
  /** Kubernetes namespace; absent on Universal. */
  namespace?: string;
  /** Its Mesh. */
  mesh: string;
  /** Zone it is generated in. */
  zone: string;
  /** `preview`, `apply`, or `none` when nothing was emitted. */
  output: MeshServiceOutput;
  /** File the MeshService was written to (package-relative), when emitted. */
  path?: string;
  /** What Kuma derives it from: a Service (and Pod), or Dataplanes. */
  source: MeshServiceSource;
  /** `spec.ports`. */
  ports: MeshServicePort[];
  /** `spec.selector`. */
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
  /** `MeshService`, `MeshMultiZoneService` or `MeshExternalService`. */
  kind: string;
  /** Its name in that zone's store. */
  name: string;
  /** Its namespace there, when it has one. */
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
  /** What happened to it (see {@link ReferenceStatus}). */
  status: ReferenceStatus;
  /** What it resolves to (after the rewrite), per zone it is evaluated in. */
  targets: ReportTarget[];
  /** Why, for every status but `migrated` and `rewritten`; for `rewritten`, notes on the choice. */
  message?: string;
}

/** A Mesh's `spec.meshServices.mode` before and after the run. */
export interface ReportMesh {
  /** The Mesh's name. */
  name: string;
  /** Mode in the input (`Disabled` when absent); `null` on Kuma 3.0 or for assumed Meshes. */
  modeBefore: string | null;
  /** Mode after the run (config `migrationStage`), or `null` as for `modeBefore`. */
  modeAfter: string | null;
  /** File of the Mesh, when in the input. */
  path?: string;
}

/** Reachable backends written for a workload. */
export interface ReportReachableBackends {
  /** `Deployment`, `StatefulSet`, ... or `Dataplane`. */
  kind: string;
  /** The workload's name. */
  name: string;
  /** Its namespace; absent on Universal. */
  namespace?: string;
  /** Its file (package-relative), when known. */
  path?: string;
  /** The reachable backends written, as `kuma.io/reachable-backends` entries. */
  refs: Record<string, unknown>[];
}

/** Where the migration stands. */
export interface ReportMigration {
  /** Config `migrationStage`, or `null`. */
  stage: "Everywhere" | "ReachableBackends" | "Exclusive" | null;
  /** `labels` or `name`. */
  referenceStyle: "labels" | "name";
  /** Every Mesh of the run, its mode before and after. */
  meshes: ReportMesh[];
  /** Reachable backends written, per workload (config `reachableBackendsFor`). */
  reachableBackends: ReportReachableBackends[];
  /** True when no legacy or unresolved reference remains. */
  complete: boolean;
  /** References that still block `Exclusive` / Kuma 3.0. */
  remaining: number;
}

/** What a traffic change is about (see {@link ReportTrafficChange}). */
export type TrafficChangeKind =
  /** A port's protocol under `kuma.io/service` differs from its MeshService's `appProtocol`. */
  | "protocol"
  /** A rewritten top-level targetRef selects more inbounds than the legacy name did. */
  | "portSelection"
  /** A service in several zones: a MeshService reference would reach one zone only. */
  | "crossZone"
  /** A MeshProxyPatch matches a `kuma.io/service` cluster name MeshService outbounds do not have. */
  | "proxyPatch"
  /** Reachable backends list only what routes and policies show. */
  | "reachableBackends";

/** A difference between traffic under `kuma.io/service` and under MeshService that nobody asked for. */
export interface ReportTrafficChange {
  /** What changes. */
  kind: TrafficChangeKind;
  /** The object to change (a Service, Dataplane, route or policy); absent for the run. */
  resource?: { kind: string; name: string; namespace?: string };
  /** Its file (package-relative), when known. */
  path?: string;
  /** Zone it is in, or `global`. */
  zone?: string;
  /** KRM field path. */
  field?: string;
  /** Under `kuma.io/service`. */
  before: string;
  /** Under MeshService (after the run's rewrites and fixes). */
  after: string;
  /** True when the run fixed it (config `fixAppProtocol`, a carried `sectionName`). */
  fixed: boolean;
  /** What changes and what to do, in one sentence. */
  message: string;
}

/** The report. */
export interface Report {
  /** {@link REPORT_API_VERSION}. */
  apiVersion: typeof REPORT_API_VERSION;
  /** Config `kumaVersion`, or `null` when the config was invalid. */
  kumaVersion: KumaVersion | null;
  /** The zone of a one-zone run; `null` in a multizone run (see `zones`). */
  zone: string | null;
  /** The environment of a one-zone run; `null` in a multizone run. */
  environment: Environment | null;
  /** What happens to MeshServices in a one-zone run; `null` in a multizone run. */
  meshServiceOutput: MeshServiceOutput | null;
  /** Every zone of the run. */
  zones: ReportZone[];
  /** Counts of the run. */
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
  /** Every MeshService generated. */
  meshServices: ReportMeshService[];
  /** Every MeshMultiZoneService of the run (input and config). */
  meshMultiZoneServices: ReportDestination[];
  /** Every MeshExternalService of the input. */
  meshExternalServices: ReportDestination[];
  /** HostnameGenerators rendered from config. */
  hostnameGenerators: { name: string; source: string; path?: string }[];
  /** Every reference of every route and policy, before and after. */
  references: ReportReference[];
  /** Where the migration stands. */
  migration: ReportMigration;
  /** Differences in traffic between `kuma.io/service` and MeshService that the run found. */
  trafficChanges: ReportTrafficChange[];
  /** Every result of the run, as in the ResourceList. */
  results: Result[];
}

/** A zone of the run. */
export interface ReportZone {
  /** Zone name. */
  name: string;
  /** `kubernetes` or `universal`. */
  environment: Environment;
  /** What happens to its MeshServices. */
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
  trafficChanges: ReportTrafficChange[];
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
