/**
 * The composition root: one pure function from a parsed ResourceList to the
 * output ResourceList and the report. No I/O, no clock, no environment, no
 * mutation of the input. Read this file first.
 *
 * @module
 */

import { type Config, type Environment, type MeshServiceOutput, parseConfig } from "./config.ts";
import {
  isObject,
  type KubeObject,
  RESOURCE_LIST_API_VERSION,
  RESOURCE_LIST_API_VERSIONS,
  type ResourceList,
  type Result,
} from "./model/krm.ts";
import { buildInventory, type Inventory } from "./model/inventory.ts";
import type { GeneratedMeshService, StepOutput } from "./model/mesh_service.ts";
import { featuresOf, type KumaFeatures } from "./model/version.ts";
import { buildReport, type Report, type ReportMeshService } from "./report.ts";
import { REASON, resultAt, resultGlobal } from "./results.ts";
import { generateKubernetesMeshServices } from "./steps/kubernetes_mesh_services.ts";
import { assumedMeshResults, buildMeshLookup } from "./steps/meshes.ts";
import { identityOf, mergeItems } from "./steps/merge.ts";
import { generateUniversalMeshServices } from "./steps/universal_mesh_services.ts";

/** Output of {@link render}. */
export interface RenderOutput {
  /** The output ResourceList, results included. */
  resourceList: ResourceList;
  /** The report of the run. */
  report: Report;
}

/**
 * Renders a ResourceList: validates it, reads the configuration, generates
 * MeshServices the way Kuma would, merges them into the items and reports.
 */
export function render(input: unknown): RenderOutput {
  const list = readResourceList(input);
  if (!list.ok) return failed([], list.results);
  const { items, functionConfig } = list;

  const config = parseConfig(functionConfig);
  const checked = checkItems(items);
  if (!config.ok) return failed(items, [...checked.results, ...config.results]);

  const features = featuresOf(config.config.kumaVersion);
  const results: Result[] = [...checked.results, ...versionNotes(config.config, features)];
  const inventory = buildInventory(checked.valid);
  const environment = config.config.environment ?? detectEnvironment(inventory, results);
  const output: MeshServiceOutput = config.config.meshServiceOutput ??
    (environment === "kubernetes" ? "preview" : "apply");
  const meshes = buildMeshLookup(inventory, config.config.assumeMeshes, results);

  const step: StepOutput = environment === "kubernetes"
    ? generateKubernetesMeshServices(inventory, { config: config.config, features, meshes })
    : generateUniversalMeshServices(inventory, { config: config.config, features, meshes, output });
  results.push(...ignoredForEnvironment(inventory, environment));
  results.push(...step.results, ...assumedMeshResults(meshes, features.meshServicesMode));
  if (environment === "kubernetes" && output === "apply") {
    results.push(...step.meshServices.map((ms) => ownershipWarning(ms)));
  }

  const merged = mergeItems(items, step.meshServices.map((ms) => ms.object), {
    output,
    outputPath: config.config.outputPath,
    zone: config.config.zone,
  });
  results.push(...merged.results);

  const paths = new Map(merged.placed.map((p) => [identityOf(p.object), p.path]));
  const reportEntries = step.meshServices.map((ms) =>
    reportEntry(ms, config.config.zone, output, paths.get(identityOf(ms.object)))
  );
  return {
    resourceList: {
      apiVersion: RESOURCE_LIST_API_VERSION,
      kind: "ResourceList",
      items: merged.items,
      results,
    },
    report: buildReport(
      {
        kumaVersion: features.version,
        zone: config.config.zone,
        environment,
        meshServiceOutput: output,
      },
      reportEntries,
      results,
    ),
  };
}

/** {@link render} without the report: ResourceList in, ResourceList out. */
export function transform(input: unknown): ResourceList {
  return render(input).resourceList;
}

type ReadOutcome =
  | { ok: true; items: KubeObject[]; functionConfig: unknown }
  | { ok: false; results: Result[] };

function readResourceList(input: unknown): ReadOutcome {
  const error = (message: string, path?: string): ReadOutcome => ({
    ok: false,
    results: [{
      message,
      severity: "error",
      ...(path ? { field: { path } } : {}),
      tags: { reason: REASON.invalidInput },
    }],
  });
  if (!isObject(input)) {
    return error(
      `Cannot read input: expected a ResourceList map, got ${
        input === null ? "nothing" : typeof input
      }`,
    );
  }
  if (input.kind !== "ResourceList") {
    return error(
      `Cannot read input: expected kind ResourceList, got ${JSON.stringify(input.kind ?? null)}`,
      "kind",
    );
  }
  if (!(RESOURCE_LIST_API_VERSIONS as readonly unknown[]).includes(input.apiVersion)) {
    return error(
      `Cannot read ResourceList: apiVersion must be ${
        RESOURCE_LIST_API_VERSIONS.join(" or ")
      }, got ${JSON.stringify(input.apiVersion ?? null)}`,
      "apiVersion",
    );
  }
  const items = input.items ?? [];
  if (!Array.isArray(items)) {
    return error("Cannot read ResourceList: items must be a list", "items");
  }
  return { ok: true, items: items as KubeObject[], functionConfig: input.functionConfig };
}

