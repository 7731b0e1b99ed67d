/**
 * The function's configuration: accepted as a `ConfigMap` (string `data`) or
 * as the typed kind `RenderMeshServices` with the same fields, validated with
 * zod and resolved to defaults.
 *
 * @module
 */

import { fieldPathOf } from "./model/field_path.ts";
import { load as loadYaml } from "js-yaml";
import { z } from "zod";
import {
  DEFAULT_SYSTEM_NAMESPACE,
  DEFAULT_ZONE,
  MESH_SERVICES_MODES,
  type MeshServicesMode,
  MIGRATION_STAGES,
  type MigrationStage,
} from "./model/kuma.ts";
import { fileOf, isObject, type KubeObject, type Result } from "./model/krm.ts";
import {
  DEFAULT_KUMA_VERSION,
  KUMA_VERSIONS,
  type KumaVersion,
  parseKumaVersion,
} from "./model/version.ts";
import { globProblem } from "./model/path_patterns.ts";
import { REASON } from "./results.ts";

/** API version of the typed configuration kind. */
export const CONFIG_API_VERSION = "meshservice-krm/v1alpha1";
/** Kind of the typed configuration. */
export const CONFIG_KIND = "RenderMeshServices";

/** Zone environments. */
export type Environment = "kubernetes" | "universal";

/** What happens to generated MeshServices. */
export type MeshServiceOutput = "preview" | "apply" | "none";

/** A Mesh the configuration declares for repos that do not contain it. */
export interface AssumedMesh {
  /** The Mesh's name. */
  name: string;
  /** Its `spec.meshServices.mode`. */
  mode: MeshServicesMode;
}

/** One zone of a multizone deployment and where its manifests are. */
export interface ZoneConfig {
  /** Zone name (`KUMA_MULTIZONE_ZONE_NAME`). */
  name: string;
  /** `kubernetes` or `universal`. */
  environment: Environment;
  /** Package-relative path prefixes of the zone's files (`clusters/east/`). */
  paths: string[];
  /** Labels that mark an item as the zone's (every pair must match). */
  labels: Record<string, string>;
}

/** A HostnameGenerator to render from the catalogue in `templates/hostname-generators/`. */
export interface HostnameGeneratorRequest {
  /** Catalogue entry name. */
  preset: string;
  /** Name of the emitted generator (default: the preset, suffixed with the mesh when one is set). */
  name?: string;
  /** Restrict the generator to one mesh (adds `kuma.io/mesh` to its selector). */
  mesh?: string;
}

/** A MeshMultiZoneService to generate. */
export interface MeshMultiZoneServiceRequest {
  /** Its name. */
  name: string;
  /** Its Mesh. */
  mesh: string;
  /** `spec.selector.meshService.matchLabels`. */
  matchLabels: Record<string, string>;
  /** `spec.ports`: a port, and optionally its name and `appProtocol`. */
  ports: { port: number; name?: string; appProtocol?: string }[];
}

/** How rewritten references name a MeshService. */
export type ReferenceStyle = "name" | "labels";

/** What a reference to a service that exists in several zones becomes. */
export type CrossZoneChoice = "multiZoneService" | "local" | "keep";

