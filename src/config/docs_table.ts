/**
 * The configuration reference table of docs/configuration.md, rendered from
 * the key declarations (src/config/keys.ts): one row per key, in declaration
 * order, `key | default | meaning`.
 *
 * @module
 */

import { CONFIG_KEY_DECLARATIONS, type KeyDeclaration } from "./keys.ts";

/** One row of the table: the key, its default as documented, its meaning. */
export interface ConfigTableRow {
  key: string;
  default: string;
  doc: string;
}

/**
 * The documented default of a declaration: its `defaultDoc`, else its
 * default value (`none` for nothing, an empty list or map; a scalar in backticks).
 */
export function documentedDefault(declaration: KeyDeclaration<unknown, unknown, unknown>): string {
  if (declaration.defaultDoc !== undefined) return declaration.defaultDoc;
  const value = declaration.default;
  if (
    value === undefined || (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && value !== null && Object.keys(value).length === 0)
  ) {
    return "none";
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return `\`${value}\``;
  }
  throw new Error("A key whose default is a list, a map or a function needs a defaultDoc");
}

/** The rows of the table, in declaration order. */
export function configTableRows(): ConfigTableRow[] {
  return Object.entries(
    CONFIG_KEY_DECLARATIONS as Record<string, KeyDeclaration<unknown, unknown, unknown>>,
  ).map(([key, declaration]) => ({
    key,
    default: documentedDefault(declaration),
    doc: declaration.doc,
  }));
}

/** The table as Markdown (`deno fmt` aligns its columns). */
export function renderConfigTable(): string {
  const lines = ["| key | default | meaning |", "| --- | --- | --- |"];
  for (const row of configTableRows()) {
    lines.push(`| \`${row.key}\` | ${row.default} | ${row.doc} |`);
  }
  return `${lines.join("\n")}\n`;
}
