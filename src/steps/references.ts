/**
 * Rewrites the references of routes and policies from legacy `kuma.io/service`
 * names to MeshService (or MeshMultiZoneService) references, the way Kuma of
 * the configured version resolves them, and records every reference before
 * and after.
 *
 * A reference is rewritten only when the new form provably resolves, in every
 * zone the object is evaluated in, to the destinations the legacy name stood
 * for; otherwise it is left as written and reported.
 *
 * @module
 */

import { fieldPathOf } from "../model/field_path.ts";
import type { Config, CrossZoneChoice, ReferenceStyle } from "../config.ts";
import { isObject, type KubeObject, type Result } from "../model/krm.ts";
import { REASON, resultAt } from "../results.ts";
import { KIND, LABEL, REQUEST_MIRROR, ROUTE_KINDS } from "../model/kuma.ts";
import {
  type LegacyIndex,
  type LegacyTarget,
  legacyTargetsOf,
  parseLegacyServiceName,
  sectionOf,
} from "../model/service_identity.ts";
import { selectorLabelsOf } from "../model/mesh_service.ts";
import type { KumaFeatures } from "../model/version.ts";
import type { ReferenceStatus, ReportReference, ReportTarget } from "../report.ts";
import {
  type BackendMatch,
  type Destination,
  type DestinationIndex,
  type Match,
  type Origin,
  type RefFields,
  refFields,
  resolveBackend,
  resolveTo,
  selectByLabels,
} from "./destinations.ts";
import { type PodTemplate, topLevelSelection, widenedDecision } from "./top_level_sections.ts";
import { holdEntriesTogether, subsetDecision } from "./subsets.ts";

/** An object whose references are read, and where Kuma evaluates it. */
export interface Referrer {
  object: KubeObject;
  /** Zone it is created in, or `global`. */
  createdIn: string;
  /** Zones whose proxies it configures (its own zone, or every zone when created on global). */
  zones: readonly string[];
  origin: Origin;
  path: string | undefined;
}

/** What the step needs besides the referrers. */
export interface ReferenceContext {
  features: KumaFeatures;
  config: Config;
  style: ReferenceStyle;
  multizone: boolean;
  destinations: DestinationIndex;
  legacy: LegacyIndex;
  /** Pod templates of the Kubernetes zones (inbound names for top-level `sectionName`). */
  podTemplates?: readonly PodTemplate[];
}

/** A change of scope a rewrite makes (see `top_level_sections.ts`). */
export interface TrafficNote {
  before: string;
  after: string;
  /** True when the rewrite keeps the legacy scope (a carried `sectionName`). */
  fixed: boolean;
  message: string;
}

/** A reference and how bad it is, for the migration gate to turn into results. */
export interface Finding {
  reference: ReportReference;
  object: KubeObject;
  /** True when the reference still depends on `kuma.io/service` (or resolves to nothing) after the run. */
  blocking: boolean;
  /** Severity outside the gate (`undefined`: no result). */
  severity: "warning" | "info" | undefined;
  /** What to do, appended to the result message. */
  advice: string;
  /** Set when the rewrite changes which traffic the object applies to. */
  traffic?: TrafficNote;
}

/** Output of {@link rewriteReferences}. */
export interface ReferenceOutput {
  /** Rewritten objects by the input object they replace. */
  rewritten: Map<KubeObject, KubeObject>;
  findings: Finding[];
  /** Consequences of rewrites worth knowing (policy roles that change). */
  results: Result[];
}

type Role = ReportReference["role"];

interface Site {
  path: (string | number)[];
  ref: Record<string, unknown>;
  role: Role;
}

/** Kinds whose `spec` holds references to destinations: every `kuma.io` policy with `targetRef`, `to` or `from`. */
export function isReferrerKind(object: KubeObject): boolean {
  if (typeof object.apiVersion !== "string" || !object.apiVersion.startsWith("kuma.io/")) {
    return false;
  }
  switch (object.kind) {
    case KIND.mesh:
    case KIND.dataplane:
    case KIND.meshService:
    case KIND.meshMultiZoneService:
    case KIND.meshExternalService:
    case KIND.hostnameGenerator:
    case KIND.meshGateway:
      return false;
  }
  const spec = object.spec;
  return isObject(spec) &&
    (Array.isArray(spec.to) || Array.isArray(spec.from) || isObject(spec.targetRef));
}

/** Rewrites every referrer's references. */
export function rewriteReferences(
  referrers: readonly Referrer[],
  context: ReferenceContext,
): ReferenceOutput {
  const rewritten = new Map<KubeObject, KubeObject>();
  const findings: Finding[] = [];
  const results: Result[] = [];
  for (const referrer of referrers) {
    let outcome = processReferrer(referrer, context);
    const before = policyRole(referrer, referrer.object, context);
    let after = policyRole(referrer, outcome.copy ?? referrer.object, context);
    if (after === "mixed" && before !== "mixed" && context.style === "name") {
      // Name style made some entries producer items and others consumer items: labels keep them alike.
      const retry = processReferrer(referrer, { ...context, style: "labels" });
      const role = policyRole(referrer, retry.copy ?? referrer.object, context);
      if (role !== "mixed") {
        outcome = retry;
        after = role;
      }
    }
    findings.push(...outcome.findings);
    if (outcome.copy !== undefined) rewritten.set(referrer.object, outcome.copy);
    if (after === "mixed") {
      results.push(resultAt(referrer.object, {
        severity: "warning",
        message:
          `${referrer.object.kind} "${referrer.object.metadata?.name}" mixes to[] entries that make it a producer policy (a MeshService by name in its own namespace, or a kuma.io/service name) with entries that make it a consumer policy, which Kuma rejects: split it into two policies, or resolve the remaining kuma.io/service names`,
        reason: REASON.policyRole,
        field: "spec.to",
      }));
    } else if (before !== after && before !== undefined && after !== undefined) {
      const first = outcome.findings.find((f) => f.reference.status === "rewritten");
      if (first) {
        const note = `policy role changes from ${before} to ${after}: ${
          after === "consumer"
            ? "it now applies only to clients in its own namespace and zone, and is no longer synced to other zones"
            : "it is now synced to other zones"
        }`;
        first.reference.message = first.reference.message
          ? `${first.reference.message}; ${note}`
          : note;
      }
    }
  }
  return { rewritten, findings, results };
}