/** Resolved configuration, every field set. */
export interface Config {
  /** Kuma minor version whose rules apply. */
  kumaVersion: KumaVersion;
  /** Zone name (`KUMA_MULTIZONE_ZONE_NAME`). */
  zone: string;
  /** Zone environment; `undefined` means detect it from the input. */
  environment: Environment | undefined;
  /** Kuma 2.14's `experimental.inboundTagsDisabled` (workload mode). */
  inboundTagsDisabled: boolean;
  /** What to emit; `undefined` means the environment's default. */
  meshServiceOutput: MeshServiceOutput | undefined;
  /** Kuma's system namespace. */
  systemNamespace: string;
  /** Meshes assumed to exist when the input holds no Mesh of that name. */
  assumeMeshes: AssumedMesh[];
  /** Namespaces assumed labelled `kuma.io/sidecar-injection: enabled` when absent from the input. */
  assumeInjectedNamespaces: "*" | string[];
  /** File layout of generated items. */
  outputPath: string;
  /** Zones of a multizone deployment; empty means one zone, {@link Config.zone}. */
  zones: ZoneConfig[];
  /** Environment of the global control plane (its store decides synced names). */
  globalEnvironment: Environment;
  /** HostnameGenerators to render from the catalogue. */
  hostnameGenerators: HostnameGeneratorRequest[];
  /** Kuma's `defaults.skipHostnameGenerators`: no default generators exist. */
  skipDefaultHostnameGenerators: boolean;
  /** MeshMultiZoneServices to generate. */
  meshMultiZoneServices: MeshMultiZoneServiceRequest[];
  /** Generate a MeshMultiZoneService for every service present in at least this many zones. */
  multiZoneServicesFromZones: number | undefined;
  /** True when `zone` or `zones` was given: references may pin `kuma.io/zone`. */
  zoneKnown: boolean;
  /** How rewritten references name MeshServices; `undefined` means the version's default. */
  referenceStyle: ReferenceStyle | undefined;
  /** Migration stage to set on Meshes; `undefined` leaves Meshes alone. */
  migrationStage: MigrationStage | undefined;
  /**
   * Per service (legacy `kuma.io/service` value or display name), or `*`, what a
   * reference to a service present in several zones becomes.
   */
  crossZoneReferences: Record<string, CrossZoneChoice>;
  /** Workloads (`namespace/name`, Universal Dataplane `name`, `*` wildcards) that get reachable backends. */
  reachableBackendsFor: string[];
  /** Add `appProtocol` to Service ports whose protocol annotation MeshService mode would drop. */
  fixAppProtocol: boolean;
  /** Directory mode: globs (relative to the directory) of files and folders not to read. */
  exclude: string[];
}

/**
 * The typed configuration a library caller passes to `render(items, config)`:
 * the fields of the `RenderMeshServices` kind, every one optional. Values are
 * validated exactly as in a functionConfig; an invalid value is an error
 * result, never an exception.
 */
export interface ConfigInput {
  /** Kuma version whose rules apply, e.g. `"2.14"` or `"3.0"`. */
  kumaVersion?: string;
  /** The zone's name. */
  zone?: string;
  /** `kubernetes`, `universal` or `auto` (detect). */
  environment?: Environment | "auto";
  /** Kuma 2.14's `experimental.inboundTagsDisabled`. */
  inboundTagsDisabled?: boolean;
  /** What is emitted: `preview`, `apply` or `none`. */
  meshServiceOutput?: MeshServiceOutput;
  /** Kuma's system namespace. */
  systemNamespace?: string;
  /** `name[:mode]` entries of Meshes assumed to exist. */
  assumeMeshes?: string | string[];
  /** Namespaces assumed injected: `*`, `none` or names. */
  assumeInjectedNamespaces?: string | string[];
  /** File layout of generated items. */
  outputPath?: string;
  /** The zones of a multizone deployment. */
  zones?: (string | {
    name: string;
    environment: Environment;
    paths?: string[];
    labels?: Record<string, string>;
  })[];
  /** Store of the global control plane. */
  globalEnvironment?: Environment;
  /** HostnameGenerators to render from the catalogue. */
  hostnameGenerators?: (string | { preset: string; name?: string; mesh?: string })[];
  /** Preview without Kuma's default HostnameGenerators. */
  skipDefaultHostnameGenerators?: boolean;
  /** MeshMultiZoneServices to generate. */
  meshMultiZoneServices?: {
    name: string;
    mesh?: string;
    matchLabels: Record<string, string>;
    ports: { port: number; name?: string; appProtocol?: string }[];
  }[];
  /** Generate a MeshMultiZoneService for services present in this many zones. */
  multiZoneServicesFromZones?: number;
  /** How rewritten references name MeshServices. */
  referenceStyle?: ReferenceStyle;
  /** Migration stage to set on every Mesh. */
  migrationStage?: MigrationStage;
  /** What a reference to a service present in several zones becomes. */
  crossZoneReferences?: CrossZoneChoice | Record<string, CrossZoneChoice>;
  /** Workloads that get reachable backends. */
  reachableBackendsFor?: string | string[];
  /** Add `appProtocol` to Service ports that have only the protocol annotation. */
  fixAppProtocol?: boolean;
  /** Directory mode: globs of files and folders not to read (`charts/**`, `**\/openapi.yaml`). */
  exclude?: string | string[];
}

