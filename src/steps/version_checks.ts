/**
 * Version checks: every Kuma object of the input judged against the target
 * version with the acceptance table (`src/model/acceptance.ts`). What the
 * version rejects is an error under the readiness gate (Kuma 3.0, or a mesh
 * whose mode becomes `Exclusive`) and a warning otherwise; what it silently
 * drops is a warning. Each result names the field and what to write instead.
 *
 * Where Kuma defines the conversion, the object is rewritten instead
 * ({@link convertForVersion}): on 3.0 a one-entry `spec.from` for every
 * client (`kind: Mesh`) becomes one catch-all `spec.rules` entry with the
 * same `default` (UPGRADE.md 3.0.0, "`from` removed from MeshTimeout" and its
 * siblings).
 *
 * @module
 */

import { isObject, type KubeObject, type Result } from "../model/krm.ts";
import {
  DATAPLANE_FIELDS,
  holding as holdingOnce,
  inSpan,
  type KindRule,
  kindRule,
  type Position,
  POSITION_PATHS,
  positionField,
  type PositionRule,
  type Spans,
} from "../model/acceptance.ts";
import { DEFAULT_MESH, KIND, LABEL } from "../model/kuma.ts";
import type { KumaFeatures, KumaVersion } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";

/** Output of {@link convertForVersion}. */
export interface ConvertOutput {
  /** The items, each converted one replaced (same order). */
  items: KubeObject[];
}

/** Why a `spec.from` cannot become `spec.rules`, or the rules it becomes. */
type FromConversion = { rules: Record<string, unknown>[] } | { why: string };

function isKuma(object: KubeObject): boolean {
  return typeof object.apiVersion === "string" && object.apiVersion.startsWith("kuma.io/");
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** The conversion Kuma 3.0 defines for a policy's `spec.from`, when it applies. */
function fromConversion(rule: KindRule, spec: Record<string, unknown>): FromConversion {
  const kind = rule.kind;
  if (kind === "MeshTrafficPermission") {
    return {
      why:
        "Kuma 3.0 rules match clients by MeshIdentity SPIFFE ID or SNI, not by the Dataplane tags from[] selects, and proxies without a MeshIdentity are denied, so no rule is equal",
    };
  }
  if (!rule.fromBecomesRules) {
    return { why: `Kuma documents no conversion of ${kind} spec.from to spec.rules` };
  }
  const from = spec.from as unknown[];
  if (from.length !== 1) {
    return {
      why:
        `it has ${from.length} from[] entries, and Kuma defines the conversion of one entry for every client; merge their default blocks into one rule by hand`,
    };
  }
  const entry = from[0];
  const target = isObject(entry) && isObject(entry.targetRef) ? entry.targetRef : undefined;
  if (!isObject(entry) || target?.kind !== KIND.mesh || !isObject(entry.default)) {
    return {
      why: `spec.from[0] selects clients by ${
        typeof target?.kind === "string" ? `kind "${target.kind}"` : "no targetRef kind"
      }, and Kuma 3.0 rules select clients only by SPIFFE ID or SNI matches`,
    };
  }
  if (nonEmptyList(spec.rules)) {
    return {
      why: "spec.rules is already set: merging from[] into it would change the rules' order",
    };
  }
  if (nonEmptyList(spec.to) && !rule.rulesWithTo) {
    return {
      why:
        `Kuma 3.0 rejects ${kind} with both spec.to and spec.rules; split it into two policies, one with spec.to and one with spec.rules`,
    };
  }
  return { rules: [{ default: entry.default }] };
}

/** The spec with `from` replaced by `rules` at the same key position. */
function withRules(
  spec: Record<string, unknown>,
  rules: Record<string, unknown>[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key === "from") out.rules = rules;
    else if (key !== "rules") out[key] = value;
  }
  return out;
}

/**
 * Rewrites what the target version defines a conversion for (3.0:
 * `spec.from` to `spec.rules`), before references are resolved. Runs on
 * every item; items it does not convert are returned as they are.
 */
