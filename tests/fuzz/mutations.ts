/**
 * The fuzzer's mutations: a seeded random source, hostile values (names that
 * carry workflow commands, ANSI escapes, document separators, paths, URLs,
 * YAML 1.1 look-alikes, huge or empty text, wrong types), structure-level
 * mutations of a parsed ResourceList (names, labels, ports, kinds, config,
 * HostnameGenerators with hostile templates, referrers, duplicates, deletions)
 * and YAML-level mutations of its text (anchors, merge keys, tags,
 * directives, separators, truncation, byte flips, indentation, CRLF, BOM,
 * deep nesting, invalid UTF-8).
 *
 * Every choice comes from {@link Rng}, so a seed replays a case exactly.
 *
 * @module
 */

type Json = Record<string, unknown>;

/** mulberry32: a small seeded generator, uniform enough for choosing mutations. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)]!;
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }
}

/** Strings a pull request could put in any name, label, value or template. */
export const HOSTILE_STRINGS: readonly string[] = [
  "::error file=a.yaml,line=1::pwned",
  "  ::set-output name=stale::false",
  "##[warning]legacy command",
  "::stop-commands::x",
  "\x1b[2J\x1b[31mred\x1b]0;title\x07",
  "\x9b31m",
  "a\nb",
  "x\r::warning::cr",
  "a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\n",
  "# Source: ../../etc/passwd",
  "../../../etc/passwd",
  "/etc/passwd",
  "${HOME}",
  "$(id)",
  "`id`",
  "{{ .Name }}",
  "https://evil.example/login",
  "www.evil.example",
  "@org/admins",
  "<!-- meshservice-krm:k8s -->",
  "| a | b |",
  "```",
  "\u202egnp.exe",
  "\u2028line\u2029para",
  "\u0000nul",
  "",
  " ",
  "-",
  ".",
  "..",
  "a".repeat(64),
  "a".repeat(254),
  "x".repeat(3000),
  "ü".repeat(80),
  "🙂",
  "0",
  "0120",
  "0x1F",
  "1_000",
  "true",
  "yes",
  "~",
  "null",
  ".inf",
  "-0",
  "12345678901234567891",
  "kuma.io/service",
  "default",
  "kuma-system",
  "*",
  "redis_redis-system_svc_6379",
  "meshservice-krm",
  "%25%0A",
];

/** Values of the wrong type, or at the edges of their type. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  65536,
  2 ** 53 + 1,
  3.5,
  true,
  false,
  [],
  {},
  [1, "a", null],
  { a: { b: { c: {} } } },
  Array.from({ length: 50 }, (_, i) => i),
];

/** Any hostile value, strings twice as likely. */
export function hostileValue(rng: Rng): unknown {
  return rng.chance(0.65) ? rng.pick(HOSTILE_STRINGS) : structuredClone(rng.pick(HOSTILE_VALUES));
}

/** HostnameGenerator templates: valid, invalid, recursive, large, with hostile text. */
export const HOSTILE_TEMPLATES: readonly string[] = [
  "{{ .DisplayName }}.mesh.local",
  "{{ .Name }}.{{ .Namespace }}.svc.{{ .Zone }}.local",
  '{{ label "kuma.io/display-name" }}.{{ label "missing" }}.mesh',
  "{{ .Missing.Field }}",
  "{{ if }}",
  "{{ range $k, $v := .Labels }}{{ $k }}{{ $v }}{{ end }}.mesh",
  '{{ printf "%s%s%s" .Name .Name .Name }}.mesh',
  '{{ define "x" }}{{ template "x" }}{{ end }}{{ template "x" }}',
  "{{/* comment */}}{{- .DisplayName -}}.local",
  "{{ .DisplayName }}".repeat(40) + ".mesh",
  "{{ .Name }}\n::error::template",
  "\x1b[2J{{ .Name }}",
  '{{ .Name | printf "%q" }}.mesh',
  "{{ len .Labels }}.mesh",
  '{{ index .Labels "app" }}.mesh',
  "x".repeat(300),
  "",
  "{{",
  "}}",
];

/** Kinds the tool reads, writes or rewrites, and some it does not know. */
const KINDS = [
  "Service",
  "Namespace",
  "Mesh",
  "MeshService",
  "MeshMultiZoneService",
  "MeshExternalService",
  "Dataplane",
  "MeshHTTPRoute",
  "MeshTCPRoute",
  "MeshTimeout",
  "HostnameGenerator",
  "RenderMeshServices",
  "ConfigMap",
  "Deployment",
  "StatefulSet",
  "Pod",
  "EndpointSlice",
  "Secret",
  "Unknown",
];

