/**
 * Rows of Kuma's MeshMultiZoneService validator table
 * (`pkg/core/resources/apis/meshmultizoneservice/api/v1alpha1/validator_test.go`,
 * "validation") at v2.9.13, v2.14.3 and HEAD (the 3.0 line), run through
 * {@link multiZoneServiceProblems}. Kuma's tests build the resource from YAML
 * without CRD defaults, as a Universal store does.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { featuresOf, type KumaVersion } from "../model/version.ts";
import type { KubeObject } from "../model/krm.ts";
import { multiZoneServiceProblems } from "./multizone_validation.ts";

function mmzs(spec: string, name = "name"): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshMultiZoneService",
    metadata: { name },
    spec: (parse(spec) ?? {}) as Record<string, unknown>,
  };
}

/** Kuma's violations as (field, Kuma message) pairs; our fields use dots for indexes. */
function violations(object: KubeObject, version: KumaVersion): [string, string][] {
  return multiZoneServiceProblems(object, featuresOf(version), "universal")
    .filter((p) => p.severity === "error")
    .map((p) => [p.field, /: "([^"]*)"/.exec(p.message)?.[1] ?? p.message]);
}

const EMPTY_PORT_NAME = `
selector:
  meshService:
    matchLabels:
      app: xyz
ports:
- port: 123
  name: ''
  appProtocol: tcp
`;
const NOT_SUPPORTED = `
selector:
  meshService:
    matchLabels:
      app: xyz
ports:
- port: 123
  appProtocol: not_supported
`;
const FULL_SPEC = `
selector:
  meshService:
    matchLabels:
      app: xyz
ports:
- port: 123
  appProtocol: tcp
`;
const FULL_SPEC_2_9 = `
selector:
  meshService:
    matchLabels:
      app: xyz
ports:
- port: 123
`;
const SPEC_ERRORS: [string, string][] = [
  ["spec.selector.meshService.matchLabels", "cannot be empty"],
  ["spec.ports", "cannot be empty"],
];

Deno.test("Kuma 2.9 validator table: 'spec errors' and 'full spec' (no port checks yet)", () => {
  assert.deepEqual(violations(mmzs(""), "2.9"), SPEC_ERRORS);
  assert.deepEqual(violations(mmzs(FULL_SPEC_2_9), "2.9"), []);
  // Not in 2.9's validator: an empty port name and any appProtocol pass.
  assert.deepEqual(violations(mmzs(EMPTY_PORT_NAME), "2.9"), []);
  assert.deepEqual(violations(mmzs(NOT_SUPPORTED), "2.9"), []);
});

Deno.test("Kuma 2.14 validator table: empty port name, unsupported appProtocol, 'spec errors', 'full spec'", () => {
  assert.deepEqual(violations(mmzs(EMPTY_PORT_NAME), "2.14"), [
    ["spec.ports[0].name", "must not be empty"],
  ]);
  assert.deepEqual(violations(mmzs(NOT_SUPPORTED), "2.14"), [
    ["spec.ports[0].appProtocol", "appProtocol must be one of: grpc, http, http2, kafka, tcp"],
  ]);
  assert.deepEqual(violations(mmzs(""), "2.14"), SPEC_ERRORS);
  assert.deepEqual(violations(mmzs(FULL_SPEC), "2.14"), []);
  // 2.14 does not check names: global.backend is accepted.
  assert.deepEqual(violations(mmzs(FULL_SPEC, "global.backend"), "2.14"), []);
});

Deno.test("Kuma 3.0 validator table: kafka dropped and 'name does not conform to RFC 1035'", () => {
  assert.deepEqual(violations(mmzs(NOT_SUPPORTED), "3.0"), [
    ["spec.ports[0].appProtocol", "appProtocol must be one of: grpc, http, http2, tcp"],
  ]);
  const [name] = violations(mmzs(FULL_SPEC, "global.backend"), "3.0");
  assert.equal(name?.[0], "metadata.name");
  assert.match(name![1], /^a DNS-1035 label must consist of lower case alphanumeric characters/);
  assert.deepEqual(violations(mmzs(""), "3.0"), SPEC_ERRORS);
  assert.deepEqual(violations(mmzs(FULL_SPEC), "3.0"), []);
});

Deno.test("a missing appProtocol is tcp on a Kubernetes store (CRD default) and rejected on a Universal one (2.10+)", () => {
  const object = mmzs(FULL_SPEC_2_9);
  assert.deepEqual(multiZoneServiceProblems(object, featuresOf("2.14"), "kubernetes"), []);
  assert.deepEqual(violations(object, "2.14").map(([field]) => field), [
    "spec.ports[0].appProtocol",
  ]);
});
