/**
 * The README and the pages under `docs/` say what the files do: each
 * copy-paste setup of a pipeline page parses to the same object as its
 * template (the templates carry extra comments only), the README's snippets
 * are the pages' and the templates' commands, every command and flag quoted
 * is one the CLI has, every relative link (and `#anchor`) of README.md,
 * ARCHITECTURE.md and docs/ resolves, and the README stays short.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { load } from "js-yaml";
import { marked, type Token, type Tokens } from "marked";
import { HELP } from "../src/io/cli.ts";
import { REPO_ROOT } from "./e2e_support.ts";

/** The most README.md may weigh: reference material belongs in docs/. */
const README_MAX_BYTES = 10_240;

/** The quick start's two commands: `.ci/run` runs the second on a clean clone. */
const EXAMPLE_COMMAND = "npm ci --no-audit --no-fund && npx deno task example";
const TEST_COMMAND = "npm ci --no-audit --no-fund && npx deno task test";

async function read(path: string): Promise<string> {
  return await Deno.readTextFile(join(REPO_ROOT, path));
}

/** Every token of a Markdown text, nested ones (lists, quotes, inline) included. */
function allTokens(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  const walk = (list: readonly Token[]) => {
    for (const token of list) {
      out.push(token);
      const nested = token as { tokens?: Token[]; items?: Token[] };
      if (nested.tokens) walk(nested.tokens);
      if (nested.items) walk(nested.items);
      if (token.type === "table") {
        const table = token as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens);
      }
    }
  };
  walk(tokens);
  return out;
}

function tokensOf(markdown: string): Token[] {
  return allTokens(marked.lexer(markdown, { gfm: true }));
}

/** The fenced blocks of a Markdown text in one language, in order. */
function codeBlocks(markdown: string, language: string): string[] {
  return tokensOf(markdown)
    .filter((t): t is Tokens.Code => t.type === "code" && t.lang === language)
    .map((t) => t.text + "\n");
}

async function blocksOf(path: string, language: string): Promise<string[]> {
  const found = codeBlocks(await read(path), language);
  assert.ok(found.length > 0, `${path} has a ${language} block`);
  return found;
}

/** The rows of the first table whose header starts with `first`, as cell texts. */
function tableRows(markdown: string, first: string): string[][] {
  const table = tokensOf(markdown).find((t): t is Tokens.Table =>
    t.type === "table" && (t as Tokens.Table).header[0]?.text === first
  );
  assert.ok(table, `a table headed "${first}"`);
  return table.rows.map((row) => row.map((cell) => cell.text));
}

async function template(path: string): Promise<unknown> {
  return load(await Deno.readTextFile(join(REPO_ROOT, "templates", path)));
}

/** A JSON round trip: both sides compare as plain data. */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** The plain text of a heading: inline code and emphasis as their text. */
function plainText(tokens: readonly Token[]): string {
  return tokens.map((t) => {
    const nested = (t as { tokens?: Token[] }).tokens;
    return nested && nested.length > 0 ? plainText(nested) : (t as { text?: string }).text ?? "";
  }).join("");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const token of tokensOf(markdown)) {
    if (token.type !== "heading") continue;
    const base = plainText((token as Tokens.Heading).tokens).trim().toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Every relative link of a Markdown file that points nowhere: a missing file
 * or folder, or an `#anchor` that is no heading of the Markdown file it names.
 */
async function brokenLinks(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  const problems: string[] = [];
  for (const token of tokensOf(text)) {
    if (token.type !== "link" && token.type !== "image") continue;
    const href = (token as Tokens.Link).href;
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto: ...
    const [path = "", anchor] = href.split("#", 2);
    const target = path === "" ? file : join(dirname(file), decodeURIComponent(path));
    if (!await exists(target)) {
      problems.push(`${href}: no file ${relative(REPO_ROOT, target)}`);
      continue;
    }
    if (anchor === undefined || !target.endsWith(".md")) continue;
    const anchors = headingAnchors(await Deno.readTextFile(target));
    if (!anchors.has(anchor)) problems.push(`${href}: no heading #${anchor}`);
  }
  return problems;
}

async function markdownFiles(): Promise<string[]> {
  const files = [join(REPO_ROOT, "README.md"), join(REPO_ROOT, "ARCHITECTURE.md")];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && entry.name.endsWith(".md")) files.push(path);
    }
  };
  await walk(join(REPO_ROOT, "docs"));
  return files.sort();
}

