/**
 * The composition root: one pure function from a parsed ResourceList to the
 * output ResourceList and the report. No I/O, no clock, no environment, no
 * mutation of the input. Read this file first.
 *
 * @module
 */

import {
  type Config,
  type ConfigInput,
  configObject as typedConfigObject,
  type Environment,
  type MeshServiceOutput,
  parseConfig,
  type ReferenceStyle,
} from "./config.ts";
import { configItemConflicts } from "./config_choice.ts";
import { hostnameTemplates } from "./hostnames/evaluate.ts";
import {
  fileOf,
  isObject,
  type KubeObject,
  RESOURCE_LIST_API_VERSION,
  RESOURCE_LIST_API_VERSIONS,
  type ResourceList,
  type Result,
} from "./model/krm.ts";
import { buildInventory, type Inventory } from "./model/inventory.ts";
import {
  type GeneratedMeshService,
  type MeshServicePort,
  selectorLabelsOf,
  type StepOutput,
} from "./model/mesh_service.ts";
import { DEFAULT_MESH, LABEL, ORIGIN } from "./model/kuma.ts";
import { buildLegacyIndex, type LegacySource } from "./model/service_identity.ts";
import { isOwned, namespaceOf } from "./model/inventory.ts";
import { TOOL_ANNOTATION } from "./model/tool.ts";
import { featuresOf, type KumaFeatures } from "./model/version.ts";
import {
  buildReport,
  type Report,
  type ReportDestination,
  type ReportHostname,
  type ReportMeshService,
  type ReportView,
} from "./report.ts";
import { capResults, REASON, resultAt, resultGlobal } from "./results.ts";
import {
  checkItems,
  checkKumaObjects,
  checkNamespaces,
  findDuplicates,
} from "./steps/input_checks.ts";
import { generateKubernetesMeshServices } from "./steps/kubernetes_mesh_services.ts";
import { assumedMeshesOf, assumedMeshResults, buildMeshLookup } from "./steps/meshes.ts";
import { renderConfiguredGenerators } from "./steps/generators.ts";
import {
  hostnameStatus,
  previewHostnames,
  type ResourceView,
  type ResourceViews,
} from "./steps/hostname_preview.ts";
import type { HostnameOutcome } from "./steps/hostnames.ts";
import { buildDestinations } from "./steps/destinations.ts";
import { mergeItems } from "./steps/merge.ts";
import { placeholderResults, substitutionResults } from "./steps/substitution.ts";
import { applyMigrationStage, finishMigration, workloadsOf } from "./steps/migration.ts";
import { isReferrerKind, type Referrer, rewriteReferences } from "./steps/references.ts";
import { podTemplatesOf } from "./steps/top_level_sections.ts";
import { detectTrafficChanges, fixProtocols } from "./steps/traffic_changes.ts";
import { generateMultiZoneServices, type ZoneMeshService } from "./steps/multizone_services.ts";
import { checkInputMultiZoneServices } from "./steps/multizone_validation.ts";
import { coreView } from "./steps/sync.ts";
import { planZones, type ZoneLayout, type ZonePlan } from "./steps/zones.ts";
import {
  dataplaneShapeResults,
  generateUniversalMeshServices,
} from "./steps/universal_mesh_services.ts";
import type { ManagedUpdate } from "./steps/generator_managed.ts";
import { convertForVersion, versionResults } from "./steps/version_checks.ts";
import { sentByKustomize } from "./steps/orchestrator.ts";

/** Output of {@link render}. */
export interface RenderOutput {
  /** The output ResourceList, results included. */
  resourceList: ResourceList;
  /** The report of the run. */
  report: Report;
}

/**
 * Renders manifests: validates them, reads the configuration, generates
 * MeshServices the way Kuma would, rewrites references, merges everything into
 * the items and reports. Pure: no I/O, no clock, no environment; the input is
 * not mutated.
 *
 * Call it with the items and a typed {@link ConfigInput}, or with a whole
 * ResourceList (its `functionConfig` is the configuration).
 *
 * @example Items and a typed configuration
 * ```ts
 * import { render } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { resourceList, report } = render([{
 *   apiVersion: "v1",
 *   kind: "Service",
 *   metadata: { name: "web", namespace: "shop" },
 *   spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
 * }], { kumaVersion: "2.14", zone: "east", meshServiceOutput: "apply" });
 * assert.equal(report.meshServices[0]?.name, "web");
 * const meshService = resourceList.items.find((item) => item.kind === "MeshService");
 * assert.equal(meshService?.metadata?.labels?.["kuma.io/zone"], "east");
 * ```
 *
 * @example An invalid configuration is an error result, not an exception
 * ```ts
 * import { exitCodeOf, render } from "../mod.ts";
 * import assert from "node:assert/strict";
 *
 * const { resourceList } = render([], { kumaVersion: "9.9" });
 * assert.equal(exitCodeOf(resourceList.results ?? []), 1);
 * ```
 */
