/**
 * The functionConfigs the config oracle records: every key with valid values,
 * near misses and values of the wrong type, in the typed kind and (for
 * strings) in a ConfigMap, plus seeded combinations of several keys.
 *
 * @module
 */

const long = (c: string, n: number) => c.repeat(n);

/** Values tried for every key. */
const COMMON: unknown[] = [
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  2,
  70000,
  Infinity,
  "",
  " ",
  "a",
  "A",
  "true",
  "false",
  "1",
  "0",
  "x,y",
  "*",
  "none",
  "a:b",
  "kubernetes",
  "universal",
  "auto",
  "[",
  "[a: b",
  "- a",
  "{a: 1}",
  long("a", 63),
  long("a", 64),
  long("a", 70),
  long("A", 70),
  long("a", 254),
  [],
  ["a"],
  [1],
  ["a", "b"],
  {},
  { a: "b" },
  { a: 1 },
];

/** Values tried for one key. */
const BY_KEY: Record<string, unknown[]> = {
  kumaVersion: ["2.9", "2.10", "2.14", "2.14.3", "3.0", "3.0.0", "2.8", "v2.14", "2.14.x", 2.14],
  zone: ["east", long("z", 63), "1east", "East", "-a", "a-", "a.b", "zone-1", long("Z", 64)],
  environment: ["kubernetes", "universal", "auto", "Kubernetes"],
  inboundTagsDisabled: ["true", "false", "True", "yes"],
  meshServiceOutput: ["preview", "apply", "none", "Preview"],
  systemNamespace: ["kuma-system", "kong-mesh-system", "Kuma", long("k", 63), long("k", 64)],
  assumeMeshes: [
    "default",
    "default:Everywhere",
    "a:Disabled, b:Exclusive",
    "a:Bogus",
    "a:b:c",
    " , ",
    ["a:ReachableBackends"],
    ["A"],
    [":Everywhere"],
    long("m", 63),
    long("m", 64),
    `${long("m", 70)}:Exclusive`,
  ],
  assumeInjectedNamespaces: ["*", "none", "a,b", ["*", "a"], ["none"], "a, none", ["a", ""]],
  outputPath: [
    "kuma-generated/{mesh}/{namespace}/{kind}_{name}.yaml",
    "x/{zone}/{name}.yaml",
    "x.yml",
    "/abs.yaml",
    "a/../x.yaml",
    "{bad}.yaml",
    "{}.yaml",
    "x",
  ],
  zones: [
    "- east:kubernetes\n- west:universal:clusters/west/",
    '["e:kubernetes"]',
    "[{name: e, environment: kubernetes, paths: [a/], labels: {a: b}}]",
    [{ name: "e", environment: "kubernetes" }],
    ["e:kubernetes", "e:universal"],
    ["e:kubernetes", "w:universal"],
    ["e:kubernetes:a/:b/"],
    ["e:kubernetes: "],
    [{ name: "E", environment: "kubernetes" }],
    [{ name: "e", environment: "kubernetes", extra: 1 }],
    [{ name: "e", environment: "kubernetes", labels: { a: 1 } }],
    [{ name: "e", environment: "kubernetes", paths: "a/" }],
    [{ name: 1, environment: "kubernetes" }],
    [{ name: "e" }],
    [`${long("e", 64)}:kubernetes`],
    [`${long("E", 64)}:kubernetes`],
    ["1e:kubernetes", "w:universal"],
    ["e:mars"],
    ["e"],
    long("x", 70_000),
    "null",
    "~",
    "e:kubernetes",
    "[1, 2]",
  ],
  globalEnvironment: ["kubernetes", "universal", "auto"],
  hostnameGenerators: [
    "local",
    "local:m",
    "a,b:c",
    " a , , b ",
    "[{preset: a}]",
    '[{"preset":"a","name":"N"}]',
    "- a\n- b:m",
    "{preset: a}",
    [{ preset: "a", mesh: "M" }],
    [{ preset: "a", name: "n.a-b", mesh: "m" }],
    [{ preset: "a", x: 1 }],
    [{ preset: 1 }],
    [{ name: "a" }],
    ["a:BAD"],
    [`a:${long("m", 70)}`],
    `a:${long("m", 70)}`,
    [{ preset: "a", name: long("n", 254) }],
    [{ preset: "a", mesh: long("m", 64) }],
    [{ preset: "a", name: undefined }],
  ],
  skipDefaultHostnameGenerators: ["true", "false", "TRUE"],
  meshMultiZoneServices: [
    [{ name: "a", matchLabels: { x: "y" }, ports: [{ port: 80 }] }],
    [{
      name: "a",
      mesh: "m",
      matchLabels: {},
      ports: [{ port: 80, name: "http", appProtocol: "http" }],
    }],
    "- name: a\n  matchLabels: {x: y}\n  ports: [{port: 80}]",
    "[{name: a, matchLabels: {}, ports: []}]",
    [{
      name: "a",
      matchLabels: {},
      ports: [{ port: 0 }, { port: 1.5 }, { port: 70000 }, { port: "8" }],
    }],
    [{ name: "a", matchLabels: {}, ports: [{ port: 1e20 }, { port: -1e20 }, { port: -1.5 }] }],
    [{ name: "", matchLabels: 1, ports: {} }],
    [{}],
    [{ name: "a", matchLabels: {}, ports: [], x: 1 }],
    [{ name: "a", matchLabels: {}, ports: [{ port: 80, x: 1 }] }],
    [{ name: "a", mesh: "M", matchLabels: {}, ports: [] }],
    [{ name: "a", mesh: long("m", 64), matchLabels: {}, ports: [] }],
    [{ name: "a", matchLabels: { x: 1 }, ports: [] }],
    [1],
  ],
  multiZoneServicesFromZones: [2, "2", "02", "0", 0, -1, 1.5, "abc", 1e20, 3],
  referenceStyle: ["name", "labels", "Name"],
  migrationStage: ["Everywhere", "ReachableBackends", "Exclusive", "Disabled"],
  crossZoneReferences: [
    "local",
    "keep",
    "multiZoneService",
    "{a: local, '*': keep}",
    { a: "local" },
    { "*": "multiZoneService" },
    { "": "local" },
    { a: "x" },
    "x",
    "{a: 1}",
    "[a]",
    "- local",
    "{'': keep}",
  ],
  reachableBackendsFor: [
    "a/b",
    "*/b",
    "a/*",
    "*/*",
    "a",
    "a/b/c",
    "a.b/c",
    "a/b.c",
    "a/b..c",
    "A/b",
    ["a/b", "c"],
    ["a/b", "C"],
    `${long("n", 63)}/b`,
    `${long("n", 70)}/b`,
    `a/${long("n", 253)}`,
    `a/${long("n", 260)}`,
    long("n", 70),
  ],
  fixAppProtocol: ["true", "false", "no"],
  exclude: [
    "charts/**",
    "a, ../b",
    ["**/x.yaml"],
    "/abs/**",
    ["a", 1],
    "a\\b",
    "**",
    "x/[ab].yaml",
  ],
};