/** The typed functionConfig object for a {@link ConfigInput}. */
export function configObject(input: ConfigInput): KubeObject {
  return {
    apiVersion: CONFIG_API_VERSION,
    kind: CONFIG_KIND,
    metadata: { name: "meshservice-krm" },
    ...structuredClone(input),
  } as KubeObject;
}

/** Default file layout of generated items. */
export const DEFAULT_OUTPUT_PATH = "kuma-generated/{mesh}/{namespace}/{kind}_{name}.yaml";

/** Configuration used when no functionConfig is given. */
export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze<Config>({
  kumaVersion: DEFAULT_KUMA_VERSION,
  zone: DEFAULT_ZONE,
  environment: undefined,
  inboundTagsDisabled: false,
  meshServiceOutput: undefined,
  systemNamespace: DEFAULT_SYSTEM_NAMESPACE,
  assumeMeshes: [{ name: "default", mode: "Everywhere" }],
  assumeInjectedNamespaces: "*",
  outputPath: DEFAULT_OUTPUT_PATH,
  zones: [],
  globalEnvironment: "universal",
  hostnameGenerators: [],
  skipDefaultHostnameGenerators: false,
  meshMultiZoneServices: [],
  multiZoneServicesFromZones: undefined,
  zoneKnown: false,
  referenceStyle: undefined,
  migrationStage: undefined,
  crossZoneReferences: {},
  reachableBackendsFor: [],
  fixAppProtocol: false,
  exclude: [],
});

/** Default file layout when zones are configured. */
export const DEFAULT_MULTIZONE_OUTPUT_PATH =
  "kuma-generated/{zone}/{mesh}/{namespace}/{kind}_{name}.yaml";

/** Placeholders `outputPath` may use. */
export const OUTPUT_PATH_PLACEHOLDERS = ["mesh", "namespace", "kind", "name", "zone"] as const;

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Longest DNS label (RFC 1123): Kuma's zone names and Kubernetes namespaces are labels. */
const DNS_LABEL_MAX = 63;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// The schema is built lazily, key by key: zod schemas cost about 8 ms to
// construct at start-up, and most runs set no configuration or a few keys.
// Each helper below is a function returning a fresh schema; FIELD_SCHEMAS is
// the one source of truth for the keys and their validation.

const booleanField = () =>
  z.union([
    z.boolean(),
    z.enum(["true", "false"], { error: 'Must be "true" or "false"' }).transform((v) =>
      v === "true"
    ),
  ]);

const listField = () =>
  z.union([
    z.array(z.string()),
    z.string().transform((v) => v.split(",").map((s) => s.trim()).filter((s) => s !== "")),
  ]);

const meshEntry = () =>
  z.string().transform((entry, ctx) => {
    const [name = "", mode = "Everywhere", ...rest] = entry.split(":").map((s) => s.trim());
    if (!dns1123Label.test(name) || rest.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `Invalid mesh entry "${entry}": expected name[:mode]`,
      });
      return z.NEVER;
    }
    if (!(MESH_SERVICES_MODES as readonly string[]).includes(mode)) {
      ctx.addIssue({
        code: "custom",
        message: `Invalid meshServices mode "${mode}" for mesh "${name}": expected one of ${
          MESH_SERVICES_MODES.join(", ")
        }`,
      });
      return z.NEVER;
    }
    return { name, mode: mode as MeshServicesMode };
  });

/** ConfigMap values are strings: structured keys hold YAML (or JSON) text. */
const structured = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, ctx) => {
    if (typeof value !== "string") return value;
    if (value.length > 65_536) {
      ctx.addIssue({ code: "custom", message: "Value is longer than 64 KiB" });
      return z.NEVER;
    }
    try {
      return loadYaml(value) ?? [];
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `Cannot read YAML: ${(error as Error).message.split("\n")[0]}`,
      });
      return z.NEVER;
    }
  }, schema);

