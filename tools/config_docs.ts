/**
 * Rewrites the configuration reference table in docs/configuration.md from
 * the key declarations (src/config/keys.ts), then formats the page:
 *
 *     deno task docs:config
 *
 * tests/config_docs_test.ts fails while the page and the declarations differ.
 *
 * @module
 */

import { renderConfigTable } from "../src/config/docs_table.ts";

const page = new URL("../docs/configuration.md", import.meta.url);
const text = Deno.readTextFileSync(page);
const lines = text.split("\n");
const start = lines.findIndex((line) => /^\|\s*key\s*\|/.test(line));
if (start < 0) throw new Error("docs/configuration.md has no table starting with | key |");
let end = start;
while (end < lines.length && lines[end]!.startsWith("|")) end++;
const table = renderConfigTable().trimEnd().split("\n");
Deno.writeTextFileSync(page, [...lines.slice(0, start), ...table, ...lines.slice(end)].join("\n"));
const fmt = new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", page.pathname] })
  .outputSync();
if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