export function convertForVersion(
  items: readonly KubeObject[],
  features: KumaFeatures,
): ConvertOutput {
  const out = items.map((item) => {
    const rule = isKuma(item) ? kindRule(String(item.kind)) : undefined;
    const spec = isObject(item.spec) ? item.spec : undefined;
    if (!features.v3 || !rule || !spec || !nonEmptyList(spec.from)) return item;
    if (rule.spec?.from === undefined || inSpan(rule.spec.from, features.version)) return item;
    const conversion = fromConversion(rule, spec);
    if (!("rules" in conversion)) return item;
    // No result: a rerun on the output finds nothing to convert, and must say the same.
    return { ...item, spec: withRules(spec, conversion.rules) };
  });
  return { items: out };
}

/** Inputs of {@link checkVersion}. */
export interface CheckInput {
  /** Every item of the run with what it becomes in the output. */
  items: readonly { input: KubeObject; output: KubeObject }[];
  features: KumaFeatures;
  /** True when the readiness gate applies to a mesh. */
  gated: (mesh: string) => boolean;
  /** Fields of an input item another step already reported (reference findings). */
  covered: (input: KubeObject, field: string) => boolean;
  /**
   * False when {@link CheckInput.covered} holds for no field of the item: its
   * references' field paths are then only spelt out for a result.
   */
  coversAny?: (input: KubeObject) => boolean;
}

/** Inputs of {@link versionResults}: the run's items and what the other steps made of them. */
export interface RunVersionInput {
  /** The input items. */
  items: readonly KubeObject[];
  /** Output form of each input item that changed. */
  replaced: ReadonlyMap<KubeObject, KubeObject>;
  /** Input item of each object {@link convertForVersion} made. */
  inputOf: ReadonlyMap<KubeObject, KubeObject>;
  /** Meshes and the mode the migration stage gives them. */
  meshes: readonly { name: string; modeAfter: string | null }[];
  /** Reference findings: their fields are left to the reference results. */
  findings: readonly { object: KubeObject; reference: { field: string } }[];
  features: KumaFeatures;
}

/**
 * {@link checkVersion} over a run: the gate applies on Kuma 3.0 and to meshes
 * whose mode becomes `Exclusive`; fields a reference finding reports are skipped.
 */
export function versionResults(input: RunVersionInput): Result[] {
  const exclusive = new Set(
    input.meshes.filter((m) => m.modeAfter === "Exclusive").map((m) => m.name),
  );
  const reported = new Map<KubeObject, Set<string>>();
  for (const finding of input.findings) {
    const item = input.inputOf.get(finding.object) ?? finding.object;
    const fields = reported.get(item) ?? new Set<string>();
    fields.add(finding.reference.field);
    reported.set(item, fields);
  }
  return checkVersion({
    items: input.items.map((item) => ({ input: item, output: input.replaced.get(item) ?? item })),
    features: input.features,
    gated: (mesh) => input.features.v3 || exclusive.has(mesh),
    covered: (item, field) => reported.get(item)?.has(field) ?? false,
    coversAny: (item) => reported.has(item),
  });
}

interface Context {
  input: KubeObject;
  features: KumaFeatures;
  gate: boolean;
  covered: (field: string) => boolean;
  /** False when `covered` holds for no field (see {@link CheckInput.coversAny}). */
  coversAny: boolean;
  results: Result[];
}

/** Results for everything the target version rejects or drops in the output objects. */
export function checkVersion(input: CheckInput): Result[] {
  const results: Result[] = [];
  for (const { input: item, output } of input.items) {
    if (!isKuma(output)) continue;
    const rule = kindRule(String(output.kind));
    if (!rule) continue;
    const context: Context = {
      input: item,
      features: input.features,
      gate: input.gated(meshOf(output)),
      covered: (field) => input.covered(item, field),
      coversAny: input.coversAny?.(item) ?? true,
      results,
    };
    const spec = isObject(output.spec) ? output.spec : undefined;
    if (!spec) continue;
    if (rule.kind === KIND.dataplane) checkDataplane(spec, context);
    if (rule.spec) checkSpecFields(rule, spec, context);
    for (const [position, positionRule] of Object.entries(rule.positions)) {
      const field = positionField(position as Position);
      if (rule.spec?.[field] === undefined || !inSpan(rule.spec[field], input.features.version)) {
        continue;
      }
      eachValueAt(spec, POSITION_PATHS[position as Position], (ref, where) =>
        checkRef(
          { position: position as Position, rule, where, ref, positionRule: positionRule! },
          context,
        ));
    }
    if (rule.rules && Array.isArray(spec.rules)) checkRules(rule.rules, spec.rules, context);
    for (const [path, values] of Object.entries(rule.enums)) {
      const allowed = holding(values, input.features.version);
      eachValueAt(spec, path, (value, where) => {
        if (typeof value !== "string" && typeof value !== "number") return;
        if (allowed.includes(String(value))) return;
        reject(
          context,
          where(),
          `${quote(value)} is not a value Kuma ${input.features.version} accepts (its CRD allows ${
            list(allowed)
          }); write one of them`,
        );
      });
    }
  }
  return results;
}

