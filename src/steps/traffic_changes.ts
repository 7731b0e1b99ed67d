/**
 * The silent-change detector: for every service, what traffic looked like
 * under `kuma.io/service` and what it becomes under MeshService, and every
 * difference nobody asked for.
 *
 * - **Protocol.** Under `kuma.io/service` a Kubernetes port's protocol is
 *   Kuma's `ProtocolTagFor`: a known `appProtocol`, else the
 *   `<port>.service.kuma.io/protocol` annotation, else `tcp`
 *   (`pkg/plugins/runtime/k8s/controllers/inbound_converter.go`, v2.9 to 3.0).
 *   Kuma's MeshService controller copies `appProtocol` only, `tcp` when absent
 *   (`meshservice_controller.go`, v2.14.3 and HEAD), so an annotated port
 *   without `appProtocol` becomes a `tcp` MeshService. On Universal the
 *   legacy protocol is the inbound's `kuma.io/protocol` tag; in workload mode
 *   (3.0, 2.14 with `inboundTagsDisabled`) the generator reads the inbound's
 *   `protocol` field only (`meshservice/generate/generator.go`).
 *   {@link fixProtocols} (config `fixAppProtocol`) adds the one field.
 * - **Port selection** of rewritten top-level targetRefs
 *   (`top_level_sections.ts`), **cross-zone reach** (references waiting for
 *   `crossZoneReferences`): read from the reference findings.
 * - **Proxy patches**: a MeshProxyPatch naming a `kuma.io/service` cluster
 *   (`backend_kuma-demo_svc_3001`); MeshService outbounds name clusters
 *   `<mesh>_<name>_<namespace>_<zone>_msvc_<port>` in 2.x
 *   (`pkg/core/resources/apis/core/destinationname/destinationname.go`,
 *   `ResolveLegacyFromKRI`) and by KRI `kri_msvc_<mesh>_<zone>_<namespace>_<name>_<section>`
 *   with unified naming (2.12+ in Exclusive meshes, always on 3.0: `Resolve`).
 * - **Reachable backends**: the computed list holds only what routes and
 *   policies show (said once per run).
 *
 * @module
 */

import { fieldPathOf } from "../model/field_path.ts";
import type { Config } from "../config.ts";
import { isObject, type KubeObject, type Result, stringAt, stringMap } from "../model/krm.ts";
import { K8S_KIND, KIND, LABEL } from "../model/kuma.ts";
import type { GeneratedMeshService, MeshServicePort } from "../model/mesh_service.ts";
import { type LegacyIndex, type LegacyTarget, legacyTargetsOf } from "../model/service_identity.ts";
import type { KumaFeatures } from "../model/version.ts";
import type { ReportMesh, ReportReachableBackends, ReportTrafficChange } from "../report.ts";
import { REASON, resultAt, resultGlobal } from "../results.ts";
import type { DestinationIndex } from "./destinations.ts";
import type { Finding, Referrer } from "./references.ts";

/** Protocols Kuma 2.x parses (`ParseProtocol`, `pkg/core/metadata/protocol.go` v2.14.3). */
const PROTOCOLS_2X: readonly string[] = ["http", "http2", "tcp", "tls", "grpc", "kafka", "mysql"];
/** Kuma 3.0 dropped `kafka` (`pkg/core/metadata/protocol.go` at HEAD). */
const PROTOCOLS_3X: readonly string[] = ["http", "http2", "tcp", "tls", "grpc", "mysql"];

/** Kuma's `ParseProtocol`: lower-cased, a known protocol, else `tcp` (what an unknown value behaves as). */
function effectiveProtocol(value: string | undefined, v3: boolean): string {
  const lower = (value ?? "").toLowerCase();
  return (v3 ? PROTOCOLS_3X : PROTOCOLS_2X).includes(lower) ? lower : "tcp";
}

