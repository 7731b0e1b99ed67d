/**
 * Version acceptance, one table: for every Kuma kind with a CRD (the kinds
 * the tool reads, rewrites or passes through), what each Kuma version
 * accepts: the `spec` fields, the `targetRef` kinds and fields of every
 * position (top level, `to[]`, `from[]`, route backendRefs and the request
 * mirror), enums, and the Dataplane fields its CRD leaves open.
 *
 * Each fact holds the versions it is true for. CRD facts follow Kuma's Helm
 * chart CRDs (`deployments/charts/kuma/crds/`, v2.9.13 to v2.14.3 and the 3.0
 * line); `tests/version_acceptance_test.ts` derives them again from
 * `shared/kuma/crds/{2.9,2.14,3.0-dev}` and fails on any difference. Kuma's
 * validators accept fewer `targetRef` kinds than the CRD enums list: `kuma`
 * holds what they accept, as the union over policy roles (a system-namespace
 * or Universal policy accepts more top-level kinds) and top-level kinds (a
 * MeshGateway top level narrows `to[]`), so the tool never refuses what some
 * form of the policy may write; from
 * `pkg/plugins/policies/<kind>/api/v1alpha1/validator.go` (MeshHTTPRoute:
 * `validation.go`) at v2.9.13, v2.10.9, v2.11.8, v2.12.4, v2.13.0, v2.14.3
 * and 348b6528.
 *
 * @module
 */

import { KUMA_VERSIONS, type KumaVersion } from "./version.ts";

/**
 * Versions a fact holds for: `2.10+` (from 2.10 on), `2.x` (2.9 to 2.14),
 * `2.10..2.14` (inclusive range).
 */
export type Span =
  | "2.9+"
  | "2.10+"
  | "2.11+"
  | "2.12+"
  | "2.13+"
  | "2.14+"
  | "3.0+"
  | "2.x"
  | "2.10..2.14";

/** Values of one fact and the versions each holds for. */
export type Spans = Readonly<Record<string, Span>>;

/** Where a reference sits in a policy. */
export type Position = "top" | "to" | "from" | "backendRefs" | "requestMirror";

/** Field path of each position, `[]` marking list items. */
export const POSITION_PATHS: Readonly<Record<Position, string>> = {
  top: "spec.targetRef",
  to: "spec.to[].targetRef",
  from: "spec.from[].targetRef",
  backendRefs: "spec.to[].rules[].default.backendRefs[]",
  requestMirror: "spec.to[].rules[].default.filters[].requestMirror.backendRef",
};

/** Kinds whose every CRD enum (outside reference positions) the table holds. */
export const ENUM_KINDS: readonly string[] = ["MeshService", "MeshHTTPRoute", "MeshTCPRoute"];

/** `proxyTypes` values, wherever a version's reference has the field. */
export const PROXY_TYPES: readonly string[] = ["Gateway", "Sidecar"];

/** What one version accepts at one position. */
export interface PositionRule {
  /** `kind` values the CRD enum lists. */
  crd: Spans;
  /** `kind` values Kuma's validator accepts (a subset of {@link crd}). */
  kuma: Spans;
  /** Fields of the reference. */
  fields: Spans;
}

