/**
 * The cdk8s entry point (`src/cdk8s/mod.ts`): a MeshServiceMigration in a
 * chart adds the MeshServices and rewrites the chart's routes at synthesis;
 * and cdk8s is loaded by that entry point only.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ApiObject, App, Chart, JsonPatch } from "cdk8s";
import { Construct } from "constructs";
import { parse } from "yaml";
import { MeshServiceMigration, type MeshServiceMigrationProps } from "../src/cdk8s/mod.ts";
import { asManifest, diffManifest } from "../src/cdk8s/json_patch.ts";
import type { KubeObject } from "../mod.ts";

const root = new URL("../", import.meta.url);

/** A synthesized manifest. */
type Manifest = KubeObject;

interface Shop {
  app: App;
  chart: Chart;
  migration: MeshServiceMigration;
}

/**
 * A chart holding a Service `shop/web` (port 80), a MeshHTTPRoute that names
 * it by its kuma.io/service `web_shop_svc_80`, and a ConfigMap and a
 * Deployment unrelated to Kuma. The migration is created first or last.
 */
function shop(
  props: MeshServiceMigrationProps,
  options: { migrationFirst?: boolean; outdir?: string } = {},
): Shop {
  const app = new App({ outdir: options.outdir ?? "dist", recordConstructMetadata: false });
  const chart = new Chart(app, "shop", { namespace: "shop" });
  let migration: MeshServiceMigration | undefined;
  if (options.migrationFirst ?? true) migration = new MeshServiceMigration(chart, "kuma", props);
  unrelated(chart);
  new ApiObject(chart, "web", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web" },
    spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
  });
  // Nested one level down, as higher-level constructs nest their ApiObjects.
  new ApiObject(new Construct(chart, "routing"), "route", {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshHTTPRoute",
    metadata: { name: "web", labels: { "kuma.io/mesh": "default" } },
    spec: {
      targetRef: { kind: "Mesh" },
      to: [{
        targetRef: { kind: "MeshService", name: "web_shop_svc_80" },
        rules: [{
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          default: { backendRefs: [{ kind: "MeshService", name: "web_shop_svc_80", weight: 100 }] },
        }],
      }],
    },
  });
  migration ??= new MeshServiceMigration(chart, "kuma", props);
  return { app, chart, migration };
}

/** Objects that have nothing to do with Kuma. */
function unrelated(chart: Chart): void {
  new ApiObject(chart, "settings", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", annotations: { "example.com/owner": "shop" } },
    data: { "kuma.io/service": "web_shop_svc_80", z: "1", a: "2" },
  });
  new ApiObject(chart, "deployment", {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "web:1" }] },
      },
    },
  });
}

function find(manifests: Manifest[], kind: string, name?: string): Manifest | undefined {
  return manifests.find((m) =>
    m.kind === kind && (name === undefined || m.metadata?.name === name)
  );
}