/** Decides every reference of one referrer. */
function processReferrer(
  referrer: Referrer,
  context: ReferenceContext,
): { copy: KubeObject | undefined; findings: Finding[] } {
  const findings: Finding[] = [];
  let copy: KubeObject | undefined;
  const sites = sitesOf(referrer.object);
  const decisions = holdEntriesTogether(
    sites.map((s) => s.path),
    sites.map((site) => decide(site, referrer, context)),
    fieldPathOf,
  );
  sites.forEach((site, i) => {
    const decision = decisions[i]!;
    const reference: ReportReference = {
      resource: resourceOf(referrer),
      ...(referrer.path !== undefined ? { path: referrer.path } : {}),
      zone: referrer.createdIn,
      field: fieldPathOf(site.path),
      role: site.role,
      before: site.ref,
      ...(decision.after !== undefined ? { after: decision.after } : {}),
      status: decision.status,
      targets: decision.targets,
    };
    if (decision.after !== undefined) {
      copy ??= structuredClone(referrer.object);
      setAt(copy, site.path, decision.after);
    }
    if (decision.message !== undefined) reference.message = decision.message;
    findings.push({
      reference,
      object: referrer.object,
      blocking: decision.blocking,
      severity: decision.severity,
      advice: decision.advice ?? "",
      ...(decision.traffic ? { traffic: decision.traffic } : {}),
    });
  });
  return { copy, findings };
}

/**
 * Kuma's `ComputePolicyRole` for a policy in a Kubernetes namespace other than
 * the system one; `undefined` elsewhere (role `system`) and without `to`.
 */
function policyRole(
  referrer: Referrer,
  object: KubeObject,
  context: ReferenceContext,
): "producer" | "consumer" | "mixed" | undefined {
  const namespace = referrer.origin.namespace;
  if (namespace === undefined || namespace === context.config.systemNamespace) return undefined;
  const spec = isObject(object.spec) ? object.spec : {};
  const to = asList(spec.to);
  if (to.length === 0) return undefined;
  const { features } = context;
  const producer = to.map((entry) => {
    const ref = isObject(entry) && isObject(entry.targetRef)
      ? refFields(entry.targetRef)
      : undefined;
    if (!ref) return false;
    if (features.v3) {
      const labels = ref.labels ?? {};
      const keys = Object.keys(labels);
      return labels[LABEL.displayName] !== undefined &&
        keys.every((k) =>
          k === LABEL.displayName || (k === LABEL.namespace && labels[k] === namespace)
        );
    }
    const kinds = features.routeProducerItems
      ? [KIND.meshService, KIND.meshHTTPRoute]
      : [KIND.meshService];
    return kinds.includes(ref.kind as typeof KIND.meshService) && ref.name !== undefined &&
      (ref.namespace === undefined || ref.namespace === namespace);
  });
  if (producer.every((p) => p)) return "producer";
  if (producer.every((p) => !p)) return "consumer";
  return "mixed";
}

function resourceOf(referrer: Referrer): ReportReference["resource"] {
  const meta = referrer.object.metadata ?? {};
  return {
    kind: String(referrer.object.kind),
    name: String(meta.name),
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    mesh: referrer.origin.mesh,
  };
}

/** Every reference to a destination (or a legacy service) in an object, in document order. */
function sitesOf(object: KubeObject): Site[] {
  const spec = isObject(object.spec) ? object.spec : {};
  const sites: Site[] = [];
  const add = (ref: unknown, path: (string | number)[], role: Role) => {
    if (isObject(ref) && typeof ref.kind === "string" && isServiceKind(ref.kind)) {
      sites.push({ path, ref: ref as Record<string, unknown>, role });
    }
  };
  add(spec.targetRef, ["spec", "targetRef"], "targetRef");
  const route = ROUTE_KINDS.has(String(object.kind));
  asList(spec.to).forEach((to, i) => {
    if (!isObject(to)) return;
    add(to.targetRef, ["spec", "to", i, "targetRef"], "to");
    if (!route) return;
    asList(to.rules).forEach((rule, j) => {
      if (!isObject(rule) || !isObject(rule.default)) return;
      const base = ["spec", "to", i, "rules", j, "default"];
      asList(rule.default.backendRefs).forEach((ref, k) => {
        add(ref, [...base, "backendRefs", k], "backendRef");
      });
      asList(rule.default.filters).forEach((filter, f) => {
        if (!isObject(filter) || filter.type !== REQUEST_MIRROR) return;
        if (!isObject(filter.requestMirror)) return;
        add(filter.requestMirror.backendRef, [
          ...base,
          "filters",
          f,
          "requestMirror",
          "backendRef",
        ], "requestMirror");
      });
    });
  });
  asList(spec.from).forEach((from, i) => {
    if (isObject(from)) add(from.targetRef, ["spec", "from", i, "targetRef"], "from");
  });
  return sites;
}

