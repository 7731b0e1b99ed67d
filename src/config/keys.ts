/**
 * Every configuration key, declared once: how its value is checked and read
 * (the typed kind's native value or a ConfigMap's string), its default, and
 * the row of the reference table in docs/configuration.md. `Config`,
 * `ConfigInput`, `DEFAULT_CONFIG`, `CONFIG_KEYS` and `parseConfig` are
 * derived from this table; tests/config_docs_test.ts checks the docs table
 * against it (`deno task docs:config` rewrites it).
 *
 * Adding a key: one entry here (order = the order of errors and of the known
 * keys list), then `deno task docs:config`.
 *
 * @module
 */

import { globProblem } from "../model/path_patterns.ts";
import { DEFAULT_SYSTEM_NAMESPACE, DEFAULT_ZONE, MIGRATION_STAGES } from "../model/kuma.ts";
import { DEFAULT_KUMA_VERSION, KUMA_VERSIONS, parseKumaVersion } from "../model/version.ts";
import { array, oneOf, pipe, refine, type Schema, string, transform } from "./schema.ts";
import type { KumaVersion } from "../model/version.ts";
import {
  booleanField,
  crossZoneField,
  dnsLabel,
  generatorEntry,
  listField,
  meshEntry,
  multiZoneServiceEntry,
  positiveInt,
  splitList,
  structured,
  workloadPattern,
  zoneEntry,
} from "./values.ts";
import type { AssumedMesh, Environment } from "./types.ts";

/**
 * One configuration key. `default` is the value when the key is not set, or
 * a function of the other keys' values (set or not).
 */
export interface KeyDeclaration<Out, In, Default> {
  /** Checks a value and reads it (a ConfigMap gives strings). */
  readonly schema: Schema<Out, In>;
  /** The value when the key is not set. */
  readonly default: Default | ((set: Readonly<Record<string, unknown>>) => Default);
  /** The docs table's default column when it is not the default value itself. */
  readonly defaultDoc?: string;
  /** The docs table's meaning column (Markdown, relative to docs/). */
  readonly doc: string;
}

/** A key with a default value. */
function key<Out, In>(
  declaration: KeyDeclaration<Out, In, Exclude<Out, undefined>>,
): KeyDeclaration<Out, In, Exclude<Out, undefined>> {
  return declaration;
}

/** A key that stays `undefined` when not set (what it decides is then decided elsewhere). */
function unsetKey<Out, In>(
  declaration: Omit<KeyDeclaration<Out, In, undefined>, "default">,
): KeyDeclaration<Out, In, undefined> {
  return { ...declaration, default: undefined };
}

/** Default file layout of generated items. */
export const DEFAULT_OUTPUT_PATH = "kuma-generated/{mesh}/{namespace}/{kind}_{name}.yaml";

/** Default file layout when zones are configured. */
export const DEFAULT_MULTIZONE_OUTPUT_PATH =
  "kuma-generated/{zone}/{mesh}/{namespace}/{kind}_{name}.yaml";

/** Placeholders `outputPath` may use. */
export const OUTPUT_PATH_PLACEHOLDERS = ["mesh", "namespace", "kind", "name", "zone"] as const;

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

const kumaVersion = () =>
  pipe(
    string(),
    transform((value: string, ctx): KumaVersion => {
      const version = parseKumaVersion(value);
      if (!version) {
        ctx.addIssue(
          `Unknown Kuma version "${value}": supported versions are ${KUMA_VERSIONS.join(", ")}`,
        );
      }
      return version ?? DEFAULT_KUMA_VERSION;
    }),
  );

/** `*` wins; `none` is no namespace. */
const injectedNamespaces = () =>
  pipe(
    listField(),
    transform((list: string[]): "*" | string[] =>
      list.includes("*") ? "*" : list.filter((ns) => ns !== "none")
    ),
  );

const zonesSet = (set: Readonly<Record<string, unknown>>) =>
  ((set.zones as unknown[] | undefined)?.length ?? 0) > 0;

