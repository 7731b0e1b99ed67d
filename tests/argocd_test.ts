/**
 * Argo CD: templates/argocd/plugin.yaml's generate command, run the way the
 * Config Management Plugin server runs it (in the application's source
 * directory, parameters in ARGOCD_APP_PARAMETERS and PARAM_*), on the example
 * repo with the release bundle. Output must be plain Kubernetes objects; any
 * failure must exit non-zero with empty stdout.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load, loadAll } from "js-yaml";
import { CONFIG_KEYS } from "../src/config.ts";
import {
  bundlePath,
  copyTree,
  DENO,
  describeRun,
  REPO_ROOT,
  run,
  type RunOutput,
} from "./e2e_support.ts";

interface Plugin {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version: string;
    discover: { fileName: string };
    generate: { command: string[]; args?: string[] };
    parameters: { static: { name: string }[] };
  };
}

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

const PLUGIN = load(
  await Deno.readTextFile(join(REPO_ROOT, "templates", "argocd", "plugin.yaml")),
) as Plugin;
const EXAMPLE = join(REPO_ROOT, "templates", "example-repo", "kubernetes");

/** Runs the plugin's generate command in a copy of `source` with Argo CD's environment. */
async function generate(
  env: Record<string, string>,
  prepare?: (dir: string) => Promise<void>,
  source = EXAMPLE,
): Promise<RunOutput> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-argocd-" });
  try {
    await copyTree(source, dir);
    await prepare?.(dir);
    const bundle = await bundlePath();
    const [command, ...args] = [
      ...PLUGIN.spec.generate.command,
      ...(PLUGIN.spec.generate.args ?? []),
    ]
      .map((part) => part === "/usr/local/bin/meshservice-krm.js" ? bundle : part);
    assert.equal(command, "deno");
    return await run(DENO, args, {
      cwd: dir,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: dir,
        NO_COLOR: "1",
        ARGOCD_APP_NAME: "kuma-demo",
        ARGOCD_APP_NAMESPACE: "kuma-demo",
        ARGOCD_APP_SOURCE_PATH: "zones/east",
        KUBE_VERSION: "1.32.0",
        ...env,
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function docsOf(output: RunOutput): Doc[] {
  assert.equal(output.code, 0, describeRun(output));
  const docs = (loadAll(output.stdout) as (Doc | null)[]).filter((d): d is Doc => d !== null);
  for (const doc of docs) {
    assert.ok(doc.apiVersion && doc.kind && doc.metadata?.name, JSON.stringify(doc));
    assert.notEqual(doc.kind, "ResourceList");
    assert.notEqual(doc.metadata.annotations?.["config.kubernetes.io/local-config"], "true");
    for (const key of Object.keys(doc.metadata.annotations ?? {})) {
      assert.ok(!key.startsWith("internal.config.kubernetes.io/"), key);
      assert.ok(!key.startsWith("config.kubernetes.io/"), key);
    }
  }
  return docs;
}

Deno.test("argocd: plugin.yaml is a sidecar ConfigManagementPlugin whose parameters are config keys", async () => {
  assert.equal(PLUGIN.apiVersion, "argoproj.io/v1alpha1");
  assert.equal(PLUGIN.kind, "ConfigManagementPlugin");
  assert.ok(PLUGIN.spec.version);
  for (const parameter of PLUGIN.spec.parameters.static) {
    assert.ok(CONFIG_KEYS.includes(parameter.name), `${parameter.name} is a config key`);
  }
  // discover.fileName matches the example repo's config file.
  const name = PLUGIN.spec.discover.fileName.replace(/^\.\//, "");
  assert.ok((await Deno.stat(join(EXAMPLE, name))).isFile);
  // The application template refers to the plugin by <name>-<version>.
  const application = load(
    await Deno.readTextFile(join(REPO_ROOT, "templates", "argocd", "application.yaml")),
  ) as { spec: { source: { plugin: { name: string; parameters: { name: string }[] } } } };
  assert.equal(
    application.spec.source.plugin.name,
    `${PLUGIN.metadata.name}-${PLUGIN.spec.version}`,
  );
  for (const parameter of application.spec.source.plugin.parameters) {
    assert.ok(CONFIG_KEYS.includes(parameter.name), parameter.name);
  }
});

Deno.test("argocd: generate prints the applyable manifests, rewritten routes included", async () => {
  const docs = docsOf(await generate({}));
  const kinds = docs.map((d) => d.kind);
  assert.ok(kinds.includes("Service") && kinds.includes("Deployment"), kinds.join(", "));
  assert.ok(!kinds.includes("MeshService"), "MeshService previews are not applied");
  assert.ok(!kinds.includes("RenderMeshServices"), "the config is not applied");
  assert.ok(kinds.includes("HostnameGenerator"));
  const route = docs.find((d) => d.kind === "MeshTCPRoute")!;
  assert.match(JSON.stringify(route.spec), /"kind":"MeshService","name":"redis"/);
  assert.doesNotMatch(JSON.stringify(route.spec), /_svc_/);
});

Deno.test("argocd: ARGOCD_APP_PARAMETERS override the directory's config", async () => {
  const docs = docsOf(
    await generate({
      ARGOCD_APP_PARAMETERS: JSON.stringify([
        { name: "zone", string: "north" },
        { name: "meshServiceOutput", string: "apply" },
        { name: "hostnameGenerators", array: ["local-kube-mesh-service"] },
      ]),
    }),
  );
  const meshServices = docs.filter((d) => d.kind === "MeshService");
  assert.ok(meshServices.length >= 3, `${meshServices.length} MeshServices`);
  for (const ms of meshServices) assert.equal(ms.metadata.labels?.["kuma.io/zone"], "north");
});

Deno.test("argocd: PARAM_* variables work without ARGOCD_APP_PARAMETERS", async () => {
  const docs = docsOf(await generate({ PARAM_ZONE: "south", PARAM_MESHSERVICEOUTPUT: "apply" }));
  const meshServices = docs.filter((d) => d.kind === "MeshService");
  assert.ok(meshServices.length >= 3);
  for (const ms of meshServices) assert.equal(ms.metadata.labels?.["kuma.io/zone"], "south");
});

Deno.test("argocd: an error result fails generate with empty stdout", async () => {
  const output = await generate({
    ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: "kumaVersion", string: "9.9" }]),
  });
  assert.equal(output.code, 1, describeRun(output));
  assert.equal(output.stdout, "");
  assert.match(output.stderr, /Unknown Kuma version "9\.9"/);
});

Deno.test("argocd: an unknown parameter fails generate with empty stdout", async () => {
  const output = await generate({
    ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: "zoen", string: "east" }]),
  });
  assert.equal(output.code, 1, describeRun(output));
  assert.equal(output.stdout, "");
  assert.match(output.stderr, /Unknown parameter "zoen"/);
});

