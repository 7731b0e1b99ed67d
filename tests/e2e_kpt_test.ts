/**
 * End-to-end: the real kpt runs the function as an exec function, through
 * `kpt fn eval --exec` and through a Kptfile pipeline with `kpt fn render`.
 * Skipped when kpt is missing, failed instead when CI=true.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load, loadAll } from "js-yaml";
import {
  copyTree,
  DENO,
  describeRun,
  findTool,
  MOD_TS,
  pathWithInstalledBin,
  REPO_ROOT,
  run,
  snapshotTree,
  testsNeeding,
  WRAPPER,
  writeTree,
} from "./e2e_support.ts";

const KPT = await findTool("kpt", ["version"]);

const MESH_SERVICE_PATH = "kuma-generated/default/shop/meshservice_web.yaml";

const NAMESPACE_YAML = `# The shop namespace: sidecar injection on.
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    kuma.io/sidecar-injection: enabled # injected
`;

const SERVICE_YAML = `# Web frontend.
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels:
    app: web # keep this comment
spec:
  # Selector comment.
  selector:
    app: web
  clusterIP: 10.96.0.10
  ports:
    - name: http
      port: 80
      targetPort: 8080
      appProtocol: http
    - name: metrics # scraped
      port: 9100
`;

function kptfile(pipeline = ""): string {
  return `# Package for the meshservice-krm e2e test.
apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: shop # package name
  annotations:
    config.kubernetes.io/local-config: "true"
info:
  description: e2e fixture
${pipeline}`;
}

/**
 * The Kptfile pipeline. Scalars are written the way the function re-emits them
 * (quotes only where YAML needs them). Pass-through items are written back as
 * their original text, so the Kptfile stays byte-identical either way.
 */
function pipelineWith(configMap: Record<string, string>): string {
  const entries = Object.entries(configMap).map(([k, v]) => `        ${k}: ${scalar(v)}\n`);
  return `pipeline:
  mutators:
    # The function under test, by absolute path (kpt resolves relative paths against its cwd).
    - exec: ${scalar(WRAPPER)}
${entries.length > 0 ? `      configMap:\n${entries.join("")}` : ""}`;
}