/** Every configuration key, in the order errors and `CONFIG_KEYS` list them. */
export const CONFIG_KEY_DECLARATIONS = {
  kumaVersion: key({
    schema: kumaVersion(),
    default: DEFAULT_KUMA_VERSION,
    doc:
      "Kuma whose rules apply: `2.9`, `2.10`, `2.11`, `2.12`, `2.13`, `2.14`, `3.0` (a patch such as `2.14.3` is accepted). Every rule that differs by version is gated by it.",
  }),
  zone: key({
    schema: dnsLabel("Must be a DNS-1123 label (lowercase letters, digits, '-')"),
    default: DEFAULT_ZONE,
    doc: "The zone's name (`KUMA_MULTIZONE_ZONE_NAME`), written to `kuma.io/zone`.",
  }),
  environment: unsetKey({
    schema: pipe(
      oneOf(["kubernetes", "universal", "auto"]),
      transform((v): Environment | undefined => v === "auto" ? undefined : v),
    ),
    defaultDoc: "detected",
    doc:
      "`kubernetes` or `universal` (or `auto`). Detected as `universal` when the input has Dataplanes and no Kubernetes workload objects; an info result says what was detected.",
  }),
  inboundTagsDisabled: key({
    schema: booleanField(),
    default: false,
    doc:
      "Kuma 2.14's `experimental.inboundTagsDisabled` (workload mode): Universal MeshServices named after the `kuma.io/workload` label, `dataplaneLabels` selectors on Kubernetes. Always on for 3.0; ignored (warning) before 2.14.",
  }),
  meshServiceOutput: unsetKey({
    schema: oneOf(["preview", "apply", "none"]),
    defaultDoc: "`preview` on Kubernetes, `apply` on Universal",
    doc: "What is emitted, see [below](#what-is-emitted-meshserviceoutput).",
  }),
  systemNamespace: key({
    schema: dnsLabel("Must be a DNS-1123 label"),
    default: DEFAULT_SYSTEM_NAMESPACE,
    doc: "Kuma's system namespace.",
  }),
  assumeMeshes: key({
    schema: pipe(listField(), array(meshEntry())),
    default: [{ name: "default", mode: "Everywhere" }] as AssumedMesh[],
    defaultDoc: "`default:Everywhere`",
    doc:
      'Meshes assumed to exist when the input holds no `Mesh` of that name, as `name[:mode]` entries, comma-separated. `""` assumes none. On 2.x `migrationStage` sets their mode as it does for Mesh objects.',
  }),
  assumeInjectedNamespaces: key({
    schema: injectedNamespaces(),
    default: "*",
    doc:
      "Namespaces assumed labelled `kuma.io/sidecar-injection: enabled` when the input holds no `Namespace` of that name: `*` for all, a comma-separated list, or `none`.",
  }),
  outputPath: key({
    schema: string(refine(outputPathProblem)),
    default: (set) => zonesSet(set) ? DEFAULT_MULTIZONE_OUTPUT_PATH : DEFAULT_OUTPUT_PATH,
    defaultDoc: `\`${DEFAULT_OUTPUT_PATH}\``,
    doc:
      "File layout of generated items; placeholders `{mesh}`, `{namespace}`, `{kind}`, `{name}`, `{zone}`. Empty placeholders drop their path segment (Universal MeshServices have no namespace). Several items may share a file (they get `index` annotations).",
  }),
  zones: key({
    schema: structured(array(zoneEntry())),
    default: [],
    doc:
      "The zones of a multizone deployment, for the multizone view (see [Hostnames and multizone](kuma-behaviour.md#hostnames-and-multizone)): a list of `{name, environment, paths, labels}`; in a ConfigMap, YAML text or `name:environment:path` entries. With zones, `zone` is unused and `outputPath` must contain `{zone}` (default `kuma-generated/{zone}/{mesh}/{namespace}/{kind}_{name}.yaml`).",
  }),
  globalEnvironment: key({
    schema: oneOf(["kubernetes", "universal"]),
    default: "universal",
    doc:
      "Store of the global control plane (`kubernetes` only for 2.x): decides the names synced resources and generators get.",
  }),
  hostnameGenerators: key({
    schema: pipe(
      // `preset[:mesh]` entries, comma-separated, unless the text is YAML.
      transform((value: unknown) =>
        typeof value === "string" && !/^\s*[\[{-]/.test(value) ? splitList(value) : value
      ),
      structured(array(generatorEntry())),
    ),
    default: [],
    doc:
      "Generators to render from `templates/hostname-generators/catalogue/`: entries `{preset, name?, mesh?}` (ConfigMap: `preset[:mesh]`, comma-separated). `mesh` restricts the generator to one mesh.",
  }),
  skipDefaultHostnameGenerators: key({
    schema: booleanField(),
    default: false,
    doc:
      "Kuma's `KUMA_DEFAULTS_SKIP_HOSTNAME_GENERATORS`: preview without Kuma's default generators.",
  }),
  meshMultiZoneServices: key({
    schema: structured(array(multiZoneServiceEntry())),
    default: [],
    doc:
      "MeshMultiZoneServices to generate: `{name, mesh?, matchLabels, ports: [{port, name?, appProtocol?}]}` (ConfigMap: YAML text).",
  }),
  multiZoneServicesFromZones: unsetKey({
    schema: positiveInt(),
    doc:
      "Also generate one for every service (mesh, display name, namespace) present in at least this many zones, selecting it by `kuma.io/display-name` and `k8s.kuma.io/namespace`, with the ports all zones share.",
  }),
  referenceStyle: unsetKey({
    schema: oneOf(["name", "labels"]),
    defaultDoc: "`name` on 2.x, `labels` on 3.0",
    doc:
      "How rewritten references name a MeshService: `name` (`name`/`namespace` plus `sectionName` in `to[]`, `port` in backendRefs) or `labels` (`kuma.io/display-name`, `k8s.kuma.io/namespace`, `kuma.io/zone`). 3.0 accepts only `labels`. See [References and migration](kuma-behaviour.md#references-and-migration).",
  }),
  migrationStage: unsetKey({
    schema: oneOf(MIGRATION_STAGES),
    doc:
      "`Everywhere`, `ReachableBackends` or `Exclusive`: sets `spec.meshServices.mode` on every Mesh of the input (2.x) before MeshServices are derived. `Exclusive` is refused (error) while legacy or unresolved references remain. On 3.0 there is no mode; the gate always applies.",
  }),
  crossZoneReferences: key({
    schema: crossZoneField(),
    default: {},
    doc:
      "For a service that exists in several zones: `multiZoneService` (rewrite to the MeshMultiZoneService that selects it), `local` (pin to the referencing object's zone) or `keep`. One value, or a map from a `kuma.io/service` value or display name (or `*`) to a value. Unset: such references are left as written with a warning naming the zones that would stop receiving traffic.",
  }),
  reachableBackendsFor: key({
    schema: pipe(listField(), array(workloadPattern())),
    default: [],
    doc:
      "Workloads that get reachable backends computed from the routes and policies that apply to them: `namespace/name` (Kubernetes workloads), `name` (Universal Dataplanes), `*` for either part; comma-separated in a ConfigMap.",
  }),
  fixAppProtocol: key({
    schema: booleanField(),
    default: false,
    doc:
      "Add the one field Kuma's MeshService reads where a port's protocol came from elsewhere: `appProtocol` on Kubernetes Service ports that have only the `<port>.service.kuma.io/protocol` annotation, `protocol` on Universal inbounds that have only the `kuma.io/protocol` tag (workload mode). Edited in place like route rewrites. See [Traffic changes](kuma-behaviour.md#traffic-changes).",
  }),
  exclude: key({
    schema: pipe(listField(), array(string(refine(globProblem)))),
    default: [],
    doc:
      "Directory mode (`render`, `check`, `generate`, the Action): globs relative to the directory of files and folders not to read (`sandbox/**`, `**/openapi.yaml`); comma-separated in a ConfigMap. See [Real repositories](pipelines/directory.md#real-repositories).",
  }),
};
