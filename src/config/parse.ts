/**
 * Reads a functionConfig (a `ConfigMap` with string `data`, the typed kind,
 * or nothing) into a {@link Config}: every key of src/config/keys.ts checked
 * with its schema and resolved to its default, then the rules that involve
 * several keys.
 *
 * @module
 */

import { fieldPathOf } from "../model/field_path.ts";
import { isDns1035Label } from "../model/dns.ts";
import { fileOf, isObject, type KubeObject, type Result } from "../model/krm.ts";
import { REASON } from "../results.ts";
import { CONFIG_KEY_DECLARATIONS, type KeyDeclaration } from "./keys.ts";
import type { Input, Issue, Output } from "./schema.ts";
import type { Config, ConfigInput } from "./types.ts";

/** API version of the typed configuration kind. */
export const CONFIG_API_VERSION = "meshservice-krm/v1alpha1";
/** Kind of the typed configuration. */
export const CONFIG_KIND = "RenderMeshServices";

/** The declared keys. */
type ConfigKeyDeclarations = typeof CONFIG_KEY_DECLARATIONS;

/** The resolved value of a declared key: its schema's output, or `undefined` when that is its default. */
type ResolvedValue<D extends { schema: unknown; default: unknown }> = undefined extends D["default"]
  ? Exclude<Output<D["schema"]>, undefined> | undefined
  : Exclude<Output<D["schema"]>, undefined>;

/** What a declared key accepts. */
type AcceptedValue<D extends { schema: unknown }> = Input<D["schema"]>;

/** Resolved configuration derived from the declarations: every key, set or defaulted. */
type DerivedConfig =
  & {
    -readonly [K in keyof ConfigKeyDeclarations]: ResolvedValue<ConfigKeyDeclarations[K]>;
  }
  & { zoneKnown: boolean };

/** What the declarations accept, key by key. */
type DerivedInput = {
  [K in keyof ConfigKeyDeclarations]?: AcceptedValue<ConfigKeyDeclarations[K]>;
};

// Compile-time checks that the public types of types.ts are the declarations':
// `Config` is exactly the resolved values, and `ConfigInput` has every key and
// only values the schemas accept.
const _configIsDerived = (config: Config): DerivedConfig => config;
const _derivedIsConfig = (config: DerivedConfig): Config => config;
const _inputIsAccepted = (input: ConfigInput): DerivedInput => input;
const _sameKeys: [keyof ConfigInput] extends [keyof DerivedInput]
  ? [keyof DerivedInput] extends [keyof ConfigInput] ? true : false
  : false = true;

/** Every key a functionConfig may set (Argo CD parameters are checked against it). */
export const CONFIG_KEYS: readonly string[] = Object.freeze(Object.keys(CONFIG_KEY_DECLARATIONS));

const DECLARATIONS = CONFIG_KEY_DECLARATIONS as Record<
  string,
  KeyDeclaration<unknown, unknown, unknown>
>;

/** The values of the keys set (checked), then every key resolved to its default. */
function resolve(set: Readonly<Record<string, unknown>>): Config {
  const config: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const declaration = DECLARATIONS[key]!;
    const value = set[key];
    config[key] = value !== undefined
      ? value
      : typeof declaration.default === "function"
      ? (declaration.default as (set: Readonly<Record<string, unknown>>) => unknown)(set)
      : structuredClone(declaration.default);
  }
  const zones = set.zones as unknown[] | undefined;
  config.zoneKnown = set.zone !== undefined || (zones?.length ?? 0) > 0;
  return config as unknown as Config;
}

/** Configuration used when no functionConfig is given. */
export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze(resolve({}));

/** The outcome of reading a functionConfig. */
export type ConfigOutcome =
  | { ok: true; config: Config; results: Result[] }
  | { ok: false; results: Result[] };

/** Checks the keys set, in declaration order, then reports unknown keys. */
function checkKeys(
  raw: Record<string, unknown>,
): { set: Record<string, unknown>; issues: Issue[] } {
  const set: Record<string, unknown> = {};
  const issues: Issue[] = [];
  for (const key of CONFIG_KEYS) {
    if (!(key in raw) || raw[key] === undefined) continue;
    const checked = DECLARATIONS[key]!.schema.check(raw[key]);
    issues.push(...checked.issues.map((issue) => ({ ...issue, path: [key, ...issue.path] })));
    set[key] = checked.value;
  }
  const unknown: string[] = [];
  for (const key in raw) if (!Object.hasOwn(DECLARATIONS, key)) unknown.push(key);
  if (unknown.length > 0) {
    issues.push({ code: "unrecognized_keys", path: [], keys: unknown, message: "" });
  }
  return { set, issues };
}