function isServiceKind(kind: string): boolean {
  return kind === KIND.meshService || kind === KIND.meshServiceSubset ||
    kind === KIND.meshMultiZoneService || kind === KIND.meshExternalService;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): void {
  let current = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) current = current[part] as Record<string | number, unknown>;
  current[path[path.length - 1]!] = value;
}

interface Decision {
  status: ReferenceStatus;
  after?: Record<string, unknown>;
  targets: ReportTarget[];
  message?: string;
  blocking: boolean;
  severity: "warning" | "info" | undefined;
  advice?: string;
  traffic?: TrafficNote;
}

function decide(site: Site, referrer: Referrer, context: ReferenceContext): Decision {
  const ref = refFields(site.ref);
  const { features } = context;
  if (site.role === "targetRef") return decideTopLevel(site, ref, referrer, context);
  if (site.role === "from") {
    return features.v3
      ? {
        status: "unsupported",
        targets: [],
        message: "Kuma 3.0 removed from[]: the policy must select clients in rules[]",
        blocking: true,
        severity: "warning",
        advice: "move the client selection to spec.rules (by SPIFFE ID or Dataplane labels)",
      }
      : {
        status: "kept",
        targets: [],
        message:
          "from[] selects clients by their kuma.io/service tag, which MeshService mode does not change",
        blocking: false,
        severity: undefined,
      };
  }
  if (ref.kind === KIND.meshServiceSubset) return decideSubset(site, ref, referrer, context);
  if (site.role === "requestMirror" && !features.mirrorRealReferences) {
    return decideLegacyMirror(ref, referrer, context);
  }
  const backend = site.role === "backendRef" || site.role === "requestMirror";
  const legacyForm = ref.kind === KIND.meshService && ref.labels === undefined &&
    ref.name !== undefined && (
      features.v3 ||
      (backend
        ? ref.port === undefined &&
          (!features.backendRefSectionName || ref.sectionName === undefined)
        : ref.sectionName === undefined)
    );
  if (legacyForm) {
    const candidates = legacyCandidates(referrer, ref.name!, ref.namespace, context);
    if (candidates.length > 0) {
      return rewriteLegacy(site, ref, referrer, context, candidates);
    }
    if (backend && !features.v3 && ref.sectionName !== undefined) {
      const fixed = sectionToPort(site, ref, referrer, context);
      if (fixed) return fixed;
    }
    if (parseLegacyServiceName(ref.name!) !== undefined || (backend && !features.v3)) {
      return unresolvedLegacy(ref, referrer, context);
    }
  }
  return decideReal(site, ref, referrer, context, backend);
}

/**
 * Before 2.12 a MeshService backendRef with `sectionName` and no `port` is read
 * as a `kuma.io/service` name; when it names a MeshService, write its port.
 */
function sectionToPort(
  site: Site,
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
): Decision | undefined {
  const features = { ...context.features, backendRefSectionName: true };
  const targets: ReportTarget[] = [];
  let port: number | undefined;
  for (const zone of referrer.zones) {
    const outcome = resolveBackend(context.destinations, zone, ref, referrer.origin, features);
    if (!outcome.match || outcome.contenders.length > 0) return undefined;
    const hit = outcome.match.destination.ports.find((p) =>
      sectionOf(p) === outcome.match!.section
    );
    if (!hit || (port !== undefined && port !== hit.port)) return undefined;
    port = hit.port;
    targets.push(reportTarget(outcome.match, zone));
  }
  if (port === undefined) return undefined;
  const out: Record<string, unknown> = { kind: ref.kind, name: ref.name };
  if (ref.namespace !== undefined) out.namespace = ref.namespace;
  out.port = port;
  return {
    status: "rewritten",
    after: withRest(site.ref, out),
    targets,
    message:
      `Kuma ${context.features.version} ignores sectionName on backendRefs (honoured from 2.12) and reads a backendRef without port as the kuma.io/service "${ref.name}": written with port ${port}`,
    blocking: false,
    severity: undefined,
  };
}

/** {@link resolveTo} in one zone, from the referrer, by the run's version rules. */
function toIn(
  context: ReferenceContext,
  zone: string,
  fields: RefFields,
  referrer: Referrer,
): Match[] {
  return resolveTo(context.destinations, zone, fields, referrer.origin, context.features);
}

/** {@link resolveBackend} in one zone, from the referrer, by the run's version rules. */
function backendIn(
  context: ReferenceContext,
  zone: string,
  fields: RefFields,
  referrer: Referrer,
): BackendMatch {
  return resolveBackend(context.destinations, zone, fields, referrer.origin, context.features);
}

// ---------------------------------------------------------------------------
// Legacy names

