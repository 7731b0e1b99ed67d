/**
 * The migration stage: `Mesh.spec.meshServices.mode` (2.x), reachable
 * backends for the workloads the config names, and the readiness gate that
 * refuses `Exclusive` (and Kuma 3.0) while legacy or unresolved references
 * remain.
 *
 * @module
 */

import type { Config } from "../config.ts";
import { isObject, type KubeObject, type Result, stringMap } from "../model/krm.ts";
import {
  ANNOTATION,
  DEFAULT_MESH,
  K8S_KIND,
  KIND,
  LABEL,
  type MeshServicesMode,
} from "../model/kuma.ts";
import { namespaceOf } from "../model/inventory.ts";
import type { KumaFeatures } from "../model/version.ts";
import type { ReportMesh, ReportMigration, ReportReachableBackends } from "../report.ts";
import { REASON, type Reason, resultAt } from "../results.ts";
import type { DestinationIndex } from "./destinations.ts";
import { describeRef, type Finding, type Referrer } from "./references.ts";

/** Output of {@link applyMigrationStage}. */
export interface StageOutput {
  /** Items with the Meshes the stage changed replaced. */
  items: KubeObject[];
  meshes: ReportMesh[];
  results: Result[];
}

/** Mode of a Mesh object (`Disabled` when absent, as Kuma reads it). */
export function meshModeOf(mesh: KubeObject): string {
  const spec = isObject(mesh.spec) ? mesh.spec : {};
  const services = isObject(spec.meshServices) ? spec.meshServices : {};
  return typeof services.mode === "string" ? services.mode : "Disabled";
}

/**
 * Sets `spec.meshServices.mode` to the configured stage on every Mesh of the
 * input (2.x). Runs before generation, so MeshServices follow the new mode.
 */
export function applyMigrationStage(
  items: readonly KubeObject[],
  config: Config,
  features: KumaFeatures,
  pathOf: (object: KubeObject) => string | undefined,
): StageOutput {
  const results: Result[] = [];
  const meshes: ReportMesh[] = [];
  const stage = config.migrationStage;
  const seen = new Set<string>();
  const out = items.map((item) => {
    if (item.kind !== KIND.mesh || !String(item.apiVersion ?? "").startsWith("kuma.io/")) {
      return item;
    }
    const name = String(item.metadata?.name);
    const path = pathOf(item);
    const hasField = isObject(item.spec) && item.spec.meshServices !== undefined;
    if (features.v3) {
      if (hasField && !seen.has(name)) {
        results.push(
          resultAt(item, {
            severity: "info",
            message:
              `Mesh "${name}": Kuma 3.0 removed spec.meshServices and ignores it (every mesh behaves as Exclusive); remove the field`,
            reason: REASON.versionNote,
            field: "spec.meshServices",
          }),
        );
      }
      seen.add(name);
      meshes.push({ name, modeBefore: null, modeAfter: null, ...(path ? { path } : {}) });
      return item;
    }
    const before = meshModeOf(item);
    seen.add(name);
    if (stage === undefined || before === stage) {
      meshes.push({ name, modeBefore: before, modeAfter: before, ...(path ? { path } : {}) });
      return item;
    }
    if (before === "Exclusive") {
      results.push(
        resultAt(item, {
          severity: "warning",
          message:
            `Mesh "${name}" goes back from Exclusive to ${stage}: proxies get kuma.io/service outbounds again`,
          reason: REASON.migrationStage,
          field: "spec.meshServices.mode",
        }),
      );
    }
    meshes.push({ name, modeBefore: before, modeAfter: stage, ...(path ? { path } : {}) });
    const spec = isObject(item.spec) ? item.spec : {};
    const services = isObject(spec.meshServices) ? spec.meshServices : {};
    return { ...item, spec: { ...spec, meshServices: { ...services, mode: stage } } };
  });
  for (const assumed of config.assumeMeshes) {
    if (seen.has(assumed.name)) continue;
    const after: MeshServicesMode | null = features.v3 ? null : stage ?? assumed.mode;
    meshes.push({
      name: assumed.name,
      modeBefore: features.v3 ? null : assumed.mode,
      modeAfter: after,
    });
  }
  if (stage !== undefined && features.v3) {
    results.push(resultAtGlobal(
      `Config migrationStage ${stage} has no Mesh field to set on Kuma 3.0: every mesh behaves as Exclusive, so the readiness gate applies`,
    ));
  }
  return { items: out, meshes, results };
}

function resultAtGlobal(message: string): Result {
  return { message, severity: "info", tags: { reason: REASON.versionNote } };
}

