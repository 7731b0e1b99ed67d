/**
 * Configuration rules that involve DNS names (issue 17.4): every name the
 * config holds is checked with src/model/dns.ts, limits included. Before, a
 * mesh name, a generator name or a workload pattern of any length was
 * accepted, and `preset:mesh` entries took any mesh.
 */

import assert from "node:assert/strict";
import { parseConfig } from "../src/config.ts";

function errors(data: Record<string, string>): [string | undefined, string][] {
  const outcome = parseConfig({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c" },
    data,
  });
  return outcome.ok ? [] : outcome.results.map((r) => [r.field?.path, r.message]);
}

function typedErrors(fields: Record<string, unknown>): [string | undefined, string][] {
  const outcome = parseConfig({
    apiVersion: "meshservice-krm/v1alpha1",
    kind: "RenderMeshServices",
    metadata: { name: "c" },
    ...fields,
  });
  return outcome.ok ? [] : outcome.results.map((r) => [r.field?.path, r.message]);
}

const m63 = "m".repeat(63);
const m64 = "m".repeat(64);

Deno.test("a 70-character zone is refused, a 63-character one accepted", () => {
  assert.deepEqual(errors({ zone: "z".repeat(63) }), []);
  assert.deepEqual(errors({ zone: "z".repeat(70) }), [[
    "data.zone",
    `Invalid configuration "zone": Must be a DNS-1123 label (lowercase letters, digits, '-'), at most 63 characters`,
  ]]);
});

Deno.test("assumeMeshes refuses a mesh name longer than a DNS label", () => {
  assert.deepEqual(errors({ assumeMeshes: `${m63}:Exclusive` }), []);
  assert.deepEqual(errors({ assumeMeshes: `a, ${m64}` }), [[
    "data.assumeMeshes[1]",
    `Invalid configuration "assumeMeshes": Invalid mesh entry "${m64}": expected name[:mode]`,
  ]]);
});

Deno.test("hostnameGenerators check names and meshes in both forms", () => {
  assert.deepEqual(errors({ hostnameGenerators: `local:${m63}` }), []);
  assert.deepEqual(errors({ hostnameGenerators: "local:Mesh" }), [[
    "data.hostnameGenerators[0].mesh",
    `Invalid configuration "hostnameGenerators": Must be a DNS-1123 label`,
  ]]);
  assert.deepEqual(typedErrors({ hostnameGenerators: [{ preset: "local", mesh: m64 }] }), [[
    "hostnameGenerators[0].mesh",
    `Invalid configuration "hostnameGenerators": Must be a DNS-1123 label`,
  ]]);
  const name253 = `${"n".repeat(63)}.`.repeat(3) + "n".repeat(61);
  assert.equal(name253.length, 253);
  assert.deepEqual(typedErrors({ hostnameGenerators: [{ preset: "local", name: name253 }] }), []);
  assert.deepEqual(
    typedErrors({ hostnameGenerators: [{ preset: "local", name: `${name253}n` }] }),
    [[
      "hostnameGenerators[0].name",
      `Invalid configuration "hostnameGenerators": Must be a DNS-1123 subdomain`,
    ]],
  );
});

Deno.test("meshMultiZoneServices refuse a mesh name longer than a DNS label", () => {
  const entry = (mesh: string) => [{ name: "a", mesh, matchLabels: {}, ports: [{ port: 80 }] }];
  assert.deepEqual(typedErrors({ meshMultiZoneServices: entry(m63) }), []);
  assert.deepEqual(typedErrors({ meshMultiZoneServices: entry(m64) }), [[
    "meshMultiZoneServices[0].mesh",
    `Invalid configuration "meshMultiZoneServices": Must be a DNS-1123 label`,
  ]]);
});

Deno.test("reachableBackendsFor limits the namespace to 63 and the name to 253 characters", () => {
  const message =
    `Invalid configuration "reachableBackendsFor": Must be "namespace/name", "name" or use * for either part`;
  assert.deepEqual(errors({ reachableBackendsFor: `${m63}/${"w".repeat(253)}, */web` }), []);
  assert.deepEqual(errors({ reachableBackendsFor: `${m64}/web` }), [[
    "data.reachableBackendsFor[0]",
    message,
  ]]);
  assert.deepEqual(errors({ reachableBackendsFor: `shop/${"w".repeat(254)}` }), [[
    "data.reachableBackendsFor[0]",
    message,
  ]]);
});

Deno.test("the configuration never loads zod: the module graph of mod.ts holds no zod module", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("../mod.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string }[];
    npmPackages?: Record<string, unknown>;
  };
  assert.ok(graph.modules.length > 20, "the graph lists the modules");
  const zod = graph.modules.map((m) => m.specifier).filter((s) => /zod/.test(s));
  assert.deepEqual(zod, []);
  assert.deepEqual(Object.keys(graph.npmPackages ?? {}).filter((p) => p.startsWith("zod@")), []);
});