/** What each version accepts of one kind. */
export interface KindRule {
  kind: string;
  /** `spec` fields; `undefined`: the CRD keeps `spec` open (`x-kubernetes-preserve-unknown-fields`). */
  spec: Spans | undefined;
  positions: Partial<Record<Position, PositionRule>>;
  /**
   * Fields of a `spec.rules[]` entry and of its `matches[]` items (rules
   * select clients by match, never by `targetRef`); `undefined` without
   * `spec.rules`.
   */
  rules: { fields: Spans; matches: Spans } | undefined;
  /** Enum values by field path (kinds of {@link ENUM_KINDS}). */
  enums: Readonly<Record<string, Spans>>;
  /**
   * Kuma 3.0 defines `spec.from` (clients `kind: Mesh`) as one catch-all
   * `spec.rules` entry with the same `default` (UPGRADE.md, 3.0.0: "`from`
   * removed from MeshTimeout / MeshCircuitBreaker / MeshAccessLog /
   * MeshRateLimit / MeshTLS").
   */
  fromBecomesRules: boolean;
  /** Kuma 3.0's validator allows `spec.rules` next to `spec.to`. */
  rulesWithTo: boolean;
  /**
   * Kuma 3.0's validator rejects a spec where none of these fields is a
   * non-empty list (so dropping `from` from a policy that has nothing else
   * leaves a policy Kuma refuses).
   */
  v3Requires: readonly string[];
}

const ALL: Span = "2.9+";
const V2: Span = "2.x";

const REF_FIELDS: Spans = {
  kind: ALL,
  labels: ALL,
  sectionName: ALL,
  name: V2,
  namespace: V2,
  mesh: V2,
  tags: V2,
  proxyTypes: V2,
};
const BACKEND_FIELDS: Spans = { ...REF_FIELDS, port: ALL, weight: ALL };
const FROM_FIELDS: Spans = Object.fromEntries(Object.keys(REF_FIELDS).map((k) => [k, V2]));

/** The common `TargetRef` kind enum of 2.x, by position (`api/common/v1alpha1/targetref.go`). */
const LEGACY_KINDS = [
  "MeshSubset",
  "MeshGateway",
  "MeshServiceSubset",
] as const;
const CRD_TOP: Spans = {
  Mesh: ALL,
  ...Object.fromEntries(LEGACY_KINDS.map((k) => [k, V2])),
  MeshService: V2,
  MeshExternalService: V2,
  MeshMultiZoneService: V2,
  MeshHTTPRoute: V2,
  Dataplane: "2.10+",
};
const CRD_TO: Spans = {
  Mesh: ALL,
  ...Object.fromEntries(LEGACY_KINDS.map((k) => [k, V2])),
  MeshService: ALL,
  MeshExternalService: ALL,
  MeshMultiZoneService: ALL,
  MeshHTTPRoute: ALL,
  Dataplane: "2.10..2.14",
};
const CRD_FROM: Spans = Object.fromEntries(
  Object.entries(CRD_TO).map(([k, s]) => [k, s === ALL ? V2 : s]),
);
const CRD_BACKEND: Spans = { ...CRD_TO, Dataplane: "2.10+" };

/**
 * Top-level kinds most policies' validators accept (2.x: any role; 3.0: Mesh and Dataplane,
 * UPGRADE.md 3.0.0 "Legacy top-level policy `targetRef` selector kinds removed").
 */
const KUMA_TOP: Spans = {
  Mesh: ALL,
  MeshSubset: V2,
  MeshGateway: V2,
  MeshService: V2,
  MeshServiceSubset: V2,
  Dataplane: "2.10+",
};
const KUMA_TOP_WITH_ROUTE: Spans = { ...KUMA_TOP, MeshHTTPRoute: V2 };
const ONLY_MESH: Spans = { Mesh: V2 };

interface PolicyInput {
  kind: string;
  spec: Spans;
  top: Spans;
  to?: Spans;
  from?: Spans;
  fromBecomesRules?: boolean;
  rulesWithTo?: boolean;
  v3Requires?: readonly string[];
  rules?: { fields: Spans; matches: Spans };
}

function policy(input: PolicyInput): KindRule {
  const positions: Partial<Record<Position, PositionRule>> = {
    top: { crd: CRD_TOP, kuma: input.top, fields: REF_FIELDS },
  };
  if (input.to) positions.to = { crd: CRD_TO, kuma: input.to, fields: REF_FIELDS };
  if (input.from) positions.from = { crd: CRD_FROM, kuma: input.from, fields: FROM_FIELDS };
  return {
    kind: input.kind,
    spec: input.spec,
    positions,
    rules: input.rules,
    enums: {},
    fromBecomesRules: input.fromBecomesRules ?? false,
    rulesWithTo: input.rulesWithTo ?? false,
    v3Requires: input.v3Requires ?? [],
  };
}

