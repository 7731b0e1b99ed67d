/**
 * HostnameGenerators of a run: Kuma's defaults (reference data from
 * `templates/hostname-generators/kuma-defaults/`), the ones the config asks
 * to render from the catalogue, and the ones in the input, each checked with
 * Kuma's validator of the chosen version.
 *
 * @module
 */

import type { Config, Environment } from "../config.ts";
import { CATALOGUE_GENERATORS, KUMA_DEFAULT_GENERATORS } from "../hostnames/catalogue_data.ts";
import {
  type GeneratorSource,
  type GeneratorView,
  readSelector,
  SELECTOR_KINDS,
  templateOf,
} from "../model/hostname_generator.ts";
import { isObject, type KubeObject, type Result, sortedMap, stringAt } from "../model/krm.ts";
import { KIND, KUMA_API_VERSION, LABEL, ORIGIN } from "../model/kuma.ts";
import { isOwned } from "../model/inventory.ts";
import { ownedAnnotations, TOOL_ANNOTATION, TOOL_NAME } from "../model/tool.ts";
import type { KumaFeatures } from "../model/version.ts";
import { configResultAt, REASON, resultAt } from "../results.ts";
import { creationTimeOf, globalCreatedView, globalToZone } from "./sync.ts";

/** Validates a template the way Kuma's validator does; returns the violation message or `undefined`. */
export type TemplateValidator = (template: string, features: KumaFeatures) => string | undefined;

/** A generator known to the run, before it is placed in a zone's store. */
export interface GeneratorRecord {
  object: KubeObject;
  source: GeneratorSource;
  /** `global` when created on the global control plane, else the zone's name. */
  createdIn: "global" | { zone: string };
  /** Zone environments that get it (Kuma's `local-universal-mesh-service` is universal-only). */
  environments: readonly Environment[] | undefined;
  /** Creation order among Kuma's defaults. */
  defaultRank: number | undefined;
  /** False when Kuma's validator rejects it (it never reaches a store). */
  valid: boolean;
}

/** Names of the generators Kuma creates itself. */
export const KUMA_DEFAULT_GENERATOR_NAMES: ReadonlySet<string> = new Set(
  KUMA_DEFAULT_GENERATORS.map((g) => String(g.metadata?.name)),
);

/** Kuma's defaults: global ones (synced to every zone) and zone ones. */
export function kumaDefaultGenerators(config: Config): GeneratorRecord[] {
  if (config.skipDefaultHostnameGenerators) return [];
  return KUMA_DEFAULT_GENERATORS.map((object, rank) => {
    const zoneCreated = stringAt(object.metadata?.labels, LABEL.origin) === ORIGIN.zone;
    const environments = stringAt(object.metadata?.annotations, TOOL_ANNOTATION.environments);
    return {
      object,
      source: "kuma-default",
      createdIn: zoneCreated ? { zone: "*" } : "global",
      environments: environments ? environments.split(",") as Environment[] : undefined,
      defaultRank: rank,
      valid: true,
    };
  });
}

