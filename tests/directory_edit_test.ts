/**
 * Directory mode writes the core's rewrites of input items back to their
 * files: end to end through the CLI (`render`, `render --out`, `check`, with
 * read/write permission on the repo only and no environment access), and
 * through the {@link editedFiles} seam with hand-made rewritten objects.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { editedFiles, type ReadItem } from "../src/io/directory.ts";
import { fromUniversal, isUniversalDocument } from "../src/io/universal_format.ts";
import { KRM_ANNOTATION, type KubeObject } from "../src/model/krm.ts";
import { TOOL_ANNOTATION } from "../src/model/tool.ts";
import {
  DENO,
  describeRun,
  MOD_TS,
  run,
  type RunOutput,
  snapshotTree,
  withTempTree,
} from "./e2e_support.ts";

const BACKEND_YAML = `# The backend: one Service, one Deployment.
apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: kuma-demo
spec:
  selector:
    app: backend
  clusterIP: 10.96.0.20
  ports:
    - name: http
      port: 8080
      targetPort: 8080
      appProtocol: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend
  namespace: kuma-demo
spec:
  selector:
    matchLabels:
      app: backend
  template:
    metadata:
      labels:
        app: backend
    spec:
      containers:
        - name: backend
          image: backend:1.0
`;

const ROUTE_YAML = `# Traffic from the frontend to the backend.
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: frontend-to-backend
  namespace: kuma-demo # the route's namespace
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh

  to:
    # The destination, still by its kuma.io/service name.
    - targetRef: # rewritten by meshservice-krm
        kind: MeshService
        name: backend_kuma-demo_svc_8080 # legacy name
      rules:
        - matches:
            - path:
                type: PathPrefix
                value: '/api'
          default:
            # Every request goes to the backend.
            backendRefs:
              - kind: MeshService
                name: "backend_kuma-demo_svc_8080" # legacy backend
                weight: 100
`;

/** The route after the rewrite: only targetRef and backendRef fields differ. */
const ROUTE_REWRITTEN = ROUTE_YAML
  .replace(
    "        name: backend_kuma-demo_svc_8080 # legacy name\n",
    "        name: backend # legacy name\n        namespace: kuma-demo\n        sectionName: http\n",
  )
  .replace(
    `                name: "backend_kuma-demo_svc_8080" # legacy backend\n                weight: 100\n`,
    `                name: "backend" # legacy backend\n                weight: 100\n` +
      "                namespace: kuma-demo\n                port: 8080\n",
  );

const GENERATED_PATH = "kuma-generated/default/kuma-demo/meshservice_backend.yaml";

/** Runs the CLI with read (and write) permission on `dirs` only: no environment, no prompt. */
function cli(args: string[], dirs: string[], write = true): Promise<RunOutput> {
  const permissions = dirs.flatMap((dir) => [`-R=${dir}`, ...(write ? [`-W=${dir}`] : [])]);
  return run(DENO, ["run", "--no-prompt", ...permissions, MOD_TS, ...args], {
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1" },
  });
}

function assertNoCrash(output: RunOutput): void {
  assert.doesNotMatch(
    output.stderr,
    /Uncaught|NotCapable|PermissionDenied|Requires \w+ access|^\s+at /m,
    describeRun(output),
  );
}

function withRepo(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  return withTempTree("meshservice-krm-edit-", files, fn);
}

