/**
 * The configuration reference in docs/configuration.md is the key
 * declarations of src/config/keys.ts: same keys, same order, each row's
 * default and meaning the declaration's (`deno task docs:config` rewrites it).
 */

import assert from "node:assert/strict";
import { CONFIG_KEYS, DEFAULT_CONFIG, parseConfig } from "../src/config.ts";
import { configTableRows } from "../src/config/docs_table.ts";

const page = Deno.readTextFileSync(new URL("../docs/configuration.md", import.meta.url));

/** The rows of the page's `| key | default | meaning |` table, cells trimmed. */
function documentedRows(): { key: string; default: string; doc: string }[] {
  const lines = page.split("\n");
  const start = lines.findIndex((line) =>
    /^\|\s*key\s*\|\s*default\s*\|\s*meaning\s*\|$/.test(line)
  );
  assert.ok(start >= 0, "docs/configuration.md has the | key | default | meaning | table");
  const rows = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith("|"); i++) {
    const cells = lines[i]!.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());
    assert.equal(cells.length, 3, `row ${i + 1} has three cells`);
    const [key = "", value = "", doc = ""] = cells;
    const name = /^`([A-Za-z]+)`$/.exec(key)?.[1];
    assert.ok(name, `row ${i + 1}: the first cell is a key in backticks, got ${key}`);
    rows.push({ key: name, default: value, doc });
  }
  return rows;
}

Deno.test("the docs table lists every config key once, in declaration order", () => {
  assert.deepEqual(documentedRows().map((r) => r.key), [...CONFIG_KEYS]);
});

Deno.test("each docs row's default and meaning are the key's declaration", () => {
  const documented = new Map(documentedRows().map((r) => [r.key, r]));
  for (const row of configTableRows()) {
    const docs = documented.get(row.key);
    assert.equal(docs?.default, row.default, `default of ${row.key}: run deno task docs:config`);
    assert.equal(docs?.doc, row.doc, `meaning of ${row.key}: run deno task docs:config`);
  }
});

Deno.test("a default documented as one value is what the key resolves to when unset", () => {
  let checked = 0;
  for (const row of configTableRows()) {
    const value = /^`([^`]*)`$/.exec(row.default)?.[1];
    if (value === undefined) continue;
    const parsed = parseConfig({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg" },
      data: { [row.key]: value },
    });
    assert.ok(parsed.ok, `${row.key}: the documented default "${value}" is a valid value`);
    assert.deepEqual(
      parsed.config[row.key as keyof typeof parsed.config],
      DEFAULT_CONFIG[row.key as keyof typeof DEFAULT_CONFIG],
      `${row.key}: the documented default is the resolved default`,
    );
    checked++;
  }
  assert.ok(checked >= 8, `${checked} documented defaults checked`);
});
