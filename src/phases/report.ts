/**
 * Phase 9, report: the results deduplicated and capped, and the run's
 * report, built on first read (the KRM path never reads it).
 *
 * @module
 */

import type { KubeObject, Result } from "../model/krm.ts";
import { LABEL } from "../model/kuma.ts";
import type { GeneratedMeshService } from "../model/mesh_service.ts";
import { TOOL_ANNOTATION } from "../model/tool.ts";
import {
  buildReport,
  type Report,
  type ReportDestination,
  type ReportHostname,
  type ReportMeshService,
  type ReportMigration,
  type ReportTrafficChange,
  type ReportView,
} from "../report.ts";
import { capResults, REASON } from "../results.ts";
import type { ResourceView, ResourceViews } from "../steps/hostname_preview.ts";
import type { HostnameOutcome } from "../steps/hostnames.ts";
import type { Placed } from "../steps/merge.ts";
import type { Finding } from "../steps/references.ts";
import type { RunConfig } from "./config.ts";
import type { ZoneStores } from "./zone_stores.ts";
import type { DerivedZone } from "./zones.ts";

/** Everything the report is built from. */
export interface ReportInput {
  run: RunConfig;
  multizone: boolean;
  zones: readonly DerivedZone[];
  stores: ZoneStores;
  /** The hostname phase's views of every destination. */
  resources: readonly ResourceViews[];
  viewsOf: ReadonlyMap<KubeObject, ResourceViews>;
  findings: readonly Finding[];
  migration: ReportMigration;
  trafficChanges: ReportTrafficChange[];
  /** Where the merge placed each generated item. */
  placed: readonly Placed[];
}

/** The run's final results: identical ones reported once, then capped. */
export function finalResults(results: Result[]): Result[] {
  return capResults(dedupe(results));
}

/** Identical results (a shared Mesh read in every zone) are reported once. */
function dedupe(results: Result[]): Result[] {
  if (!results.some((r) => r.tags?.reason === REASON.assumed || r.resourceRef?.kind === "Mesh")) {
    return results;
  }
  const seen = new Set<string>();
  return results.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The report of a run. */
export function runReport(input: ReportInput, results: Result[]): Report {
  const { zones, viewsOf } = input;
  const single = input.multizone ? undefined : zones[0];
  const paths = new Map(input.placed.map((p) => [p.source, p.path]));
  const meshServices = zones.flatMap((z) =>
    z.step.meshServices.map((ms) =>
      reportEntry(ms, { zone: z, path: paths.get(ms.object), views: viewsOf.get(ms.object) })
    )
  );
  return buildReport(
    {
      kumaVersion: input.run.features.version,
      zone: single ? single.name : null,
      environment: single ? single.environment : null,
      meshServiceOutput: single ? single.output : null,
      zones: zones.map((z) => ({
        name: z.name,
        environment: z.environment,
        meshServiceOutput: z.output,
      })),
    },
    {
      meshServices,
      meshMultiZoneServices: input.resources
        .filter((r) => r.kind === "MeshMultiZoneService")
        .map((r) => otherEntry(r, paths.get(r.object))),
      meshExternalServices: input.resources
        .filter((r) => r.kind === "MeshExternalService")
        .map((r) => otherEntry(r, undefined)),
      hostnameGenerators: input.stores.renderedGenerators.map((object) => ({
        name: String(object.metadata?.name),
        source: String(object.metadata?.annotations?.[TOOL_ANNOTATION.generatedFrom] ?? ""),
        ...(paths.has(object) ? { path: paths.get(object)! } : {}),
      })),
      references: input.findings.map((f) => f.reference),
      migration: input.migration,
      trafficChanges: input.trafficChanges,
    },
    results,
  );
}

/** The report of a run that stopped before generating anything. */
export function emptyReport(results: Result[]): Report {
  return buildReport(
    { kumaVersion: null, zone: null, environment: null, meshServiceOutput: null, zones: [] },
    {
      meshServices: [],
      meshMultiZoneServices: [],
      meshExternalServices: [],
      hostnameGenerators: [],
      references: [],
      migration: {
        stage: null,
        referenceStyle: "name",
        meshes: [],
        reachableBackends: [],
        complete: false,
        remaining: 0,
      },
      trafficChanges: [],
    },
    results,
  );
}

function reportEntry(
  ms: GeneratedMeshService,
  at: { zone: DerivedZone; path: string | undefined; views: ResourceViews | undefined },
): ReportMeshService {
  const { zone, path, views } = at;
  const object = ms.object;
  const spec = object.spec as {
    ports: ReportMeshService["ports"];
    selector: ReportMeshService["selector"];
  };
  const status = object.status as { vips?: { ip: string }[] } | undefined;
  const own = views?.views.find((v) => v.zone === zone.name);
  const entry: ReportMeshService = {
    name: String(object.metadata?.name),
    ...(object.metadata?.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
    mesh: ms.mesh,
    zone: zone.name,
    output: zone.output,
    source: ms.source,
    ports: spec.ports,
    selector: spec.selector,
    vips: (status?.vips ?? []).map((v) => v.ip),
    legacyServices: ms.legacyServices,
    hostnames: own ? own.hostnames.map(reportHostname) : [],
    views: (views?.views ?? []).filter((v) => v !== own).map(reportView),
  };
  if (path !== undefined) entry.path = path;
  return entry;
}

function otherEntry(resource: ResourceViews, path: string | undefined): ReportDestination {
  const meta = resource.object.metadata ?? {};
  const entry: ReportDestination = {
    name: String(meta.name),
    ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
    mesh: typeof resource.object.mesh === "string"
      ? resource.object.mesh
      : String(meta.labels?.[LABEL.mesh] ?? ""),
    createdIn: resource.createdIn,
    ...(path !== undefined ? { path } : {}),
    views: resource.views.map(reportView),
  };
  return entry;
}

function reportHostname(outcome: HostnameOutcome): ReportHostname {
  const entry: ReportHostname = { generator: outcome.generator, reason: outcome.reason };
  if (outcome.hostname !== undefined) entry.hostname = outcome.hostname;
  if (outcome.message !== "") entry.message = outcome.message;
  if (outcome.contenders !== undefined) entry.contenders = outcome.contenders;
  if (outcome.contenderCount !== undefined) entry.contenderCount = outcome.contenderCount;
  return entry;
}

function reportView(view: ResourceView): ReportView {
  const entry: ReportView = {
    zone: view.zone,
    name: view.name,
    ...(view.namespace !== undefined ? { namespace: view.namespace } : {}),
    coreName: view.coreName,
    origin: view.origin,
    hostnames: view.hostnames.map(reportHostname),
  };
  if (view.meshServices !== undefined) entry.meshServices = view.meshServices;
  if (view.condition !== undefined) entry.condition = view.condition;
  return entry;
}
