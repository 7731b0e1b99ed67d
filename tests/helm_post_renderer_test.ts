/**
 * `meshservice-krm helm-post-renderer`, driven exactly as Helm 3 drives a
 * post-renderer (`helm install|upgrade|template --post-renderer EXECUTABLE
 * --post-renderer-args ARG`, Helm's `pkg/postrender/exec.go`): the
 * executable is run with the given arguments, the release's rendered
 * manifests are written to its stdin (`---`, `# Source:` comment, document,
 * for each template) and stdin is closed; its stdout is the new manifest set,
 * and a non-zero exit fails the release with its stderr in the error. Helm
 * itself cannot be installed on the development machines, so `postRender`
 * below plays Helm's part; the input is `helm template shop
 * tests/fixtures/real-repo/charts/payments` as Helm renders it
 * (`tests/fixtures/helm/payments-rendered.yaml`).
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { loadAll } from "js-yaml";
import { DENO, describeRun, REPO_ROOT, run, type RunOutput, WRAPPER } from "./e2e_support.ts";

const RENDERED = await Deno.readTextFile(
  join(REPO_ROOT, "tests", "fixtures", "helm", "payments-rendered.yaml"),
);

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: unknown;
}

/**
 * Helm's side of the contract: run `command` (the post-renderer and its arguments), pipe the
 * manifests in, fail on a non-zero exit with its stderr.
 */
async function postRender(
  command: readonly [executable: string, ...args: string[]],
  manifests: string,
  env: Record<string, string> = {},
): Promise<
  { ok: true; docs: Doc[]; run: RunOutput } | { ok: false; error: string; run: RunOutput }
> {
  const [executable, ...args] = command;
  const output = await run(executable, args, {
    stdin: manifests,
    env: { PATH: `${dirname(DENO)}:${Deno.env.get("PATH") ?? ""}`, ...env },
    clearEnv: true,
  });
  if (output.code !== 0) {
    return {
      ok: false,
      error: `error while running command ${executable}. error output:\n${output.stderr}`,
      run: output,
    };
  }
  return {
    ok: true,
    docs: (loadAll(output.stdout) as Doc[]).filter((d) => d !== null),
    run: output,
  };
}

Deno.test("helm post-renderer: the chart's manifests come back with the retry rewritten, previews left out", async () => {
  const result = await postRender([WRAPPER, "helm-post-renderer"], RENDERED);
  assert.ok(result.ok, describeRun(result.run));
  const kinds = result.docs.map((d) => `${d.kind}/${d.metadata?.name}`);
  assert.deepEqual(kinds, [
    "Service/shop-payments",
    "Deployment/shop-payments",
    "MeshRetry/shop-payments-retries",
  ]);
  assert.ok(!result.docs.some((d) => d.kind === "MeshService"), "previews are local-config");
  const retry = result.docs.find((d) => d.kind === "MeshRetry");
  assert.match(
    JSON.stringify(retry?.spec),
    /"name":"shop-payments","namespace":"default","sectionName":"https"/,
  );
  // Unchanged manifests are passed on as Helm wrote them, `# Source:` comments included.
  assert.ok(
    result.run.stdout.startsWith(RENDERED.slice(0, RENDERED.indexOf("---", 4))),
    result.run.stdout,
  );
  assert.match(result.run.stdout, /^# Source: payments\/templates\/routes\.yaml$/m);
});

Deno.test("helm post-renderer: meshServiceOutput apply from --config adds the MeshService", async () => {
  const dir = await Deno.makeTempDir({ prefix: "msk-helm-" });
  try {
    const config = join(dir, "meshservice-krm.yaml");
    await Deno.writeTextFile(
      config,
      'apiVersion: meshservice-krm/v1alpha1\nkind: RenderMeshServices\nmetadata:\n  name: helm\nkumaVersion: "2.14"\nzone: east\nmeshServiceOutput: apply\n',
    );
    const result = await postRender(
      [join(REPO_ROOT, "templates", "helm", "meshservice-krm-helm")],
      RENDERED,
      {
        MESHSERVICE_KRM: join(REPO_ROOT, "mod.ts"),
        MESHSERVICE_KRM_CONFIG: config,
      },
    );
    assert.ok(result.ok, describeRun(result.run));
    const meshService = result.docs.find((d) => d.kind === "MeshService");
    assert.equal(meshService?.metadata?.name, "shop-payments");
    assert.ok(
      !Object.keys(meshService?.metadata?.annotations ?? {}).some((k) =>
        k.startsWith("internal.config.kubernetes.io/")
      ),
      "no orchestrator annotations reach the cluster",
    );
    assert.match(
      result.run.stdout,
      /^# Source: meshservice-krm\/kuma-generated\/default\/default\/meshservice_shop-payments\.yaml$/m,
    );
    assert.match(result.run.stderr, /OwnershipConflict|Kuma's controller owns it/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("helm post-renderer: a failing render fails Helm loudly and prints nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "msk-helm-" });
  try {
    const config = join(dir, "bad.yaml");
    await Deno.writeTextFile(
      config,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  kumaVersion: "9.9"\n',
    );
    const failures = [
      await postRender([
        DENO,
        "run",
        "--no-prompt",
        `-R=${config}`,
        join(REPO_ROOT, "mod.ts"),
        "helm-post-renderer",
        "--config",
        config,
      ], RENDERED),
      await postRender(
        [WRAPPER, "helm-post-renderer"],
        RENDERED.replace("port: 8443", 'port: "8443"'),
      ),
      await postRender([WRAPPER, "helm-post-renderer"], ""),
      await postRender(
        [WRAPPER, "helm-post-renderer"],
        "---\n# Source: x/templates/a.yaml\nkind: [\n",
      ),
      await postRender(
        [WRAPPER, "helm-post-renderer"],
        '---\n# Source: x/templates/preview.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-local\n  annotations:\n    config.kubernetes.io/local-config: "true"\n',
      ),
    ];
    const expected = [
      /Unknown Kuma version "9\.9"/,
      /port must be an integer/,
      /no manifests on stdin/,
      /cannot parse the rendered manifests: "x\/templates\/a\.yaml"/,
      /refusing empty output/,
    ];
    failures.forEach((failure, i) => {
      assert.ok(!failure.ok, `case ${i} must fail: ${describeRun(failure.run)}`);
      assert.equal(failure.run.code, 1, describeRun(failure.run));
      assert.equal(failure.run.stdout, "", "nothing for Helm to install");
      assert.match(failure.error, expected[i]!);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
