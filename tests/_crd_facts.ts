/**
 * The facts the version acceptance table (`src/model/acceptance.ts`) states,
 * derived from a directory of Kuma CRDs: per kind, the `spec` fields, the
 * `targetRef` kinds and fields of every position, and the enums of the kinds
 * whose content the tool reads. Read at test time, never copied.
 *
 * @module
 */

import { parseYamlStream } from "../src/io/yaml.ts";
import { ENUM_KINDS, type Position, POSITION_PATHS } from "../src/model/acceptance.ts";

type Schema = Record<string, unknown>;

/** What one kind's CRD states. */
export interface CrdKindFacts {
  /** `spec` is `x-kubernetes-preserve-unknown-fields` (Mesh, Dataplane): the schema says nothing more. */
  openSpec: boolean;
  /** Names under `spec.properties`, sorted. */
  specFields: string[];
  /** Per position: the `kind` enum, the reference's field names and its `proxyTypes` enum, sorted. */
  positions: Partial<Record<Position, { kinds: string[]; fields: string[]; proxyTypes: string[] }>>;
  /** Fields of a `spec.rules[]` entry and of its `matches[]` items, sorted (when `spec.rules` exists). */
  rules?: { fields: string[]; matches: string[] };
  /** `path` to enum values (sorted) outside reference positions, for {@link ENUM_KINDS}. */
  enums: Record<string, string[]>;
}

function isPlain(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The sub-schema at a `spec.to[].targetRef` style path. */
function at(schema: Schema, path: string): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const raw of path.split(".")) {
    const list = raw.endsWith("[]");
    const name = list ? raw.slice(0, -2) : raw;
    const props: unknown = current?.properties;
    current = isPlain(props) && isPlain(props[name]) ? props[name] as Schema : undefined;
    if (current && list) current = isPlain(current.items) ? current.items : undefined;
    if (!current) return undefined;
  }
  return current;
}

function enumsOf(schema: Schema, path: string, out: Record<string, string[]>): void {
  if (Array.isArray(schema.enum)) out[path] = schema.enum.map(String).sort();
  if (isPlain(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (isPlain(sub)) enumsOf(sub, `${path}.${name}`, out);
    }
  }
  if (isPlain(schema.items)) enumsOf(schema.items, `${path}[]`, out);
}

/** Facts of every CRD in `dir` (a `file:` URL ending in `/`), by kind. */
export async function crdFacts(dir: URL): Promise<Map<string, CrdKindFacts>> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /\.ya?ml$/.test(entry.name)) files.push(entry.name);
  }
  const facts = new Map<string, CrdKindFacts>();
  for (const file of files.sort()) {
    for (const doc of await parseYamlStream(await Deno.readTextFile(new URL(file, dir)))) {
      if (!isPlain(doc) || doc.kind !== "CustomResourceDefinition") continue;
      const spec = doc.spec as {
        names: { kind: string };
        versions: { schema: { openAPIV3Schema: Schema } }[];
      };
      const root = spec.versions[0]!.schema.openAPIV3Schema;
      const specSchema = at(root, "spec") ?? {};
      const kind = spec.names.kind;
      const positions: CrdKindFacts["positions"] = {};
      for (const [position, path] of Object.entries(POSITION_PATHS) as [Position, string][]) {
        const ref = at(root, path);
        if (!ref) continue;
        const kindSchema = at(ref, "kind");
        const proxyTypes = at(ref, "proxyTypes[]");
        positions[position] = {
          kinds: Array.isArray(kindSchema?.enum) ? kindSchema.enum.map(String).sort() : [],
          fields: Object.keys(isPlain(ref.properties) ? ref.properties : {}).sort(),
          proxyTypes: Array.isArray(proxyTypes?.enum) ? proxyTypes.enum.map(String).sort() : [],
        };
      }
      const all: Record<string, string[]> = {};
      if (ENUM_KINDS.includes(kind)) enumsOf(specSchema, "spec", all);
      const enums = Object.fromEntries(
        Object.entries(all).filter(([path]) =>
          !Object.values(POSITION_PATHS).some((p) => path.startsWith(`${p}.`))
        ),
      );
      const rule = at(root, "spec.rules[]");
      const match = rule ? at(rule, "matches[]") : undefined;
      const keys = (schema: Schema | undefined) =>
        Object.keys(isPlain(schema?.properties) ? schema.properties : {}).sort();
      facts.set(kind, {
        ...(rule ? { rules: { fields: keys(rule), matches: keys(match) } } : {}),
        openSpec: specSchema["x-kubernetes-preserve-unknown-fields"] === true,
        specFields: Object.keys(isPlain(specSchema.properties) ? specSchema.properties : {}).sort(),
        positions,
        enums,
      });
    }
  }
  return facts;
}
