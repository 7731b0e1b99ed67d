import assert from "node:assert/strict";
import {
  kubernetesServiceTag,
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
