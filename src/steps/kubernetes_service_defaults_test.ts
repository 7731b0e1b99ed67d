/**
 * Port rules of Kubernetes MeshServices: the API server's defaulting and
 * validation of Service ports (the controller reads defaulted Services), then
 * `manageMeshService` in
 * `pkg/plugins/runtime/k8s/controllers/meshservice_controller.go` at v2.14.3
 * (L496-516: TCP only, name or port number, targetPort verbatim, appProtocol
 * verbatim or `tcp`); /work/shared/docs/kuma-spec.md §2.1 and §2.4.
 */

import assert from "node:assert/strict";
import type { KubeObject, Result } from "../model/krm.ts";
import { REASON } from "../results.ts";
import { defaultService, meshServicePorts } from "./kubernetes_service_defaults.ts";

function serviceWith(spec: unknown): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop" },
    spec: spec as Record<string, unknown>,
  };
}

function portsOf(ports: unknown[]) {
  const results: Result[] = [];
  const service = defaultService({ object: serviceWith({ ports }), position: 0 }, results);
  assert.ok(service, `readable: ${JSON.stringify(results)}`);
  const meshServicePortList = meshServicePorts(service, results);
  return { defaulted: service.ports, ports: meshServicePortList, results };
}

Deno.test("port rules: a bare port defaults to TCP, targetPort = port, name = the port number, appProtocol tcp", () => {
  const { defaulted, ports, results } = portsOf([{ port: 8080 }]);
  assert.deepEqual(defaulted, [{
    index: 0,
    name: "",
    port: 8080,
    targetPort: 8080,
    protocol: "TCP",
    appProtocol: undefined,
  }]);
  assert.deepEqual(ports, [{ name: "8080", port: 8080, targetPort: 8080, appProtocol: "tcp" }]);
  assert.deepEqual(results, []);
});

Deno.test("port rules: name, named targetPort and appProtocol are copied verbatim (no lower-casing, no check)", () => {
  const { ports } = portsOf([
    { name: "admin", port: 8080, targetPort: "http-admin", appProtocol: "kubernetes.io/h2c" },
    { name: "Grpc", port: 9090, appProtocol: "GRPC" },
  ]);
  assert.deepEqual(ports, [
    { name: "admin", port: 8080, targetPort: "http-admin", appProtocol: "kubernetes.io/h2c" },
    { name: "Grpc", port: 9090, targetPort: 9090, appProtocol: "GRPC" },
  ]);
});

Deno.test("port rules: an empty protocol is defaulted to TCP, not dropped (kuma-spec.md §2.1)", () => {
  const { ports } = portsOf([{ port: 80, protocol: "" }]);
  assert.deepEqual(ports.map((p) => p.port), [80]);
});

Deno.test("port rules: UDP and SCTP ports are dropped with a warning naming each; the others keep their order", () => {
  const { ports, results } = portsOf([
    { name: "dns", port: 53, protocol: "UDP" },
    { port: 80 },
    { port: 9000, protocol: "SCTP" },
    { name: "tls", port: 443, protocol: "TCP" },
  ]);
  assert.deepEqual(ports.map((p) => p.name), ["80", "tls"]);
  assert.deepEqual(
    results.map((r) => [r.tags?.reason, r.severity, r.field?.path, r.field?.currentValue]),
    [
      [REASON.ignoredUnsupportedPort, "warning", "spec.ports[0].protocol", "UDP"],
      [REASON.ignoredUnsupportedPort, "warning", "spec.ports[2].protocol", "SCTP"],
    ],
  );
  assert.match(results[0]!.message, /Ignored port "dns" of Service "web"/);
  assert.match(results[1]!.message, /Ignored port "9000" of Service "web"/);
});

Deno.test("port rules: the same port number is allowed once per protocol", () => {
  const { defaulted, ports } = portsOf([
    { name: "dns-tcp", port: 53 },
    { name: "dns-udp", port: 53, protocol: "UDP" },
  ]);
  assert.equal(defaulted.length, 2);
  assert.deepEqual(ports.map((p) => p.name), ["dns-tcp"]);
});

/** Service ports the API server rejects: the Service cannot be read (an error result, no MeshService). */
const UNREADABLE: { name: string; ports: unknown; path: string; currentValue?: unknown }[] = [
  { name: "ports not a list", ports: { port: 80 }, path: "spec.ports" },
  { name: "a port not a map", ports: [80], path: "spec.ports[0]" },
  { name: "port missing", ports: [{ name: "web" }], path: "spec.ports[0].port" },
  { name: "port 0", ports: [{ port: 0 }], path: "spec.ports[0].port", currentValue: 0 },
  { name: "port 65536", ports: [{ port: 65536 }], path: "spec.ports[0].port", currentValue: 65536 },
  {
    name: "port as a string",
    ports: [{ port: "80" }],
    path: "spec.ports[0].port",
    currentValue: "80",
  },
  { name: "port 1.5", ports: [{ port: 1.5 }], path: "spec.ports[0].port", currentValue: 1.5 },
  {
    name: "name not a string",
    ports: [{ port: 80, name: 1 }],
    path: "spec.ports[0].name",
    currentValue: 1,
  },
  {
    name: "protocol not a string",
    ports: [{ port: 80, protocol: 6 }],
    path: "spec.ports[0].protocol",
    currentValue: 6,
  },
  {
    name: "appProtocol not a string",
    ports: [{ port: 80, appProtocol: true }],
    path: "spec.ports[0].appProtocol",
    currentValue: true,
  },
  {
    name: "targetPort empty",
    ports: [{ port: 80, targetPort: "" }],
    path: "spec.ports[0].targetPort",
    currentValue: "",
  },
  {
    name: "targetPort 0",
    ports: [{ port: 80, targetPort: 0 }],
    path: "spec.ports[0].targetPort",
    currentValue: 0,
  },
  {
    name: "same port and protocol twice (TCP by default)",
    ports: [{ name: "a", port: 80 }, { name: "b", port: 80, protocol: "TCP" }],
    path: "spec.ports[1].port",
    currentValue: 80,
  },
  {
    name: "same name twice",
    ports: [{ name: "web", port: 80 }, { name: "web", port: 81 }],
    path: "spec.ports[1].name",
    currentValue: "web",
  },
];

for (const row of UNREADABLE) {
  Deno.test(`port rules: the API server rejects a Service with ${row.name}`, () => {
    const results: Result[] = [];
    const service = defaultService(
      { object: serviceWith({ ports: row.ports }), position: 0 },
      results,
    );
    assert.equal(service, undefined);
    assert.deepEqual(
      results.map((r) => [r.severity, r.tags?.reason, r.field?.path, r.field?.currentValue]),
      [["error", REASON.invalidField, row.path, row.currentValue]],
    );
    assert.match(results[0]!.message, /^Cannot read Service/);
  });
}

Deno.test("port rules: two unnamed ports on different numbers are fine (names are unique only when set)", () => {
  const { ports } = portsOf([{ port: 80 }, { port: 81 }]);
  assert.deepEqual(ports.map((p) => p.name), ["80", "81"]);
});