/** Renders the generators the config asks for from the catalogue. */
export function renderConfiguredGenerators(
  config: Config,
  configObject: KubeObject | undefined,
  storeEnvironment: Environment,
): { objects: KubeObject[]; results: Result[] } {
  const objects: KubeObject[] = [];
  const results: Result[] = [];
  const presets = new Map(CATALOGUE_GENERATORS.map((g) => [String(g.metadata?.name), g]));
  const names = new Set<string>();
  config.hostnameGenerators.forEach((request, index) => {
    const preset = presets.get(request.preset);
    const at = `hostnameGenerators[${index}]`;
    if (!preset) {
      results.push(
        configResultAt(configObject, {
          key: at,
          message: `Unknown hostname generator preset "${request.preset}": known presets are ${
            [...presets.keys()].join(", ")
          } (templates/hostname-generators/catalogue/)`,
          reason: REASON.invalidConfig,
        }),
      );
      return;
    }
    const name = request.name ??
      (request.mesh ? `${request.preset}-${request.mesh}` : request.preset);
    if (KUMA_DEFAULT_GENERATOR_NAMES.has(name)) {
      results.push(
        configResultAt(configObject, {
          key: at,
          message:
            `Cannot render HostnameGenerator "${name}": Kuma creates a generator of that name itself; choose another name`,
          reason: REASON.invalidConfig,
        }),
      );
      return;
    }
    if (names.has(name)) {
      results.push(
        configResultAt(configObject, {
          key: at,
          message: `HostnameGenerator "${name}" is rendered twice: give one entry another name`,
          reason: REASON.invalidConfig,
        }),
      );
      return;
    }
    names.add(name);
    const spec = preset.spec as Record<string, unknown>;
    const { kinds, matchLabels } = readSelector(spec);
    const kind = kinds[0]!;
    const labels = request.mesh ? { ...matchLabels, [LABEL.mesh]: request.mesh } : matchLabels;
    const metadata: KubeObject["metadata"] = { name };
    if (storeEnvironment === "kubernetes") metadata.namespace = config.systemNamespace;
    metadata.annotations = ownedAnnotations(`config hostnameGenerators: ${request.preset}`);
    objects.push({
      apiVersion: KUMA_API_VERSION,
      kind: KIND.hostnameGenerator,
      metadata,
      spec: { selector: { [kind]: { matchLabels: sortedMap(labels) } }, template: spec.template },
    });
  });
  return { objects, results };
}

/** Checks a generator with Kuma's validator (`validate.go`) of the chosen version. */
export function validateGenerator(
  object: KubeObject,
  features: KumaFeatures,
  validateTemplate: TemplateValidator,
): Result[] {
  const results: Result[] = [];
  const spec = object.spec;
  const { kinds } = readSelector(spec);
  if (kinds.length !== 1) {
    results.push(
      resultAt(object, {
        severity: "error",
        message:
          `Kuma rejects this HostnameGenerator: exact one selector (meshService, meshExternalService) must be defined (found ${
            kinds.length === 0 ? "none" : kinds.join(", ")
          }; use exactly one of ${SELECTOR_KINDS.join(", ")})`,
        reason: REASON.invalidHostnameGenerator,
        field: "spec.selector",
      }),
    );
  }
  const template = templateOf(object);
  if (template === undefined || template === "") {
    results.push(
      resultAt(object, {
        severity: "error",
        message: "Kuma rejects this HostnameGenerator: spec.template must not be empty",
        reason: REASON.invalidHostnameGenerator,
        field: "spec.template",
      }),
    );
  } else {
    const problem = validateTemplate(template, features);
    if (problem !== undefined) {
      results.push(
        resultAt(object, {
          severity: "error",
          message: problem.startsWith(TOOL_NAME)
            ? `${problem}; Kuma may accept it, but its hostnames cannot be previewed: simplify the template`
            : `Kuma rejects this HostnameGenerator: ${problem}`,
          reason: REASON.invalidHostnameGenerator,
          field: "spec.template",
          currentValue: template,
        }),
      );
    }
  }
  const extension = isObject(spec) ? spec.extension : undefined;
  if (
    features.hostnameGeneratorExtension && isObject(extension) &&
    (typeof extension.type !== "string" || extension.type === "")
  ) {
    results.push(
      resultAt(object, {
        severity: "error",
        message: "Kuma rejects this HostnameGenerator: spec.extension.type must not be empty",
        reason: REASON.invalidHostnameGenerator,
        field: "spec.extension.type",
      }),
    );
  }
  return results;
}