const TO_DESTINATIONS: Spans = {
  Mesh: ALL,
  MeshService: ALL,
  MeshExternalService: ALL,
  MeshMultiZoneService: ALL,
};
const TO_WITH_ROUTE: Spans = { ...TO_DESTINATIONS, MeshHTTPRoute: "2.11+" };

/** 2.x: `Mesh` when the top level is a MeshGateway; 3.0 rejects it. */
const ROUTE_TO: Spans = {
  Mesh: V2,
  MeshService: ALL,
  MeshExternalService: ALL,
  MeshMultiZoneService: ALL,
};
const ROUTE_BACKENDS: Spans = {
  MeshService: ALL,
  MeshServiceSubset: V2,
  MeshExternalService: ALL,
  MeshMultiZoneService: ALL,
};

const HTTP_ROUTE_ENUMS: Record<string, Spans> = {
  "spec.to[].rules[].default.filters[].requestRedirect.path.type": {
    ReplaceFullPath: ALL,
    ReplacePrefixMatch: ALL,
  },
  "spec.to[].rules[].default.filters[].requestRedirect.scheme": { http: ALL, https: ALL },
  "spec.to[].rules[].default.filters[].requestRedirect.statusCode": Object.fromEntries(
    ["301", "302", "303", "307", "308"].map((c) => [c, ALL]),
  ),
  "spec.to[].rules[].default.filters[].type": Object.fromEntries(
    ["RequestHeaderModifier", "RequestMirror", "RequestRedirect", "ResponseHeaderModifier"]
      .concat("URLRewrite").map((t) => [t, ALL]),
  ),
  "spec.to[].rules[].default.filters[].urlRewrite.path.type": {
    ReplaceFullPath: ALL,
    ReplacePrefixMatch: ALL,
  },
  "spec.to[].rules[].matches[].headers[].type": Object.fromEntries(
    ["Absent", "Exact", "Prefix", "Present", "RegularExpression"].map((t) => [t, ALL]),
  ),
  "spec.to[].rules[].matches[].method": Object.fromEntries(
    ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]
      .map((m) => [m, ALL]),
  ),
  "spec.to[].rules[].matches[].path.type": {
    Exact: ALL,
    PathPrefix: ALL,
    RegularExpression: ALL,
  },
  "spec.to[].rules[].matches[].queryParams[].type": { Exact: ALL, RegularExpression: ALL },
};

function route(kind: string, mirror: boolean): KindRule {
  const positions: Partial<Record<Position, PositionRule>> = {
    top: { crd: CRD_TOP, kuma: KUMA_TOP, fields: REF_FIELDS },
    to: { crd: CRD_TO, kuma: ROUTE_TO, fields: REF_FIELDS },
    backendRefs: { crd: CRD_BACKEND, kuma: ROUTE_BACKENDS, fields: BACKEND_FIELDS },
  };
  if (mirror) {
    // 2.x mirrors by kuma.io/service only; 3.0 resolves real resources.
    positions.requestMirror = {
      crd: CRD_BACKEND,
      kuma: {
        MeshService: ALL,
        MeshServiceSubset: V2,
        MeshExternalService: "3.0+",
        MeshMultiZoneService: "3.0+",
      },
      fields: BACKEND_FIELDS,
    };
  }
  return {
    kind,
    spec: { targetRef: ALL, to: ALL },
    positions,
    rules: undefined,
    enums: mirror ? HTTP_ROUTE_ENUMS : {},
    fromBecomesRules: false,
    rulesWithTo: false,
    v3Requires: [],
  };
}

