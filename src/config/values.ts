/**
 * The value shapes configuration keys share: booleans and lists that a
 * ConfigMap spells as strings, YAML text for structured keys, DNS names,
 * and the entries of `zones`, `hostnameGenerators`, `meshMultiZoneServices`.
 *
 * @module
 */

import { load as loadYaml } from "js-yaml";
import {
  DNS1123_LABEL_SHAPE,
  DNS_LABEL_MAX_LENGTH,
  isDns1123Label,
  isDns1123Subdomain,
} from "../model/dns.ts";
import { MESH_SERVICES_MODES, type MeshServicesMode } from "../model/kuma.ts";
import {
  array,
  atLeast,
  atMost,
  boolean,
  integer,
  matches,
  maxLength,
  minLength,
  number,
  object,
  oneOf,
  optional,
  pipe,
  record,
  refine,
  type Schema,
  string,
  transform,
  union,
  type ValueCheck,
} from "./schema.ts";
import type {
  AssumedMesh,
  CrossZoneChoice,
  Environment,
  HostnameGeneratorRequest,
  MeshMultiZoneServiceRequest,
  ZoneConfig,
} from "./types.ts";

/** A boolean, or in a ConfigMap the string `true` or `false`. */
export const booleanField = (): Schema<boolean, boolean | "true" | "false"> =>
  union(
    boolean(),
    pipe(
      oneOf(["true", "false"], 'Must be "true" or "false"'),
      transform((v: string) => v === "true"),
    ),
  );

/** A list of strings, or a comma-separated string (blank entries dropped). */
export const listField = (): Schema<string[], string | string[]> =>
  union(
    array(string()),
    pipe(string(), transform((v: string) => splitList(v))),
  );

/** `a, b,,c` as `["a", "b", "c"]`. */
export function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** A `name[:mode]` entry of `assumeMeshes`. */
export const meshEntry = (): Schema<AssumedMesh, string> =>
  pipe(
    string(),
    transform((entry: string, ctx): AssumedMesh => {
      const [name = "", mode = "Everywhere", ...rest] = entry.split(":").map((s) => s.trim());
      if (!isDns1123Label(name) || rest.length > 0) {
        ctx.addIssue(`Invalid mesh entry "${entry}": expected name[:mode]`);
      } else if (!(MESH_SERVICES_MODES as readonly string[]).includes(mode)) {
        ctx.addIssue(
          `Invalid meshServices mode "${mode}" for mesh "${name}": expected one of ${
            MESH_SERVICES_MODES.join(", ")
          }`,
        );
      }
      return { name, mode: mode as MeshServicesMode };
    }),
  );

/** Longest YAML text a structured ConfigMap value may hold. */
const STRUCTURED_MAX = 65_536;

/** ConfigMap values are strings: a structured key holds YAML (or JSON) text. */
export function structured<O, I>(inner: Schema<O, I>): Schema<O, I | string> {
  return pipe(
    transform((value: unknown, ctx) => {
      if (typeof value !== "string") return value;
      if (value.length > STRUCTURED_MAX) {
        ctx.addIssue("Value is longer than 64 KiB");
        return undefined;
      }
      try {
        return loadYaml(value) ?? [];
      } catch (error) {
        ctx.addIssue(`Cannot read YAML: ${(error as Error).message.split("\n")[0]}`);
        return undefined;
      }
    }),
    inner as Schema<O, unknown>,
  ) as Schema<O, I | string>;
}

/** A map of string labels. */
export const labelMap = (): Schema<Record<string, string>> => record(string(), string());

/** A check that `predicate` holds (a soft issue with `message` when not). */
export function holds(predicate: (value: string) => boolean, message: string): ValueCheck<string> {
  return refine((value: string) => predicate(value) ? undefined : message);
}

/**
 * A DNS-1123 label of at most 63 characters, each rule its own message. Zones:
 * Kuma's `pkg/config/multizone/multicluster.go` (`ZoneConfig.Validate`: a DNS
 * name, at most 63 characters); namespaces: Kubernetes' `IsDNS1123Label`.
 */
export const dnsLabel = (message: string): Schema<string> =>
  string(
    maxLength(DNS_LABEL_MAX_LENGTH, `${message}, at most ${DNS_LABEL_MAX_LENGTH} characters`),
    matches(DNS1123_LABEL_SHAPE, message),
  );

const ENVIRONMENTS = ["kubernetes", "universal"] as const;

