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
  /** Core names of the other resources claiming the hostname (for `Collision`: the winner). */
  contenders?: string[];
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
    errors: number;
    warnings: number;
    infos: number;
  };
  meshServices: ReportMeshService[];
  meshMultiZoneServices: ReportDestination[];
  meshExternalServices: ReportDestination[];
  /** HostnameGenerators rendered from config. */
  hostnameGenerators: { name: string; source: string; path?: string }[];
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
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
    },
    ...content,
    results: [...results],
  };
}