const labelMap = () => z.record(z.string(), z.string());

/**
 * A DNS-1123 label of at most 63 characters. Zones: Kuma's
 * `pkg/config/multizone/multicluster.go` (`ZoneConfig.Validate`: a DNS name,
 * at most 63 characters); namespaces: Kubernetes' `IsDNS1123Label`.
 */
const dnsLabel = (message: string) =>
  z.string()
    .max(DNS_LABEL_MAX, `${message}, at most ${DNS_LABEL_MAX} characters`)
    .regex(dns1123Label, message);

const zoneEntry = () =>
  z.union([
    z.string().transform((entry, ctx) => {
      const [name = "", environment = "", ...paths] = entry.split(":").map((s) => s.trim());
      if (environment !== "kubernetes" && environment !== "universal") {
        ctx.addIssue({
          code: "custom",
          message: `Invalid zone entry "${entry}": expected name:kubernetes|universal[:path]`,
        });
        return z.NEVER;
      }
      return { name, environment, paths: paths.filter((p) => p !== ""), labels: {} };
    }),
    z.strictObject({
      name: z.string(),
      environment: z.enum(["kubernetes", "universal"]),
      paths: z.array(z.string()).optional(),
      labels: labelMap().optional(),
    }).transform((zone) => ({
      name: zone.name,
      environment: zone.environment,
      paths: zone.paths ?? [],
      labels: zone.labels ?? {},
    })),
  ]).pipe(z.object({
    name: dnsLabel("Zone names must be DNS-1123 labels"),
    environment: z.enum(["kubernetes", "universal"]),
    paths: z.array(z.string()),
    labels: labelMap(),
  }));

const generatorEntry = () =>
  z.union([
    z.string().transform((entry) => {
      const [preset = "", mesh] = entry.split(":").map((s) => s.trim());
      return mesh ? { preset, mesh } : { preset };
    }),
    z.strictObject({
      preset: z.string(),
      name: z.string().regex(dns1123Subdomain, "Must be a DNS-1123 subdomain").optional(),
      mesh: z.string().regex(dns1123Label, "Must be a DNS-1123 label").optional(),
    }),
  ]);

const multiZoneServiceEntry = () =>
  z.strictObject({
    name: z.string().min(1),
    mesh: z.string().regex(dns1123Label, "Must be a DNS-1123 label").optional(),
    matchLabels: labelMap(),
    ports: z.array(z.strictObject({
      port: z.number().int().min(1).max(65535),
      name: z.string().optional(),
      appProtocol: z.string().optional(),
    })), // An empty list is reported with the selector by Kuma's validator (multizone_validation.ts).
  });

const positiveInt = () =>
  z.union([
    z.number().int().min(1),
    z.string().regex(/^[1-9][0-9]*$/, "Must be a positive integer").transform(Number),
  ]);

const crossZoneChoice = () => z.enum(["multiZoneService", "local", "keep"]);

const crossZoneField = () =>
  z.union([
    crossZoneChoice().transform((choice) => ({ "*": choice })),
    structured(z.union([
      crossZoneChoice().transform((choice) => ({ "*": choice })),
      z.record(z.string().min(1), crossZoneChoice()),
    ])),
  ]);