/** `[binary] COMMAND rest` of every line quoting the CLI (`meshservice-krm`, the bundle, mod.ts). */
function cliCalls(commands: string): { command: string; flags: string[] }[] {
  const calls: { command: string; flags: string[] }[] = [];
  for (const line of commands.split("\n")) {
    const code = line.replace(/\s#.*$/, "");
    const call = /(?:^|[\s/])(?:meshservice-krm(?:\.js)?|mod\.ts) ([a-z][a-z-]*)(.*)$/.exec(code);
    if (!call) continue;
    calls.push({
      command: call[1]!,
      flags: [...call[2]!.matchAll(/\s(--[a-z-]+)/g)].map((m) => m[1]!),
    });
  }
  return calls;
}

Deno.test("readme: README.md is at most 10,240 bytes", async () => {
  const size = (await Deno.stat(join(REPO_ROOT, "README.md"))).size;
  assert.ok(size <= README_MAX_BYTES, `README.md is ${size} bytes: move reference text to docs/`);
});

Deno.test("readme: the quick start holds the set-up commands .ci/run and deno.json run", async () => {
  const [quickStart] = codeBlocks(await read("README.md"), "sh");
  assert.ok(quickStart?.includes(`${EXAMPLE_COMMAND}\n`), quickStart);
  assert.ok(quickStart?.includes(`${TEST_COMMAND}\n`), quickStart);
  assert.ok(
    (await read(".ci/run")).includes(`\n${TEST_COMMAND} `),
    ".ci/run runs the test command",
  );
  const tasks = (JSON.parse(await read("deno.json")) as { tasks: Record<string, string> }).tasks;
  assert.ok(tasks.example && tasks.test, "deno.json has the example and test tasks");
});

Deno.test("docs: every relative link of README.md, ARCHITECTURE.md and docs/ resolves", async () => {
  const files = await markdownFiles();
  assert.ok(files.length >= 15, files.join("\n"));
  const problems: string[] = [];
  for (const file of files) {
    for (const problem of await brokenLinks(file)) {
      problems.push(`${relative(REPO_ROOT, file)}: ${problem}`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("docs: the link check finds a missing file and a missing heading", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "other.md"), "# Other page\n\n## What is emitted: `x`\n");
    await Deno.writeTextFile(
      join(dir, "page.md"),
      "# Page\n\n[ok](other.md#what-is-emitted-x) [self](#page) [web](https://example.com/x)\n" +
        "[gone](missing.md) [anchor](other.md#nowhere) [here](#nothing)\n\n" +
        "```md\n[in code](not-checked.md)\n```\n",
    );
    assert.deepEqual(await brokenLinks(join(dir, "page.md")), [
      `missing.md: no file ${relative(REPO_ROOT, join(dir, "missing.md"))}`,
      "other.md#nowhere: no heading #nowhere",
      "#nothing: no heading #nothing",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docs: heading anchors follow GitHub's rules", () => {
  const anchors = headingAnchors(
    "# Directory mode (`render`, `check`)\n## Notes\n## Notes\n### What is emitted: `meshServiceOutput`\n",
  );
  assert.deepEqual([...anchors], [
    "directory-mode-render-check",
    "notes",
    "notes-1",
    "what-is-emitted-meshserviceoutput",
  ]);
});

Deno.test("docs: the kpt Kptfile is templates/kpt/Kptfile", async () => {
  const [kptfile] = await blocksOf("docs/pipelines/kpt.md", "yaml");
  assert.deepEqual(load(kptfile!), await template("kpt/Kptfile"));
});

Deno.test("docs: the kustomize files are templates/kustomize", async () => {
  const [kustomization, transformer] = await blocksOf("docs/pipelines/kustomize.md", "yaml");
  const shown = load(kustomization!) as Record<string, unknown>;
  const real = await template("kustomize/kustomization.yaml") as Record<string, unknown>;
  assert.deepEqual(shown.resources, real.resources);
  assert.deepEqual(shown.transformers, real.transformers);
  assert.deepEqual(
    comparable(load(transformer!)),
    comparable(await template("kustomize/meshservice-krm-transformer.yaml")),
  );
  const commands = (await blocksOf("docs/pipelines/kustomize.md", "sh")).join("\n");
  assert.match(commands, /templates\/kustomize\/legacy-plugin\/RenderMeshServices/);
  assert.match(commands, /meshservice-krm\/v1alpha1\/rendermeshservices\/RenderMeshServices/);
});

Deno.test("docs: the Argo CD plugin is templates/argocd/plugin.yaml", async () => {
  const [plugin] = await blocksOf("docs/pipelines/argocd.md", "yaml");
  const shown = load(plugin!) as { spec: Record<string, unknown> };
  const real = await template("argocd/plugin.yaml") as { spec: Record<string, unknown> };
  for (const key of ["version", "discover", "generate"]) {
    assert.deepEqual(shown.spec[key], real.spec[key], key);
  }
});

Deno.test("readme: the Argo CD command is the plugin's generate command", async () => {
  const real = await template("argocd/plugin.yaml") as {
    spec: { generate: { command: string[] } };
  };
  const readme = (await blocksOf("README.md", "sh")).join("\n");
  assert.ok(readme.includes(`\n${real.spec.generate.command.join(" ")}\n`), readme);
});

Deno.test("docs: the Flux commands are the workflow's commands", async () => {
  const workflow = await Deno.readTextFile(
    join(REPO_ROOT, "templates", "flux", "render-manifests.yml"),
  );
  const [commands] = await blocksOf("docs/pipelines/flux.md", "sh");
  assert.match(commands!, / check zones\/east$/m);
  assert.match(commands!, / render zones\/east --out zones\/east$/m);
  assert.match(workflow, /meshservice-krm\.js" check "\$zone"/);
  assert.match(workflow, /render "\$zone" --out "\$zone"/);
  const readme = (await blocksOf("README.md", "sh")).join("\n");
  assert.ok(readme.includes(commands!), "the README shows the Flux page's commands");
});

Deno.test("docs: the GitHub Action's tables and workflows name action.yml's inputs and outputs", async () => {
  const action = load(await read("action.yml")) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  };
  const page = await read("docs/pipelines/github-action.md");
  const unquote = (rows: string[][]) => rows.map((row) => row[0]!.replace(/^`|`$/g, ""));
  assert.deepEqual(unquote(tableRows(page, "Input")), Object.keys(action.inputs));
  assert.deepEqual(unquote(tableRows(page, "Output")), Object.keys(action.outputs));
  const [workflow] = codeBlocks(page, "yaml");
  const steps = (load(workflow!) as { jobs: Record<string, { steps: { with?: object }[] }> }).jobs;
  const pageInputs = Object.values(steps).flatMap((job) => job.steps)
    .flatMap((step) => Object.keys(step.with ?? {}));
  const [readmeStep] = await blocksOf("README.md", "yaml");
  const readmeInputs = (load(readmeStep!) as { with: object }[]).flatMap((s) =>
    Object.keys(s.with)
  );
  assert.ok(pageInputs.length > 0 && readmeInputs.length > 0);
  for (const input of [...pageInputs, ...readmeInputs]) assert.ok(input in action.inputs, input);
});

Deno.test("docs: the command line page lists the commands the CLI has", async () => {
  const [text] = await blocksOf("docs/cli.md", "text");
  for (const command of ["render", "check", "generate", "kustomize-plugin", "helm-post-renderer"]) {
    assert.match(text!, new RegExp(`meshservice-krm ${command} `));
    assert.ok(HELP[command], command);
  }
});

Deno.test("docs: every command and flag the README and docs quote is one the CLI has", async () => {
  const quoted: { command: string; flags: string[] }[] = [];
  for (const file of await markdownFiles()) {
    const text = await Deno.readTextFile(file);
    quoted.push(...cliCalls(codeBlocks(text, "sh").join("\n")));
    for (const m of text.matchAll(/--post-renderer-args ([a-z-]+)/g)) {
      quoted.push({ command: m[1]!, flags: [] });
    }
  }
  assert.ok(quoted.length >= 10, JSON.stringify(quoted));
  for (const { command, flags } of quoted) {
    const help = HELP[command];
    assert.ok(help, `"${command}" is a command of the CLI`);
    for (const flag of flags) {
      assert.match(help, new RegExp(`${flag}(?![a-z-])`), `${command} has ${flag}`);
    }
  }
});