/** The MeshService ports a legacy name stands for, across every zone. */
function legacyCandidates(
  referrer: Referrer,
  name: string,
  namespace: string | undefined,
  context: ReferenceContext,
): LegacyTarget[] {
  const mesh = referrer.origin.mesh;
  const indexed = legacyTargetsOf(context.legacy, mesh, name);
  if (indexed.length > 0) return [...indexed];
  // Kuma's own translation of 3- and 4-part names, against any MeshService of the run.
  const parsed = parseLegacyServiceName(name);
  if (parsed === undefined || namespace !== undefined) return [];
  const out: LegacyTarget[] = [];
  for (const zone of context.destinations.zones) {
    const found = selectByLabels(context.destinations, zone, KIND.meshService, mesh, {
      [LABEL.displayName]: parsed.name,
      [LABEL.namespace]: parsed.namespace,
    }).filter((d) => d.createdIn === zone);
    for (const d of found) {
      const ports = parsed.port === undefined
        ? d.ports
        : d.ports.filter((p) => p.port === parsed.port);
      for (const port of ports.slice(0, parsed.port === undefined ? 1 : ports.length)) {
        const target: LegacyTarget = {
          legacy: name,
          mesh,
          zone,
          name: d.name,
          displayName: parsed.name,
          port: port.port,
          section: parsed.port === undefined ? "" : sectionOf(port),
        };
        if (d.namespace !== undefined) target.namespace = d.namespace;
        out.push(target);
      }
    }
  }
  return out;
}

function unresolvedLegacy(
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
): Decision {
  const parsed = parseLegacyServiceName(ref.name!);
  const serviceless = parsed !== undefined && parsed.port === undefined;
  return {
    status: "unresolved",
    targets: [],
    message: serviceless
      ? `"${ref.name}" is the kuma.io/service of a workload without a Service: Kuma generates no MeshService for it`
      : `no workload of mesh "${referrer.origin.mesh}" in ${
        zonesText(context.destinations.zones)
      } has kuma.io/service "${ref.name}", and no MeshService matches it`,
    blocking: true,
    severity: "warning",
    advice: serviceless
      ? "add a Service that selects the workload, then render again"
      : "fix the name, or add the Service or Dataplane it stands for",
  };
}

/** The copy of a legacy target that a zone's store holds. */
function isCopyOf(d: Destination, target: LegacyTarget): boolean {
  return d.kind === KIND.meshService && d.createdIn === target.zone &&
    d.mesh === target.mesh &&
    (d.labels[LABEL.displayName] ?? d.name) === target.displayName &&
    d.labels[LABEL.namespace] === target.namespace;
}

/** The copy of a legacy target a zone stores (indexed by display name, no scan). */
function copyIn(
  context: ReferenceContext,
  zone: string,
  target: LegacyTarget,
): Destination | undefined {
  return context.destinations.byDisplayName(zone, KIND.meshService, target.mesh, target.displayName)
    .find((d) => isCopyOf(d, target));
}

function resourceKey(target: LegacyTarget): string {
  return `${target.zone}\u0000${target.namespace ?? ""}\u0000${target.name}`;
}

function rewriteLegacy(
  site: Site,
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
  candidates: LegacyTarget[],
): Decision {
  const zones = unique(candidates.map((c) => c.zone));
  const home = referrer.createdIn;
  const name = ref.name!;
  let chosen: LegacyTarget[] | undefined;
  let pin: "zone" | "origin" | "none" = "zone";
  let note: string | undefined;
  if (zones.length > 1) {
    const choice = crossZoneChoice(context.config, name, candidates[0]!.displayName);
    const elsewhere = zones.filter((z) => z !== home);
    if (choice === undefined) {
      return {
        status: "needsDecision",
        targets: [],
        message: `"${name}" exists in zones ${
          zones.join(", ")
        }: today traffic is load-balanced across them, a MeshService reference sends it to one zone only${
          home === "global"
            ? ""
            : `, so zone${elsewhere.length > 1 ? "s" : ""} ${
              elsewhere.join(", ")
            } would stop receiving traffic from ${home}`
        }`,
        blocking: true,
        severity: "warning",
        advice:
          `set config crossZoneReferences to multiZoneService (keeps cross-zone balancing) or local for "${name}" or "*"`,
      };
    }
    if (choice === "keep") {
      return {
        status: "kept",
        targets: [],
        message: `"${name}" exists in zones ${
          zones.join(", ")
        }; kept as kuma.io/service as config crossZoneReferences says`,
        blocking: true,
        severity: "info",
        advice: "",
      };
    }
    if (choice === "multiZoneService") {
      return rewriteToMultiZone(site, ref, referrer, context, candidates, zones);
    }
    // local
    if (home === "global") {
      pin = "origin";
      chosen = candidates;
      const missing = referrer.zones.filter((z) => !zones.includes(z));
      if (missing.length > 0) {
        note = `zone${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ha${
          missing.length > 1 ? "ve" : "s"
        } no local "${name}": traffic there resolves to nothing`;
      }
    } else {
      chosen = candidates.filter((c) => c.zone === home);
      if (chosen.length === 0) {
        return {
          status: "unresolved",
          targets: [],
          message: `"${name}" has no MeshService in zone ${home} (it exists in ${
            zones.join(", ")
          }), and config crossZoneReferences says local`,
          blocking: true,
          severity: "warning",
          advice: `use multiZoneService for "${name}", or deploy it in zone ${home}`,
        };
      }
      note = `pinned to zone ${home}: zone${elsewhere.length > 1 ? "s" : ""} ${
        elsewhere.join(", ")
      } stop${elsewhere.length > 1 ? "" : "s"} receiving this traffic`;
    }
  } else {
    chosen = candidates;
  }
  // Several MeshServices for one legacy port in a zone: headless Services (one per Pod).
  const resources = unique(chosen.map(resourceKey));
  const perZone = pin === "origin" ? zones.map((z) => chosen!.filter((c) => c.zone === z)) : [
    chosen,
  ];
  if (perZone.some((list) => unique(list.map(resourceKey)).length > 1)) {
    return {
      status: "ambiguous",
      targets: chosen.map((c) => legacyReportTarget(c, c.zone)),
      message: `"${name}" stands for ${resources.length} MeshServices (${
        chosen.map((c) => c.name).join(", ")
      }): a headless Service gets one per Pod, and a reference picks one`,
      blocking: true,
      severity: "warning",
      advice: "reference the Pod's MeshService you mean, or give the workload a ClusterIP Service",
    };
  }
  const result = buildMeshServiceRef(site, referrer, context, chosen, pin);
  if (!result.ok) {
    return {
      status: "unresolved",
      targets: [],
      message: `no MeshService reference to "${name}" resolves from ${
        home === "global" ? "the global control plane" : `zone ${home}`
      }: ${result.problem}`,
      blocking: true,
      severity: "warning",
      advice: "reference it by hand",
    };
  }
  const notes = [note, ...result.notes].filter((n) => n !== undefined);
  return {
    status: "rewritten",
    after: result.after,
    targets: result.targets,
    ...(notes.length > 0 ? { message: notes.join("; ") } : {}),
    blocking: false,
    severity: undefined,
  };
}