/** Kuma's `ProtocolTagFor` (2.x): the protocol a Service port's workloads carry under `kuma.io/service`. */
export function legacyPortProtocol(
  annotations: Readonly<Record<string, string>>,
  port: Readonly<Record<string, unknown>>,
): { protocol: string; from: "appProtocol" | "annotation" | "default" } {
  const app = typeof port.appProtocol === "string" ? port.appProtocol : "";
  if (app !== "" && PROTOCOLS_2X.includes(app.toLowerCase())) {
    return { protocol: app.toLowerCase(), from: "appProtocol" };
  }
  const annotated = annotations[`${port.port}.service.kuma.io/protocol`];
  if (annotated !== undefined && annotated !== "") {
    return { protocol: effectiveProtocol(annotated, false), from: "annotation" };
  }
  return { protocol: "tcp", from: "default" };
}

/** True in Universal workload mode, where only the inbound's `protocol` field counts. */
function workloadMode(config: Config, features: KumaFeatures): boolean {
  return features.v3 || (config.inboundTagsDisabled && features.inboundTagsDisabledFlag);
}

/** Output of {@link fixProtocols}. */
export interface ProtocolFix {
  /** The zone's items, fixed ones replaced. */
  items: KubeObject[];
  /** Fixed objects by the input object. */
  replaced: Map<KubeObject, KubeObject>;
}

/**
 * Config `fixAppProtocol`: adds `appProtocol` to every TCP Service port whose
 * protocol comes from the annotation alone (Kubernetes), or `protocol` to
 * every inbound whose protocol comes from the `kuma.io/protocol` tag alone
 * (Universal workload mode), when the target version's MeshService accepts
 * the value. Nothing else changes.
 */
export function fixProtocols(
  items: readonly KubeObject[],
  options: {
    environment: "kubernetes" | "universal";
    config: Config;
    features: KumaFeatures;
    /** The zone's MeshServices before the fix: only their Services and Dataplanes are fixed. */
    generated: readonly GeneratedMeshService[];
  },
): ProtocolFix {
  const replaced = new Map<KubeObject, KubeObject>();
  const { features } = options;
  const sources = new Set(
    options.generated.flatMap((ms) =>
      ms.source.kind === K8S_KIND.service
        ? [`Service/${ms.source.service.namespace ?? "default"}/${ms.source.service.name}`]
        : ms.source.dataplanes.map((d) => `Dataplane/${d.name}`)
    ),
  );
  const isSource = (item: KubeObject) =>
    sources.has(
      item.kind === K8S_KIND.service
        ? `Service/${item.metadata?.namespace ?? "default"}/${item.metadata?.name}`
        : `${item.kind}/${item.metadata?.name}`,
    );
  const allowed = (p: string) =>
    p !== "tcp" && (features.validatedAppProtocols?.includes(p) ?? true) &&
    effectiveProtocol(p, features.v3) === p;
  const universal = options.environment === "universal";
  if (universal && !workloadMode(options.config, features)) return { items: [...items], replaced };
  const out = items.map((item) => {
    if (!isSource(item)) return item;
    const fixed = universal ? fixInbounds(item, allowed) : fixServicePorts(item, allowed);
    if (fixed !== undefined) replaced.set(item, fixed);
    return fixed ?? item;
  });
  return { items: out, replaced };
}

function fixServicePorts(
  item: KubeObject,
  allowed: (p: string) => boolean,
): KubeObject | undefined {
  if (item.kind !== "Service" || item.apiVersion !== "v1" || !isObject(item.spec)) return undefined;
  const ports = item.spec.ports;
  if (!Array.isArray(ports)) return undefined;
  const annotations = stringMap(item.metadata?.annotations);
  let changed = false;
  const next = ports.map((port) => {
    if (!isObject(port) || port.appProtocol !== undefined || !isTcp(port.protocol)) return port;
    const legacy = legacyPortProtocol(annotations, port);
    if (legacy.from !== "annotation" || !allowed(legacy.protocol)) return port;
    changed = true;
    return { ...port, appProtocol: legacy.protocol };
  });
  return changed ? { ...item, spec: { ...item.spec, ports: next } } : undefined;
}