/** Label and annotation keys the tool reads. */
const KNOWN_KEYS = [
  "kuma.io/service",
  "kuma.io/mesh",
  "kuma.io/zone",
  "kuma.io/origin",
  "kuma.io/display-name",
  "kuma.io/sidecar-injection",
  "kuma.io/ignore",
  "kuma.io/reachable-backends",
  "k8s.kuma.io/namespace",
  "k8s.kuma.io/service-name",
  "config.kubernetes.io/path",
  "config.kubernetes.io/index",
  "config.kubernetes.io/local-config",
  "internal.config.kubernetes.io/path",
  "app",
];

/** Config keys of RenderMeshServices. */
const CONFIG_KEYS = [
  "kumaVersion",
  "environment",
  "zone",
  "systemNamespace",
  "meshServiceOutput",
  "migrationStage",
  "assumeMeshes",
  "assumeInjectedNamespaces",
  "reachableBackendsFor",
  "unknownKey",
];

function isObj(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function itemsOf(list: Json): unknown[] {
  if (!Array.isArray(list.items)) list.items = [];
  return list.items as unknown[];
}

function objectItems(list: Json): Json[] {
  return itemsOf(list).filter(isObj);
}

function metadataOf(item: Json): Json {
  if (!isObj(item.metadata)) item.metadata = {};
  return item.metadata as Json;
}

function mapAt(parent: Json, key: string): Json {
  if (!isObj(parent[key])) parent[key] = {};
  return parent[key] as Json;
}

/** Every (container, key) pair below a value, for picking a random field. */
function slots(value: unknown, out: [Json | unknown[], string | number][] = [], depth = 0) {
  if (depth > 12) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out, depth + 1);
    });
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push([value, k]);
      slots(v, out, depth + 1);
    }
  }
  return out;
}

/** Every `ports` array below a value. */
function portLists(value: unknown, out: unknown[][] = [], depth = 0): unknown[][] {
  if (depth > 10) return out;
  if (Array.isArray(value)) value.forEach((v) => portLists(v, out, depth + 1));
  else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "ports" && Array.isArray(v)) out.push(v);
      portLists(v, out, depth + 1);
    }
  }
  return out;
}

