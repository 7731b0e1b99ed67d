/**
 * Validation of emitted objects against Kuma's CustomResourceDefinitions, read
 * at run time from `../shared/kuma/crds/<dir>/` (never copied into the repo).
 * Objects get `additionalProperties: false` wherever the schema lists
 * `properties` and does not preserve unknown fields, so unknown fields fail
 * like they would be pruned or rejected by the API server; `metadata` stays
 * free-form.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Ajv, type ValidateFunction } from "ajv";
import { parseYamlStream } from "../src/io/yaml.ts";
import type { KubeObject } from "../src/model/krm.ts";
import { parseKumaVersion } from "../src/model/version.ts";

/** Kuma's CRD directories below `shared/kuma/crds/`. */
export type CrdDir = "2.9" | "2.14" | "3.0-dev";

/** `shared/kuma/crds/`, resolved from the repository root. */
export const CRD_ROOT: URL = new URL("../../shared/kuma/crds/", import.meta.url);

/** The CRD directory whose schemas apply to a Kuma version (2.10-2.14 share 2.14's). */
export function crdDirFor(kumaVersion: string): CrdDir {
  const version = parseKumaVersion(kumaVersion);
  if (!version) throw new Error(`Unknown Kuma version "${kumaVersion}"`);
  if (version === "2.9") return "2.9";
  if (version === "3.0") return "3.0-dev";
  return "2.14";
}

/** True when the shared CRDs can be read. */
export async function crdsAvailable(): Promise<boolean> {
  try {
    return (await Deno.stat(CRD_ROOT)).isDirectory;
  } catch {
    return false;
  }
}

type Schema = Record<string, unknown>;

const INT32 = { min: -2147483648, max: 2147483647 };

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  ajv.addVocabulary([
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-list-type",
    "x-kubernetes-map-type",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-validations",
    "example",
    "externalDocs",
  ]);
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);
  return ajv;
}

/** A copy of `schema` that rejects unknown fields; `metadata` (top level) is left free-form. */
export function closeSchema(schema: Schema, path: readonly string[] = []): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && isPlain(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [
          name,
          path.length === 0 && name === "metadata"
            ? sub
            : isPlain(sub)
            ? closeSchema(sub, [...path, name])
            : sub,
        ]),
      );
    } else if (key === "items" && isPlain(value)) {
      out.items = closeSchema(value, [...path, "[]"]);
    } else if ((key === "anyOf" || key === "oneOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = value.map((sub) => (isPlain(sub) ? closeSchema(sub, path) : sub));
    } else if (key === "additionalProperties" && isPlain(value)) {
      out.additionalProperties = closeSchema(value, [...path, "*"]);
    } else {
      out[key] = value;
    }
  }
  if (
    isPlain(schema.properties) && schema["x-kubernetes-preserve-unknown-fields"] !== true &&
    schema.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function isPlain(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Compiled validators of one CRD directory, by `apiVersion/kind`. */
export interface CrdValidators {
  dir: CrdDir;
  byKind: Map<string, ValidateFunction>;
}

const cache = new Map<CrdDir, Promise<CrdValidators>>();

/** Loads and compiles every CRD of a directory (cached). */
export function loadCrdValidators(dir: CrdDir): Promise<CrdValidators> {
  let loaded = cache.get(dir);
  if (!loaded) {
    loaded = compileDir(dir);
    cache.set(dir, loaded);
  }
  return loaded;
}

async function compileDir(dir: CrdDir): Promise<CrdValidators> {
  const ajv = newAjv();
  const byKind = new Map<string, ValidateFunction>();
  const base = new URL(`${dir}/`, CRD_ROOT);
  const files: string[] = [];
  for await (const entry of Deno.readDir(base)) {
    if (entry.isFile && /\.ya?ml$/.test(entry.name)) files.push(entry.name);
  }
  for (const file of files.sort()) {
    for (const doc of await parseYamlStream(await Deno.readTextFile(new URL(file, base)))) {
      const crd = doc as {
        kind?: string;
        spec?: {
          group?: string;
          names?: { kind?: string };
          versions?: { name?: string; schema?: { openAPIV3Schema?: Schema } }[];
        };
      };
      if (crd.kind !== "CustomResourceDefinition") continue;
      const group = crd.spec?.group;
      const kind = crd.spec?.names?.kind;
      for (const version of crd.spec?.versions ?? []) {
        const schema = version.schema?.openAPIV3Schema;
        if (!group || !kind || !version.name || !schema) continue;
        byKind.set(`${group}/${version.name}/${kind}`, ajv.compile(closeSchema(schema)));
      }
    }
  }
  return { dir, byKind };
}

/** Describes why `object` does not match its CRD, or `undefined` when it does (or has no CRD). */
export function crdProblems(validators: CrdValidators, object: KubeObject): string | undefined {
  const validate = validators.byKind.get(`${object.apiVersion}/${object.kind}`);
  if (!validate) return undefined;
  if (validate(object)) return undefined;
  return (validate.errors ?? [])
    .map((e) =>
      `${e.instancePath || "/"} ${e.message ?? ""}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`
    )
    .join("; ");
}

/**
 * Asserts that every MeshService in `items` is valid against the MeshService
 * CRD of `kumaVersion` (2.9, 2.10-2.14 or 3.0).
 */
export async function assertValidAgainstCrds(
  items: readonly KubeObject[],
  kumaVersion: string,
  options: { kinds?: readonly string[] } = {},
): Promise<number> {
  const kinds = options.kinds ?? ["MeshService"];
  const validators = await loadCrdValidators(crdDirFor(kumaVersion));
  let checked = 0;
  for (const item of items) {
    if (!kinds.includes(String(item.kind))) continue;
    const key = `${item.apiVersion}/${item.kind}`;
    assert.ok(validators.byKind.has(key), `no CRD for ${key} in crds/${validators.dir}`);
    const problems = crdProblems(validators, item);
    assert.equal(
      problems,
      undefined,
      `${item.kind} ${
        item.metadata?.namespace ?? ""
      }/${item.metadata?.name} is invalid against crds/${validators.dir}: ${problems}`,
    );
    checked++;
  }
  return checked;
}