function fixInbounds(item: KubeObject, allowed: (p: string) => boolean): KubeObject | undefined {
  if (item.kind !== KIND.dataplane || !isObject(item.spec)) return undefined;
  const networking = item.spec.networking;
  if (!isObject(networking) || !Array.isArray(networking.inbound)) return undefined;
  let changed = false;
  const inbound = networking.inbound.map((entry) => {
    if (!isObject(entry) || (typeof entry.protocol === "string" && entry.protocol !== "")) {
      return entry;
    }
    const tag = stringAt(entry.tags, LABEL.protocol);
    const protocol = effectiveProtocol(tag, false);
    if (tag === undefined || !allowed(protocol)) return entry;
    changed = true;
    return { ...entry, protocol };
  });
  return changed
    ? { ...item, spec: { ...item.spec, networking: { ...networking, inbound } } }
    : undefined;
}

function isTcp(protocol: unknown): boolean {
  return protocol === undefined || protocol === "" || protocol === "TCP";
}

/** A zone as the detector reads it. */
export interface TrafficZone {
  name: string;
  environment: "kubernetes" | "universal";
  /** The zone's input items (before any fix). */
  own: readonly KubeObject[];
  meshServices: readonly GeneratedMeshService[];
  /** Objects config `fixAppProtocol` replaced. */
  fixed: ReadonlyMap<KubeObject, KubeObject>;
}

/** Inputs of {@link detectTrafficChanges}. */
export interface TrafficInput {
  config: Config;
  features: KumaFeatures;
  zones: readonly TrafficZone[];
  findings: readonly Finding[];
  referrers: readonly Referrer[];
  legacy: LegacyIndex;
  destinations: DestinationIndex;
  meshes: readonly ReportMesh[];
  reachableBackends: readonly ReportReachableBackends[];
  pathOf: (object: KubeObject) => string | undefined;
}

/** Every traffic change of the run, and a result for each one not already reported. */
export function detectTrafficChanges(
  input: TrafficInput,
): { changes: ReportTrafficChange[]; results: Result[] } {
  const changes: ReportTrafficChange[] = [];
  const results: Result[] = [];
  for (const zone of input.zones) {
    const found = zone.environment === "kubernetes"
      ? kubernetesProtocolChanges(zone, input)
      : universalProtocolChanges(zone, input);
    changes.push(...found.changes);
    results.push(...found.results);
  }
  // Port selection and cross-zone findings already have their results (the migration step's).
  changes.push(...findingChanges(input.findings));
  const patches = proxyPatchChanges(input);
  changes.push(...patches.changes);
  results.push(...patches.results);
  if (input.config.reachableBackendsFor.length > 0 && input.reachableBackends.length > 0) {
    const count = input.reachableBackends.length;
    const message =
      `Reachable backends written for ${count} workload(s) list only the destinations their routes and policies reference: a call a workload makes without any route or policy is not listed and stops working once its mesh is in mode ReachableBackends or Exclusive; check each list and add what is missing by hand`;
    results.push(resultGlobal("warning", message, REASON.trafficChange));
    changes.push({
      kind: "reachableBackends",
      before: "every service of the mesh is reachable",
      after: `only the listed destinations are reachable (${count} workload(s))`,
      fixed: false,
      message,
    });
  }
  return { changes, results };
}

// ---------------------------------------------------------------------------
// Protocol

function resourceOf(object: KubeObject): NonNullable<ReportTrafficChange["resource"]> {
  const meta = object.metadata ?? {};
  return {
    kind: String(object.kind),
    name: String(meta.name),
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
  };
}