/** The schema of every configuration key, in the order errors and `CONFIG_KEYS` list them. */
const FIELD_SCHEMAS = {
  kumaVersion: () =>
    z.string().transform((value, ctx) => {
      const version = parseKumaVersion(value);
      if (!version) {
        ctx.addIssue({
          code: "custom",
          message: `Unknown Kuma version "${value}": supported versions are ${
            KUMA_VERSIONS.join(", ")
          }`,
        });
        return z.NEVER;
      }
      return version;
    }).optional(),
  zone: () => dnsLabel("Must be a DNS-1123 label (lowercase letters, digits, '-')").optional(),
  environment: () => z.enum(["kubernetes", "universal", "auto"]).optional(),
  inboundTagsDisabled: () => booleanField().optional(),
  meshServiceOutput: () => z.enum(["preview", "apply", "none"]).optional(),
  systemNamespace: () => dnsLabel("Must be a DNS-1123 label").optional(),
  assumeMeshes: () => listField().pipe(z.array(meshEntry())).optional(),
  assumeInjectedNamespaces: () => listField().optional(),
  outputPath: () =>
    z.string().superRefine((value, ctx) => {
      const problem = outputPathProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }).optional(),
  zones: () => structured(z.array(zoneEntry())).optional(),
  globalEnvironment: () => z.enum(["kubernetes", "universal"]).optional(),
  hostnameGenerators: () =>
    z.preprocess(
      (value) =>
        typeof value === "string" && !/^\s*[\[{-]/.test(value)
          ? value.split(",").map((s) => s.trim()).filter((s) => s !== "")
          : value,
      structured(z.array(generatorEntry())),
    ).optional(),
  skipDefaultHostnameGenerators: () => booleanField().optional(),
  meshMultiZoneServices: () => structured(z.array(multiZoneServiceEntry())).optional(),
  multiZoneServicesFromZones: () => positiveInt().optional(),
  referenceStyle: () => z.enum(["name", "labels"]).optional(),
  migrationStage: () => z.enum(MIGRATION_STAGES).optional(),
  crossZoneReferences: () => crossZoneField().optional(),
  reachableBackendsFor: () =>
    listField().pipe(z.array(
      z.string().regex(
        /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\/(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?))?$/,
        'Must be "namespace/name", "name" or use * for either part',
      ),
    )).optional(),
  fixAppProtocol: () => booleanField().optional(),
  exclude: () =>
    listField().pipe(z.array(
      z.string().superRefine((value, ctx) => {
        const problem = globProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    )).optional(),
};

type FieldKey = keyof typeof FIELD_SCHEMAS;
type Shape = { [K in FieldKey]: ReturnType<(typeof FIELD_SCHEMAS)[K]> };

/** Every key a functionConfig may set (Argo CD parameters are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(FIELD_SCHEMAS));

const builtFields = new Map<string, z.ZodType>();

/**
 * The object schema for a config setting `keys`: the full schema when a key
 * is unknown (it reports unknown keys), else only the keys set, in schema
 * order. Absent keys are optional, so both give the same result and issues.
 */
function fieldsFor(keys: readonly string[]) {
  const all = keys.some((key) => !Object.hasOwn(FIELD_SCHEMAS, key));
  const shape: Record<string, z.ZodType> = {};
  for (const key of CONFIG_KEYS) {
    if (!all && !keys.includes(key)) continue;
    let schema = builtFields.get(key);
    if (!schema) {
      schema = FIELD_SCHEMAS[key as FieldKey]();
      builtFields.set(key, schema);
    }
    shape[key] = schema;
  }
  return z.strictObject(shape as Shape);
}

// Compile-time check: every ConfigInput is a value the schema accepts.
const _configInputFits = (input: ConfigInput): z.input<ReturnType<typeof fieldsFor>> => input;

/** The outcome of reading a functionConfig. */
export type ConfigOutcome =
  | { ok: true; config: Config; results: Result[] }
  | { ok: false; results: Result[] };

/**
 * Reads the functionConfig: a `ConfigMap`, the typed kind, or nothing.
 * kpt's empty placeholder (`ConfigMap` `function-input` with no data) means
 * defaults.
 */
export function parseConfig(functionConfig: unknown): ConfigOutcome {
  if (functionConfig === undefined || functionConfig === null) {
    return { ok: true, config: { ...DEFAULT_CONFIG }, results: [] };
  }
  if (!isObject(functionConfig)) {
    return fail(
      undefined,
      "",
      `Cannot read functionConfig: expected an object, got ${typeName(functionConfig)}`,
    );
  }
  const config = functionConfig as KubeObject;
  let raw: unknown;
  if (
    config.kind === "ConfigMap" && (config.apiVersion === "v1" || config.apiVersion === undefined)
  ) {
    raw = config.data ?? {};
    if (!isObject(raw)) {
      return fail(config, "data", "Cannot read ConfigMap data: expected a map of strings");
    }
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value !== "string") {
        return fail(
          config,
          `data.${key}`,
          `Cannot read ConfigMap data "${key}": values must be strings, got ${typeName(value)}`,
        );
      }
    }
  } else if (config.kind === CONFIG_KIND && config.apiVersion === CONFIG_API_VERSION) {
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = config;
    raw = rest;
  } else if (config.kind === undefined && Object.keys(config).length === 0) {
    raw = {};
  } else {
    return fail(
      config,
      "kind",
      `Cannot use functionConfig of kind "${
        String(config.kind)
      }": expected ConfigMap (v1) or ${CONFIG_KIND} (${CONFIG_API_VERSION})`,
    );
  }

  // Every key is optional: an empty config (kpt's placeholder) needs no schema at all.
  const keys = Object.keys(raw as Record<string, unknown>);
  const parsed = keys.length === 0
    ? { success: true as const, data: {} as z.output<ReturnType<typeof fieldsFor>> }
    : fieldsFor(keys).safeParse(raw);
  if (!parsed.success) {
    const prefix = config.kind === "ConfigMap" ? "data." : "";
    return {
      ok: false,
      results: parsed.error.issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
          return issue.keys.map((key) =>
            configError(
              config,
              `${prefix}${key}`,
              `Unknown configuration key "${key}": known keys are ${CONFIG_KEYS.join(", ")}`,
            )
          );
        }
        const path = fieldPathOf(issue.path.filter((p) => typeof p !== "symbol"));
        const key = issue.path[0];
        const message = `Invalid configuration "${String(key ?? "")}": ${issue.message}`;
        return configError(config, `${prefix}${path}`.replace(/\.$/, ""), message);
      }),
    };
  }
  const value = parsed.data;
  const resolved: Config = {
    kumaVersion: value.kumaVersion ?? DEFAULT_CONFIG.kumaVersion,
    zone: value.zone ?? DEFAULT_CONFIG.zone,
    environment: value.environment === "auto" ? undefined : value.environment,
    inboundTagsDisabled: value.inboundTagsDisabled ?? DEFAULT_CONFIG.inboundTagsDisabled,
    meshServiceOutput: value.meshServiceOutput,
    systemNamespace: value.systemNamespace ?? DEFAULT_CONFIG.systemNamespace,
    assumeMeshes: value.assumeMeshes ?? DEFAULT_CONFIG.assumeMeshes,
    assumeInjectedNamespaces: value.assumeInjectedNamespaces === undefined
      ? DEFAULT_CONFIG.assumeInjectedNamespaces
      : value.assumeInjectedNamespaces.includes("*")
      ? "*"
      : value.assumeInjectedNamespaces.filter((ns) => ns !== "none"),
    outputPath: value.outputPath ??
      ((value.zones?.length ?? 0) > 0 ? DEFAULT_MULTIZONE_OUTPUT_PATH : DEFAULT_CONFIG.outputPath),
    zones: value.zones ?? [],
    globalEnvironment: value.globalEnvironment ?? DEFAULT_CONFIG.globalEnvironment,
    hostnameGenerators: (value.hostnameGenerators ?? []).map((g) => {
      const request: HostnameGeneratorRequest = { preset: g.preset };
      if ("name" in g && g.name !== undefined) request.name = g.name;
      if (g.mesh !== undefined) request.mesh = g.mesh;
      return request;
    }),
    skipDefaultHostnameGenerators: value.skipDefaultHostnameGenerators ??
      DEFAULT_CONFIG.skipDefaultHostnameGenerators,
    meshMultiZoneServices: (value.meshMultiZoneServices ?? []).map((m) => ({
      name: m.name,
      mesh: m.mesh ?? "default",
      matchLabels: m.matchLabels,
      ports: m.ports.map((p) => {
        const port: MeshMultiZoneServiceRequest["ports"][number] = { port: p.port };
        if (p.name !== undefined) port.name = p.name;
        if (p.appProtocol !== undefined) port.appProtocol = p.appProtocol;
        return port;
      }),
    })),
    multiZoneServicesFromZones: value.multiZoneServicesFromZones,
    zoneKnown: value.zone !== undefined || (value.zones?.length ?? 0) > 0,
    referenceStyle: value.referenceStyle,
    migrationStage: value.migrationStage as MigrationStage | undefined,
    crossZoneReferences: value.crossZoneReferences ?? {},
    reachableBackendsFor: value.reachableBackendsFor ?? [],
    fixAppProtocol: value.fixAppProtocol ?? DEFAULT_CONFIG.fixAppProtocol,
    exclude: value.exclude ?? [],
  };
  const problems = crossFieldProblems(resolved);
  if (problems.length > 0) {
    const prefix = config.kind === "ConfigMap" ? "data." : "";
    return {
      ok: false,
      results: problems.map((p) => configError(config, `${prefix}${p.key}`, p.message)),
    };
  }
  return { ok: true, config: resolved, results: [] };
}

