/**
 * Phase 3, zones: which zone each item belongs to (one zone without `zones`
 * in the config; otherwise by `paths` and `labels`, the rest to the global
 * control plane), each zone's environment and output, the Meshes it assumes,
 * and the MeshServices Kuma generates there (Kubernetes controller or
 * Universal generator).
 *
 * @module
 */

import type { Config, Environment, MeshServiceOutput } from "../config.ts";
import { buildInventory, type Inventory } from "../model/inventory.ts";
import type { KubeObject, Result } from "../model/krm.ts";
import type { GeneratedMeshService, StepOutput } from "../model/mesh_service.ts";
import { TOOL_ANNOTATION } from "../model/tool.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt, resultGlobal } from "../results.ts";
import type { ManagedUpdate } from "../steps/generator_managed.ts";
import { findDuplicates } from "../steps/input_checks.ts";
import { generateKubernetesMeshServices } from "../steps/kubernetes_mesh_services.ts";
import {
  assumedMeshesOf,
  assumedMeshResults,
  buildMeshLookup,
  type MeshLookup,
} from "../steps/meshes.ts";
import { sentByKustomize } from "../steps/orchestrator.ts";
import { fixProtocols } from "../steps/traffic_changes.ts";
import {
  dataplaneShapeResults,
  generateUniversalMeshServices,
} from "../steps/universal_mesh_services.ts";
import { planZones, type ZoneLayout, type ZonePlan } from "../steps/zones.ts";

/** A zone's derived MeshServices and what the rest of the run needs about the zone. */
export interface DerivedZone {
  name: string;
  environment: Environment;
  output: MeshServiceOutput;
  /** The zone's own input items (after the config phase). */
  own: KubeObject[];
  step: StepOutput;
  /** Input MeshServices Kuma's Universal generator manages, by input item, as it leaves them. */
  updates: Map<KubeObject, ManagedUpdate>;
  /** Items config `fixAppProtocol` replaced. */
  fixed: Map<KubeObject, KubeObject>;
}

/** Inputs of {@link zonesPhase}. */
export interface ZonesInput {
  /** The items after the config phase. */
  items: readonly KubeObject[];
  config: Config;
  features: KumaFeatures;
}

/** Output of {@link zonesPhase}. */
export interface ZonesOutput {
  /** The layout of the run, repeated objects left out. */
  layout: ZoneLayout;
  zones: DerivedZone[];
  results: Result[];
}

/** Assigns the items to zones and generates each zone's MeshServices. */
export function zonesPhase(input: ZonesInput): ZonesOutput {
  const layout = withoutDuplicates(planZones(input.items, input.config));
  const results: Result[] = [...layout.results];
  const zones = layout.zones.map((plan) => {
    const derived = deriveZone(plan, { ...input, multizone: layout.multizone });
    results.push(...derived.results);
    return derived.zone;
  });
  return { layout, zones, results };
}

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

interface ZoneRun {
  config: Config;
  features: KumaFeatures;
  multizone: boolean;
}

/** What generation in one zone needs besides the items. */
interface ZoneGeneration {
  zone: string;
  environment: Environment;
  output: MeshServiceOutput;
  meshes: MeshLookup;
}

/** Runs MeshService generation for one zone. */
function deriveZone(plan: ZonePlan, run: ZoneRun): { zone: DerivedZone; results: Result[] } {
  const { config, features } = run;
  let inventory = buildInventory(plan.items);
  const detected = plan.environment === undefined ? detectEnvironment(inventory) : undefined;
  const environment = plan.environment ?? detected!.environment;
  // kustomize drops local-config previews from its build: there the Kubernetes default emits none.
  const output: MeshServiceOutput = config.meshServiceOutput ??
    (environment !== "kubernetes" ? "apply" : sentByKustomize(plan.items) ? "none" : "preview");
  const meshes = buildMeshLookup(inventory, assumedMeshesOf(config, features));
  const generation: ZoneGeneration = {
    zone: plan.name,
    environment,
    output,
    meshes: meshes.lookup,
  };
  let generated = generate(inventory, run, generation);
  let fixed = new Map<KubeObject, KubeObject>();
  if (config.fixAppProtocol) {
    // Only the sources of generated MeshServices are fixed; then generation runs on the fixed items.
    const fix = fixProtocols(plan.items, {
      environment,
      config,
      features,
      generated: generated.step.meshServices,
    });
    if (fix.replaced.size > 0) {
      inventory = buildInventory(fix.items);
      generated = generate(inventory, run, generation);
      fixed = fix.replaced;
    }
  }
  const { step } = generated;
  const results: Result[] = [
    ...(detected ? [detected.result] : []),
    ...meshes.results,
    ...ignoredForEnvironment(inventory, environment),
    ...(environment === "kubernetes" ? dataplaneShapeResults(inventory.dataplanes) : []),
    ...step.results,
    ...assumedMeshResults(meshes.lookup, features.meshServicesMode),
    ...(environment === "kubernetes" && output === "apply"
      ? step.meshServices.map((ms) => ownershipWarning(ms))
      : []),
  ];
  const meshServices = run.multizone
    ? step.meshServices.map((ms) => withZoneAnnotation(ms, plan.name))
    : step.meshServices;
  const updates = new Map(generated.updates.map((u) => [u.from, u]));
  return {
    zone: {
      name: plan.name,
      environment,
      output,
      own: plan.own,
      step: { ...step, meshServices },
      updates,
      fixed,
    },
    results,
  };
}

/** One generation run in a zone: Kuma's Kubernetes controller or its Universal generator. */
function generate(
  inventory: Inventory,
  run: ZoneRun,
  zone: ZoneGeneration,
): { step: StepOutput; updates: readonly ManagedUpdate[] } {
  const options = {
    config: run.config,
    zone: zone.zone,
    features: run.features,
    meshes: zone.meshes,
  };
  if (zone.environment === "kubernetes") {
    return { step: generateKubernetesMeshServices(inventory, options), updates: [] };
  }
  const universal = generateUniversalMeshServices(inventory, { ...options, output: zone.output });
  return { step: universal, updates: universal.updates };
}

/** In a multizone run every generated MeshService records the zone it belongs to. */
function withZoneAnnotation(ms: GeneratedMeshService, zone: string): GeneratedMeshService {
  const object = ms.object;
  return {
    ...ms,
    object: {
      ...object,
      metadata: {
        ...object.metadata,
        annotations: { ...object.metadata?.annotations, [TOOL_ANNOTATION.zone]: zone },
      },
    },
  };
}

/** Universal when the input has Dataplanes and no Kubernetes workload objects. */
function detectEnvironment(inventory: Inventory): { environment: Environment; result: Result } {
  const universal = inventory.dataplanes.length > 0 && !inventory.hasKubernetesObjects;
  return {
    environment: universal ? "universal" : "kubernetes",
    result: resultGlobal(
      "info",
      universal
        ? `Detected a universal zone: the input has ${inventory.dataplanes.length} Dataplane(s) and no Kubernetes workloads (set config environment to override)`
        : "Detected a kubernetes zone (set config environment to override)",
      REASON.environmentDetected,
    ),
  };
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