/** A `zones` entry: `name:environment[:path...]` or `{name, environment, paths?, labels?}`. */
export const zoneEntry = (): Schema<ZoneConfig, unknown> =>
  pipe(
    union(
      pipe(
        string(),
        transform((entry: string, ctx): ZoneConfig => {
          const [name = "", environment = "", ...paths] = entry.split(":").map((s) => s.trim());
          if (environment !== "kubernetes" && environment !== "universal") {
            ctx.addIssue(
              `Invalid zone entry "${entry}": expected name:kubernetes|universal[:path]`,
            );
          }
          return {
            name,
            environment: environment as Environment,
            paths: paths.filter((p) => p !== ""),
            labels: {},
          };
        }),
      ),
      pipe(
        object({
          name: string(),
          environment: oneOf(ENVIRONMENTS),
          paths: optional(array(string())),
          labels: optional(labelMap()),
        }, { strict: true }),
        transform((zone): ZoneConfig => ({
          name: zone.name,
          environment: zone.environment,
          paths: zone.paths ?? [],
          labels: zone.labels ?? {},
        })),
      ),
    ),
    object({
      name: dnsLabel("Zone names must be DNS-1123 labels"),
      environment: oneOf(ENVIRONMENTS),
      paths: array(string()),
      labels: labelMap(),
    }, { strict: false }),
  );

const generatorName = () =>
  optional(string(holds(isDns1123Subdomain, "Must be a DNS-1123 subdomain")));
const meshName = () => optional(string(holds(isDns1123Label, "Must be a DNS-1123 label")));

/** A `hostnameGenerators` entry: `preset[:mesh]` or `{preset, name?, mesh?}`. */
export const generatorEntry = (): Schema<HostnameGeneratorRequest, unknown> =>
  pipe(
    pipe(
      union(
        pipe(
          string(),
          transform((entry: string) => {
            const [preset = "", mesh] = entry.split(":").map((s) => s.trim());
            return mesh ? { preset, mesh } : { preset };
          }),
        ),
        object({ preset: string(), name: generatorName(), mesh: meshName() }, { strict: true }),
      ),
      // The `preset:mesh` form's mesh is checked like the object's.
      object({ preset: string(), name: generatorName(), mesh: meshName() }, { strict: false }),
    ),
    transform((g): HostnameGeneratorRequest => {
      const request: HostnameGeneratorRequest = { preset: g.preset };
      if (g.name !== undefined) request.name = g.name;
      if (g.mesh !== undefined) request.mesh = g.mesh;
      return request;
    }),
  );

/** A `meshMultiZoneServices` entry (the mesh defaults to `default`). */
export const multiZoneServiceEntry = (): Schema<MeshMultiZoneServiceRequest, unknown> =>
  pipe(
    object({
      name: string(minLength(1)),
      mesh: meshName(),
      matchLabels: labelMap(),
      ports: array(object({
        port: number(integer(), atLeast(1), atMost(65535)),
        name: optional(string()),
        appProtocol: optional(string()),
      }, { strict: true })), // An empty list is reported with the selector by Kuma's validator (multizone_validation.ts).
    }, { strict: true }),
    transform((m): MeshMultiZoneServiceRequest => ({
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
  );

/** A positive integer, or its decimal string. */
export const positiveInt = (): Schema<number, number | string> =>
  union(
    number(integer(), atLeast(1)),
    pipe(
      string(matches(/^[1-9][0-9]*$/, "Must be a positive integer")),
      transform((v: string) => Number(v)),
    ),
  );

const CROSS_ZONE_CHOICES = ["multiZoneService", "local", "keep"] as const;

/** `crossZoneReferences`: one choice for every service, or a map from service to choice. */
export const crossZoneField = (): Schema<Record<string, CrossZoneChoice>, unknown> => {
  const everywhere = () =>
    pipe(oneOf(CROSS_ZONE_CHOICES), transform((choice: CrossZoneChoice) => ({ "*": choice })));
  return union(
    everywhere(),
    structured(union(everywhere(), record(string(minLength(1)), oneOf(CROSS_ZONE_CHOICES)))),
  );
};

/**
 * A `reachableBackendsFor` entry: `namespace/name`, `name`, `*` for either
 * part; the namespace is a DNS label (63), the name at most a subdomain's 253.
 */
export const workloadPattern = (): Schema<string> =>
  string(holds(
    (value) => {
      const match = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)(\/(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?))?$/
        .exec(value);
      if (!match) return false;
      const [first = "", second] = value.split("/");
      return second === undefined
        ? first.length <= 253
        : first.length <= DNS_LABEL_MAX_LENGTH && second.length <= 253;
    },
    'Must be "namespace/name", "name" or use * for either part',
  ));