/** Inputs of {@link finishMigration}. */
export interface FinishInput {
  config: Config;
  features: KumaFeatures;
  meshes: readonly ReportMesh[];
  findings: readonly Finding[];
  referrers: readonly Referrer[];
  destinations: DestinationIndex;
  /** Workload objects per zone (pod-template owners and Pods on Kubernetes, Dataplanes on Universal). */
  workloads: readonly Workload[];
  style: "name" | "labels";
}

/** A workload that may get reachable backends. */
export interface Workload {
  object: KubeObject;
  zone: string;
  mesh: string;
  /** Dataplane labels: pod labels plus `k8s.kuma.io/namespace` (Kubernetes) or the Dataplane's labels and inbound tags. */
  labels: Record<string, string>;
  /** `kuma.io/service` values of its inbounds. */
  services: string[];
  namespace: string | undefined;
  path: string | undefined;
}

/** Output of {@link finishMigration}. */
export interface FinishOutput {
  /** Workloads with reachable backends written, by the input object. */
  rewritten: Map<KubeObject, KubeObject>;
  migration: ReportMigration;
  results: Result[];
}

/** Reachable backends, the gate, and the results of every reference finding. */
export function finishMigration(input: FinishInput): FinishOutput {
  const { features, config } = input;
  const gated = new Set(
    input.meshes.filter((m) => features.v3 || m.modeAfter === "Exclusive").map((m) => m.name),
  );
  const results: Result[] = [];
  let remaining = 0;
  for (const finding of input.findings) {
    if (finding.blocking) remaining++;
    const gate = finding.blocking && (features.v3 || gated.has(finding.reference.resource.mesh));
    const severity = gate ? "error" : finding.severity;
    if (severity === undefined) continue;
    const ref = finding.reference;
    const where = ref.path !== undefined ? ` (${ref.path})` : "";
    const why = gate
      ? features.v3
        ? "Kuma 3.0 accepts only resolvable MeshService references"
        : `mesh "${ref.resource.mesh}" is Exclusive, where kuma.io/service references stop working`
      : undefined;
    const message = `${ref.resource.kind} "${ref.resource.name}"${where} ${ref.field} ${
      describeRef(ref.before)
    } is ${statusText(ref.status)}: ${ref.message ?? ""}${why ? `; ${why}` : ""}${
      finding.advice ? `; ${finding.advice}` : ""
    }`;
    results.push(
      resultAt(finding.object, {
        severity,
        message,
        reason: reasonOf(ref.status),
        field: ref.field,
      }),
    );
  }
  if (
    config.migrationStage === "Exclusive" && !features.v3 && remaining > 0 &&
    input.meshes.length > 0
  ) {
    results.push({
      message:
        `Refused migrationStage Exclusive: ${remaining} reference(s) still use kuma.io/service or resolve to nothing (listed above)`,
      severity: "error",
      tags: { reason: REASON.migrationStage },
    });
  }
  const rewritten = new Map<KubeObject, KubeObject>();
  const reachable: ReportReachableBackends[] = [];
  if (config.reachableBackendsFor.length > 0) {
    const findingsOf = findingsByObject(input.findings);
    for (const workload of input.workloads) {
      if (!selected(workload, config.reachableBackendsFor)) continue;
      const refs = reachableRefs(workload, input, findingsOf);
      const existing = existingRefs(workload.object);
      if (existing === "invalid") {
        results.push(resultAt(workload.object, {
          severity: "error",
          message:
            `${workload.object.kind} "${workload.object.metadata?.name}": the ${ANNOTATION.reachableBackends} annotation is not a YAML document with refs (Kuma fails with "cannot parse, kuma.io/reachable-backends has invalid format"); fix or remove it`,
          reason: REASON.invalidField,
          field: annotationPath(workload.object),
        }));
        continue;
      }
      const merged = mergeRefs(existing, refs);
      if (merged.length === 0) {
        results.push(resultAt(workload.object, {
          severity: "warning",
          message:
            `${workload.object.kind} "${workload.object.metadata?.name}" gets no reachable backends: no route or policy that applies to it references a destination, and an empty list would cut all its MeshService traffic; list its destinations by hand`,
          reason: REASON.reachableBackends,
        }));
        continue;
      }
      const next = withReachableBackends(workload.object, merged);
      if (JSON.stringify(next) !== JSON.stringify(workload.object)) {
        rewritten.set(workload.object, next);
      }
      reachable.push({
        kind: String(workload.object.kind),
        name: String(workload.object.metadata?.name),
        ...(workload.namespace !== undefined ? { namespace: workload.namespace } : {}),
        ...(workload.path !== undefined ? { path: workload.path } : {}),
        refs: merged,
      });
    }
  } else if (
    !features.v3 && input.meshes.some((m) => m.modeAfter === "ReachableBackends")
  ) {
    results.push({
      message:
        "Mesh mode ReachableBackends gives MeshService outbounds only to proxies that list reachable backends: set config reachableBackendsFor to the workloads to migrate",
      severity: "warning",
      tags: { reason: REASON.reachableBackends },
    });
  }
  return {
    rewritten,
    migration: {
      stage: config.migrationStage ?? null,
      referenceStyle: input.style,
      meshes: [...input.meshes],
      reachableBackends: reachable,
      complete: remaining === 0,
      remaining,
    },
    results,
  };
}