function plain(kind: string, spec: Spans | undefined, enums: Record<string, Spans> = {}): KindRule {
  return {
    kind,
    spec,
    positions: {},
    rules: undefined,
    enums,
    fromBecomesRules: false,
    rulesWithTo: false,
    v3Requires: [],
  };
}

const FROM_TO_RULES = { targetRef: ALL, to: ALL, from: V2, rules: "2.10+" } as const;

/** `spec.rules[]` with `matches` by SNI or SPIFFE ID from 2.14. */
const RULES_WITH_MATCHES = {
  fields: { default: ALL, matches: "2.14+" },
  matches: { sni: "2.14+", spiffeID: "2.14+" },
} as const;
const RULES_DEFAULT_ONLY = { fields: { default: ALL }, matches: {} } as const;

/** The table: one rule per Kuma kind with a CRD. */
export const KIND_RULES: readonly KindRule[] = [
  plain("Mesh", undefined),
  plain("Dataplane", undefined),
  plain("HostnameGenerator", { selector: ALL, template: ALL, extension: "2.11+" }),
  plain("MeshExternalService", { endpoints: ALL, extension: ALL, match: ALL, tls: ALL }),
  plain("MeshMultiZoneService", { ports: ALL, selector: ALL }),
  plain("MeshService", { identities: ALL, ports: ALL, selector: ALL, state: ALL }, {
    "spec.identities[].type": { ServiceTag: V2, SpiffeID: "2.12+" },
    "spec.state": { Available: ALL, Unavailable: ALL },
  }),
  policy({
    kind: "MeshAccessLog",
    spec: FROM_TO_RULES,
    top: KUMA_TOP,
    to: TO_WITH_ROUTE,
    from: ONLY_MESH,
    fromBecomesRules: true,
    v3Requires: ["to", "rules"],
    rules: RULES_WITH_MATCHES,
  }),
  policy({
    kind: "MeshCircuitBreaker",
    spec: FROM_TO_RULES,
    top: KUMA_TOP,
    to: { Mesh: ALL, MeshService: ALL, MeshMultiZoneService: ALL, MeshExternalService: "2.14+" },
    from: ONLY_MESH,
    fromBecomesRules: true,
    rulesWithTo: true,
    v3Requires: ["to", "rules"],
    rules: RULES_DEFAULT_ONLY,
  }),
  policy({
    kind: "MeshFaultInjection",
    spec: { targetRef: ALL, to: ALL, from: V2, rules: "2.13+" },
    top: KUMA_TOP,
    to: { Mesh: ALL },
    from: { Mesh: V2, MeshSubset: V2, MeshService: V2, MeshServiceSubset: V2 },
    rulesWithTo: true,
    rules: { fields: { default: ALL, matches: ALL }, matches: { spiffeID: ALL, sni: "2.14+" } },
  }),
  policy({
    kind: "MeshHealthCheck",
    spec: { targetRef: ALL, to: ALL },
    top: KUMA_TOP,
    to: { Mesh: ALL, MeshService: ALL, MeshMultiZoneService: ALL, MeshExternalService: "2.14+" },
  }),
  policy({
    kind: "MeshLoadBalancingStrategy",
    spec: { targetRef: ALL, to: ALL },
    top: KUMA_TOP,
    to: {
      Mesh: ALL,
      MeshService: ALL,
      MeshMultiZoneService: ALL,
      MeshHTTPRoute: "2.12+",
      MeshExternalService: "3.0+",
    },
  }),
  policy({
    kind: "MeshRateLimit",
    spec: FROM_TO_RULES,
    top: KUMA_TOP_WITH_ROUTE,
    to: { Mesh: ALL },
    from: ONLY_MESH,
    fromBecomesRules: true,
    v3Requires: ["to", "rules"],
    rules: RULES_WITH_MATCHES,
  }),
  policy({
    kind: "MeshRetry",
    spec: { targetRef: ALL, to: ALL },
    top: KUMA_TOP_WITH_ROUTE,
    to: TO_WITH_ROUTE,
  }),
  policy({
    kind: "MeshTimeout",
    spec: FROM_TO_RULES,
    top: KUMA_TOP_WITH_ROUTE,
    to: TO_WITH_ROUTE,
    from: ONLY_MESH,
    fromBecomesRules: true,
    v3Requires: ["to", "rules"],
    rules: RULES_WITH_MATCHES,
  }),
  policy({
    kind: "MeshTLS",
    spec: { targetRef: ALL, from: V2, rules: "2.10+" },
    top: { Mesh: ALL, MeshSubset: V2, Dataplane: "2.10+" },
    from: ONLY_MESH,
    fromBecomesRules: true,
    rules: RULES_DEFAULT_ONLY,
  }),
  policy({
    kind: "MeshTrace",
    spec: { default: ALL, targetRef: ALL },
    top: KUMA_TOP,
  }),
  policy({
    kind: "MeshTrafficPermission",
    spec: { targetRef: ALL, from: V2, rules: "2.12+" },
    top: { Mesh: ALL, MeshSubset: V2, MeshService: V2, MeshServiceSubset: V2, Dataplane: "2.10+" },
    from: { Mesh: V2, MeshSubset: V2, MeshService: V2, MeshServiceSubset: V2 },
    v3Requires: ["rules"],
    rules: RULES_DEFAULT_ONLY,
  }),
  route("MeshHTTPRoute", true),
  route("MeshTCPRoute", false),
];