export function render(items: readonly KubeObject[], config?: ConfigInput): RenderOutput;
/** Renders a whole ResourceList (`config.kubernetes.io/v1` or `v1beta1`). */
export function render(resourceList: unknown): RenderOutput;
export function render(input: unknown, configInput?: ConfigInput): RenderOutput {
  return renderResourceList(
    Array.isArray(input)
      ? {
        apiVersion: RESOURCE_LIST_API_VERSION,
        kind: "ResourceList",
        items: input,
        ...(configInput ? { functionConfig: typedConfigObject(configInput) } : {}),
      }
      : input,
  );
}

/**
 * Renders whatever was parsed from a ResourceList's text: anything that is
 * not a ResourceList (a bare list included) is an error result. The adapters
 * call this; {@link render} is the library's door.
 */
export function renderResourceList(input: unknown): RenderOutput {
  const list = readResourceList(input);
  if (!list.ok) return failed([], list.results);
  const { items, functionConfig } = list;

  const config = parseConfig(functionConfig);
  const readable = checkItems(items);
  if (!config.ok) return failed(items, [...readable.results, ...config.results]);
  const checked = checkKumaObjects(readable.valid);

  const features = featuresOf(config.config.kumaVersion);
  const results: Result[] = [
    ...readable.results,
    ...checkNamespaces(readable.valid),
    ...placeholderResults(readable.valid),
    ...configItemConflicts(functionConfig, items.filter(isObject) as KubeObject[]),
    ...checked.results,
    ...versionNotes(config.config, features),
  ];
  const configObject = isObject(functionConfig) ? functionConfig as KubeObject : undefined;
  const style: ReferenceStyle = config.config.referenceStyle ?? (features.v3 ? "labels" : "name");

  // The migration stage sets Mesh modes first: generation follows the new mode.
  const stage = applyMigrationStage(checked.valid, { config: config.config, features, pathOf });
  results.push(...stage.results);
  const replaced = new Map<KubeObject, KubeObject>();
  checked.valid.forEach((item, i) => {
    if (stage.items[i] !== item) replaced.set(item, stage.items[i]!);
  });

  // Conversions the target version defines (3.0: from[] to rules[]) come before references.
  const converted = convertForVersion(stage.items, features);
  const inputOf = new Map<KubeObject, KubeObject>();
  checked.valid.forEach((item, i) => {
    if (converted.items[i] === stage.items[i]) return;
    replaced.set(item, converted.items[i]!);
    inputOf.set(converted.items[i]!, item);
  });

  const layout = withoutDuplicates(planZones(converted.items, config.config));
  results.push(...layout.results);
  const zones = layout.zones.map((zone) =>
    deriveZone(zone, config.config, features, layout.multizone, results)
  );
  for (const z of zones) {
    for (const u of z.updates.values()) if (u.to !== u.from) replaced.set(u.from, u.to);
  }

  const generatorStore = layout.multizone ? config.config.globalEnvironment : zones[0]!.environment;
  const generators = renderConfiguredGenerators(config.config, configObject, generatorStore);
  const multiZone = generateMultiZoneServices(
    config.config,
    features,
    config.config.multiZoneServicesFromZones === undefined
      ? []
      : zones.flatMap((z) => zoneMeshServices(z)),
    configObject,
  );
  results.push(...generators.results, ...multiZone.results);
  // Input MeshMultiZoneServices Kuma's validator rejects are never stored: not previewed, not resolved.
  const inputMultiZone = checkInputMultiZoneServices([
    ...zones.map((z) => ({ environment: z.environment, items: z.own })),
    { environment: config.config.globalEnvironment, items: layout.multizone ? layout.global : [] },
  ], features);
  results.push(...inputMultiZone.results);
  const stored = (object: KubeObject) => !inputMultiZone.rejected.has(object);

  const templates = hostnameTemplates(features); // One template budget for the whole run.
  const preview = previewHostnames({
    config: config.config,
    features,
    multizone: layout.multizone,
    zones: zones.map((z) => ({
      name: z.name,
      environment: z.environment,
      meshServices: z.step.meshServices.map((ms) => ({
        object: ms.object,
        creationTime: ms.creationTime,
      })),
      own: z.own.map((o) => z.updates.get(o)?.to ?? o).filter(stored),
    })),
    global: layout.global.filter(stored),
    renderedGenerators: generators.objects,
    renderedMultiZoneServices: multiZone.objects,
    evaluate: templates.evaluate,
    validateTemplate: templates.validate,
  });
  results.push(...preview.results);
  const viewsOf = new Map(preview.resources.map((r) => [r.object, r]));

  // References: every route and policy, resolved against every zone's store.
  const destinations = buildDestinations(preview.resources, zones.map((z) => z.name));
  const legacy = buildLegacyIndex(zones.flatMap((z) => legacySources(z)));
  const referrers = referrersOf(layout, zones, config.config);
  const references = rewriteReferences(referrers, {
    features,
    config: config.config,
    style,
    multizone: layout.multizone,
    destinations,
    legacy,
    podTemplates: zones.flatMap((z) =>
      z.environment === "kubernetes" ? podTemplatesOf(z.own, z.name) : []
    ),
  });
  results.push(...references.results);
  const migration = finishMigration({
    config: config.config,
    features,
    meshes: stage.meshes,
    findings: references.findings,
    referrers,
    destinations,
    workloads: zones.flatMap((z) => workloadsOf(z, selectorsOf(z), pathOf)),
    style,
  });
  results.push(...migration.results);
  const traffic = detectTrafficChanges({
    config: config.config,
    features,
    zones: zones.map((z) => ({ ...z, meshServices: z.step.meshServices })),
    findings: references.findings,
    referrers,
    legacy,
    destinations,
    meshes: stage.meshes,
    reachableBackends: migration.migration.reachableBackends,
    pathOf,
  });
  results.push(...traffic.results);
  for (const fixed of zones.map((z) => z.fixed)) {
    for (const [from, to] of fixed) replaced.set(from, to);
  }
  for (const [from, to] of [...references.rewritten, ...migration.rewritten]) {
    replaced.set(inputOf.get(from) ?? from, to);
  }
  results.push(...versionResults({
    items: checked.valid,
    replaced,
    inputOf,
    meshes: stage.meshes,
    findings: references.findings,
    features,
  }));

  const merged = mergeItems(items.map((item) => replaced.get(item) ?? item), [
    ...zones.flatMap((z) =>
      z.step.meshServices.map((ms) => ({
        object: z.output === "preview"
          ? withHostnameStatus(ms.object, viewsOf.get(ms.object), z.name)
          : ms.object,
        output: z.output,
        zone: z.name,
        source: ms.object,
      }))
    ),
    ...[...generators.objects, ...multiZone.objects].map((object) => ({
      object,
      output: "apply" as const,
      zone: undefined,
      source: object,
    })),
  ], { outputPath: config.config.outputPath });
  results.push(...merged.results, ...substitutionResults(merged.items));

  const single = layout.multizone ? undefined : zones[0];
  const finalResults = capResults(dedupe(results));
  // The report is built on first read: the KRM path never reads it.
  let report: Report | undefined;
  const buildRunReport = (): Report => {
    const paths = new Map(merged.placed.map((p) => [p.source, p.path]));
    const reportEntries = zones.flatMap((z) =>
      z.step.meshServices.map((ms) =>
        reportEntry(ms, z.name, z.output, paths.get(ms.object), viewsOf.get(ms.object))
      )
    );
    return buildReport(
      {
        kumaVersion: features.version,
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
        meshServices: reportEntries,
        meshMultiZoneServices: preview.resources
          .filter((r) => r.kind === "MeshMultiZoneService")
          .map((r) => otherEntry(r, paths.get(r.object))),
        meshExternalServices: preview.resources
          .filter((r) => r.kind === "MeshExternalService")
          .map((r) => otherEntry(r, undefined)),
        hostnameGenerators: generators.objects.map((object) => ({
          name: String(object.metadata?.name),
          source: String(object.metadata?.annotations?.[TOOL_ANNOTATION.generatedFrom] ?? ""),
          ...(paths.has(object) ? { path: paths.get(object)! } : {}),
        })),
        references: references.findings.map((f) => f.reference),
        migration: migration.migration,
        trafficChanges: traffic.changes,
      },
      finalResults,
    );
  };
  return {
    resourceList: {
      apiVersion: RESOURCE_LIST_API_VERSION,
      kind: "ResourceList",
      items: merged.items,
      results: finalResults,
    },
    get report(): Report {
      return report ??= buildRunReport();
    },
  };
}