Deno.test("argocd: a broken manifest fails generate with empty stdout", async () => {
  const output = await generate({}, async (dir) => {
    await Deno.writeTextFile(join(dir, "broken.yaml"), "kind: Service\nmetadata: [\n");
  });
  assert.equal(output.code, 1, describeRun(output));
  assert.equal(output.stdout, "");
  assert.match(output.stderr, /broken\.yaml/);
});

Deno.test("argocd: a directory with nothing to apply fails instead of printing nothing", async () => {
  const output = await generate({}, async (dir) => {
    // Only a config that renders nothing: Argo CD would prune the whole application.
    for await (const entry of Deno.readDir(dir)) await Deno.remove(join(dir, entry.name));
    await Deno.writeTextFile(
      join(dir, "meshservice-krm.yaml"),
      "apiVersion: meshservice-krm/v1alpha1\nkind: RenderMeshServices\nmetadata:\n  name: empty\nzone: east\n",
    );
  });
  assert.equal(output.code, 1, describeRun(output));
  assert.equal(output.stdout, "");
  assert.match(output.stderr, /refusing to print empty output/);
});

Deno.test("argocd: Universal manifests are refused with advice", async () => {
  const output = await generate(
    {},
    undefined,
    join(REPO_ROOT, "templates", "example-repo", "universal"),
  );
  assert.equal(output.code, 1, describeRun(output));
  assert.equal(output.stdout, "");
  assert.match(output.stderr, /Universal resource\(s\)/);
});