/**
 * Reads the functionConfig: a `ConfigMap`, the typed kind, or nothing.
 * kpt's empty placeholder (`ConfigMap` `function-input` with no data) means
 * defaults.
 */
export function parseConfig(functionConfig: unknown): ConfigOutcome {
  if (functionConfig === undefined || functionConfig === null) {
    return { ok: true, config: { ...DEFAULT_CONFIG }, results: [] };
  }
  const read = readRaw(functionConfig);
  if (!read.ok) return read;
  const { config, raw } = read;
  const prefix = config.kind === "ConfigMap" ? "data." : "";
  const { set, issues } = checkKeys(raw);
  if (issues.length > 0) {
    return {
      ok: false,
      results: issues.flatMap((issue) => {
        if (issue.code === "unrecognized_keys") {
          return (issue.keys ?? []).map((key) =>
            configError(
              config,
              `${prefix}${key}`,
              `Unknown configuration key "${key}": known keys are ${CONFIG_KEYS.join(", ")}`,
            )
          );
        }
        const path = fieldPathOf(issue.path);
        const message = `Invalid configuration "${String(issue.path[0] ?? "")}": ${issue.message}`;
        return configError(config, `${prefix}${path}`.replace(/\.$/, ""), message);
      }),
    };
  }
  const resolved = resolve(set);
  const problems = crossFieldProblems(resolved);
  if (problems.length > 0) {
    return {
      ok: false,
      results: problems.map((p) => configError(config, `${prefix}${p.key}`, p.message)),
    };
  }
  return { ok: true, config: resolved, results: [] };
}

/** The config object and its key-value map, or why it cannot be read. */
function readRaw(
  functionConfig: unknown,
):
  | { ok: true; config: KubeObject; raw: Record<string, unknown> }
  | { ok: false; results: Result[] } {
  if (!isObject(functionConfig)) {
    return fail(
      undefined,
      "",
      `Cannot read functionConfig: expected an object, got ${typeName(functionConfig)}`,
    );
  }
  const config = functionConfig as KubeObject;
  if (
    config.kind === "ConfigMap" && (config.apiVersion === "v1" || config.apiVersion === undefined)
  ) {
    const raw = config.data ?? {};
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
    return { ok: true, config, raw: raw as Record<string, unknown> };
  }
  if (config.kind === CONFIG_KIND && config.apiVersion === CONFIG_API_VERSION) {
    const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = config;
    return { ok: true, config, raw: rest };
  }
  if (config.kind === undefined && Object.keys(config).length === 0) {
    return { ok: true, config, raw: {} };
  }
  return fail(
    config,
    "kind",
    `Cannot use functionConfig of kind "${
      String(config.kind)
    }": expected ConfigMap (v1) or ${CONFIG_KIND} (${CONFIG_API_VERSION})`,
  );
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
  if (config.kumaVersion === "3.0") problems.push(...rfc1035ZoneProblems(config));
  if (config.globalEnvironment === "kubernetes" && config.kumaVersion === "3.0") {
    problems.push({
      key: "globalEnvironment",
      message: "Kuma 3.0 requires a universal global control plane",
    });
  }
  return problems;
}

/**
 * Kuma 3.0 (pkg/config/multizone/multicluster.go, ZoneConfig.Validate): zone
 * names are RFC 1035 labels, so they start with a letter (2.x accepts any DNS name).
 */
function rfc1035ZoneProblems(config: Config): { key: string; message: string }[] {
  const named = [
    { key: "zone", name: config.zone },
    ...config.zones.map((z) => ({ key: "zones", name: z.name })),
  ];
  return named.filter(({ name }) => !isDns1035Label(name)).map(({ key, name }) => ({
    key,
    message:
      `Zone name "${name}" must start with a letter on Kuma 3.0 (an RFC 1035 label); rename the zone`,
  }));
}

function fail(
  config: KubeObject | undefined,
  path: string,
  message: string,
): { ok: false; results: Result[] } {
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