/** Every configuration key of the recorded implementation, in its order. */
export const KEYS: readonly string[] = Object.keys(BY_KEY);

function typed(fields: Record<string, unknown>): unknown {
  return {
    apiVersion: "meshservice-krm/v1alpha1",
    kind: "RenderMeshServices",
    metadata: { name: "cfg" },
    ...fields,
  };
}

function configMap(data: Record<string, unknown>): unknown {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data };
}

/** A small seeded generator (mulberry32), so the cases never change between runs. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The functionConfigs to record, in a fixed order. */
export function oracleCases(): unknown[] {
  const cases: unknown[] = [
    undefined,
    null,
    "just-a-string",
    [],
    {},
    configMap({}),
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "function-input" } },
    { apiVersion: "v1", kind: "ConfigMap", data: [] },
    configMap({ zone: 1 }),
    configMap({ zone: "east", zoen: "x" }),
    { apiVersion: "v1", kind: "Secret", metadata: { name: "cfg" } },
    { apiVersion: "meshservice-krm/v2", kind: "RenderMeshServices" },
    typed({ zoen: "east", kumaVersion: "9.9", other: 1 }),
  ];
  for (const key of KEYS) {
    for (const value of [...(BY_KEY[key] ?? []), ...COMMON]) {
      cases.push(typed({ [key]: value }));
      if (typeof value === "string") cases.push(configMap({ [key]: value }));
    }
  }
  const next = random(17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  for (let i = 0; i < 600; i++) {
    const fields: Record<string, unknown> = {};
    const count = 2 + Math.floor(next() * 4);
    for (let k = 0; k < count; k++) {
      const key = next() < 0.05 ? pick(["zoen", "unknownKey"]) : pick(KEYS);
      const own = BY_KEY[key] ?? COMMON;
      fields[key] = next() < 0.8 ? pick(own) : pick(COMMON);
    }
    const strings = Object.values(fields).every((v) => typeof v === "string");
    cases.push(strings && next() < 0.5 ? configMap(fields) : typed(fields));
  }
  return cases;
}

/** A recorded outcome: the config's fields that differ from the defaults, or each error's path and message. */
export type CompactOutcome =
  | { ok: true; set: Record<string, unknown> }
  | { ok: false; errors: [string | null, string, string | null][] };

/** The list of known keys changes when a key is added: it is compared as a placeholder. */
const KNOWN_KEYS = /known keys are [A-Za-z, ]+$/;

/**
 * The fields of a `parseConfig` outcome the fixture keeps: a valid config's
 * differences from the defaults (in key order), or every error's field path,
 * message and the kind of the object it names.
 */
export function compactOutcome(outcome: unknown): CompactOutcome {
  const o = outcome as {
    ok: boolean;
    config?: Record<string, unknown>;
    results: { message: string; field?: { path: string }; resourceRef?: { kind: string } }[];
  };
  if (o.ok) {
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(o.config ?? {})) {
      if (JSON.stringify(value) !== JSON.stringify(DEFAULTS[key])) set[key] = value;
    }
    return { ok: true, set };
  }
  return {
    ok: false,
    errors: o.results.map((r) => [
      r.field?.path ?? null,
      r.message.replace(KNOWN_KEYS, "known keys are <keys>"),
      r.resourceRef?.kind ?? null,
    ]),
  };
}

/** The resolved defaults of the recorded implementation (JSON: undefined fields absent). */
const DEFAULTS: Record<string, unknown> = {
  kumaVersion: "2.14",
  zone: "default",
  inboundTagsDisabled: false,
  systemNamespace: "kuma-system",
  assumeMeshes: [{ name: "default", mode: "Everywhere" }],
  assumeInjectedNamespaces: "*",
  outputPath: "kuma-generated/{mesh}/{namespace}/{kind}_{name}.yaml",
  zones: [],
  globalEnvironment: "universal",
  hostnameGenerators: [],
  skipDefaultHostnameGenerators: false,
  meshMultiZoneServices: [],
  zoneKnown: false,
  crossZoneReferences: {},
  reachableBackendsFor: [],
  fixAppProtocol: false,
  exclude: [],
};