function statusText(status: string): string {
  switch (status) {
    case "needsDecision":
      return "waiting for a decision";
    case "kept":
      return "kept as kuma.io/service";
    default:
      return status;
  }
}

function reasonOf(status: string): Reason {
  switch (status) {
    case "unresolved":
      return REASON.unresolvedReference;
    case "ambiguous":
      return REASON.ambiguousReference;
    case "needsDecision":
      return REASON.crossZoneReference;
    case "unsupported":
      return REASON.unsupportedReference;
    default:
      return REASON.legacyReference;
  }
}

// ---------------------------------------------------------------------------
// Reachable backends

/** `namespace/name`, `name`, with `*` for either part. */
function selected(workload: Workload, patterns: readonly string[]): boolean {
  const name = String(workload.object.metadata?.name);
  return patterns.some((pattern) => {
    const [first = "", second] = pattern.split("/");
    if (second === undefined) return first === "*" || first === name;
    return (first === "*" || first === workload.namespace) && (second === "*" || second === name);
  });
}

/** True when a referrer's top-level targetRef selects the workload as a client. */
function appliesTo(referrer: Referrer, workload: Workload): boolean {
  if (referrer.origin.mesh !== workload.mesh) return false;
  if (!referrer.zones.includes(workload.zone)) return false;
  const spec = isObject(referrer.object.spec) ? referrer.object.spec : {};
  const top = isObject(spec.targetRef) ? spec.targetRef : { kind: KIND.mesh };
  const tags = stringMap(top.tags);
  const labels = stringMap(top.labels);
  switch (top.kind) {
    case KIND.mesh:
      return true;
    case KIND.meshSubset:
      return Object.entries(tags).every(([k, v]) =>
        k === LABEL.service ? workload.services.includes(v) : workload.labels[k] === v
      );
    case KIND.meshService:
    case KIND.meshServiceSubset:
      return typeof top.name === "string" && workload.services.includes(top.name) &&
        Object.entries(tags).every(([k, v]) => workload.labels[k] === v);
    case KIND.dataplane:
      return Object.entries(labels).every(([k, v]) => workload.labels[k] === v);
    default:
      return false;
  }
}

/** Findings by referencing object, built once for every workload. */
function findingsByObject(findings: readonly Finding[]): Map<KubeObject, Finding[]> {
  const byObject = new Map<KubeObject, Finding[]>();
  for (const finding of findings) {
    const list = byObject.get(finding.object) ?? [];
    list.push(finding);
    byObject.set(finding.object, list);
  }
  return byObject;
}

function reachableRefs(
  workload: Workload,
  input: FinishInput,
  findingsOf: ReadonlyMap<KubeObject, Finding[]>,
): Record<string, unknown>[] {
  const refs: Record<string, unknown>[] = [];
  for (const referrer of input.referrers) {
    if (!appliesTo(referrer, workload)) continue;
    for (const finding of findingsOf.get(referrer.object) ?? []) {
      const role = finding.reference.role;
      if (role !== "to" && role !== "backendRef" && role !== "requestMirror") continue;
      for (const target of finding.reference.targets) {
        if (target.zone !== workload.zone) continue;
        const destination = input.destinations.stored(
          workload.zone,
          target.kind,
          target.name,
          target.namespace,
        );
        if (!destination) continue;
        const port = target.section === undefined
          ? undefined
          : destination.ports.find((p) => (p.name ?? String(p.port)) === target.section)?.port;
        // A name resolves by identity: the Dataplane's zone (and namespace) must be the destination's.
        const byName = destination.kind === KIND.meshService &&
          destination.createdIn === workload.zone &&
          destination.labels[LABEL.zone] === workload.zone &&
          destination.labels[LABEL.namespace] === destination.namespace;
        const ref: Record<string, unknown> = { kind: destination.kind };
        if (byName) {
          ref.name = destination.labels[LABEL.displayName] ?? destination.name;
          if (destination.namespace !== undefined) ref.namespace = destination.namespace;
        } else {
          const labels: Record<string, string> = {
            [LABEL.displayName]: destination.labels[LABEL.displayName] ?? destination.name,
          };
          if (destination.labels[LABEL.namespace] !== undefined) {
            labels[LABEL.namespace] = destination.labels[LABEL.namespace]!;
          }
          if (destination.labels[LABEL.zone] !== undefined) {
            labels[LABEL.zone] = destination.labels[LABEL.zone]!;
          }
          ref.labels = labels;
        }
        if (port !== undefined) ref.port = port;
        refs.push(ref);
      }
    }
  }
  return refs;
}