/**
 * Dataplane fields the CRD leaves open (`spec` preserves unknown fields), by
 * path below `spec`, from `api/mesh/v1alpha1/dataplane.proto` and
 * `pkg/core/resources/apis/mesh/dataplane_validator.go` (v2.9.13, v2.14.3,
 * 348b6528). 3.0 unmarshals with unknown fields allowed, so a removed field is
 * dropped; `BUILTIN` is an unknown enum value there, which fails parsing.
 */
export const DATAPLANE_FIELDS = {
  /** `networking.outbound[].tags`: 3.0 requires `backendRef` ("backendRef: must be defined"). */
  outboundTags: V2,
  outboundBackendRef: ALL,
  /** `networking.advertisedAddress` (reserved field 7 in 3.0). */
  advertisedAddress: V2,
  /** `networking.gateway.type` values. */
  gatewayTypes: { DELEGATED: ALL, BUILTIN: V2 } as Spans,
} as const;

/** True when `span` holds for `version`. */
export function inSpan(span: Span, version: KumaVersion): boolean {
  const index = KUMA_VERSIONS.indexOf(version);
  const at = (v: string) => KUMA_VERSIONS.indexOf(v as KumaVersion);
  if (span === "2.x") return index < at("3.0");
  const range = /^(\d+\.\d+)\.\.(\d+\.\d+)$/.exec(span);
  if (range) return index >= at(range[1]!) && index <= at(range[2]!);
  return index >= at(span.slice(0, -1));
}

/** The values of `spans` that hold for `version`, sorted. */
export function holding(spans: Spans | undefined, version: KumaVersion): string[] {
  return Object.entries(spans ?? {}).filter(([, span]) => inSpan(span, version)).map(([v]) => v)
    .sort();
}

const BY_KIND = new Map(KIND_RULES.map((rule) => [rule.kind, rule]));

/** The table's rule for a kind, or `undefined` for a kind without a CRD. */
export function kindRule(kind: string): KindRule | undefined {
  return BY_KIND.get(kind);
}

/** Top-level `targetRef` kinds the common CRD enum lists for a version. */
export function topLevelKinds(version: KumaVersion): string[] {
  return holding(CRD_TOP, version);
}

/** Parent `spec` field of a position (a position exists while its field does). */
export function positionField(position: Position): string {
  return position === "top" ? "targetRef" : position === "from" ? "from" : "to";
}