function crossFieldProblems(config: Config): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const names = new Set<string>();
  for (const zone of config.zones) {
    if (names.has(zone.name)) {
      problems.push({ key: "zones", message: `Zone "${zone.name}" is listed twice` });
    }
    names.add(zone.name);
  }
  if (config.zones.length > 1 && !config.outputPath.includes("{zone}")) {
    problems.push({
      key: "outputPath",
      message:
        `Output path "${config.outputPath}" must contain {zone} when several zones are configured, or zones overwrite each other's files`,
    });
  }
  if (config.multiZoneServicesFromZones !== undefined && config.zones.length < 2) {
    problems.push({
      key: "multiZoneServicesFromZones",
      message: "multiZoneServicesFromZones needs at least two zones in config zones",
    });
  }
  if (config.referenceStyle === "name" && config.kumaVersion === "3.0") {
    problems.push({
      key: "referenceStyle",
      message: "Kuma 3.0 references destinations by labels only: use referenceStyle labels",
    });
  }
  if (config.kumaVersion === "3.0") {
    // Kuma 3.0 (pkg/config/multizone/multicluster.go, ZoneConfig.Validate): zone names are
    // RFC 1035 labels, so they start with a letter (2.x accepts any DNS name).
    const named = [
      ...(/^[a-z]/.test(config.zone) ? [] : [{ key: "zone", name: config.zone }]),
      ...config.zones.filter((z) => !/^[a-z]/.test(z.name)).map((z) => ({
        key: "zones",
        name: z.name,
      })),
    ];
    for (const { key, name } of named) {
      problems.push({
        key,
        message:
          `Zone name "${name}" must start with a letter on Kuma 3.0 (an RFC 1035 label); rename the zone`,
      });
    }
  }
  if (config.globalEnvironment === "kubernetes" && config.kumaVersion === "3.0") {
    problems.push({
      key: "globalEnvironment",
      message: "Kuma 3.0 requires a universal global control plane",
    });
  }
  return problems;
}

