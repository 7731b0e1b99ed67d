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
export const REPORT_API_VERSION = "meshservice-krm.report/v1";

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
}

/** The report. */
export interface Report {
  apiVersion: typeof REPORT_API_VERSION;
  kumaVersion: KumaVersion | null;
  zone: string | null;
  environment: Environment | null;
  meshServiceOutput: MeshServiceOutput | null;
  summary: { meshServices: number; errors: number; warnings: number; infos: number };
  meshServices: ReportMeshService[];
  results: Result[];
}

/** Options of {@link buildReport}. */
export interface ReportContext {
  kumaVersion: KumaVersion | null;
  zone: string | null;
  environment: Environment | null;
  meshServiceOutput: MeshServiceOutput | null;
}

/** Assembles the report. */
export function buildReport(
  context: ReportContext,
  meshServices: ReportMeshService[],
  results: readonly Result[],
): Report {
  const count = (severity: string) => results.filter((r) => r.severity === severity).length;
  return {
    apiVersion: REPORT_API_VERSION,
    ...context,
    summary: {
      meshServices: meshServices.length,
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
    },
    meshServices,
    results: [...results],
  };
}