/** The value at a dotted path (`spec.to.0.targetRef`), or `undefined`. */
function at(value: unknown, path: string): unknown {
  let here = value;
  for (const key of path.split(".")) {
    if (typeof here !== "object" || here === null) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

const REWRITTEN_TARGET = { kind: "MeshService", name: "web", namespace: "shop", sectionName: "80" };
const REWRITTEN_BACKEND = {
  kind: "MeshService",
  name: "web",
  namespace: "shop",
  port: 80,
  weight: 100,
};

Deno.test("cdk8s: app.synth() writes the MeshService and the rewritten route", async () => {
  const outdir = await Deno.makeTempDir({ prefix: "meshservice-krm-cdk8s-" });
  try {
    const { app } = shop(
      { config: { kumaVersion: "2.14", zone: "east", meshServiceOutput: "apply" } },
      { outdir },
    );
    app.synth();
    const manifests = parseAll(await Deno.readTextFile(`${outdir}/shop.k8s.yaml`));

    const meshService = find(manifests, "MeshService", "web");
    assert.ok(meshService, "the MeshService is in the synthesized chart");
    assert.equal(meshService.apiVersion, "kuma.io/v1alpha1");
    assert.equal(meshService.metadata?.namespace, "shop");
    assert.equal(meshService.metadata?.labels?.["kuma.io/zone"], "east");
    assert.equal(meshService.metadata?.labels?.["kuma.io/mesh"], "default");
    assert.equal(
      meshService.metadata?.annotations?.["meshservice-krm/generated-from"],
      "Service shop/web",
    );
    assert.deepEqual(at(meshService, "spec.ports"), [
      { appProtocol: "tcp", name: "80", port: 80, targetPort: 80 },
    ]);
    // kpt's file-layout annotations and the preview marker have no place in a cdk8s manifest.
    for (const key of Object.keys(meshService.metadata?.annotations ?? {})) {
      assert.ok(!key.includes("config.kubernetes.io/"), `unexpected annotation ${key}`);
    }

    const route = find(manifests, "MeshHTTPRoute", "web")!;
    assert.deepEqual(at(route, "spec.to.0.targetRef"), REWRITTEN_TARGET);
    assert.deepEqual(at(route, "spec.to.0.rules.0.default.backendRefs"), [REWRITTEN_BACKEND]);
    assert.deepEqual(at(route, "spec.to.0.rules.0.matches"), [
      { path: { type: "PathPrefix", value: "/" } },
    ]);
    assert.deepEqual(route.metadata, {
      labels: { "kuma.io/mesh": "default" },
      name: "web",
      namespace: "shop",
    });
    // cdk8s sorts keys (CDK8S_DISABLE_SORT unset): the patched fields are sorted too.
    assert.deepEqual(Object.keys(at(route, "spec.to.0.targetRef") as object), [
      "kind",
      "name",
      "namespace",
      "sectionName",
    ]);
  } finally {
    await Deno.remove(outdir, { recursive: true });
  }
});

Deno.test("cdk8s: with CDK8S_DISABLE_SORT the patches keep the written key order", () => {
  const rules = (manifests: Manifest[]) =>
    at(find(manifests, "MeshHTTPRoute", "web"), "spec.to.0.rules.0") as Record<string, unknown>;
  const config = { kumaVersion: "2.14" };
  const sorted = rules(shop({ config }).chart.toJson());
  assert.deepEqual(Object.keys(sorted), ["default", "matches"]);
  const before = Deno.env.get("CDK8S_DISABLE_SORT");
  Deno.env.set("CDK8S_DISABLE_SORT", "1");
  try {
    const written = rules(shop({ config }).chart.toJson());
    assert.deepEqual(Object.keys(written), ["matches", "default"]);
    assert.deepEqual(written.default, { backendRefs: [REWRITTEN_BACKEND] });
  } finally {
    if (before === undefined) Deno.env.delete("CDK8S_DISABLE_SORT");
    else Deno.env.set("CDK8S_DISABLE_SORT", before);
  }
});

Deno.test("cdk8s: objects unrelated to Kuma synthesize exactly as without the migration", () => {
  const { chart } = shop({ config: { meshServiceOutput: "apply" } });
  const manifests: Manifest[] = chart.toJson();
  const bare = new Chart(new App({ outdir: "dist", recordConstructMetadata: false }), "shop", {
    namespace: "shop",
  });
  unrelated(bare);
  const expected: Manifest[] = bare.toJson();
  for (const object of expected) {
    assert.deepEqual(find(manifests, String(object.kind), object.metadata?.name), object);
  }
  const service = find(manifests, "Service", "web")!;
  assert.deepEqual(service.spec, { ports: [{ port: 80 }], selector: { app: "web" } });
});

Deno.test("cdk8s: previews are not added by default; the route is still rewritten", () => {
  const { chart, migration } = shop({ config: { kumaVersion: "2.14" } });
  const manifests: Manifest[] = chart.toJson();
  assert.equal(find(manifests, "MeshService"), undefined);
  assert.ok(
    manifests.every((m) => !m.metadata?.annotations?.["config.kubernetes.io/local-config"]),
  );
  const route = find(manifests, "MeshHTTPRoute", "web")!;
  assert.deepEqual(at(route, "spec.to.0.rules.0.default.backendRefs"), [REWRITTEN_BACKEND]);
  assert.deepEqual(manifests.map((m) => m.kind), [
    "ConfigMap",
    "Deployment",
    "Service",
    "MeshHTTPRoute",
  ]);
  // The previews stay readable, marked local-config as render emits them.
  const [preview, ...more] = migration.previews;
  assert.equal(more.length, 0);
  assert.equal(preview?.kind, "MeshService");
  assert.equal(preview?.metadata?.annotations?.["config.kubernetes.io/local-config"], "true");
  assert.equal(migration.report.meshServices[0]?.output, "preview");
});

Deno.test("cdk8s: the migration may be created before or after the other objects", () => {
  const config = { kumaVersion: "2.14", meshServiceOutput: "apply" } as const;
  const first: Manifest[] = shop({ config }, { migrationFirst: true }).chart.toJson();
  const last: Manifest[] = shop({ config }, { migrationFirst: false }).chart.toJson();
  const byKind = (ms: Manifest[]) =>
    [...ms].sort((a, b) =>
      String(a.kind).localeCompare(String(b.kind)) ||
      String(a.metadata?.name).localeCompare(String(b.metadata?.name))
    );
  assert.deepEqual(byKind(first), byKind(last));
  // Generated objects sit where the migration is in the construct tree.
  assert.equal(first[0]?.kind, "MeshService");
  assert.equal(last.at(-1)?.kind, "MeshService");
});

Deno.test("cdk8s: an invalid config fails synthesis naming the key and the value", () => {
  const { app, chart, migration } = shop({ config: { kumaVersion: "9.9" } });
  assert.throws(
    () => chart.toJson(),
    (error: Error) => {
      assert.match(error.message, /^Validation failed with the following errors:/);
      assert.match(error.message, /\[shop\/kuma\] \[error\] RenderMeshServices .*kumaVersion/);
      assert.match(error.message, /Unknown Kuma version "9\.9"/);
      return true;
    },
  );
  assert.throws(() => app.synthYaml(), /Unknown Kuma version "9\.9"/);
  assert.equal(migration.results.filter((r) => r.severity === "error").length, 1);
});

Deno.test("cdk8s: an error result fails synthesis naming the resource and the field", () => {
  const { chart } = shop({ config: { kumaVersion: "2.14" } });
  new ApiObject(chart, "namespace", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "shop", labels: { "kuma.io/sidecar-injection": "maybe" } },
  });
  assert.throws(
    () => chart.toJson(),
    /\[error\] Namespace (?:shop\/)?shop metadata\.labels\["kuma\.io\/sidecar-injection"\]: .*"maybe"/,
  );
});