/** Why an `outputPath` pattern cannot be used, or `undefined` when it can. */
export function outputPathProblem(pattern: string): string | undefined {
  if (!/\.ya?ml$/.test(pattern)) return `Output path "${pattern}" must end in .yaml or .yml`;
  if (pattern.startsWith("/") || pattern.split("/").includes("..")) {
    return `Output path "${pattern}" must be relative and stay inside the package`;
  }
  for (const match of pattern.matchAll(/\{([^}]*)\}/g)) {
    if (!(OUTPUT_PATH_PLACEHOLDERS as readonly string[]).includes(match[1] ?? "")) {
      return `Output path "${pattern}" uses unknown placeholder {${match[1]}}: known are ${
        OUTPUT_PATH_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")
      }`;
    }
  }
  return undefined;
}

function fail(config: KubeObject | undefined, path: string, message: string): ConfigOutcome {
  return { ok: false, results: [configError(config, path, message)] };
}

function configError(config: KubeObject | undefined, path: string, message: string): Result {
  const result: Result = { message, severity: "error", tags: { reason: REASON.invalidConfig } };
  if (config) {
    result.resourceRef = {
      apiVersion: String(config.apiVersion ?? ""),
      kind: String(config.kind ?? ""),
      name: String(config.metadata?.name ?? ""),
    };
    if (path) result.field = { path };
    const file = fileOf(config);
    if (file) result.file = file;
  }
  return result;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : `a ${typeof value}`;
}