function meshOf(object: KubeObject): string {
  if (object.kind === KIND.mesh) return String(object.metadata?.name);
  if (typeof object.mesh === "string" && object.mesh !== "") return object.mesh;
  return object.metadata?.labels?.[LABEL.mesh] ?? DEFAULT_MESH;
}

function what(context: Context): string {
  return `${context.input.kind} "${context.input.metadata?.name}"`;
}

function reject(context: Context, field: string, message: string): void {
  context.results.push(
    resultAt(context.input, {
      severity: context.gate ? "error" : "warning",
      message: `${what(context)} ${field}: ${message}${
        context.gate ? "" : " (an error once the mesh's migrationStage is Exclusive)"
      }`,
      reason: REASON.versionAcceptance,
      field,
    }),
  );
}

function drop(context: Context, field: string, message: string): void {
  context.results.push(
    resultAt(context.input, {
      severity: "warning",
      message: `${what(context)} ${field}: ${message}`,
      reason: REASON.versionAcceptance,
      field,
    }),
  );
}

function checkSpecFields(rule: KindRule, spec: Record<string, unknown>, context: Context): void {
  const version = context.features.version;
  const known = holding(rule.spec, version);
  for (const key of Object.keys(spec)) {
    if (known.includes(key)) continue;
    if (key === "from") {
      checkRemovedFrom(rule, spec, context);
      continue;
    }
    const since = rule.spec?.[key];
    drop(
      context,
      `spec.${key}`,
      `Kuma ${version} has no such field (its CRD has ${list(known)}${
        since ? `; ${key} exists in ${since}` : ""
      }): the API server prunes it and Kuma never sees it; remove it or set kumaVersion to a version that has it`,
    );
  }
}

function checkRemovedFrom(rule: KindRule, spec: Record<string, unknown>, context: Context): void {
  const conversion = fromConversion(rule, spec);
  const why = "why" in conversion ? conversion.why : "";
  const rest = rule.v3Requires.filter((f) => nonEmptyList(spec[f]));
  const advice = `write the inbound settings as spec.rules[].default${
    rule.kind === "MeshTrafficPermission"
      ? " with allow, deny or allowWithShadowDeny matches by spiffeID (clients need a MeshIdentity)"
      : ""
  }; not rewritten because ${why}`;
  if (rule.v3Requires.length > 0 && rest.length === 0) {
    reject(
      context,
      "spec.from",
      `Kuma ${context.features.version} removed spec.from, so nothing of ${
        list(rule.v3Requires)
      } is left and Kuma rejects the policy; ${advice}`,
    );
    return;
  }
  drop(
    context,
    "spec.from",
    `Kuma ${context.features.version} removed spec.from and drops it silently, so its inbound settings stop applying; ${advice}`,
  );
}

/** `spec.rules[]` entries: fields and client matches the version does not have are pruned. */
function checkRules(
  rule: NonNullable<KindRule["rules"]>,
  rules: readonly unknown[],
  context: Context,
): void {
  const version = context.features.version;
  const fields = holding(rule.fields, version);
  const matches = holding(rule.matches, version);
  rules.forEach((entry, i) => {
    if (!isObject(entry)) return;
    for (const key of Object.keys(entry)) {
      if (fields.includes(key)) continue;
      drop(
        context,
        `spec.rules[${i}].${key}`,
        `Kuma ${version} rules have no ${key} (fields: ${list(fields)}): the API server prunes it${
          key === "matches" ? ", so the rule applies to every client" : ""
        }; remove it, or set kumaVersion to a version that has it`,
      );
    }
    if (!fields.includes("matches") || !Array.isArray(entry.matches)) return;
    entry.matches.forEach((match, j) => {
      if (!isObject(match)) return;
      for (const key of Object.keys(match)) {
        if (matches.includes(key)) continue;
        drop(
          context,
          `spec.rules[${i}].matches[${j}].${key}`,
          `Kuma ${version} rule matches have no ${key} (fields: ${
            list(matches)
          }): the API server prunes it, so the rule matches more clients; match by ${
            list(matches)
          }`,
        );
      }
    });
  });
}