function refKey(ref: Readonly<Record<string, unknown>>): string {
  return JSON.stringify([
    ref.kind,
    ref.namespace ?? "",
    ref.name ?? "",
    isObject(ref.labels) ? Object.entries(ref.labels).sort() : [],
    ref.port ?? "",
  ]);
}

/** Existing refs first (hand-written entries survive), then new ones, sorted and de-duplicated. */
function mergeRefs(
  existing: readonly Record<string, unknown>[],
  computed: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const byKey = new Map<string, Record<string, unknown>>();
  for (const ref of [...existing, ...computed]) {
    const key = refKey(ref);
    if (!byKey.has(key)) byKey.set(key, ref);
  }
  // A reference to a whole destination covers the references to its ports.
  for (const [key, ref] of [...byKey]) {
    if (ref.port !== undefined && byKey.has(refKey({ ...ref, port: undefined }))) byKey.delete(key);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

function podMetadataPath(object: KubeObject): string[] {
  switch (object.kind) {
    case K8S_KIND.pod:
      return ["metadata"];
    case K8S_KIND.cronJob:
      return ["spec", "jobTemplate", "spec", "template", "metadata"];
    case KIND.dataplane:
      return ["spec", "networking", "transparentProxying"];
    default:
      return ["spec", "template", "metadata"];
  }
}

function annotationPath(object: KubeObject): string {
  return object.kind === KIND.dataplane
    ? "spec.networking.transparentProxying.reachableBackends"
    : `${podMetadataPath(object).join(".")}.annotations["${ANNOTATION.reachableBackends}"]`;
}

function at(object: unknown, path: readonly string[]): unknown {
  let current = object;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function existingRefs(object: KubeObject): Record<string, unknown>[] | "invalid" {
  if (object.kind === KIND.dataplane) {
    const refs = at(object, [...podMetadataPath(object), "reachableBackends", "refs"]);
    return Array.isArray(refs) ? refs.filter(isObject) as Record<string, unknown>[] : [];
  }
  const annotations = stringMap(at(object, [...podMetadataPath(object), "annotations"]));
  const text = annotations[ANNOTATION.reachableBackends];
  if (text === undefined) return [];
  const parsed = parseReachableBackends(text);
  return parsed === undefined ? "invalid" : parsed;
}

/** Reads the annotation's document (JSON, or the YAML this tool writes). */
export function parseReachableBackends(text: string): Record<string, unknown>[] | undefined {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "null") return [];
  try {
    const parsed = JSON.parse(trimmed);
    if (!isObject(parsed)) return undefined;
    return Array.isArray(parsed.refs) ? parsed.refs.filter(isObject) : undefined;
  } catch {
    return parseRefsYaml(trimmed);
  }
}

/** The block YAML {@link formatReachableBackends} writes: `refs:` then `- key: value` items. */
function parseRefsYaml(text: string): Record<string, unknown>[] | undefined {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  if (lines[0]?.trim() !== "refs:") return undefined;
  const refs: Record<string, unknown>[] = [];
  let current: Record<string, unknown> | undefined;
  let labels: Record<string, string> | undefined;
  for (const line of lines.slice(1)) {
    const match = /^(\s*)(- )?([A-Za-z0-9._\/-]+):\s*(.*)$/.exec(line);
    if (!match) return undefined;
    const [, indent = "", dash, key = "", raw = ""] = match;
    const value = raw === "" ? undefined : scalar(raw);
    if (dash) {
      current = {};
      labels = undefined;
      refs.push(current);
    }
    if (!current) return undefined;
    if (indent.length >= 4 && labels) {
      labels[key] = String(value);
    } else if (key === "labels" && value === undefined) {
      labels = {};
      current.labels = labels;
    } else {
      current[key] = value;
      labels = undefined;
    }
  }
  return refs;
}

function scalar(raw: string): unknown {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (/^[0-9]+$/.test(raw)) return Number(raw);
  return raw;
}

const PLAIN = /^[A-Za-z][A-Za-z0-9._\/-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

function formatScalar(value: unknown): string {
  if (typeof value === "number") return String(value);
  const text = String(value);
  return PLAIN.test(text) && !RESERVED.test(text) ? text : JSON.stringify(text);
}

/** The annotation's YAML document: `refs:` with one block item per reference. */
export function formatReachableBackends(refs: readonly Record<string, unknown>[]): string {
  const lines = ["refs:"];
  for (const ref of refs) {
    let first = true;
    for (const key of ["kind", "name", "namespace", "labels", "port"]) {
      const value = ref[key];
      if (value === undefined) continue;
      const prefix = first ? "- " : "  ";
      first = false;
      if (key === "labels" && isObject(value)) {
        lines.push(`${prefix}labels:`);
        for (const [k, v] of Object.entries(value)) {
          lines.push(`    ${formatScalar(k)}: ${formatScalar(v)}`);
        }
      } else {
        lines.push(`${prefix}${key}: ${formatScalar(value)}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

function withReachableBackends(
  object: KubeObject,
  refs: readonly Record<string, unknown>[],
): KubeObject {
  const copy = structuredClone(object);
  const path = podMetadataPath(object);
  let current = copy as Record<string, unknown>;
  for (const key of path) {
    if (!isObject(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  if (object.kind === KIND.dataplane) {
    current.reachableBackends = { refs: refs.map((r) => ({ ...r })) };
  } else {
    const annotations = isObject(current.annotations) ? current.annotations : {};
    current.annotations = {
      ...annotations,
      [ANNOTATION.reachableBackends]: formatReachableBackends(refs),
    };
  }
  return copy;
}

/** Workloads of a zone's own items. */
export function workloadsOf(
  items: readonly KubeObject[],
  zone: string,
  environment: "kubernetes" | "universal",
  meshServiceSelectors: readonly {
    namespace: string;
    selector: Record<string, string>;
    services: string[];
  }[],
  pathOf: (object: KubeObject) => string | undefined,
): Workload[] {
  const out: Workload[] = [];
  for (const object of items) {
    if (environment === "universal") {
      if (object.kind !== KIND.dataplane) continue;
      const networking = at(object, ["spec", "networking"]);
      const inbounds = isObject(networking) && Array.isArray(networking.inbound)
        ? networking.inbound
        : [];
      const labels = { ...stringMap(object.metadata?.labels) };
      const services: string[] = [];
      for (const inbound of inbounds) {
        const tags = isObject(inbound) ? stringMap(inbound.tags) : {};
        if (tags[LABEL.service] !== undefined) services.push(tags[LABEL.service]!);
        for (const [k, v] of Object.entries(tags)) if (k !== LABEL.service) labels[k] ??= v;
      }
      out.push({
        object,
        zone,
        mesh: typeof object.mesh === "string" && object.mesh !== "" ? object.mesh : DEFAULT_MESH,
        labels,
        services,
        namespace: undefined,
        path: pathOf(object),
      });
      continue;
    }
    const metaPath = podMetadataPath(object);
    const isWorkload = object.kind === K8S_KIND.pod || object.kind === K8S_KIND.deployment ||
      object.kind === K8S_KIND.statefulSet || object.kind === K8S_KIND.daemonSet ||
      object.kind === K8S_KIND.replicaSet || object.kind === K8S_KIND.job ||
      object.kind === K8S_KIND.cronJob;
    if (!isWorkload) continue;
    const meta = at(object, metaPath);
    const podLabels = stringMap(isObject(meta) ? meta.labels : undefined);
    const podAnnotations = stringMap(isObject(meta) ? meta.annotations : undefined);
    const namespace = namespaceOf(object);
    const services = meshServiceSelectors.filter((s) =>
      s.namespace === namespace &&
      Object.entries(s.selector).every(([k, v]) =>
        k === LABEL.namespace ? v === namespace : podLabels[k] === v
      )
    ).flatMap((s) => s.services);
    out.push({
      object,
      zone,
      mesh: podAnnotations[ANNOTATION.mesh] ?? podLabels[LABEL.mesh] ?? DEFAULT_MESH,
      labels: { ...podLabels, [LABEL.namespace]: namespace },
      services,
      namespace,
      path: pathOf(object),
    });
  }
  return out;
}
