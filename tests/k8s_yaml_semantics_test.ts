/**
 * Issue 15 item 8 and issue 16's `!!merge` bug, end to end through the KRM
 * path: the ResourceList is read as Kubernetes reads YAML.
 *
 * @module
 */

import assert from "node:assert/strict";
import { processBytes } from "../src/io/krm_stdio.ts";
import { readYaml } from "../src/io/yaml.ts";

const HEAD = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: meshservice-krm
  data:
    kumaVersion: "2.14"
    zone: east
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: kuma-demo
    labels:
      kuma.io/sidecar-injection: enabled
- apiVersion: kuma.io/v1alpha1
  kind: Mesh
  metadata:
    name: default
  spec:
    meshServices:
      mode: Everywhere
`;

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

async function meshServiceOf(service: string): Promise<{ ms: Obj | undefined; errors: string[] }> {
  const { text, results } = await processBytes(new TextEncoder().encode(HEAD + service));
  const list = readYaml(text) as { items: Obj[] };
  return {
    ms: list.items.find((item) => item.kind === "MeshService"),
    errors: results.filter((r) => r.severity === "error").map((r) => r.message),
  };
}

Deno.test("port: 0120 is port 80 (YAML 1.1 octal, as kubectl reads it)", async () => {
  const { ms, errors } = await meshServiceOf(`- apiVersion: v1
  kind: Service
  metadata:
    name: backend
    namespace: kuma-demo
  spec:
    clusterIP: 10.96.0.10
    selector:
      app: backend
    ports:
    - name: http
      port: 0120
      targetPort: 0x1F90
`);
  assert.deepEqual(errors, []);
  assert.equal(ms!.spec.ports[0].port, 80);
  assert.equal(ms!.spec.ports[0].targetPort, 8080);
});

Deno.test("merge keys merge (<<: and kpt's !!merge <<:): the MeshService has the merged ports and selector", async () => {
  for (const merge of ["<<:", "!!merge <<:"]) {
    const { ms, errors } = await meshServiceOf(`- apiVersion: v1
  kind: Service
  metadata:
    name: backend
    namespace: kuma-demo
  spec:
    ${merge} &defaults
      clusterIP: 10.96.0.10
      selector:
        app: backend
    ports:
    - ${merge} {protocol: TCP, port: 80}
      name: http
`);
    assert.deepEqual(errors, [], merge);
    assert.deepEqual(ms!.spec.selector.dataplaneTags.app, "backend", merge);
    assert.equal(ms!.spec.ports[0].port, 80, merge);
    assert.equal(ms!.spec.ports[0].name, "http", merge);
  }
});

Deno.test("directory mode can edit a file holding YAML 1.1 values: its editor reads them as the reader does", async () => {
  const { editDocument } = await import("../src/io/yaml_text/yaml_edit.ts");
  const text =
    "spec:\n  enabled: yes\n  port: 0120\n  big: 1_000\n  date: 2001-12-14\n  time: 1:20\n  name: old\n";
  const before = readYaml(text) as Obj;
  assert.deepEqual(before.spec, {
    enabled: true,
    port: 80,
    big: 1000,
    date: "2001-12-14",
    time: "1:20",
    name: "old",
  });
  const after = { spec: { ...before.spec, name: "new" } };
  const edited = editDocument(text, { index: 0, before, after });
  assert.equal(edited, text.replace("name: old", "name: new"));
});