/** The view of a generator in one zone's store. */
export function generatorInZone(
  record: GeneratorRecord,
  zone: { name: string; environment: Environment },
  config: Config,
): GeneratorView | undefined {
  if (!record.valid) return undefined;
  if (record.environments && !record.environments.includes(zone.environment)) return undefined;
  const global = { environment: config.globalEnvironment, systemNamespace: config.systemNamespace };
  const store = { environment: zone.environment, systemNamespace: config.systemNamespace };
  const { kinds, matchLabels } = readSelector(record.object.spec);
  const name = String(record.object.metadata?.name);
  let coreName: string;
  let origin: GeneratorView["origin"];
  if (record.createdIn === "global") {
    const view = globalToZone(
      globalCreatedView(record.object, global, { kind: "MeshService", meshScoped: false }),
      global,
      store,
    );
    coreName = view.coreName;
    origin = ORIGIN.global;
  } else {
    if (record.createdIn.zone !== "*" && record.createdIn.zone !== zone.name) return undefined;
    coreName = zone.environment === "kubernetes" ? `${name}.${config.systemNamespace}` : name;
    origin = ORIGIN.zone;
  }
  return {
    name,
    coreName,
    origin,
    kind: kinds.length === 1 ? kinds[0] : undefined,
    matchLabels,
    template: templateOf(record.object) ?? "",
    creationTime: creationTimeOf(record.object),
    defaultRank: record.defaultRank,
    source: record.source,
    object: record.object,
  };
}

/** Where a run's HostnameGenerators come from. */
export interface GeneratorSources {
  config: Config;
  features: KumaFeatures;
  validateTemplate: TemplateValidator;
  multizone: boolean;
  /** HostnameGenerators rendered from config. */
  rendered: readonly KubeObject[];
  /** Items the global control plane holds (multizone runs). */
  global: readonly KubeObject[];
  /** Each zone's own items. */
  zones: readonly { name: string; own: readonly KubeObject[] }[];
}

/** Every generator of the run (Kuma's defaults, rendered, input), validated. */
export function generatorRecordsOf(
  sources: GeneratorSources,
): { records: GeneratorRecord[]; results: Result[] } {
  const records = kumaDefaultGenerators(sources.config);
  const results: Result[] = [];
  const add = (object: KubeObject, source: "config" | "input", createdIn: CreatedIn) => {
    const problems = validateGenerator(object, sources.features, sources.validateTemplate);
    results.push(...problems);
    if (source === "input") results.push(...shadowingResults(object));
    records.push({
      object,
      source,
      createdIn,
      environments: undefined,
      defaultRank: undefined,
      valid: problems.every((p) => p.severity !== "error"),
    });
  };
  const renderedIn: CreatedIn = sources.multizone ? "global" : { zone: sources.zones[0]!.name };
  for (const object of sources.rendered) add(object, "config", renderedIn);
  if (sources.multizone) {
    for (const object of sources.global) {
      if (object.kind === KIND.hostnameGenerator && !isOwned(object)) {
        add(object, "input", "global");
      }
    }
  }
  for (const zone of sources.zones) {
    for (const object of zone.own) {
      if (object.kind !== KIND.hostnameGenerator || isOwned(object)) continue;
      const origin = stringAt(object.metadata?.labels, LABEL.origin);
      const global = !sources.multizone && origin === ORIGIN.global;
      add(object, "input", global ? "global" : { zone: zone.name });
    }
  }
  // A user generator replaces Kuma's default of the same name.
  const userNames = new Set(
    records.filter((r) => r.source !== "kuma-default").map((r) => String(r.object.metadata?.name)),
  );
  return {
    records: records.filter((r) =>
      r.source !== "kuma-default" || !userNames.has(String(r.object.metadata?.name))
    ),
    results,
  };
}

type CreatedIn = GeneratorRecord["createdIn"];

/** An input generator named like one of Kuma's defaults replaces it. */
function shadowingResults(object: KubeObject): Result[] {
  const name = String(object.metadata?.name);
  if (!KUMA_DEFAULT_GENERATOR_NAMES.has(name)) return [];
  return [resultAt(object, {
    severity: "warning",
    message:
      `HostnameGenerator "${name}" has the name of one Kuma creates itself: Kuma does not create its default when this one exists first, and never updates this one, so this generator replaces Kuma's default (rename it to add a generator instead)`,
    reason: REASON.shadowsDefaultGenerator,
    field: "metadata.name",
  })];
}