function crossZoneChoice(
  config: Config,
  legacy: string,
  displayName: string,
): CrossZoneChoice | undefined {
  const map = config.crossZoneReferences;
  return map[legacy] ?? map[displayName] ?? map["*"];
}

interface Built {
  ok: true;
  after: Record<string, unknown>;
  targets: ReportTarget[];
  notes: string[];
}

/**
 * The MeshService reference for `targets` (one per zone when pinned by
 * origin), in the first form that resolves exactly to them: by name (2.x,
 * `referenceStyle: name`), by labels pinned to the zone, by labels alone.
 */
function buildMeshServiceRef(
  site: Site,
  referrer: Referrer,
  context: ReferenceContext,
  targets: LegacyTarget[],
  pin: "zone" | "origin" | "none",
): Built | { ok: false; problem: string } {
  const { features } = context;
  const first = targets[0]!;
  const backend = site.role !== "to";
  const wholeService = first.section === "";
  const notes: string[] = [];
  const forms: Record<string, unknown>[] = [];
  const tail = (selector: Record<string, unknown>, labels: boolean) => {
    const out: Record<string, unknown> = { kind: KIND.meshService, ...selector };
    if (backend) out.port = first.port;
    else if (!wholeService && (!labels || features.labelsWithSectionName)) {
      out.sectionName = first.section;
    }
    return withRest(site.ref, out);
  };
  const nameAllowed = features.legacyReferences && context.style === "name" &&
    pin !== "origin" && referrer.createdIn === first.zone;
  if (nameAllowed) {
    forms.push(tail({
      name: first.displayName,
      ...(first.namespace !== undefined ? { namespace: first.namespace } : {}),
    }, false));
  }
  const labels: Record<string, string> = { [LABEL.displayName]: first.displayName };
  if (first.namespace !== undefined) labels[LABEL.namespace] = first.namespace;
  const pinnable = context.multizone || context.config.zoneKnown ||
    referrer.createdIn !== first.zone;
  if (pin === "origin") {
    forms.push(tail({ labels: { ...labels, [LABEL.origin]: "zone" } }, true));
  } else if (pinnable) {
    forms.push(tail({ labels: { ...labels, [LABEL.zone]: first.zone } }, true));
  }
  if (pin !== "origin") forms.push(tail({ labels }, true));
  const expected = (zone: string) =>
    pin === "origin"
      ? targets.filter((t) => t.zone === zone)
      : targets.filter((t) => t.zone === first.zone);
  for (const form of forms) {
    const check = verify(form, site, referrer, context, expected);
    if (check.ok) {
      if (
        !backend && !wholeService && form.labels !== undefined && !features.labelsWithSectionName
      ) {
        const ports = portsOfTarget(context, first);
        if (ports > 1) {
          notes.push(
            `Kuma 2.9 forbids sectionName with labels: this entry now applies to all ${ports} ports of "${first.displayName}", not only ${first.section}`,
          );
        }
      }
      return { ok: true, after: form, targets: check.targets, notes };
    }
  }
  const last = forms.length === 0
    ? undefined
    : verify(forms[forms.length - 1]!, site, referrer, context, expected);
  return { ok: false, problem: last && !last.ok ? last.problem : "no form applies" };
}

function portsOfTarget(context: ReferenceContext, target: LegacyTarget): number {
  const copy = copyIn(context, target.zone, target);
  return copy ? copy.ports.length : 1;
}

/** Keeps the reference's other fields (weight, ...) after the rewritten ones. */
function withRest(
  before: Readonly<Record<string, unknown>>,
  rewritten: Record<string, unknown>,
): Record<string, unknown> {
  const replaced = new Set([
    "kind",
    "name",
    "namespace",
    "labels",
    "sectionName",
    "port",
    "tags",
    "mesh",
  ]);
  const out = { ...rewritten };
  for (const [key, value] of Object.entries(before)) {
    if (!replaced.has(key)) out[key] = value;
  }
  return out;
}

