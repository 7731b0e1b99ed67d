/**
 * A Universal YAML MeshService labelled `kuma.io/managed-by:
 * meshservice-generator` in a manifest directory: `render --out` rewrites it
 * in its file the way Kuma's generator updates it (generator_test.go "should
 * allow MeshService to be changed if all Dataplanes change", "should preserve
 * existing labels when updating MeshService"), comments kept, and a second
 * render changes nothing.
 */
import assert from "node:assert/strict";
import { DENO, describeRun, MOD_TS, run, snapshotTree, writeTree } from "./e2e_support.ts";

const BACKEND = `# backend, exported from the control plane
type: Dataplane
mesh: mesh-1
name: backend-1
networking:
  address: 10.0.0.1
  inbound:
  - port: 81
    tags:
      kuma.io/service: backend
---
type: MeshService
mesh: mesh-1
name: backend
labels:
  custom.io/extra: preserved # an operator's label
  kuma.io/managed-by: meshservice-generator
spec:
  selector:
    dataplaneTags:
      kuma.io/service: backend
  ports:
  - name: "80"
    port: 80
    targetPort: 80
    appProtocol: tcp
`;

const UPDATED = `# backend, exported from the control plane
type: Dataplane
mesh: mesh-1
name: backend-1
networking:
  address: 10.0.0.1
  inbound:
  - port: 81
    tags:
      kuma.io/service: backend
---
type: MeshService
mesh: mesh-1
name: backend
labels:
  custom.io/extra: preserved # an operator's label
  kuma.io/managed-by: meshservice-generator
  kuma.io/display-name: backend
  kuma.io/env: universal
  kuma.io/mesh: mesh-1
  kuma.io/origin: zone
  kuma.io/zone: zone-1
spec:
  selector:
    dataplaneTags:
      kuma.io/service: backend
  ports:
  - name: "81"
    port: 81
    targetPort: 81
    appProtocol: tcp
`;

const FILES = {
  "mesh.yaml": "type: Mesh\nname: mesh-1\nmeshServices:\n  mode: Everywhere\n",
  "backend.yaml": BACKEND,
  "meshservice-krm.yaml": `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: config
kumaVersion: "2.14"
zone: zone-1
`,
};

function cli(args: string[], dir: string) {
  return run(DENO, ["run", "--no-prompt", `-R=${dir}`, `-W=${dir}`, MOD_TS, ...args], {
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1" },
  });
}

Deno.test("directory: a generator-managed Universal MeshService is rewritten in its file as Kuma's generator updates it, and generates no second copy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-managed-" });
  try {
    await writeTree(dir, FILES);
    const first = await cli(["render", dir, "--out", dir], dir);
    assert.equal(first.code, 0, describeRun(first));
    assert.match(first.stderr, /Kuma's generator manages MeshService "backend" of mesh "mesh-1"/);
    const after = await snapshotTree(dir);
    assert.deepEqual([...after.keys()].sort(), [
      "backend.yaml",
      "mesh.yaml",
      "meshservice-krm.yaml",
    ]);
    assert.equal(after.get("backend.yaml"), UPDATED);
    const second = await cli(["render", dir, "--out", dir], dir);
    assert.equal(second.code, 0, describeRun(second));
    assert.deepEqual(await snapshotTree(dir), after, "a second render changes nothing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