/** Structure-level mutations of a parsed ResourceList, in place; each names itself. */
const STRUCTURE: readonly [string, (list: Json, rng: Rng) => void][] = [
  ["name", (list, rng) => {
    const item = rng.pick(objectItems(list));
    if (item) metadataOf(item).name = hostileValue(rng);
  }],
  ["namespace", (list, rng) => {
    const item = rng.pick(objectItems(list));
    if (item) metadataOf(item).namespace = hostileValue(rng);
  }],
  ["label", (list, rng) => {
    const item = rng.pick(objectItems(list));
    if (!item) return;
    const where = rng.chance(0.5) ? "labels" : "annotations";
    const key = rng.chance(0.6) ? rng.pick(KNOWN_KEYS) : rng.pick(HOSTILE_STRINGS);
    mapAt(metadataOf(item), where)[key] = rng.chance(0.8)
      ? rng.pick(HOSTILE_STRINGS)
      : hostileValue(rng);
  }],
  ["field", (list, rng) => {
    const all = slots(list.items);
    if (all.length === 0) return;
    const [container, key] = rng.pick(all);
    (container as Record<string | number, unknown>)[key] = hostileValue(rng);
  }],
  ["delete", (list, rng) => {
    const all = slots(list.items);
    if (all.length === 0) return;
    const [container, key] = rng.pick(all);
    if (Array.isArray(container)) container.splice(key as number, 1);
    else delete container[key as string];
  }],
  ["port", (list, rng) => {
    const lists = portLists(list.items);
    const ports = lists.length > 0 ? rng.pick(lists) : undefined;
    const port = ports && ports.length > 0 ? rng.pick(ports) : undefined;
    if (!isObj(port)) return;
    const key = rng.pick(["port", "targetPort", "protocol", "appProtocol", "name", "nodePort"]);
    port[key] = rng.chance(0.5)
      ? rng.pick([0, 1, 65535, 65536, -80, 80.5, "80", "http"])
      : hostileValue(rng);
  }],
  ["duplicate", (list, rng) => {
    const items = itemsOf(list);
    if (items.length > 0) {
      items.splice(rng.int(items.length + 1), 0, structuredClone(rng.pick(items)));
    }
  }],
  ["drop", (list, rng) => {
    const items = itemsOf(list);
    if (items.length > 0) items.splice(rng.int(items.length), 1);
  }],
  ["shuffle", (list, rng) => {
    const items = itemsOf(list);
    for (let i = items.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
  }],
  ["kind", (list, rng) => {
    const item = rng.pick(objectItems(list));
    if (item) item.kind = rng.chance(0.85) ? rng.pick(KINDS) : hostileValue(rng);
  }],
  ["item", (list, rng) => {
    itemsOf(list).splice(rng.int(itemsOf(list).length + 1), 0, hostileValue(rng));
  }],
  ["generator", (list, rng) => {
    const labels: Json = rng.chance(0.5)
      ? {}
      : { [rng.pick(KNOWN_KEYS)]: rng.pick(HOSTILE_STRINGS) };
    itemsOf(list).push({
      apiVersion: "kuma.io/v1alpha1",
      kind: "HostnameGenerator",
      metadata: {
        name: rng.chance(0.5) ? `gen-${rng.int(5)}` : hostileValue(rng),
        namespace: rng.pick(["kuma-system", "default", "other"]),
        ...(rng.chance(0.3) ? { labels: { "kuma.io/origin": rng.pick(["zone", "global"]) } } : {}),
      },
      spec: {
        selector: rng.chance(0.8)
          ? {
            [rng.pick(["meshService", "meshExternalService", "meshMultiZoneService"])]: {
              matchLabels: labels,
            },
          }
          : hostileValue(rng),
        template: rng.chance(0.85) ? rng.pick(HOSTILE_TEMPLATES) : hostileValue(rng),
      },
    });
  }],
  ["referrer", (list, rng) => {
    const target = rng.chance(0.5) ? { kind: "MeshService", name: rng.pick(HOSTILE_STRINGS) } : {
      kind: rng.pick(["MeshService", "MeshServiceSubset", "Mesh", "MeshGateway"]),
      name: hostileValue(rng),
    };
    itemsOf(list).push({
      apiVersion: "kuma.io/v1alpha1",
      kind: rng.pick(["MeshHTTPRoute", "MeshTCPRoute", "MeshTimeout", "MeshRetry"]),
      metadata: {
        name: `route-${rng.int(9)}`,
        namespace: rng.pick(["kuma-system", "apps", "default"]),
      },
      spec: {
        targetRef: { kind: "Mesh" },
        to: [{
          targetRef: target,
          ...(rng.chance(0.5)
            ? { rules: [{ default: { backendRefs: [{ ...target, weight: hostileValue(rng) }] } }] }
            : {}),
        }],
      },
    });
  }],
  ["config", (list, rng) => {
    const config = isObj(list.functionConfig) ? list.functionConfig : (list.functionConfig = {
      apiVersion: "meshservice-krm/v1alpha1",
      kind: "RenderMeshServices",
      metadata: { name: "meshservice-krm" },
    });
    const target = isObj(config.data) ? config.data : config;
    const key = rng.pick(CONFIG_KEYS);
    target[key] = isObj(config.data) && rng.chance(0.7)
      ? String(rng.pick(HOSTILE_STRINGS))
      : hostileValue(rng);
  }],
  ["config-shape", (list, rng) => {
    list.functionConfig = rng.chance(0.3) ? undefined : hostileValue(rng);
    if (list.functionConfig === undefined) delete list.functionConfig;
  }],
  ["second-config", (list, rng) => {
    itemsOf(list).push({
      apiVersion: "meshservice-krm/v1alpha1",
      kind: "RenderMeshServices",
      metadata: { name: rng.pick(["meshservice-krm", "other"]) },
      [rng.pick(CONFIG_KEYS)]: hostileValue(rng),
    });
  }],
];

/** Lines a YAML-level mutation inserts. */
const YAML_LINES: readonly string[] = [
  "  <<: *missing",
  "  <<: {merged: true}",
  "    <<: [{a: 1}, {b: 2}]",
  "  !!merge <<: {a: 1}",
  "anchor: &a {x: 1}",
  "- &b [1, 2, 3]",
  "- *b",
  "  key: !!binary aGVsbG8=",
  "  key: !custom tag",
  "  key: !!str 0120",
  "? complex key",
  ": complex value",
  "%YAML 1.1",
  "%TAG ! tag:example.com,2000:",
  "---",
  "...",
  "  key: [unclosed",
  "  key: {unclosed",
  "  key: 'unclosed",
  '  key: "\\e[2J\\x1b::error::x"',
  "  # ::error file=a.yaml::comment",
  "\tkey: tab",
  "  port: 0120",
  "  port: 0x50",
  "  port: 0o120",
  "  port: 1_000",
  "  port: .inf",
  "  port: -0",
  "  port: 12345678901234567891",
  "  enabled: yes",
  "  enabled: off",
  "  name: ~",
  "  80: first",
  "  duplicate: 1",
  "  duplicate: 2",
  "  |",
  "  >-",
  "  ::error::plain scalar",
];

/** YAML-level mutations of the text; each names itself. */
const TEXTUAL: readonly [string, (text: string, rng: Rng) => string][] = [
  ["insert", (text, rng) => {
    const lines = text.split("\n");
    lines.splice(rng.int(lines.length + 1), 0, rng.pick(YAML_LINES));
    return lines.join("\n");
  }],
  ["delete-line", (text, rng) => {
    const lines = text.split("\n");
    lines.splice(rng.int(lines.length), 1);
    return lines.join("\n");
  }],
  ["duplicate-line", (text, rng) => {
    const lines = text.split("\n");
    const at = rng.int(lines.length);
    lines.splice(at, 0, lines[at]!);
    return lines.join("\n");
  }],
  ["indent", (text, rng) => {
    const lines = text.split("\n");
    const at = rng.int(lines.length);
    lines[at] = rng.chance(0.5) ? ` ${lines[at]}` : lines[at]!.replace(/^ /, "");
    return lines.join("\n");
  }],
  ["truncate", (text, rng) => text.slice(0, rng.int(text.length))],
  ["flip", (text, rng) => {
    const at = rng.int(text.length);
    const c = rng.pick([
      ":",
      "-",
      "'",
      '"',
      "{",
      "[",
      "&",
      "*",
      "!",
      "|",
      ">",
      "#",
      "\t",
      "\x1b",
      "\0",
      "\r",
      "\u2028",
      "\ufeff",
      " ",
    ]);
    return text.slice(0, at) + c + text.slice(at + 1);
  }],
  ["crlf", (text) => text.replaceAll("\n", "\r\n")],
  ["bom", (text) => `\ufeff${text}`],
  ["aliases", (text) => {
    // Nested aliases (a small "billion laughs"): the reader must bound it.
    const levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 7; i++) {
      levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(", ")}]`);
    }
    return `${text.trimEnd()}\nbomb:\n${levels.map((l) => `  ${l}`).join("\n")}\n`;
  }],
  ["nesting", (text, rng) => {
    const depth = rng.pick([50, 400, 2000]);
    return `${text.trimEnd()}\ndeep: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
  }],
  ["long-scalar", (text, rng) => {
    const at = text.indexOf(": ", rng.int(text.length));
    return at < 0 ? text : `${text.slice(0, at + 2)}${"y".repeat(100_000)}${text.slice(at + 2)}`;
  }],
  [
    "number",
    (text, rng) =>
      text.replace(
        /\b(port|targetPort): (\d+)/,
        (_, key: string) =>
          `${key}: ${
            rng.pick(["0120", "0x1F90", "1_0", ".nan", "-0", "8e1", "99999999999999999999", "080"])
          }`,
      ),
  ],
];