function scalar(value: string): string {
  const plain = /^[A-Za-z/][\w./-]*$/.test(value) &&
    !/^(y|n|yes|no|on|off|true|false|null)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

/** A fresh package under a temp dir; returns the parent dir and the package dir. */
async function makePackage(pipeline = ""): Promise<{ parent: string; pkg: string }> {
  const parent = await Deno.makeTempDir({ prefix: "meshservice-krm-kpt-" });
  const pkg = join(parent, "shop");
  await writeTree(pkg, {
    "Kptfile": kptfile(pipeline),
    "namespace.yaml": NAMESPACE_YAML,
    "app/service.yaml": SERVICE_YAML,
  });
  return { parent, pkg };
}

interface MeshServiceDoc {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: { ports: unknown[]; selector: unknown };
}

function assertMeshService(text: string, zone: string): void {
  const doc = load(text) as MeshServiceDoc;
  assert.equal(doc.apiVersion, "kuma.io/v1alpha1");
  assert.equal(doc.kind, "MeshService");
  assert.equal(doc.metadata.name, "web");
  assert.equal(doc.metadata.namespace, "shop");
  assert.equal(doc.metadata.labels["kuma.io/mesh"], "default");
  assert.equal(doc.metadata.labels["kuma.io/zone"], zone);
  assert.equal(doc.metadata.annotations["config.kubernetes.io/local-config"], "true");
  const internal = Object.keys(doc.metadata.annotations).filter((k) =>
    k.startsWith("internal.config.kubernetes.io/")
  );
  assert.deepEqual(internal, [], "kpt strips the internal annotations when it writes files");
  assert.deepEqual(doc.spec.ports, [
    { name: "http", port: 80, targetPort: 8080, appProtocol: "http" },
    { name: "metrics", port: 9100, targetPort: 9100, appProtocol: "tcp" },
  ]);
  assert.deepEqual(doc.spec.selector, {
    dataplaneTags: { app: "web", "k8s.kuma.io/namespace": "shop" },
  });
}

function assertInputsUnchanged(after: Map<string, string>, before: Map<string, string>): void {
  for (const [path, text] of before) {
    assert.equal(after.get(path), text, `${path} must be byte-identical after the run`);
  }
  assert.match(after.get("app/service.yaml") ?? "", /app: web # keep this comment/);
  assert.match(after.get("app/service.yaml") ?? "", /# Selector comment\./);
}

/** fn eval and fn render on a small package: the MeshService written, inputs kept, idempotent. */
function packageTests(): void {
  Deno.test("kpt fn eval --exec writes the MeshService to the default path, inputs untouched", async () => {
    const { parent, pkg } = await makePackage();
    try {
      const before = await snapshotTree(pkg);
      const result = await run("kpt", ["fn", "eval", "--exec", WRAPPER, pkg], { cwd: parent });
      assert.equal(result.code, 0, describeRun(result));
      assert.match(result.stderr, /\[PASS\]/, describeRun(result));

      const after = await snapshotTree(pkg);
      assert.deepEqual([...after.keys()].sort(), [...before.keys(), MESH_SERVICE_PATH].sort());
      assertInputsUnchanged(after, before);
      assertMeshService(after.get(MESH_SERVICE_PATH)!, "default");

      const again = await run("kpt", ["fn", "eval", "--exec", WRAPPER, pkg], { cwd: parent });
      assert.equal(again.code, 0, describeRun(again));
      assert.deepEqual(await snapshotTree(pkg), after, "a second fn eval must change nothing");
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });

  Deno.test("kpt fn render runs the Kptfile exec mutator and is idempotent", async () => {
    const { parent, pkg } = await makePackage(pipelineWith({ zone: "east" }));
    try {
      const before = await snapshotTree(pkg);
      // Run from an unrelated cwd: the Kptfile holds an absolute exec path.
      const first = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: "/" });
      assert.equal(first.code, 0, describeRun(first));

      const rendered = await snapshotTree(pkg);
      assert.deepEqual([...rendered.keys()].sort(), [...before.keys(), MESH_SERVICE_PATH].sort());
      assertInputsUnchanged(rendered, before);
      assertMeshService(rendered.get(MESH_SERVICE_PATH)!, "east");

      const second = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: "/" });
      assert.equal(second.code, 0, describeRun(second));
      assert.deepEqual(await snapshotTree(pkg), rendered, "a second fn render must change nothing");
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
}

/** fn render replaces and deletes the MeshService; fn eval with an unknown kumaVersion fails. */
function updateAndFailureTests(): void {
  Deno.test("kpt fn render updates the MeshService in place and deletes it with its Service", async () => {
    const { parent, pkg } = await makePackage(pipelineWith({}));
    try {
      const first = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent });
      assert.equal(first.code, 0, describeRun(first));
      assert.ok((await snapshotTree(pkg)).has(MESH_SERVICE_PATH));

      const servicePath = join(pkg, "app/service.yaml");
      await Deno.writeTextFile(servicePath, SERVICE_YAML.replace("port: 9100", "port: 9200"));
      const updated = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent });
      assert.equal(updated.code, 0, describeRun(updated));
      const tree = await snapshotTree(pkg);
      const generated = [...tree.keys()].filter((p) => p.startsWith("kuma-generated/"));
      assert.deepEqual(
        generated,
        [MESH_SERVICE_PATH],
        "the MeshService is replaced, not duplicated",
      );
      const doc = load(tree.get(MESH_SERVICE_PATH)!) as MeshServiceDoc;
      assert.deepEqual(doc.spec.ports[1], {
        name: "metrics",
        port: 9200,
        targetPort: 9200,
        appProtocol: "tcp",
      });

      await Deno.remove(servicePath);
      const removed = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent });
      assert.equal(removed.code, 0, describeRun(removed));
      assert.deepEqual([...(await snapshotTree(pkg)).keys()].sort(), ["Kptfile", "namespace.yaml"]);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });

  Deno.test("kpt fn eval with an unknown kumaVersion fails and leaves the package unchanged", async () => {
    const { parent, pkg } = await makePackage();
    try {
      const before = await snapshotTree(pkg);
      const result = await run("kpt", [
        "fn",
        "eval",
        "--exec",
        WRAPPER,
        pkg,
        "--",
        "kumaVersion=9.9",
      ], {
        cwd: parent,
      });
      assert.notEqual(result.code, 0, describeRun(result));
      assert.match(result.stderr, /\[FAIL\]/, describeRun(result));
      assert.match(result.stderr, /Unknown Kuma version "9\.9"/, describeRun(result));
      assert.deepEqual(await snapshotTree(pkg), before);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
}

/** An unknown kumaVersion under fn render fails cleanly; pass-through files keep their style. */
function renderFailureAndStyleTests(): void {
  Deno.test("kpt fn render with an unknown kumaVersion fails and leaves the package unchanged", async () => {
    const { parent, pkg } = await makePackage(pipelineWith({ kumaVersion: "9.9" }));
    try {
      const before = await snapshotTree(pkg);
      const result = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent });
      assert.notEqual(result.code, 0, describeRun(result));
      assert.match(result.stderr, /Unknown Kuma version "9\.9"/, describeRun(result));
      assert.deepEqual(await snapshotTree(pkg), before);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });

  // Items the function does not change go back to kpt as their original text.
  Deno.test({
    name: "kpt fn eval leaves quotes and flow style of pass-through files alone",
    async fn() {
      const { parent, pkg } = await makePackage();
      try {
        const styled = `# Styled on purpose.
apiVersion: v1
kind: ConfigMap
metadata:
  name: "settings"
  namespace: shop
  labels: {app: web, tier: 'front'}
data:
  mode: "fast" # quoted
  hosts: "[a, b]"
`;
        await writeTree(pkg, { "settings.yaml": styled });
        const result = await run("kpt", ["fn", "eval", "--exec", WRAPPER, pkg], { cwd: parent });
        assert.equal(result.code, 0, describeRun(result));
        assert.equal(await Deno.readTextFile(join(pkg, "settings.yaml")), styled);
      } finally {
        await Deno.remove(parent, { recursive: true });
      }
    },
  });
}

testsNeeding(KPT, "kpt", () => {
  packageTests();
  updateAndFailureTests();
  renderFailureAndStyleTests();
});

const ROUTE_YAML = `# Traffic to web, still by kuma.io/service.
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: web-route
  namespace: shop
  labels:
    kuma.io/mesh: default # the mesh
spec:
  targetRef:
    kind: Mesh
  to:
    # The destination.
    - targetRef:
        kind: MeshService
        name: web_shop_svc_80 # legacy name
      rules:
        - matches:
            - path:
                type: PathPrefix
                value: /
          default:
            backendRefs:
              - kind: MeshService
                name: web_shop_svc_80
                weight: 100 # everything
`;

// The documented setup: the release bundle installed on PATH as
// `meshservice-krm`, templates/kpt/Kptfile beside the example repo's files.
const EXAMPLE = join(REPO_ROOT, "templates", "example-repo", "kubernetes");

async function examplePackage(): Promise<{ parent: string; pkg: string }> {
  const parent = await Deno.makeTempDir({ prefix: "meshservice-krm-kpt-example-" });
  const pkg = join(parent, "east");
  await copyTree(EXAMPLE, pkg);
  await Deno.copyFile(join(REPO_ROOT, "templates", "kpt", "Kptfile"), join(pkg, "Kptfile"));
  return { parent, pkg };
}

/** What directory mode writes for the same files: the reference for kpt's result. */
async function directoryModeTree(): Promise<Map<string, string>> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-kpt-reference-" });
  try {
    await copyTree(EXAMPLE, dir);
    const rendered = await run(DENO, [
      "run",
      "--no-prompt",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      MOD_TS,
      "render",
      dir,
      "--out",
      dir,
    ]);
    assert.equal(rendered.code, 0, describeRun(rendered));
    return await snapshotTree(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * kpt keeps a rewritten route's comments; the documented setup on the example repo
 * (templates/kpt/Kptfile, the bundle on PATH) renders what directory mode renders.
 */
function routeAndExampleTests(): void {
  Deno.test("kpt fn eval rewrites a route's references and kpt keeps its comments", async () => {
    const { parent, pkg } = await makePackage();
    try {
      await writeTree(pkg, { "routes/web.yaml": ROUTE_YAML });
      const result = await run("kpt", ["fn", "eval", "--exec", WRAPPER, pkg], { cwd: parent });
      assert.equal(result.code, 0, describeRun(result));
      const after = await snapshotTree(pkg);
      const route = after.get("routes/web.yaml") ?? "";
      for (
        const comment of [
          "# Traffic to web, still by kuma.io/service.",
          "kuma.io/mesh: default # the mesh",
          "# The destination.",
          "weight: 100 # everything",
        ]
      ) {
        assert.ok(route.includes(comment), `comment "${comment}" lost:\n${route}`);
      }
      const doc = load(route) as {
        spec: { to: { targetRef: unknown; rules: { default: { backendRefs: unknown[] } }[] }[] };
      };
      assert.deepEqual(doc.spec.to[0]!.targetRef, {
        kind: "MeshService",
        name: "web",
        namespace: "shop",
        sectionName: "http",
      });
      assert.deepEqual(doc.spec.to[0]!.rules[0]!.default.backendRefs, [
        { kind: "MeshService", name: "web", namespace: "shop", port: 80, weight: 100 },
      ]);
      const again = await run("kpt", ["fn", "eval", "--exec", WRAPPER, pkg], { cwd: parent });
      assert.equal(again.code, 0, describeRun(again));
      assert.deepEqual(await snapshotTree(pkg), after, "a second fn eval must change nothing");
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });

  Deno.test("kpt fn render: template Kptfile on the example repo, bundle from PATH, idempotent", async () => {
    const { parent, pkg } = await examplePackage();
    try {
      const env = { ...Deno.env.toObject(), PATH: await pathWithInstalledBin() };
      const before = await snapshotTree(pkg);
      const first = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent, env });
      assert.equal(first.code, 0, describeRun(first));
      const rendered = await snapshotTree(pkg);

      // The Kptfile and the local-config function config pass through untouched.
      assert.equal(rendered.get("Kptfile"), before.get("Kptfile"));
      assert.equal(rendered.get("meshservice-krm.yaml"), before.get("meshservice-krm.yaml"));
      // Generated files land where directory mode (and the README) puts them.
      const reference = await directoryModeTree();
      const generated = (tree: Map<string, string>) =>
        [...tree.keys()].filter((path) => path.startsWith("kuma-generated/")).sort();
      assert.ok(generated(reference).length >= 4, [...reference.keys()].join(", "));
      assert.deepEqual(generated(rendered), generated(reference));
      for (const path of generated(reference)) {
        assert.deepEqual(loadAll(rendered.get(path)!), loadAll(reference.get(path)!), path);
      }
      // The rewritten route file says what directory mode's surgical edit says.
      assert.deepEqual(
        loadAll(rendered.get("routes.yaml")!),
        loadAll(reference.get("routes.yaml")!),
      );
      assert.notEqual(rendered.get("routes.yaml"), before.get("routes.yaml"));
      assert.match(rendered.get("routes.yaml")!, /kind: MeshService\n\s+name: redis\n/);

      const second = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent, env });
      assert.equal(second.code, 0, describeRun(second));
      assert.deepEqual(await snapshotTree(pkg), rendered, "a second fn render must change nothing");
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
}

/** fn eval with --fn-config on the example repo; a failing render writes nothing. */
function exampleEvalAndFailureTests(): void {
  Deno.test("kpt fn eval: --exec meshservice-krm with --fn-config on the example repo", async () => {
    const { parent, pkg } = await examplePackage();
    try {
      const env = { ...Deno.env.toObject(), PATH: await pathWithInstalledBin() };
      const result = await run("kpt", [
        "fn",
        "eval",
        pkg,
        "--exec",
        "meshservice-krm",
        "--fn-config",
        join(pkg, "meshservice-krm.yaml"),
      ], { cwd: parent, env });
      assert.equal(result.code, 0, describeRun(result));
      const tree = await snapshotTree(pkg);
      const meshService = load(
        tree.get("kuma-generated/default/kuma-demo/meshservice_demo-app.yaml") ?? "",
      ) as MeshServiceDoc;
      assert.equal(meshService?.metadata.labels["kuma.io/zone"], "east", describeRun(result));
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });

  Deno.test("kpt fn render: a failing render fails loudly and writes nothing", async () => {
    const { parent, pkg } = await examplePackage();
    try {
      const config = join(pkg, "meshservice-krm.yaml");
      await Deno.writeTextFile(
        config,
        (await Deno.readTextFile(config)).replace('kumaVersion: "2.14"', 'kumaVersion: "9.9"'),
      );
      const env = { ...Deno.env.toObject(), PATH: await pathWithInstalledBin() };
      const before = await snapshotTree(pkg);
      const result = await run("kpt", ["fn", "render", "--allow-exec", pkg], { cwd: parent, env });
      assert.notEqual(result.code, 0, describeRun(result));
      assert.match(result.stderr, /Unknown Kuma version "9\.9"/, describeRun(result));
      assert.deepEqual(await snapshotTree(pkg), before);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
}

testsNeeding(KPT, "kpt", () => {
  routeAndExampleTests();
  exampleEvalAndFailureTests();
});