interface RefSite {
  position: Position;
  rule: KindRule;
  /** Its field path, spelt out on demand. */
  where: () => string;
  ref: unknown;
  positionRule: PositionRule;
}

function checkRef(site: RefSite, context: Context): void {
  const { ref } = site;
  if (!isObject(ref) || typeof ref.kind !== "string") return;
  if (context.coversAny && context.covered(site.where())) return;
  const path = site.where();
  const version = context.features.version;
  const crd = holding(site.positionRule.crd, version);
  const kuma = holding(site.positionRule.kuma, version);
  const rejected = !kuma.includes(ref.kind);
  if (rejected) {
    const by = crd.includes(ref.kind)
      ? `Kuma's ${site.rule.kind} validator accepts only ${list(kuma)} here`
      : `the ${site.rule.kind} CRD of Kuma ${version} has no such kind here, and Kuma accepts ${
        list(kuma)
      }`;
    reject(
      context,
      `${path}.kind`,
      `kind "${ref.kind}" is rejected: ${by}; ${
        replacement(site, { kind: ref.kind, allowed: kuma, version })
      }`,
    );
  }
  // A rejected kind is replaced as a whole: its other fields need no word of their own.
  if (rejected) return;
  const fields = holding(site.positionRule.fields, version);
  for (const key of Object.keys(ref)) {
    if (fields.includes(key)) continue;
    drop(
      context,
      `${path}.${key}`,
      `Kuma ${version} references have no ${key} (fields: ${
        list(fields)
      }): the API server prunes it, so the reference selects something else or nothing; ${
        key === "name" || key === "namespace"
          ? "select by labels (kuma.io/display-name, k8s.kuma.io/namespace) instead"
          : key === "tags"
          ? "select by labels instead"
          : "remove it"
      }`,
    );
  }
}

function replacement(
  site: RefSite,
  wanted: { kind: string; allowed: readonly string[]; version: string },
): string {
  const { kind, allowed, version } = wanted;
  if (site.position === "top") {
    if (kind === KIND.dataplane) {
      return 'write kind "MeshSubset" with the proxies\' tags (top-level Dataplane exists from Kuma 2.10)';
    }
    if (kind === KIND.meshGateway) {
      return 'Kuma 3.0 removed the built-in gateway: select the gateway\'s proxies with kind "Dataplane" and labels, or write kind "Mesh"';
    }
    if (kind === KIND.meshHTTPRoute) {
      return 'write kind "Mesh" (or "Dataplane") at the top and select the route in spec.to[].targetRef with kind "MeshHTTPRoute" where the policy allows it';
    }
    if (version === "3.0") {
      return 'write kind "Dataplane" with the workload\'s labels (the proxies the old kind selected), or kind "Mesh" for every proxy; not rewritten because the tool cannot tell which Dataplane labels equal the old selection';
    }
  }
  if (site.position === "to" && (kind === KIND.meshSubset || kind === KIND.meshServiceSubset)) {
    return 'reference the destination itself: kind "MeshService" with labels (and sectionName for one port)';
  }
  if (site.position === "to" && kind === KIND.mesh) {
    return 'name each destination: kind "MeshService", "MeshExternalService" or "MeshMultiZoneService" with labels';
  }
  return `write one of ${list(allowed)}`;
}