/** A zone's derived MeshServices and what the rest of the run needs about the zone. */
interface DerivedZone {
  name: string;
  environment: Environment;
  output: MeshServiceOutput;
  own: KubeObject[];
  step: StepOutput;
  /** Input MeshServices Kuma's Universal generator manages, by input item, as it leaves them. */
  updates: Map<KubeObject, ManagedUpdate>;
  /** Items config `fixAppProtocol` replaced. */
  fixed: Map<KubeObject, KubeObject>;
}

/** Runs MeshService generation for one zone. */
function deriveZone(
  zone: ZonePlan,
  config: Config,
  features: KumaFeatures,
  multizone: boolean,
  results: Result[],
): DerivedZone {
  let inventory = buildInventory(zone.items);
  const environment = zone.environment ?? detectEnvironment(inventory, results);
  // kustomize drops local-config previews from its build: there the Kubernetes default emits none.
  const output: MeshServiceOutput = config.meshServiceOutput ??
    (environment !== "kubernetes" ? "apply" : sentByKustomize(zone.items) ? "none" : "preview");
  const zoneConfig: Config = { ...config, zone: zone.name };
  const meshes = buildMeshLookup(inventory, assumedMeshesOf(config, features), results);
  let universal: ReturnType<typeof generateUniversalMeshServices> | undefined;
  const generate = (from: Inventory): StepOutput => {
    if (environment === "kubernetes") {
      return generateKubernetesMeshServices(from, { config: zoneConfig, features, meshes });
    }
    universal = generateUniversalMeshServices(from, {
      config: zoneConfig,
      features,
      meshes,
      output,
    });
    return universal;
  };
  let step = generate(inventory);
  let fixed = new Map<KubeObject, KubeObject>();
  if (config.fixAppProtocol) {
    // Only the sources of generated MeshServices are fixed; then generation runs on the fixed items.
    const fix = fixProtocols(zone.items, {
      environment,
      config,
      features,
      generated: step.meshServices,
    });
    if (fix.replaced.size > 0) {
      inventory = buildInventory(fix.items);
      step = generate(inventory);
      fixed = fix.replaced;
    }
  }
  results.push(...ignoredForEnvironment(inventory, environment));
  if (environment === "kubernetes") results.push(...dataplaneShapeResults(inventory.dataplanes));
  results.push(...step.results, ...assumedMeshResults(meshes, features.meshServicesMode));
  if (environment === "kubernetes" && output === "apply") {
    results.push(...step.meshServices.map((ms) => ownershipWarning(ms)));
  }
  if (multizone) {
    for (const ms of step.meshServices) {
      ms.object = {
        ...ms.object,
        metadata: {
          ...ms.object.metadata,
          annotations: { ...ms.object.metadata?.annotations, [TOOL_ANNOTATION.zone]: zone.name },
        },
      };
    }
  }
  const updates = new Map(
    ((universal as ReturnType<typeof generateUniversalMeshServices> | undefined)?.updates ?? [])
      .map((u) => [u.from, u]),
  );
  return { name: zone.name, environment, output, own: zone.own, step, updates, fixed };
}