/** Checks that a candidate reference resolves, in every zone the referrer is evaluated in, exactly to the expected targets. */
function verify(
  form: Record<string, unknown>,
  site: Site,
  referrer: Referrer,
  context: ReferenceContext,
  expected: (zone: string) => LegacyTarget[],
): { ok: true; targets: ReportTarget[] } | { ok: false; problem: string } {
  const fields = refFields(form);
  const targets: ReportTarget[] = [];
  for (const zone of referrer.zones) {
    const wanted = expected(zone);
    if (site.role === "to") {
      const matches = toIn(context, zone, fields, referrer);
      const w = wanted[0];
      const m = matches[0];
      const ok = w === undefined ? matches.length === 0 : matches.length === 1 &&
        m !== undefined && isCopyOf(m.destination, w) &&
        (w.section === "" || m.section === w.section || fields.sectionName === undefined);
      if (!ok) {
        return {
          ok: false,
          problem: `in zone ${zone} it would select ${describeMatches(matches)}`,
        };
      }
      targets.push(...matches.map((m) => reportTarget(m, zone)));
    } else {
      if (wanted.length === 0) continue;
      const outcome = backendIn(context, zone, fields, referrer);
      if (
        !outcome.match || outcome.contenders.length > 0 ||
        !isCopyOf(outcome.match.destination, wanted[0]!)
      ) {
        return {
          ok: false,
          problem: `in zone ${zone} ${
            outcome.contenders.length > 0
              ? `it matches ${outcome.contenders.length} MeshServices and Kuma picks the oldest`
              : outcome.problem ?? "it would pick another MeshService"
          }`,
        };
      }
      targets.push(reportTarget(outcome.match, zone));
    }
  }
  return { ok: true, targets };
}

function describeMatches(matches: readonly Match[]): string {
  if (matches.length === 0) return "nothing";
  return matches.map((m) =>
    `${m.destination.kind} ${
      m.destination.namespace ? `${m.destination.namespace}/` : ""
    }${m.destination.name}`
  ).join(", ");
}

function reportTarget(match: Match, zone: string): ReportTarget {
  const d = match.destination;
  const target: ReportTarget = {
    kind: d.kind,
    name: d.name,
    ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
    zone,
    createdIn: d.createdIn,
  };
  if (match.section !== undefined) target.section = match.section;
  return target;
}

function legacyReportTarget(target: LegacyTarget, zone: string): ReportTarget {
  return {
    kind: KIND.meshService,
    name: target.name,
    ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    zone,
    createdIn: target.zone,
    ...(target.section !== "" ? { section: target.section } : {}),
  };
}

// ---------------------------------------------------------------------------
// MeshMultiZoneService

function rewriteToMultiZone(
  site: Site,
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
  candidates: LegacyTarget[],
  zones: string[],
): Decision {
  const first = candidates[0]!;
  const name = ref.name!;
  const evalZone = referrer.zones[0]!;
  // MeshMultiZoneServices whose selector takes in every copy of the service in this zone's store.
  const copies = unique(
    candidates.map((c) => copyIn(context, evalZone, c)).filter((d) => d !== undefined),
  );
  const multiZone = context.destinations.all(evalZone).filter((d) => {
    if (d.kind !== KIND.meshMultiZoneService || d.mesh !== first.mesh) return false;
    const matchLabels = matchLabelsOf(d.object);
    if (matchLabels === undefined) return false;
    return copies.length > 0 &&
      copies.every((c) => Object.entries(matchLabels).every(([k, v]) => c.labels[k] === v)) &&
      (site.role === "to" && first.section === "" || d.ports.some((p) => p.port === first.port));
  });
  const names = unique(multiZone.map((d) => d.name));
  if (names.length !== 1) {
    return {
      status: names.length === 0 ? "needsDecision" : "ambiguous",
      targets: [],
      message: names.length === 0
        ? `"${name}" exists in zones ${
          zones.join(", ")
        } and config crossZoneReferences says multiZoneService, but no MeshMultiZoneService selects it${
          site.role === "to" ? "" : ` on port ${first.port}`
        }`
        : `several MeshMultiZoneServices select "${name}": ${names.join(", ")}`,
      blocking: true,
      severity: "warning",
      advice: names.length === 0
        ? "add one to config meshMultiZoneServices (or set multiZoneServicesFromZones)"
        : "keep one MeshMultiZoneService per service",
    };
  }
  const target = multiZone[0]!;
  const port = target.ports.find((p) => p.port === first.port);
  const display = target.labels[LABEL.displayName] ?? target.name;
  const selectors: Record<string, string>[] = [{ [LABEL.displayName]: display }];
  if (target.labels[LABEL.namespace] !== undefined) {
    selectors.push({
      [LABEL.displayName]: display,
      [LABEL.namespace]: target.labels[LABEL.namespace]!,
    });
  }
  for (const labels of selectors) {
    const form: Record<string, unknown> = { kind: KIND.meshMultiZoneService, labels };
    if (site.role !== "to") form.port = first.port;
    else if (port && first.section !== "" && context.features.labelsWithSectionName) {
      form.sectionName = sectionOf(port);
    }
    const after = withRest(site.ref, form);
    const fields = refFields(after);
    const targets: ReportTarget[] = [];
    let ok = true;
    for (const zone of referrer.zones) {
      if (site.role === "to") {
        const matches = toIn(context, zone, fields, referrer);
        ok &&= matches.length === 1 && matches[0]!.destination.object === target.object;
        targets.push(...matches.map((m) => reportTarget(m, zone)));
      } else {
        const outcome = backendIn(context, zone, fields, referrer);
        ok &&= outcome.match?.destination.object === target.object &&
          outcome.contenders.length === 0;
        if (outcome.match) targets.push(reportTarget(outcome.match, zone));
      }
    }
    if (ok) {
      return {
        status: "rewritten",
        after,
        targets,
        message: `"${name}" exists in zones ${
          zones.join(", ")
        }: MeshMultiZoneService "${target.name}" keeps traffic balanced across them`,
        blocking: false,
        severity: undefined,
      };
    }
  }
  return {
    status: "unresolved",
    targets: [],
    message:
      `MeshMultiZoneService "${target.name}" selects "${name}" but no reference to it resolves from ${
        referrer.createdIn === "global" ? "the global control plane" : `zone ${referrer.createdIn}`
      }`,
    blocking: true,
    severity: "warning",
    advice: context.features.backendRefNamespaceDefault && referrer.origin.namespace !== undefined
      ? `Kuma 3.0 adds the route's namespace (${referrer.origin.namespace}) to a selector with ${LABEL.displayName} and no namespace, and the MeshMultiZoneService has none: give it a label of its own and select by that`
      : "reference it by hand",
  };
}

