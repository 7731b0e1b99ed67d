/**
 * The README's copy-paste setups are the files the end-to-end tests run:
 * each YAML block of a pipeline section parses to the same object as its
 * template (the templates carry extra comments only), and the commands
 * quoted name real commands and flags.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { load } from "js-yaml";
import { HELP } from "../src/io/cli.ts";
import { REPO_ROOT } from "./e2e_support.ts";

const README = await Deno.readTextFile(join(REPO_ROOT, "README.md"));

/** The fenced blocks of a `### title` section, by language. */
function blocks(title: string, language: string): string[] {
  const start = README.indexOf(`\n### ${title}\n`);
  assert.ok(start >= 0, `README section "${title}"`);
  const end = README.slice(start + 1).search(/\n##+ /);
  const section = README.slice(start, end < 0 ? undefined : start + 1 + end);
  return [...section.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((
    m,
  ) => m[1]!);
}

async function template(path: string): Promise<unknown> {
  return load(await Deno.readTextFile(join(REPO_ROOT, "templates", path)));
}

/** A JSON round trip: both sides compare as plain data. */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

Deno.test("readme: the kpt Kptfile is templates/kpt/Kptfile", async () => {
  const [kptfile] = blocks("With kpt", "yaml");
  assert.deepEqual(load(kptfile!), await template("kpt/Kptfile"));
});

Deno.test("readme: the kustomize files are templates/kustomize", async () => {
  const [kustomization, transformer] = blocks("With kustomize", "yaml");
  const shown = load(kustomization!) as Record<string, unknown>;
  const real = await template("kustomize/kustomization.yaml") as Record<string, unknown>;
  assert.deepEqual(shown.resources, real.resources);
  assert.deepEqual(shown.transformers, real.transformers);
  assert.deepEqual(
    comparable(load(transformer!)),
    comparable(await template("kustomize/meshservice-krm-transformer.yaml")),
  );
  const commands = blocks("With kustomize", "sh").join("\n");
  assert.match(commands, /templates\/kustomize\/legacy-plugin\/RenderMeshServices/);
  assert.match(commands, /meshservice-krm\/v1alpha1\/rendermeshservices\/RenderMeshServices/);
});

Deno.test("readme: the Argo CD plugin is templates/argocd/plugin.yaml", async () => {
  const [plugin] = blocks("With Argo CD", "yaml");
  const shown = load(plugin!) as { spec: Record<string, unknown> };
  const real = await template("argocd/plugin.yaml") as { spec: Record<string, unknown> };
  for (const key of ["version", "discover", "generate"]) {
    assert.deepEqual(shown.spec[key], real.spec[key], key);
  }
});

Deno.test("readme: the Flux commands are the workflow's commands", async () => {
  const workflow = await Deno.readTextFile(
    join(REPO_ROOT, "templates", "flux", "render-manifests.yml"),
  );
  const [commands] = blocks("With Flux", "sh");
  assert.match(commands!, / check zones\/east$/m);
  assert.match(commands!, / render zones\/east --out zones\/east$/m);
  assert.match(workflow, /meshservice-krm\.js" check "\$zone"/);
  assert.match(workflow, /render "\$zone" --out "\$zone"/);
});

Deno.test("readme: the command line section lists the commands the CLI has", () => {
  const [text] = blocks("Command line", "text");
  for (const command of ["render", "check", "generate", "kustomize-plugin", "helm-post-renderer"]) {
    assert.match(text!, new RegExp(`meshservice-krm ${command} `));
    assert.ok(HELP[command], command);
  }
});
