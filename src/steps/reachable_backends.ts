/**
 * Reachable backends: the workloads of each zone, the destinations the routes
 * and policies that apply to a workload reference, and the
 * `kuma.io/reachable-backends` annotation (Kubernetes) or
 * `transparentProxying.reachableBackends` (Universal Dataplane) that lists them.
 *
 * @module
 */

import { isObject, type KubeObject, type Result, stringMap, valueAt } from "../model/krm.ts";
import { ANNOTATION, DEFAULT_MESH, K8S_KIND, KIND, LABEL } from "../model/kuma.ts";
import { namespaceOf } from "../model/inventory.ts";
import type { ReportReachableBackends } from "../report.ts";
import { REASON, resultAt } from "../results.ts";
import type { DestinationIndex } from "./destinations.ts";
import type { Finding, Referrer } from "./references.ts";

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

/** Inputs of {@link writeReachableBackends}. */
export interface ReachableInput {
  /** Config `reachableBackendsFor`: `namespace/name` or `name`, `*` for either part. */
  patterns: readonly string[];
  workloads: readonly Workload[];
  findings: readonly Finding[];
  referrers: readonly Referrer[];
  destinations: DestinationIndex;
}

/** Output of {@link writeReachableBackends}. */
export interface ReachableOutput {
  /** Workloads with reachable backends written, by the input object. */
  rewritten: Map<KubeObject, KubeObject>;
  reachable: ReportReachableBackends[];
  results: Result[];
}

/** Writes reachable backends on every workload the patterns select. */
export function writeReachableBackends(input: ReachableInput): ReachableOutput {
  const results: Result[] = [];
  const rewritten = new Map<KubeObject, KubeObject>();
  const reachable: ReportReachableBackends[] = [];
  if (input.patterns.length === 0) return { rewritten, reachable, results };
  const findingsOf = findingsByObject(input.findings);
  for (const workload of input.workloads) {
    if (!selected(workload, input.patterns)) continue;
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
  return { rewritten, reachable, results };
}

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
  input: ReachableInput,
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
        const destination = input.destinations.stored({
          zone: workload.zone,
          kind: target.kind,
          name: target.name,
          namespace: target.namespace,
        });
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

function existingRefs(object: KubeObject): Record<string, unknown>[] | "invalid" {
  if (object.kind === KIND.dataplane) {
    const refs = valueAt(object, [...podMetadataPath(object), "reachableBackends", "refs"]);
    return Array.isArray(refs) ? refs.filter(isObject) as Record<string, unknown>[] : [];
  }
  const annotations = stringMap(valueAt(object, [...podMetadataPath(object), "annotations"]));
  const text = annotations[ANNOTATION.reachableBackends];
  if (text === undefined) return [];
  const parsed = parseReachableBackends(text);
  return parsed === undefined ? "invalid" : parsed;
}

/**
 * Reads the annotation's document (JSON, or the YAML this tool writes, keys
 * plain or double-quoted). Kuma reads it as YAML (`sigs.k8s.io/yaml`,
 * `pkg/plugins/runtime/k8s/controllers/pod_converter.go`); other YAML forms
 * read as invalid here.
 */
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
    // Keys plain or double-quoted (this tool quotes keys that are not plain, like "0").
    const match = /^(\s*)(- )?([A-Za-z0-9._\/-]+|"(?:[^"\\]|\\.)*"):\s*(.*)$/.exec(line);
    if (!match) return undefined;
    const [, indent = "", dash, rawKey = "", raw = ""] = match;
    const key = String(scalar(rawKey));
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

/** A zone's own items as {@link workloadsOf} reads them. */
export interface WorkloadZone {
  own: readonly KubeObject[];
  name: string;
  environment: "kubernetes" | "universal";
}

/** The MeshService selectors of a Kubernetes zone, with the `kuma.io/service` values each stands for. */
export type ServiceSelectors = readonly {
  namespace: string;
  selector: Record<string, string>;
  services: string[];
}[];

/** Workloads of a zone's own items. */
export function workloadsOf(
  zone: WorkloadZone,
  meshServiceSelectors: ServiceSelectors,
  pathOf: (object: KubeObject) => string | undefined,
): Workload[] {
  const out: Workload[] = [];
  for (const object of zone.own) {
    const workload = zone.environment === "universal"
      ? universalWorkload(object, zone.name)
      : kubernetesWorkload(object, zone.name, meshServiceSelectors);
    if (workload) out.push({ ...workload, path: pathOf(object) });
  }
  return out;
}

/** A Universal Dataplane as a workload: its labels plus inbound tags. */
function universalWorkload(object: KubeObject, zone: string): Omit<Workload, "path"> | undefined {
  if (object.kind !== KIND.dataplane) return undefined;
  const networking = valueAt(object, ["spec", "networking"]);
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
  return {
    object,
    zone,
    mesh: typeof object.mesh === "string" && object.mesh !== "" ? object.mesh : DEFAULT_MESH,
    labels,
    services,
    namespace: undefined,
  };
}

/** A Kubernetes Pod or pod-template owner as a workload: its pod labels and the Services that select them. */
function kubernetesWorkload(
  object: KubeObject,
  zone: string,
  meshServiceSelectors: ServiceSelectors,
): Omit<Workload, "path"> | undefined {
  const metaPath = podMetadataPath(object);
  const isWorkload = object.kind === K8S_KIND.pod || object.kind === K8S_KIND.deployment ||
    object.kind === K8S_KIND.statefulSet || object.kind === K8S_KIND.daemonSet ||
    object.kind === K8S_KIND.replicaSet || object.kind === K8S_KIND.job ||
    object.kind === K8S_KIND.cronJob;
  if (!isWorkload) return undefined;
  const meta = valueAt(object, metaPath);
  const podLabels = stringMap(isObject(meta) ? meta.labels : undefined);
  const podAnnotations = stringMap(isObject(meta) ? meta.annotations : undefined);
  const namespace = namespaceOf(object);
  const services = meshServiceSelectors.filter((s) =>
    s.namespace === namespace &&
    Object.entries(s.selector).every(([k, v]) =>
      k === LABEL.namespace ? v === namespace : podLabels[k] === v
    )
  ).flatMap((s) => s.services);
  return {
    object,
    zone,
    mesh: podAnnotations[ANNOTATION.mesh] ?? podLabels[LABEL.mesh] ?? DEFAULT_MESH,
    labels: { ...podLabels, [LABEL.namespace]: namespace },
    services,
    namespace,
  };
}