/** Package-relative file of an item, when the orchestrator says. */
function pathOf(object: KubeObject): string | undefined {
  return fileOf(object)?.path;
}

/** What the legacy-name index needs of a zone's generated MeshServices. */
function legacySources(zone: DerivedZone): LegacySource[] {
  const managed = [...zone.updates.values()].map((u) => u.record);
  return [...zone.step.meshServices, ...managed].map((ms) => {
    const meta = ms.object.metadata ?? {};
    const view = coreView(ms.object, "MeshService", zone.environment, { meshScoped: true });
    const source: LegacySource = {
      zone: zone.name,
      mesh: ms.mesh,
      name: String(meta.name),
      displayName: view.labels[LABEL.displayName] ?? String(meta.name),
      ports: (ms.object.spec as { ports: MeshServicePort[] }).ports,
      legacyServices: ms.legacyServices,
    };
    if (view.namespace !== undefined) source.namespace = view.namespace;
    return source;
  });
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

/** Routes and policies of the run, with the zone each is created in and evaluated in. */
function referrersOf(
  layout: ZoneLayout,
  zones: readonly DerivedZone[],
  config: Config,
): Referrer[] {
  const referrers: Referrer[] = [];
  const all = zones.map((z) => z.name);
  const add = (object: KubeObject, createdIn: string, environment: Environment) => {
    if (isOwned(object) || !isReferrerKind(object)) return;
    const labels = object.metadata?.labels ?? {};
    const universal = object.metadata?.annotations?.[TOOL_ANNOTATION.format] !== undefined;
    const global = createdIn === "global";
    referrers.push({
      object,
      createdIn,
      zones: global ? all : [createdIn],
      origin: {
        mesh: typeof object.mesh === "string" && object.mesh !== ""
          ? object.mesh
          : labels[LABEL.mesh] ?? DEFAULT_MESH,
        zoneLabel: labels[LABEL.zone] ?? (global ? undefined : createdIn),
        namespace: environment === "kubernetes" && !universal ? namespaceOf(object) : undefined,
      },
      path: pathOf(object),
    });
  };
  if (!layout.multizone) {
    const zone = zones[0]!;
    for (const object of zone.own) {
      const global = object.metadata?.labels?.[LABEL.origin] === ORIGIN.global;
      add(object, global ? "global" : zone.name, zone.environment);
    }
    // A global-created object in a single-zone run is still evaluated in that zone only.
    return referrers.map((r) => r.createdIn === "global" ? { ...r, zones: [zone.name] } : r);
  }
  for (const zone of zones) for (const object of zone.own) add(object, zone.name, zone.environment);
  for (const object of layout.global) add(object, "global", config.globalEnvironment);
  return referrers;
}

/** The zone's MeshServices as the auto MeshMultiZoneService mode groups them. */
function zoneMeshServices(zone: DerivedZone): ZoneMeshService[] {
  return zone.step.meshServices.map((ms) => ({
    zone: zone.name,
    view: coreView(ms.object, "MeshService", zone.environment, { meshScoped: true }),
    ports: (ms.object.spec as { ports: MeshServicePort[] }).ports,
  }));
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
/** The layout with every repeated object (after its first occurrence in a store) left out and reported. */
function withoutDuplicates(layout: ZoneLayout): ZoneLayout {
  const found = [...layout.zones.map((z) => z.own), layout.global].map(findDuplicates);
  const repeats = new Set(found.flatMap((d) => [...d.repeats]));
  if (repeats.size === 0) return layout;
  const keep = (item: KubeObject) => !repeats.has(item);
  return {
    ...layout,
    zones: layout.zones.map((z) => ({
      ...z,
      items: z.items.filter(keep),
      own: z.own.filter(keep),
    })),
    global: layout.global.filter(keep),
    results: [...layout.results, ...found.flatMap((d) => d.results)],
  };
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
  return resultAt(ms.object, {
    severity: "warning",
    message:
      `MeshService "${ms.object.metadata?.namespace}/${ms.object.metadata?.name}" is emitted for apply, but Kuma's controller owns it: the controller refuses to update a MeshService without the Service's UID as owner, so the applied copy and the controller conflict (use meshServiceOutput preview, or annotate the Service kuma.io/ignore: "true" to hand the MeshService to git)`,
    reason: REASON.ownershipConflict,
  });
}

function reportEntry(
  ms: GeneratedMeshService,
  zone: string,
  output: MeshServiceOutput,
  path: string | undefined,
  views: ResourceViews | undefined,
): ReportMeshService {
  const object = ms.object;
  const spec = object.spec as {
    ports: ReportMeshService["ports"];
    selector: ReportMeshService["selector"];
  };
  const status = object.status as { vips?: { ip: string }[] } | undefined;
  const own = views?.views.find((v) => v.zone === zone);
  const entry: ReportMeshService = {
    name: String(object.metadata?.name),
    ...(object.metadata?.namespace !== undefined ? { namespace: object.metadata.namespace } : {}),
    mesh: ms.mesh,
    zone,
    output,
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

/** The preview's `status`: Kuma's `addresses` and `hostnameGenerators` for the MeshService's own zone. */
function withHostnameStatus(
  object: KubeObject,
  views: ResourceViews | undefined,
  zone: string,
): KubeObject {
  const own = views?.views.find((v) => v.zone === zone);
  if (!own || own.hostnames.length === 0) return object;
  const { addresses, hostnameGenerators } = hostnameStatus(own.hostnames);
  const previous = (object.status ?? {}) as Record<string, unknown>;
  const status: Record<string, unknown> = {};
  if (addresses.length > 0) status.addresses = addresses;
  if (previous.vips !== undefined) status.vips = previous.vips;
  if (hostnameGenerators.length > 0) status.hostnameGenerators = hostnameGenerators;
  return Object.keys(status).length === 0 ? object : { ...object, status };
}

function failed(items: KubeObject[], results: Result[]): RenderOutput {
  return {
    resourceList: { apiVersion: RESOURCE_LIST_API_VERSION, kind: "ResourceList", items, results },
    report: buildReport(
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
    ),
  };
}