function kubernetesProtocolChanges(
  zone: TrafficZone,
  input: TrafficInput,
): { changes: ReportTrafficChange[]; results: Result[] } {
  const changes: ReportTrafficChange[] = [];
  const results: Result[] = [];
  const services = new Map<string, KubeObject>();
  for (const item of zone.own) {
    if (item.kind === K8S_KIND.service && item.apiVersion === "v1") {
      services.set(`${item.metadata?.namespace ?? "default"}/${item.metadata?.name}`, item);
    }
  }
  const seen = new Set<string>();
  for (const ms of zone.meshServices) {
    if (ms.source.kind !== "Service") continue;
    const key = `${ms.source.service.namespace ?? "default"}/${ms.source.service.name}`;
    const service = services.get(key);
    if (!service || seen.has(key) || !isObject(service.spec)) continue;
    seen.add(key);
    const annotations = stringMap(service.metadata?.annotations);
    const ports = Array.isArray(service.spec.ports) ? service.spec.ports : [];
    const msPorts = (ms.object.spec as { ports: MeshServicePort[] }).ports;
    ports.forEach((port, index) => {
      if (!isObject(port)) return;
      const msPort = msPorts.find((p) => p.port === port.port);
      if (!msPort) return;
      const legacy = legacyPortProtocol(annotations, port);
      const written = typeof port.appProtocol === "string" ? port.appProtocol : undefined;
      const before = legacy.protocol;
      const after = effectiveProtocol(msPort.appProtocol, input.features.v3);
      const original = effectiveProtocol(written ?? "tcp", input.features.v3);
      if (before === original) return;
      const fixed = zone.fixed.has(service) && after === before;
      const where = `Service "${key}" port ${port.port}`;
      const cause = written === undefined
        ? `annotation ${port.port}.service.kuma.io/protocol: ${before} made it ${before} under kuma.io/service, but Kuma's MeshService controller reads appProtocol only`
        : `appProtocol "${written}" is not a protocol Kuma knows, so the annotation ${port.port}.service.kuma.io/protocol: ${before} decided under kuma.io/service, but the MeshService copies appProtocol verbatim`;
      const message = fixed
        ? `${where}: added appProtocol: ${before} (config fixAppProtocol), so MeshService "${ms.object.metadata?.name}" keeps protocol ${before}`
        : `${where}: ${cause}, so MeshService "${ms.object.metadata?.name}" gets appProtocol ${msPort.appProtocol} and ${
          protocolLoss(before)
        }; ${
          written === undefined && canWrite(before, input.features)
            ? `add appProtocol: ${before} to the port (or set config fixAppProtocol)`
            : written === undefined
            ? `Kuma ${input.features.version} MeshServices do not accept appProtocol ${before}: choose a protocol it accepts`
            : `set appProtocol to ${before}`
        }`;
      pushProtocolChange({ changes, results }, {
        object: service,
        path: input.pathOf(service),
        zone: zone.name,
        field: `spec.ports[${index}].appProtocol`,
        before,
        after,
        fixed,
        message,
      });
    });
  }
  return { changes, results };
}

/** A protocol that changes (or was fixed) on one port of a Service or inbound of a Dataplane. */
interface ProtocolChange {
  object: KubeObject;
  /** The object's file, when known. */
  path: string | undefined;
  zone: string;
  field: string;
  before: string;
  after: string;
  fixed: boolean;
  message: string;
}

/** Adds `change` to the report, and as a warning result unless it was fixed. */
function pushProtocolChange(
  found: { changes: ReportTrafficChange[]; results: Result[] },
  change: ProtocolChange,
): void {
  const { object, field, fixed, message } = change;
  found.changes.push({
    kind: "protocol",
    resource: resourceOf(object),
    ...pathField(change.path),
    zone: change.zone,
    field,
    before: change.before,
    after: change.after,
    fixed,
    message,
  });
  // A fix is in the report only: a rerun finds nothing to fix, and results must not differ.
  if (!fixed) {
    found.results.push(
      resultAt(object, { severity: "warning", message, reason: REASON.trafficChange, field }),
    );
  }
}

function canWrite(protocol: string, features: KumaFeatures): boolean {
  return (features.validatedAppProtocols?.includes(protocol) ?? true) &&
    effectiveProtocol(protocol, features.v3) === protocol;
}

function protocolLoss(before: string): string {
  return before === "http" || before === "http2" || before === "grpc"
    ? `${before.toUpperCase()} routes, retries, timeouts and L7 metrics on it stop applying`
    : `traffic on it is no longer handled as ${before}`;
}

function pathField(path: string | undefined): { path?: string } {
  return path === undefined ? {} : { path };
}

