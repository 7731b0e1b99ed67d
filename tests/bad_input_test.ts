/**
 * Bad input never crashes and never loses data: a corpus of malformed
 * ResourceLists, items, fields and configs, each run through the KRM path
 * (`processBytes`, what stdin mode runs). For every case: the output is a
 * ResourceList; the exit code is 1 exactly when an error result exists; the
 * expected severity is reported on the named resource and field; every input
 * item that is a map comes back unchanged, annotations included.
 *
 * @module
 */

import assert from "node:assert/strict";
import { load } from "js-yaml";
import { processBytes } from "../src/io/krm_stdio.ts";
import { exitCodeOf } from "../src/results.ts";
import { type Case, stdinOf } from "./_bad_input.ts";
import { CONFIG_CASES } from "./_bad_input_cases_config.ts";
import { RESOURCE_CASES } from "./_bad_input_cases_resources.ts";
import { STREAM_CASES } from "./_bad_input_cases_stream.ts";

/** The whole corpus, by concern: tests/_bad_input_cases_*.ts. */
export const CASES: Case[] = [...STREAM_CASES, ...RESOURCE_CASES, ...CONFIG_CASES];

interface Output {
  items: unknown[];
  results?: {
    severity: string;
    message: string;
    resourceRef?: { kind: string; name: string; namespace?: string };
    field?: { path: string };
  }[];
}

Deno.test("bad input: the corpus has at least 60 cases with unique names and exact expectations", () => {
  assert.ok(CASES.length >= 60, `${CASES.length} cases`);
  assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  for (const c of CASES) {
    if (c.severity === "none") continue;
    assert.ok(
      c.reason !== undefined && c.ref !== undefined && c.field !== undefined,
      `${c.name}: reason, ref and field are all stated`,
    );
  }
});

function refText(r: NonNullable<Output["results"]>[number]): string | null {
  if (!r.resourceRef) return null;
  const ns = r.resourceRef.namespace ? `${r.resourceRef.namespace}/` : "";
  return `${r.resourceRef.kind} ${ns}${r.resourceRef.name}`;
}

for (const c of CASES) {
  Deno.test(`bad input: ${c.name}`, async () => {
    const stdin = stdinOf(c);
    const bytes = typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin;
    const { text, results } = await processBytes(bytes);
    const output = load(text) as Output;
    assert.equal((output as { kind?: string }).kind, "ResourceList", text.slice(0, 2000));
    assert.ok(Array.isArray(output.items));
    // The exit code follows the results, and the results in the output are the ones returned.
    const errors = results.some((r) => r.severity === "error");
    assert.equal(exitCodeOf(results), errors ? 1 : 0);
    assert.equal(output.results?.length ?? 0, results.length);
    if (c.severity === "none") {
      const loud = results.filter((r) => r.severity === "error" || r.severity === "warning");
      assert.deepEqual(loud, [], "no error or warning");
      assert.equal(exitCodeOf(results), 0);
    } else {
      if (c.severity === "error") assert.equal(exitCodeOf(results), 1);
      const match = results.some((r) =>
        r.severity === c.severity &&
        r.tags?.reason === c.reason &&
        refText(r) === c.ref &&
        (r.field?.path ?? null) === c.field &&
        (c.message === undefined || c.message.test(r.message))
      );
      const shown = results.map((r) => ({
        severity: r.severity,
        reason: r.tags?.reason,
        ref: refText(r)?.slice(0, 120),
        field: r.field?.path,
        message: r.message.slice(0, 300),
      }));
      assert.ok(
        match,
        `no ${c.severity} ${c.reason} on ${c.ref?.slice(0, 120)} ${c.field} ${c.message ?? ""}:\n${
          JSON.stringify(shown, null, 2)
        }`,
      );
    }
    // Every result message stays readable, whatever the input's size.
    for (const r of results) assert.ok(r.message.length <= 2100, "message clipped");
    // Nothing lost: every input map item is in the output unchanged.
    if (c.stdin === undefined || typeof c.stdin === "string") {
      let input: Output | undefined;
      try {
        input = load(typeof stdin === "string" ? stdin : "") as Output;
      } catch {
        input = undefined; // The stream does not parse: nothing to compare item by item.
      }
      const items = input !== undefined && input !== null && Array.isArray(input.items)
        ? input.items
        : [];
      const seen = new Set(output.items.map((out) => JSON.stringify(out)));
      for (const item of items) {
        if (item === null || typeof item !== "object" || Array.isArray(item)) continue;
        if (errors && results.some((r) => r.tags?.reason === "InvalidInput" && !r.resourceRef)) {
          continue; // The whole stream was refused: the output holds no items.
        }
        assert.ok(
          seen.has(JSON.stringify(item)),
          `item passes through unchanged: ${JSON.stringify(item).slice(0, 500)}`,
        );
      }
    }
  });
}