/** Items that are not KRM objects pass through untouched, with an error result each. */
function checkItems(items: readonly KubeObject[]): { valid: KubeObject[]; results: Result[] } {
  const valid: KubeObject[] = [];
  const results: Result[] = [];
  items.forEach((item, index) => {
    const problem = !isObject(item)
      ? {
        field: `items.${index}`,
        message: `Cannot read item ${index}: expected a map, got ${describe(item)}`,
      }
      : typeof item.apiVersion !== "string" || item.apiVersion === ""
      ? { field: "apiVersion", message: `Cannot read item ${index}: apiVersion is missing` }
      : typeof item.kind !== "string" || item.kind === ""
      ? { field: "kind", message: `Cannot read item ${index}: kind is missing` }
      : !isObject(item.metadata) || typeof item.metadata.name !== "string" ||
          item.metadata.name === ""
      ? {
        field: "metadata.name",
        message: `Cannot read ${item.kind} at item ${index}: metadata.name is missing`,
      }
      : undefined;
    if (!problem) {
      valid.push(item);
      return;
    }
    results.push(
      isObject(item)
        ? resultAt("error", item, problem.message, REASON.invalidInput, { field: problem.field })
        : {
          message: problem.message,
          severity: "error",
          field: { path: problem.field },
          tags: { reason: REASON.invalidInput },
        },
    );
  });
  return { valid, results };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}

function versionNotes(config: Config, features: KumaFeatures): Result[] {
  if (!config.inboundTagsDisabled) return [];
  if (features.v3) {
    return [
      resultGlobal(
        "info",
        "Config inboundTagsDisabled has no effect on Kuma 3.0: workload mode is the only mode",
        REASON.versionNote,
      ),
    ];
  }
  if (!features.inboundTagsDisabledFlag) {
    return [resultGlobal(
      "warning",
      `Ignored config inboundTagsDisabled: Kuma ${features.version} has no such setting (it exists from 2.14)`,
      REASON.versionNote,
    )];
  }
  return [];
}

/** Universal when the input has Dataplanes and no Kubernetes workload objects. */
function detectEnvironment(inventory: Inventory, results: Result[]): Environment {
  const universal = inventory.dataplanes.length > 0 && !inventory.hasKubernetesObjects;
  const environment: Environment = universal ? "universal" : "kubernetes";
  results.push(resultGlobal(
    "info",
    universal
      ? `Detected a universal zone: the input has ${inventory.dataplanes.length} Dataplane(s) and no Kubernetes workloads (set config environment to override)`
      : "Detected a kubernetes zone (set config environment to override)",
    REASON.environmentDetected,
  ));
  return environment;
}

function ignoredForEnvironment(inventory: Inventory, environment: Environment): Result[] {
  const count = environment === "kubernetes"
    ? inventory.dataplanes.length
    : inventory.services.length;
  if (count === 0) return [];
  return [resultGlobal(
    "info",
    environment === "kubernetes"
      ? `Ignored ${count} Dataplane(s): on a kubernetes zone Kuma derives MeshServices from Services`
      : `Ignored ${count} Service(s): on a universal zone Kuma derives MeshServices from Dataplanes`,
    REASON.environmentDetected,
  )];
}

function ownershipWarning(ms: GeneratedMeshService): Result {
  return resultAt(
    "warning",
    ms.object,
    `MeshService "${ms.object.metadata?.namespace}/${ms.object.metadata?.name}" is emitted for apply, but Kuma's controller owns it: the controller refuses to update a MeshService without the Service's UID as owner, so the applied copy and the controller conflict (use meshServiceOutput preview, or annotate the Service kuma.io/ignore: "true" to hand the MeshService to git)`,
    REASON.ownershipConflict,
  );
}

function reportEntry(
  ms: GeneratedMeshService,
  zone: string,
  output: MeshServiceOutput,
  path: string | undefined,
): ReportMeshService {
  const object = ms.object;
  const spec = object.spec as {
    ports: ReportMeshService["ports"];
    selector: ReportMeshService["selector"];
  };
  const status = object.status as { vips?: { ip: string }[] } | undefined;
  const entry: ReportMeshService = {
    name: String(object.metadata?.name),
    mesh: ms.mesh,
    zone,
    output,
    source: ms.source,
    ports: spec.ports,
    selector: spec.selector,
    vips: (status?.vips ?? []).map((v) => v.ip),
    legacyServices: ms.legacyServices,
  };
  if (object.metadata?.namespace !== undefined) entry.namespace = object.metadata.namespace;
  if (path !== undefined) entry.path = path;
  return entry;
}

function failed(items: KubeObject[], results: Result[]): RenderOutput {
  return {
    resourceList: { apiVersion: RESOURCE_LIST_API_VERSION, kind: "ResourceList", items, results },
    report: buildReport(
      { kumaVersion: null, zone: null, environment: null, meshServiceOutput: null },
      [],
      results,
    ),
  };
}