function matchLabelsOf(object: KubeObject): Record<string, string> | undefined {
  const spec = object.spec;
  if (!isObject(spec) || !isObject(spec.selector) || !isObject(spec.selector.meshService)) {
    return undefined;
  }
  const labels = spec.selector.meshService.matchLabels;
  if (!isObject(labels)) return undefined;
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}

// ---------------------------------------------------------------------------
// References already in MeshService form

function decideReal(
  site: Site,
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
  backend: boolean,
): Decision {
  const { features } = context;
  const targets: ReportTarget[] = [];
  const problems: string[] = [];
  const ambiguous: string[] = [];
  // 3.0 prunes name/namespace: resolve them the 2.x way to find what they meant, then write labels.
  const byName = features.v3 && ref.labels === undefined && ref.name !== undefined;
  const fields = ref;
  const resolveFeatures = byName ? { ...features, legacyReferences: true } : features;
  const meant: Destination[] = [];
  for (const zone of referrer.zones) {
    if (!backend) {
      const matches = resolveTo(
        context.destinations,
        zone,
        fields,
        referrer.origin,
        resolveFeatures,
      );
      if (matches.length === 0) problems.push(`zone ${zone}: nothing matches`);
      targets.push(...matches.map((m) => reportTarget(m, zone)));
      meant.push(...matches.map((m) => m.destination));
    } else {
      const outcome = resolveBackend(
        context.destinations,
        zone,
        fields,
        referrer.origin,
        resolveFeatures,
      );
      if (!outcome.match) {
        problems.push(`zone ${zone}: ${outcome.problem ?? "nothing matches"}`);
        continue;
      }
      if (outcome.contenders.length > 0 && !knownAges(outcome.contenders)) {
        ambiguous.push(
          `zone ${zone}: ${
            outcome.contenders.map((d) => `${d.name} (created in ${d.createdIn})`).join(", ")
          }`,
        );
      }
      targets.push(reportTarget(outcome.match, zone));
      meant.push(outcome.match.destination);
    }
  }
  const written = describeRef(site.ref);
  if (problems.length > 0) {
    return {
      status: "unresolved",
      targets,
      message: `${written} resolves to nothing (${problems.join("; ")})${
        features.v3 && backend && site.role === "backendRef"
          ? ": Kuma 3.0 answers 500 when every backendRef of a rule fails"
          : ""
      }`,
      blocking: true,
      severity: "warning",
      advice: "fix the reference, or add the destination",
    };
  }
  if (ambiguous.length > 0) {
    return {
      status: "ambiguous",
      targets,
      message:
        `${written} matches several destinations and Kuma sends traffic to the oldest, which the manifests do not say (${
          ambiguous.join("; ")
        })`,
      blocking: false,
      severity: "warning",
      advice: `add ${LABEL.zone} (or more labels) so it selects one`,
    };
  }
  if (byName) {
    const first = meant[0]!;
    const labels: Record<string, string> = {
      [LABEL.displayName]: first.labels[LABEL.displayName] ?? first.name,
    };
    if (first.labels[LABEL.namespace] !== undefined) {
      labels[LABEL.namespace] = first.labels[LABEL.namespace]!;
    }
    if (first.labels[LABEL.zone] !== undefined && first.kind === KIND.meshService) {
      labels[LABEL.zone] = first.labels[LABEL.zone]!;
    }
    const out: Record<string, unknown> = { kind: ref.kind, labels };
    if (ref.sectionName !== undefined) out.sectionName = ref.sectionName;
    if (ref.port !== undefined) out.port = ref.port;
    const after = withRest(site.ref, out);
    const check = backend
      ? referrer.zones.every((zone) => {
        const o = resolveBackend(
          context.destinations,
          zone,
          refFields(after),
          referrer.origin,
          features,
        );
        return o.match !== undefined && o.contenders.length === 0;
      })
      : referrer.zones.every((zone) =>
        resolveTo(context.destinations, zone, refFields(after), referrer.origin, features).length >
          0
      );
    if (check) {
      return {
        status: "rewritten",
        after,
        targets,
        message: "Kuma 3.0 drops name and namespace: written as labels",
        blocking: false,
        severity: undefined,
      };
    }
    return {
      status: "unresolved",
      targets,
      message:
        `${written}: Kuma 3.0 drops name and namespace, and no label selector resolves to the same destination`,
      blocking: true,
      severity: "warning",
      advice: "write labels by hand",
    };
  }
  return { status: "migrated", targets, blocking: false, severity: undefined };
}

function knownAges(destinations: readonly Destination[]): boolean {
  const times = destinations.map((d) => d.creationTime);
  return times.every((t) => t !== undefined) && new Set(times).size === times.length;
}

// ---------------------------------------------------------------------------
// Mirrors, subsets, top-level targetRef