function universalProtocolChanges(
  zone: TrafficZone,
  input: TrafficInput,
): { changes: ReportTrafficChange[]; results: Result[] } {
  const changes: ReportTrafficChange[] = [];
  const results: Result[] = [];
  const byName = new Map<string, KubeObject>();
  for (const item of zone.own) {
    if (item.kind === KIND.dataplane) byName.set(String(item.metadata?.name), item);
  }
  const seen = new Set<string>();
  const workload = workloadMode(input.config, input.features);
  for (const ms of zone.meshServices) {
    if (ms.source.kind !== "Dataplanes") continue;
    const msPorts = (ms.object.spec as { ports: MeshServicePort[] }).ports;
    msPorts.forEach((msPort, i) => {
      const service = ms.legacyServices[i];
      for (const ref of ms.source.kind === "Dataplanes" ? ms.source.dataplanes : []) {
        const dataplane = byName.get(ref.name);
        const inbounds = inboundsOf(dataplane);
        const index = inbounds.findIndex((inbound) =>
          inbound.port === msPort.port &&
          (service === undefined || service === "" ||
            stringAt(inbound.tags, LABEL.service) === service)
        );
        if (!dataplane || index < 0) continue;
        const key = `${ref.name}\u0000${index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const inbound = inbounds[index]!;
        const tag = stringAt(inbound.tags, LABEL.protocol);
        // Kuma 2.14+ reads the inbound's protocol field first, then the tag
        // (`Dataplane_Networking_Inbound.GetProtocolFallback`, dataplane_helpers.go).
        const declared = typeof inbound.protocol === "string" && inbound.protocol !== ""
          ? inbound.protocol
          : undefined;
        const before = effectiveProtocol(
          input.features.inboundProtocolField && declared !== undefined ? declared : tag,
          false,
        );
        const after = effectiveProtocol(msPort.appProtocol, input.features.v3);
        const fixed = zone.fixed.has(dataplane) && after === before;
        const field = `spec.networking.inbound[${index}].protocol`;
        if (before === after && !fixed) continue;
        const message = fixed
          ? `Dataplane "${ref.name}" inbound ${msPort.port}: added protocol: ${before} (config fixAppProtocol), so MeshService "${ms.object.metadata?.name}" keeps protocol ${before}`
          : `Dataplane "${ref.name}" inbound ${msPort.port}: its ${LABEL.protocol}: ${tag} tag made it ${before} under kuma.io/service, but ${
            workload
              ? `in workload mode Kuma ${input.features.version} reads the inbound's protocol field only`
              : `Kuma ${input.features.version} derives the MeshService's appProtocol differently`
          }, so MeshService "${ms.object.metadata?.name}" gets appProtocol ${msPort.appProtocol} and ${
            protocolLoss(before)
          }; ${
            canWrite(before, input.features)
              ? `set the inbound's protocol to ${before}${
                workload ? " (or set config fixAppProtocol)" : ""
              }`
              : `Kuma ${input.features.version} MeshServices do not accept appProtocol ${before}: choose a protocol it accepts`
          }`;
        pushProtocolChange({ changes, results }, {
          object: dataplane,
          path: input.pathOf(dataplane),
          zone: zone.name,
          field,
          before,
          after,
          fixed,
          message,
        });
      }
    });
  }
  return { changes, results };
}

function inboundsOf(dataplane: KubeObject | undefined): Record<string, unknown>[] {
  const spec = dataplane?.spec;
  if (!isObject(spec) || !isObject(spec.networking)) return [];
  const inbound = spec.networking.inbound;
  return Array.isArray(inbound) ? inbound.map((i) => (isObject(i) ? i : {})) : [];
}

// ---------------------------------------------------------------------------
// From the reference findings

function findingChanges(findings: readonly Finding[]): ReportTrafficChange[] {
  const changes: ReportTrafficChange[] = [];
  for (const finding of findings) {
    const ref = finding.reference;
    const base = {
      resource: {
        kind: ref.resource.kind,
        name: ref.resource.name,
        ...(ref.resource.namespace !== undefined ? { namespace: ref.resource.namespace } : {}),
      },
      ...pathField(ref.path),
      zone: ref.zone,
      field: ref.field,
    };
    if (finding.traffic) {
      changes.push({ kind: "portSelection", ...base, ...finding.traffic });
    } else if (ref.status === "needsDecision") {
      changes.push({
        kind: "crossZone",
        ...base,
        before: `load-balanced across the zones of "${String(ref.before.name ?? "")}"`,
        after: "left as written until config crossZoneReferences decides",
        fixed: false,
        message: ref.message ?? "",
      });
    }
  }
  return changes;
}

// ---------------------------------------------------------------------------
// MeshProxyPatch

const PROXY_PATCH = "MeshProxyPatch";

function proxyPatchChanges(
  input: TrafficInput,
): { changes: ReportTrafficChange[]; results: Result[] } {
  const changes: ReportTrafficChange[] = [];
  const results: Result[] = [];
  for (const referrer of input.referrers) {
    const object = referrer.object;
    if (object.kind !== PROXY_PATCH || !isObject(object.spec)) continue;
    const mesh = referrer.origin.mesh;
    const mode = input.meshes.find((m) => m.name === mesh)?.modeAfter ?? null;
    walkStrings(object.spec.default, ["spec", "default"], (text, path) => {
      for (const legacy of mentioned(text)) {
        const targets = legacyTargetsOf(input.legacy, mesh, legacy);
        if (targets.length === 0) continue;
        const replacements = [...new Set(targets.map((t) => clusterNames(t, input, mode)))];
        const field = fieldPathOf(path);
        const message =
          `${PROXY_PATCH} "${object.metadata?.name}" ${field} matches the kuma.io/service cluster "${legacy}", which ${
            input.features.v3 || mode === "Exclusive"
              ? "MeshService outbounds replace"
              : "traffic through MeshService outbounds does not use (and Exclusive mode removes)"
          }: match ${replacements.join(" or ")} instead`;
        changes.push({
          kind: "proxyPatch",
          resource: resourceOf(object),
          ...pathField(referrer.path),
          zone: referrer.createdIn,
          field,
          before: legacy,
          after: replacements.join(" or "),
          fixed: false,
          message,
        });
        results.push(
          resultAt(object, { severity: "warning", message, reason: REASON.trafficChange, field }),
        );
      }
    });
  }
  return { changes, results };
}

/**
 * The legacy names a text may hold: the whole text, and every
 * Kubernetes-shaped name (`<svc>_<ns>_svc_<port>`) inside it as a whole token.
 */
function mentioned(text: string): string[] {
  const tokens = (text.match(/[A-Za-z0-9_.-]+/g) ?? []).filter((t) => t.includes("_svc_"));
  return [...new Set([text, ...tokens])];
}

/** Kuma's cluster name(s) for the MeshService port a legacy name stands for. */
function clusterNames(target: LegacyTarget, input: TrafficInput, mode: string | null): string {
  const copy = input.destinations.byDisplayName({
    zone: target.zone,
    kind: KIND.meshService,
    mesh: target.mesh,
    displayName: target.displayName,
  }).find((d) => d.createdIn === target.zone && d.labels[LABEL.namespace] === target.namespace);
  const zone = copy?.labels[LABEL.zone] ?? "";
  const namespace = copy?.labels[LABEL.namespace] ?? target.namespace ?? "";
  const kri =
    `"kri_msvc_${target.mesh}_${zone}_${namespace}_${target.displayName}_${target.section}"`;
  if (input.features.v3) return kri;
  const legacy = `"${target.mesh}_${target.displayName}_${namespace}_${zone}_msvc_${target.port}"`;
  const unified = input.features.version !== "2.9" && input.features.version !== "2.10" &&
    input.features.version !== "2.11";
  return unified && mode === "Exclusive"
    ? `${legacy} (or ${kri} where proxies use unified resource naming)`
    : legacy;
}

function walkStrings(
  root: unknown,
  rootPath: (string | number)[],
  visit: (text: string, path: (string | number)[]) => void,
): void {
  const walk = (value: unknown, path: (string | number)[]): void => {
    if (path.length > 64) return;
    if (typeof value === "string") visit(value, path);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (isObject(value)) { for (const [k, v] of Object.entries(value)) walk(v, [...path, k]); }
  };
  walk(root, rootPath);
}
