import assert from "node:assert/strict";
import {
  buildLegacyIndex,
  kubernetesServiceTag,
  type LegacySource,
  legacyTargetsOf,
  parseLegacyServiceName,
  servicelessTag,
} from "./service_identity.ts";

Deno.test("kubernetesServiceTag() builds Kuma's <svc>_<ns>_svc_<port> tag", () => {
  assert.equal(kubernetesServiceTag("sample", "playground", 7071), "sample_playground_svc_7071");
  assert.equal(servicelessTag("batch", "jobs"), "batch_jobs_svc");
});

Deno.test("parseLegacyServiceName() splits 3- and 4-segment names", () => {
  assert.deepEqual(parseLegacyServiceName("backend_kuma-demo_svc_8080"), {
    name: "backend",
    namespace: "kuma-demo",
    port: 8080,
  });
  assert.deepEqual(parseLegacyServiceName("batch_jobs_svc"), { name: "batch", namespace: "jobs" });
  assert.deepEqual(parseLegacyServiceName("a_b_anything_1"), {
    name: "a",
    namespace: "b",
    port: 1,
  });
});

Deno.test("parseLegacyServiceName() rejects other shapes", () => {
  assert.equal(parseLegacyServiceName("backend"), undefined);
  assert.equal(parseLegacyServiceName("a_b"), undefined);
  assert.equal(parseLegacyServiceName("a_b_svc_http"), undefined);
  assert.equal(parseLegacyServiceName("a_b_svc_99999999999"), undefined);
  assert.equal(parseLegacyServiceName("a_b_c_d_e"), undefined);
});

Deno.test("legacyTargetsOf() finds targets by mesh and legacy value as their joined text", () => {
  const source = (mesh: string, legacy: string, name: string): LegacySource => ({
    zone: "east",
    mesh,
    name,
    displayName: name,
    ports: [{ port: 80 }],
    legacyServices: [legacy],
  });
  const index = buildLegacyIndex([
    source("default", "web_shop_svc_80", "web"),
    source("default", "web_shop_svc_80", "web-2"),
    source("other", "web_shop_svc_80", "web-3"),
    // Two pairs whose joined text is the same "a NUL b NUL c": one key, as before.
    source("a", "b\u0000c", "x"),
    source("a\u0000b", "c", "y"),
    source("a", "b", "z"),
  ]);
  const names = (mesh: string, legacy: string) =>
    legacyTargetsOf(index, mesh, legacy).map((t) => t.name);
  assert.deepEqual(names("default", "web_shop_svc_80"), ["web", "web-2"]);
  assert.deepEqual(names("other", "web_shop_svc_80"), ["web-3"]);
  assert.deepEqual(names("default", "nope"), []);
  assert.deepEqual(names("nope", "web_shop_svc_80"), []);
  assert.deepEqual(names("a", "b\u0000c"), ["x", "y"]);
  assert.deepEqual(names("a\u0000b", "c"), ["x", "y"]);
  assert.deepEqual(names("a", "b"), ["z"]);
  assert.deepEqual(legacyTargetsOf(index, "default", "web_shop_svc_80")[0], {
    legacy: "web_shop_svc_80",
    mesh: "default",
    zone: "east",
    name: "web",
    displayName: "web",
    port: 80,
    section: "80",
  });
});