Deno.test("cdk8s: migrationStage Exclusive with a legacy reference left fails synthesis", () => {
  const { chart } = shop({ config: { kumaVersion: "2.14", migrationStage: "Exclusive" } });
  new ApiObject(chart, "payments-route", {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshHTTPRoute",
    metadata: { name: "payments", labels: { "kuma.io/mesh": "default" } },
    spec: {
      targetRef: { kind: "Mesh" },
      to: [{ targetRef: { kind: "MeshService", name: "payments_shop_svc_80" }, rules: [] }],
    },
  });
  assert.throws(() => chart.toJson(), (error: Error) => {
    assert.match(error.message, /MeshHTTPRoute shop\/payments spec\.to\[0\]\.targetRef: /);
    assert.match(error.message, /Refused migrationStage Exclusive/);
    return true;
  });
});

Deno.test("cdk8s: warnings and the report are reachable, before and after synthesis", () => {
  const { chart, migration } = shop({
    config: { kumaVersion: "2.14", meshServiceOutput: "apply" },
  });
  const before = migration.results;
  assert.ok(
    before.some((r) => r.severity === "warning" && r.resourceRef?.kind === "MeshService"),
    "on Kubernetes, apply warns about the controller's ownership",
  );
  const rewritten = () => migration.report.references.filter((r) => r.status === "rewritten");
  assert.equal(rewritten().length, 2);
  chart.toJson();
  // After synthesis the render still reads the route as written, not as patched.
  assert.deepEqual(migration.results, before);
  assert.equal(rewritten().length, 2);
});

Deno.test("cdk8s: synthesizing twice gives the same manifests and patches nothing twice", () => {
  const { app, chart } = shop({ config: { kumaVersion: "2.14", meshServiceOutput: "apply" } });
  const once = app.synthYaml();
  const twice = app.synthYaml();
  assert.equal(twice, once);
  assert.deepEqual(chart.toJson(), parseAll(once));
  assert.equal(parseAll(once).filter((m) => m.kind === "MeshService").length, 1);
});

Deno.test("cdk8s: the user's own patches and later changes are rendered too", () => {
  const { chart } = shop({ config: { kumaVersion: "2.14", meshServiceOutput: "apply" } });
  const service = chart.node.findChild("web") as ApiObject;
  const ports = (manifests: Manifest[]) =>
    (at(find(manifests, "MeshService", "web"), "spec.ports") as { name: string }[])
      .map((p) => p.name);
  service.addJsonPatch(JsonPatch.add("/spec/ports/-", { name: "admin", port: 9901 }));
  assert.deepEqual(ports(chart.toJson()), ["80", "admin"]);
  // A change after a synthesis: the next synthesis renders it, the route stays rewritten once.
  service.addJsonPatch(JsonPatch.add("/spec/ports/-", { name: "metrics", port: 9090 }));
  const manifests: Manifest[] = chart.toJson();
  assert.deepEqual(ports(manifests), ["80", "admin", "metrics"]);
  assert.equal(manifests.filter((m) => m.kind === "MeshService").length, 1);
  assert.deepEqual(
    at(find(manifests, "MeshHTTPRoute", "web"), "spec.to.0.rules.0.default.backendRefs"),
    [REWRITTEN_BACKEND],
  );
});

Deno.test("cdk8s: an earlier generated copy in the chart that is no longer generated is an error", () => {
  const { chart } = shop({ config: { kumaVersion: "2.14", meshServiceOutput: "apply" } });
  new ApiObject(chart, "stale", {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshService",
    metadata: {
      name: "gone",
      annotations: { "meshservice-krm/generated-from": "Service shop/gone" },
    },
    spec: { ports: [] },
  });
  assert.throws(
    () => chart.toJson(),
    /MeshService "gone" at "shop\/stale" was generated by meshservice-krm and is no longer generated: remove it from the chart/,
  );
});

