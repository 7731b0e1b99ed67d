/**
 * Import boundaries of the YAML text utilities (`src/io/yaml_text/`): only
 * directory mode loads the comment-preserving editor, and lazily; the `yaml`
 * package comes in through `yaml_package.ts` and only the editor's parts and
 * the line finder use it, so the KRM path never loads it.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "./e2e_support.ts";

Deno.test("only directory mode imports yaml_edit.ts, and lazily", async () => {
  const importers: string[] = [];
  const sourceLinesUsers: string[] = [];
  const yamlPackageUsers: string[] = [];
  // The YAML text utilities live in src/io/yaml_text/; src/io/yaml_edit.ts only re-exports the editor.
  const yamlEditImport = /(?:from |import\()"(?:\.\.?\/)+(?:yaml_text\/)?yaml_edit\.ts"/;
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(REPO_ROOT, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(join(REPO_ROOT, path));
        if (yamlEditImport.test(text) && path !== "src/io/yaml_edit.ts") importers.push(path);
        // The GitHub Action's line finder may use it too: the action is its own entry point.
        if (/^import [^;]*from "(?:\.\.?\/)+(?:yaml_text\/)?source_lines\.ts"/m.test(text)) {
          sourceLinesUsers.push(path);
        }
        // The yaml package comes in through yaml_package.ts only, by name (never a node_modules path).
        assert.doesNotMatch(
          text,
          /from "[^"]*node_modules\//,
          `${path} imports a node_modules path`,
        );
        if (path !== "src/io/yaml_package.ts") {
          assert.doesNotMatch(text, /from "yaml"/, `${path} imports the yaml package directly`);
        }
        if (/^import [^;]*from "(?:\.\.?\/)+yaml_package\.ts"/m.test(text)) {
          yamlPackageUsers.push(path);
        }
      }
    }
  };
  await walk("src");
  // The editor's parts (reached only through yaml_edit.ts) and the line finder; never the KRM path.
  assert.deepEqual(yamlPackageUsers.sort(), [
    "src/io/yaml_text/document_editor.ts",
    "src/io/yaml_text/source_lines.ts",
    "src/io/yaml_text/text_positions.ts",
    "src/io/yaml_text/yaml_render.ts",
    "src/io/yaml_text/yaml_stream.ts",
  ]);
  const mod = await Deno.readTextFile(join(REPO_ROOT, "mod.ts"));
  assert.doesNotMatch(mod, /yaml_edit|directory\.ts/);
  assert.deepEqual(importers, ["src/io/directory_edits.ts"]);
  assert.deepEqual(sourceLinesUsers.sort(), [
    "src/io/github_action.ts",
    "src/io/github_action/commands.ts",
  ]);
  const edits = await Deno.readTextFile(join(REPO_ROOT, "src/io/directory_edits.ts"));
  assert.match(edits, /await import\("\.\/yaml_text\/yaml_edit\.ts"\)/);
  for (const file of ["src/io/directory.ts", "src/io/directory_edits.ts"]) {
    assert.doesNotMatch(
      await Deno.readTextFile(join(REPO_ROOT, file)),
      /^import (?!type )[^;]*from "\.\/yaml_text\/yaml_edit\.ts"/m,
      `${file}: only type imports are static`,
    );
  }
  const cli = await Deno.readTextFile(join(REPO_ROOT, "src/io/cli.ts"));
  assert.match(cli, /await import\("\.\/directory\.ts"\)/);
  assert.doesNotMatch(cli, /from "\.\/directory\.ts"/);
});