function checkDataplane(spec: Record<string, unknown>, context: Context): void {
  const version = context.features.version;
  const networking = isObject(spec.networking) ? spec.networking : {};
  if (
    networking.advertisedAddress !== undefined &&
    !inSpan(DATAPLANE_FIELDS.advertisedAddress, version)
  ) {
    drop(
      context,
      "spec.networking.advertisedAddress",
      `Kuma ${version} removed advertisedAddress and ignores it: other proxies reach this one on networking.address; make it reachable there and remove the field`,
    );
  }
  const gateway = isObject(networking.gateway) ? networking.gateway : undefined;
  if (gateway && typeof gateway.type === "string") {
    const types = holding(DATAPLANE_FIELDS.gatewayTypes, version);
    if (!types.includes(gateway.type)) {
      reject(
        context,
        "spec.networking.gateway.type",
        `type "${gateway.type}" is rejected: Kuma ${version} knows only ${
          list(types)
        } and fails to parse the Dataplane; delete the built-in gateway Dataplane or run a delegated gateway (type "DELEGATED"); not rewritten because a delegated gateway is a different proxy deployment`,
      );
    }
  }
  const outbounds = Array.isArray(networking.outbound) ? networking.outbound : [];
  outbounds.forEach((outbound, i) => {
    if (!isObject(outbound) || outbound.tags === undefined) return;
    if (inSpan(DATAPLANE_FIELDS.outboundTags, version)) return;
    const field = `spec.networking.outbound[${i}]`;
    const service = isObject(outbound.tags) ? outbound.tags[LABEL.service] : undefined;
    const write = `backendRef: {kind: MeshService, labels: {kuma.io/display-name: ${
      typeof service === "string" ? quote(service) : "<service>"
    }}, port: <the MeshService port>}`;
    if (isObject(outbound.backendRef)) {
      drop(
        context,
        `${field}.tags`,
        `Kuma ${version} removed outbound tags and ignores them (backendRef decides); remove tags`,
      );
      return;
    }
    reject(
      context,
      `${field}.backendRef`,
      `Kuma ${version} requires backendRef on every outbound ("backendRef: must be defined") and drops outbound tags; write ${write}; not rewritten because the outbound's port is the local listener port, not the destination port`,
    );
  });
}

/** The steps of a `spec.a[].b` path (the tables' paths, parsed once each). */
interface Step {
  name: string;
  many: boolean;
}
const STEPS = new Map<string, readonly Step[]>();

function stepsOf(path: string): readonly Step[] {
  let steps = STEPS.get(path);
  if (!steps) {
    steps = path.split(".").slice(1).map((raw) => {
      const many = raw.endsWith("[]");
      const name = many ? raw.slice(0, -2) : raw;
      return { name, many };
    });
    if (STEPS.size < 1000) STEPS.set(path, steps);
  }
  return steps;
}

/**
 * Calls `visit` with each value at a `spec.a[].b` path below `spec`, in
 * order; while it runs, `where()` spells out the value's concrete path
 * (`spec.a[0].b`): most values pass their checks and need none.
 */
function eachValueAt(
  spec: Record<string, unknown>,
  path: string,
  visit: (value: unknown, where: () => string) => void,
): void {
  const steps = stepsOf(path);
  const trail: (string | number)[] = [];
  const where = () => {
    let out = "spec";
    for (const segment of trail) {
      out += typeof segment === "number" ? `[${segment}]` : `.${segment}`;
    }
    return out;
  };
  const walk = (ref: unknown, step: number): void => {
    if (step === steps.length) return visit(ref, where);
    const { name, many } = steps[step]!;
    if (!isObject(ref) || ref[name] === undefined || ref[name] === null) return;
    const value = ref[name];
    trail.push(name);
    if (!many) walk(value, step + 1);
    else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        trail.push(i);
        walk(item, step + 1);
        trail.pop();
      });
    }
    trail.pop();
  };
  walk(spec, 0);
}

/** {@link holdingOnce} by span table (the tables are constants) and version. */
const HELD = new WeakMap<Spans, Map<KumaVersion, readonly string[]>>();

/**
 * The values of a span table that hold in `version` ({@link holdingOnce}),
 * computed once per table and version: the checks ask for every reference
 * of every item. The list is shared: read it, do not change it.
 */
function holding(spans: Spans | undefined, version: KumaVersion): readonly string[] {
  if (spans === undefined) return holdingOnce(spans, version);
  let byVersion = HELD.get(spans);
  if (!byVersion) HELD.set(spans, byVersion = new Map());
  let held = byVersion.get(version);
  if (!held) byVersion.set(version, held = holdingOnce(spans, version));
  return held;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? "nothing" : values.map((v) => `"${v}"`).join(", ");
}

function quote(value: unknown): string {
  return JSON.stringify(String(value));
}