Deno.test("cdk8s: one migration per chart; another chart's objects are not read", () => {
  const { chart } = shop({ config: { kumaVersion: "2.14" } });
  new MeshServiceMigration(chart, "again");
  assert.throws(() => chart.toJson(), /holds another MeshServiceMigration at "shop\/again"/);

  const app = new App({ outdir: "dist", recordConstructMetadata: false });
  const services = new Chart(app, "services", { namespace: "shop" });
  new ApiObject(services, "web", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web" },
    spec: { ports: [{ port: 80 }] },
  });
  const empty = new Chart(app, "kuma");
  const migration = new MeshServiceMigration(empty, "kuma", {
    config: { meshServiceOutput: "apply" },
  });
  assert.deepEqual(empty.toJson(), []);
  assert.equal(migration.report.meshServices.length, 0);
});

Deno.test("cdk8s: a migration outside any chart is refused at construction", () => {
  assert.throws(
    () => new MeshServiceMigration(new App({ outdir: "dist" }), "kuma"),
    /cannot find a parent chart/,
  );
});

Deno.test("cdk8s patches: manifests shaped as cdk8s writes them, minimal RFC 6902 operations", () => {
  assert.deepEqual(
    JSON.stringify(
      asManifest(
        { spec: { b: 1, a: null }, metadata: { name: "x" }, kind: "K", apiVersion: "v1" },
        true,
      ),
    ),
    JSON.stringify({ apiVersion: "v1", kind: "K", metadata: { name: "x" }, spec: { b: 1 } }),
  );
  assert.deepEqual(
    Object.keys(asManifest({ z: 1, a: 2 }, false) as object),
    ["z", "a"],
  );
  assert.deepEqual(
    diffManifest(
      { kind: "K", spec: { refs: [{ kind: "S", name: "a_b" }], "x/y": { v: 1 } }, old: true },
      {
        kind: "K",
        spec: { refs: [{ kind: "S", name: "a", port: 80 }], "x/y": { v: 2 } },
        added: 1,
      },
    ),
    [
      { op: "remove", path: "/old" },
      { op: "replace", path: "/spec/refs/0", value: { kind: "S", name: "a", port: 80 } },
      { op: "replace", path: "/spec/x~1y/v", value: 2 },
      { op: "add", path: "/added", value: 1 },
    ],
  );
});

Deno.test("architecture: only src/cdk8s/ imports cdk8s or constructs", async () => {
  const imports =
    /(?:from|import)\s*\(?\s*["'](?:npm:)?(?:cdk8s|constructs)(?:@[^"'/]*)?(?:\/[^"']*)?["']/;
  const offenders: string[] = [];
  for await (const file of sourceFiles(new URL("src/", root), "src/")) {
    if (file.startsWith("src/cdk8s/")) continue;
    if (imports.test(await Deno.readTextFile(new URL(file, root)))) offenders.push(file);
  }
  if (imports.test(await Deno.readTextFile(new URL("mod.ts", root)))) offenders.push("mod.ts");
  assert.deepEqual(offenders, []);
  assert.ok(imports.test(await Deno.readTextFile(new URL("src/cdk8s/mod.ts", root))));

  // The KRM function, the CLI and the library (mod.ts, dynamic imports included) never load it.
  const graph = await moduleGraph("mod.ts");
  assert.ok(graph.some((m) => m.endsWith("/src/io/cli.ts")), "the graph follows the CLI import");
  const loaded = graph.filter((m) => /\/node_modules\/(cdk8s|constructs)\/|\/src\/cdk8s\//.test(m));
  assert.deepEqual(loaded, []);
  // The check is not vacuous: the cdk8s entry point does load them.
  const entry = await moduleGraph("src/cdk8s/mod.ts");
  assert.ok(entry.some((m) => m.includes("/node_modules/cdk8s/")));
  assert.ok(entry.some((m) => m.includes("/node_modules/constructs/")));
});

async function* sourceFiles(dir: URL, prefix: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      yield* sourceFiles(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
    } else if (entry.isFile && /\.(ts|js|mjs)$/.test(entry.name)) {
      yield `${prefix}${entry.name}`;
    }
  }
}

async function moduleGraph(entry: string): Promise<string[]> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const info = JSON.parse(new TextDecoder().decode(stdout)) as { modules: { specifier: string }[] };
  return info.modules.map((m) => m.specifier);
}

function parseAll(text: string): Manifest[] {
  return text.split(/^---$/m).map((doc) => parse(doc) as Manifest | null).filter(
    (doc): doc is Manifest => doc !== null,
  );
}