function decideLegacyMirror(
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
): Decision {
  const candidates = ref.name === undefined
    ? []
    : legacyTargetsOf(context.legacy, referrer.origin.mesh, ref.name);
  if (candidates.length > 0 && ref.kind === KIND.meshService) {
    return {
      status: "kept",
      targets: candidates.map((c) => legacyReportTarget(c, c.zone)),
      message:
        `Kuma ${context.features.version} mirrors only to a kuma.io/service (port and labels are ignored): kept; it is rewritten for Kuma 3.0`,
      blocking: false,
      severity: "info",
      advice: "",
    };
  }
  return {
    status: "unresolved",
    targets: [],
    message: `Kuma ${context.features.version} mirrors only to a kuma.io/service, and ${
      describeRef(ref as unknown as Record<string, unknown>)
    } is none`,
    blocking: true,
    severity: "warning",
    advice: "name the kuma.io/service to mirror to (for example <service>_<namespace>_svc_<port>)",
  };
}

function decideSubset(
  site: Site,
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
): Decision {
  const candidates = ref.name === undefined
    ? []
    : legacyTargetsOf(context.legacy, referrer.origin.mesh, ref.name);
  return subsetDecision({
    ref: site.ref,
    candidates,
    features: context.features,
    destinations: context.destinations,
    copyOf: (target) => copyIn(context, target.zone, target),
    build: (target) => buildMeshServiceRef(site, referrer, context, [target], "zone"),
    reportTarget: (target) => legacyReportTarget(target, target.zone),
  });
}

function decideTopLevel(
  site: Site,
  ref: RefFields,
  referrer: Referrer,
  context: ReferenceContext,
): Decision {
  const { features } = context;
  if (ref.kind !== KIND.meshService && ref.kind !== KIND.meshServiceSubset) {
    return { status: "migrated", targets: [], blocking: false, severity: undefined };
  }
  const candidates = ref.name === undefined
    ? []
    : legacyTargetsOf(context.legacy, referrer.origin.mesh, ref.name);
  const tags = isObject(site.ref.tags) ? site.ref.tags as Record<string, string> : {};
  if (!features.dataplaneTargetRef) {
    return {
      status: "kept",
      targets: [],
      message:
        `top-level ${ref.kind} selects proxies by kuma.io/service, which Kuma 2.9 keeps (deprecated: MeshSubset with tags kuma.io/service: ${ref.name})`,
      blocking: false,
      severity: undefined,
    };
  }
  const copies = candidates.map((c) => copyIn(context, c.zone, c));
  const selectors = copies.map((d) => selectorLabelsOf(d?.object));
  const selector = selectors[0];
  const same = selector !== undefined &&
    selectors.every((s) => s !== undefined && JSON.stringify(s) === JSON.stringify(selector));
  if (candidates.length === 0 || !same || selector[LABEL.service] !== undefined) {
    return {
      status: features.v3 ? "unsupported" : "kept",
      targets: [],
      message: `top-level ${ref.kind} "${ref.name ?? ""}" selects proxies by kuma.io/service${
        features.v3 ? ", which Kuma 3.0 rejects" : " (deprecated)"
      }, and the tool cannot tell which Dataplane labels stand for it`,
      blocking: features.v3,
      severity: features.v3 ? "warning" : undefined,
      advice: "use {kind: Dataplane, labels: {...}} with the workload's labels",
    };
  }
  const ports = copies[0]?.ports.length ?? 1;
  const labels = {
    ...selector,
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])),
  };
  const { sectionName, traffic } = topLevelSelection(candidates.map((target, i) => ({
    policy: referrer.object,
    features,
    copy: copies[i]!,
    target,
    labels,
    zoneDestinations: context.destinations.all(target.zone),
    podTemplates: context.podTemplates ?? [],
  })));
  // Rewriting would widen the policy to every inbound: kept, so a rerun says the same.
  if (traffic && !traffic.fixed) return widenedDecision(traffic, labels, features);
  const form: Record<string, unknown> = { kind: KIND.dataplane, labels };
  if (sectionName !== undefined) form.sectionName = sectionName;
  return {
    status: "rewritten",
    after: withRest(site.ref, form),
    targets: [],
    message: `top-level ${ref.kind} is ${
      features.v3 ? "rejected by Kuma 3.0" : "deprecated"
    }: selects the same proxies by Dataplane labels${
      sectionName !== undefined
        ? ` and the same inbound by sectionName "${sectionName}"`
        : ports > 1
        ? ` (every inbound: the Service has ${ports} ports)`
        : ""
    }`,
    blocking: false,
    severity: undefined,
    ...(traffic ? { traffic } : {}),
  };
}

// ---------------------------------------------------------------------------

/** One-line rendering of a reference for messages: `MeshService backend_kuma-demo_svc_80`. */
export function describeRef(ref: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [String(ref.kind ?? "?")];
  if (typeof ref.name === "string") {
    parts.push(typeof ref.namespace === "string" ? `${ref.namespace}/${ref.name}` : ref.name);
  }
  if (isObject(ref.labels)) {
    parts.push(
      `{${Object.entries(ref.labels).map(([k, v]) => `${k}: ${String(v)}`).join(", ")}}`,
    );
  }
  if (ref.sectionName !== undefined) parts.push(`sectionName ${String(ref.sectionName)}`);
  if (ref.port !== undefined) parts.push(`port ${String(ref.port)}`);
  return `"${parts.join(" ")}"`;
}

function zonesText(zones: readonly string[]): string {
  return zones.length === 1 ? `zone ${zones[0]}` : `zones ${zones.join(", ")}`;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