Deno.test("directory: render --out DIR rewrites the route in place, keeping comments and key order; check and idempotence", async () => {
  await withRepo(
    { "apps/backend.yaml": BACKEND_YAML, "routes/backend.yaml": ROUTE_YAML },
    async (dir) => {
      const stale = await cli(["check", dir], [dir], false);
      assertNoCrash(stale);
      assert.equal(stale.code, 1, describeRun(stale));
      assert.match(stale.stdout, /^--- a\/routes\/backend\.yaml$/m);
      assert.match(stale.stdout, /^- {8}name: backend_kuma-demo_svc_8080 # legacy name$/m);
      assert.match(stale.stdout, /^\+ {8}sectionName: http$/m);
      assert.match(stale.stderr, /2 rendered file\(s\) .* are stale \(1 of them input file\(s\)/);
      assert.equal((await snapshotTree(dir)).size, 2, "check writes nothing");

      const first = await cli(["render", dir, "--out", dir], [dir]);
      assertNoCrash(first);
      assert.equal(first.code, 0, describeRun(first));
      assert.match(first.stderr, /Wrote 2 file\(s\) \(1 rewritten input file\(s\)\)/);
      const after = await snapshotTree(dir);
      assert.deepEqual([...after.keys()].sort(), [
        "apps/backend.yaml",
        GENERATED_PATH,
        "routes/backend.yaml",
      ]);
      assert.equal(after.get("routes/backend.yaml"), ROUTE_REWRITTEN);
      assert.equal(
        after.get("apps/backend.yaml"),
        BACKEND_YAML,
        "untouched input stays byte-identical",
      );
      for await (const entry of Deno.readDir(join(dir, "routes"))) {
        assert.ok(!entry.name.includes(".tmp-"), `temporary file left behind: ${entry.name}`);
      }

      const second = await cli(["render", dir, "--out", dir], [dir]);
      assert.equal(second.code, 0, describeRun(second));
      assert.match(second.stderr, /Wrote 0 file\(s\) \(0 rewritten input file\(s\)\)/);
      assert.deepEqual(await snapshotTree(dir), after, "a second render changes nothing");

      const current = await cli(["check", dir], [dir], false);
      assert.equal(current.code, 0, describeRun(current));
      assert.equal(current.stdout, "");
    },
  );
});

Deno.test("directory: render without --out prints the rewritten route as its edited text", async () => {
  await withRepo(
    { "apps/backend.yaml": BACKEND_YAML, "routes/backend.yaml": ROUTE_YAML },
    async (dir) => {
      const output = await cli(["render", dir], [dir], false);
      assertNoCrash(output);
      assert.equal(output.code, 0, describeRun(output));
      const docs = output.stdout.split(/^---\n/m);
      const route = docs.find((doc) => doc.startsWith("# Source: routes/backend.yaml\n"));
      assert.equal(route, `# Source: routes/backend.yaml\n${ROUTE_REWRITTEN}`);
      assert.equal((await snapshotTree(dir)).get("routes/backend.yaml"), ROUTE_YAML);
    },
  );
});

Deno.test("directory: render --out OUT writes the edited input file under OUT and leaves DIR alone", async () => {
  await withRepo(
    { "apps/backend.yaml": BACKEND_YAML, "routes/backend.yaml": ROUTE_YAML },
    async (dir) => {
      const out = join(dir, "..", `${dir.split("/").pop()}-out`);
      try {
        const rendered = await cli(["render", dir, "--out", out], [dir, out]);
        assert.equal(rendered.code, 0, describeRun(rendered));
        assert.equal((await snapshotTree(out)).get("routes/backend.yaml"), ROUTE_REWRITTEN);
        assert.equal((await snapshotTree(dir)).get("routes/backend.yaml"), ROUTE_YAML);
        const checked = await cli(["check", dir, "--out", out], [dir, out], false);
        assert.equal(checked.code, 0, describeRun(checked));
      } finally {
        await Deno.remove(out, { recursive: true }).catch(() => {});
      }
    },
  );
});

Deno.test("directory: an anchor on the rewritten path is an error naming the file and document; nothing is written", async () => {
  const anchored = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
  namespace: kuma-demo
---
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: frontend-to-backend
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef: &backend
        kind: MeshService
        name: backend_kuma-demo_svc_8080
      rules:
        - default:
            backendRefs:
              - *backend
`;
  await withRepo(
    { "apps/backend.yaml": BACKEND_YAML, "routes/backend.yaml": anchored },
    async (dir) => {
      const before = await snapshotTree(dir);
      const output = await cli(["render", dir, "--out", dir], [dir]);
      assertNoCrash(output);
      assert.equal(output.code, 1, describeRun(output));
      assert.match(
        output.stderr,
        /\[error\] MeshHTTPRoute kuma-demo\/frontend-to-backend: Cannot write the rewritten MeshHTTPRoute kuma-demo\/frontend-to-backend back to "routes\/backend\.yaml" \(document 1\): at spec\.to\[0\]\.targetRef\.name, the changed path goes through the anchor &backend; rewrite the reference by hand or remove the anchor/,
      );
      assert.match(output.stderr, /Wrote nothing/);
      assert.deepEqual(await snapshotTree(dir), before, "not even the generated file is written");
      const checked = await cli(["check", dir], [dir], false);
      assert.equal(checked.code, 1, describeRun(checked));
    },
  );
});

const UNIVERSAL_FILES: Record<string, string> = {
  "config.yaml": `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: config
kumaVersion: "2.14"
zone: uni
migrationStage: ReachableBackends
reachableBackendsFor: [web-1]
`,
  "mesh.yaml": `# The mesh, written without a spec key.
type: Mesh
name: default
meshServices:
  mode: Everywhere # before the migration
`,
  "dataplanes.yaml": `type: Dataplane
mesh: default
name: web-1
labels:
  team: web
networking:
  address: 10.0.0.1 # web
  inbound:
    - name: http
      port: 80
      tags:
        kuma.io/service: web
        kuma.io/protocol: http
  transparentProxying:
    redirectPortInbound: 15006
    redirectPortOutbound: 15001
---
type: Dataplane
mesh: default
name: backend-1
networking:
  address: 10.0.0.3
  inbound:
    - name: http
      port: 8080
      tags:
        kuma.io/service: backend
        kuma.io/protocol: http
`,
  "route.yaml": `type: MeshHTTPRoute
mesh: default
name: web-to-backend
spec:
  targetRef:
    kind: MeshSubset
    tags:
      kuma.io/service: web
  to:
    - targetRef:
        kind: MeshService
        name: backend # free-form name
      rules:
        - default:
            backendRefs:
              - kind: MeshService
                name: backend
                weight: 100
`,
};

Deno.test("directory: Universal documents are rewritten at their own paths (no spec key, top-level fields)", async () => {
  await withRepo(UNIVERSAL_FILES, async (dir) => {
    const output = await cli(["render", dir, "--out", dir], [dir]);
    assertNoCrash(output);
    assert.equal(output.code, 0, describeRun(output));
    assert.match(output.stderr, /\(3 rewritten input file\(s\)\)/);
    const after = await snapshotTree(dir);
    assert.equal(
      after.get("mesh.yaml"),
      UNIVERSAL_FILES["mesh.yaml"]!.replace("mode: Everywhere", "mode: ReachableBackends"),
    );
    assert.equal(
      after.get("dataplanes.yaml"),
      UNIVERSAL_FILES["dataplanes.yaml"]!.replace(
        "    redirectPortOutbound: 15001\n",
        "    redirectPortOutbound: 15001\n    reachableBackends:\n      refs:\n" +
          "        - kind: MeshService\n          name: backend\n          port: 8080\n",
      ),
    );
    assert.equal(
      after.get("route.yaml"),
      UNIVERSAL_FILES["route.yaml"]!
        .replace("# free-form name\n", "# free-form name\n        sectionName: http\n")
        .replace("weight: 100\n", "weight: 100\n                port: 8080\n"),
    );
    assert.equal(after.get("config.yaml"), UNIVERSAL_FILES["config.yaml"]);
    for (const text of after.values()) {
      assert.doesNotMatch(text, /config\.kubernetes\.io|meshservice-krm\/format/);
    }
    const again = await cli(["render", dir, "--out", dir], [dir]);
    assert.equal(again.code, 0, describeRun(again));
    assert.deepEqual(await snapshotTree(dir), after, "a second render changes nothing");
  });
});

// --- the editedFiles seam, with hand-made rewrites ----------------------------

/** A document as the directory reader makes it: Universal converted, path and index annotated. */
function readItem(doc: Record<string, unknown>, path: string, index: number): ReadItem {
  const object = isUniversalDocument(doc) ? fromUniversal(doc) : doc as KubeObject;
  return {
    object: {
      ...object,
      metadata: {
        ...(object.metadata ?? {}),
        annotations: {
          ...(object.metadata?.annotations ?? {}),
          [KRM_ANNOTATION.path]: path,
          [KRM_ANNOTATION.index]: String(index),
        },
      },
    },
    original: doc,
  };
}

/** A copy of the read object with `change` applied to it: what the core returns for a rewrite. */
function rewrite(item: ReadItem, change: (object: KubeObject) => void): KubeObject {
  const copy = structuredClone(item.object);
  change(copy);
  return copy;
}

const DEPLOYMENT_TEXT = `# Deployment without annotations.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels:
        app: web # pod label
    spec: {}
`;

const UNIVERSAL_TEXT = `type: Dataplane
mesh: default
name: web-1
labels:
  team: web # owner
networking:
  address: 10.0.0.1
`;

Deno.test("editedFiles: the same object, or changes only in reader annotations, edit nothing", async () => {
  const item = readItem(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { a: "1" } },
    "cm.yaml",
    0,
  );
  const texts = new Map([[
    "cm.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '1'}\n",
  ]]);
  const same = await editedFiles([item], [item.object], texts);
  assert.equal(same.files.size, 0);
  const annotationsOnly = rewrite(item, (object) => {
    object.metadata!.annotations![KRM_ANNOTATION.legacyPath] = "cm.yaml";
    object.metadata!.annotations![TOOL_ANNOTATION.format] = "universal";
    object.metadata!.annotations!["internal.config.kubernetes.io/seqindent"] = "compact";
  });
  const found = await editedFiles([item], [annotationsOnly], texts);
  assert.equal(found.files.size, 0);
  assert.deepEqual(found.results, []);
  // Owned: a generated kind (kuma.io/v1alpha1 MeshService) with the tool's annotation.
  const owned = rewrite(item, (object) => {
    object.apiVersion = "kuma.io/v1alpha1";
    object.kind = "MeshService";
    object.metadata!.annotations![TOOL_ANNOTATION.generatedFrom] = "Service shop/web";
    (object.data as Record<string, string>).a = "2";
  });
  assert.equal(
    (await editedFiles([item], [owned], texts)).files.size,
    0,
    "owned items are never written back",
  );
});

Deno.test("editedFiles: an annotation added to a pod template appears without reader annotations", async () => {
  const doc = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: { template: { metadata: { labels: { app: "web" } }, spec: {} } },
  };
  const item = readItem(doc, "apps/web.yaml", 0);
  const output = rewrite(item, (object) => {
    const template = (object.spec as { template: { metadata: Record<string, unknown> } }).template;
    template.metadata.annotations = { "kuma.io/reachable-backends": "refs: []" };
  });
  const found = await editedFiles([item], [output], new Map([["apps/web.yaml", DEPLOYMENT_TEXT]]));
  assert.deepEqual(found.results, []);
  const expected = DEPLOYMENT_TEXT.replace(
    "        app: web # pod label\n",
    `        app: web # pod label\n      annotations:\n        kuma.io/reachable-backends: "refs: []"\n`,
  );
  assert.equal(found.files.get("apps/web.yaml"), expected);
  assert.equal(found.documents.get(output), expected);
});

Deno.test("editedFiles: Universal labels, name and spec fields map to top-level document fields", async () => {
  const doc = {
    type: "Dataplane",
    mesh: "default",
    name: "web-1",
    labels: { team: "web" },
    networking: { address: "10.0.0.1" },
  };
  const item = readItem(doc, "dp.yaml", 0);
  const output = rewrite(item, (object) => {
    object.metadata!.name = "web-01";
    object.metadata!.labels = { team: "platform", tier: "front" };
    (object.spec as { networking: Record<string, unknown> }).networking.transparentProxying = {
      reachableBackends: { refs: [{ kind: "MeshService", name: "backend" }] },
    };
  });
  const found = await editedFiles([item], [output], new Map([["dp.yaml", UNIVERSAL_TEXT]]));
  assert.deepEqual(found.results, []);
  assert.equal(
    found.files.get("dp.yaml"),
    `type: Dataplane
mesh: default
name: web-01
labels:
  team: platform # owner
  tier: front
networking:
  address: 10.0.0.1
  transparentProxying:
    reachableBackends:
      refs:
        - kind: MeshService
          name: backend
`,
  );
});

Deno.test("editedFiles: a change Universal YAML cannot hold, or a refused edit, is an error result", async () => {
  const item = readItem(
    {
      type: "Dataplane",
      mesh: "default",
      name: "web-1",
      labels: { team: "web" },
      networking: { address: "10.0.0.1" },
    },
    "dp.yaml",
    0,
  );
  const annotated = rewrite(item, (object) => {
    object.metadata!.annotations!["kuma.io/reachable-backends"] = "refs: []";
  });
  const found = await editedFiles([item], [annotated], new Map([["dp.yaml", UNIVERSAL_TEXT]]));
  assert.equal(found.files.size, 0);
  assert.equal(found.results.length, 1);
  assert.equal(found.results[0]!.severity, "error");
  assert.match(
    found.results[0]!.message,
    /"dp\.yaml" \(document 0\).*no place for the annotation "kuma\.io\/reachable-backends"/,
  );

  const text = "x: &x 1\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: *x\n";
  const cm = readItem(
    { x: 1, apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: 1 } },
    "cm.yaml",
    0,
  );
  const changed = rewrite(cm, (object) => {
    (object.data as Record<string, number>).a = 2;
  });
  const refused = await editedFiles([cm], [changed], new Map([["cm.yaml", text]]));
  assert.equal(refused.files.size, 0);
  assert.match(
    refused.results[0]!.message,
    /at data\.a, the changed path goes through the alias \*x; rewrite the reference by hand or replace the alias/,
  );
  assert.deepEqual(refused.results[0]!.file, { path: "cm.yaml" });
});