/** One generated case: the stdin bytes and the mutations that made it. */
export interface FuzzInput {
  source: string;
  mutations: string[];
  /** The list after structure mutations (before YAML-level ones), for directory mode. */
  list: Json;
  text: string | Uint8Array;
}

/** Serializes a list as YAML-compatible JSON (every JSON text is YAML), or as block YAML. */
function serialize(list: Json, rng: Rng, stringify: (value: unknown) => string): string {
  return rng.chance(0.2)
    ? JSON.stringify(list, null, rng.chance(0.5) ? 2 : undefined)
    : stringify(list);
}

/**
 * Mutates one golden input: 1 to 3 structure-level mutations, then, for
 * about a third of the cases, 1 to 2 YAML-level ones; rarely, invalid UTF-8.
 */
export function mutate(
  input: { name: string; list: Json },
  rng: Rng,
  stringify: (value: unknown) => string,
): FuzzInput {
  const list = structuredClone(input.list);
  const mutations: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const [name, apply] = rng.pick(STRUCTURE);
    apply(list, rng);
    mutations.push(name);
  }
  let text = serialize(list, rng, stringify);
  if (rng.chance(0.35)) {
    for (let n = 1 + rng.int(2); n > 0; n--) {
      const [name, apply] = rng.pick(TEXTUAL);
      text = apply(text, rng);
      mutations.push(name);
    }
  }
  if (rng.chance(0.02)) {
    const bytes = new TextEncoder().encode(text);
    const at = rng.int(bytes.length);
    const broken = new Uint8Array([...bytes.slice(0, at), 0xc3, 0x28, ...bytes.slice(at)]);
    return { source: input.name, mutations: [...mutations, "invalid-utf8"], list, text: broken };
  }
  return { source: input.name, mutations, list, text };
}

/** One YAML-level mutation of a text. */
export function mutateText(text: string, rng: Rng): string {
  const [, apply] = rng.pick(TEXTUAL);
  return apply(text, rng);
}
