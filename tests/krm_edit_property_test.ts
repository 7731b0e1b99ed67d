/**
 * Property test of the ResourceList item editor (src/io/yaml_text/krm_edit.ts):
 * on random items in several block styles (with comments and blank lines)
 * and random edits (scalars changed, keys added, removed, lists and maps
 * replaced), whatever text the editor returns reads back whole as the new
 * value with both readers. In particular, an edit proven splice by splice
 * (without reading the text back) is checked here by reading it back.
 * Deterministic: a fixed seed.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { dump } from "js-yaml";
import { readFast } from "../src/io/krm_reader.ts";
import { emitEntry } from "../src/io/plain_yaml.ts";
import { readAllFull } from "../src/io/yaml_full.ts";
import { editItemTextProven } from "../src/io/yaml_text/krm_edit.ts";
import { jsonEqual } from "../src/io/yaml_text/value_diff.ts";

type Obj = Record<string, unknown>;

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 1500);

const scalar = fc.oneof(
  fc.constantFrom("a", "b c", "on", "8080", "x: y", "#h", "it's", 'q"q', "", "-", "- d", "é"),
  fc.constantFrom("multi\nline\n", "two\n\n", "x\n", " lead", "trail ", "a # b", "[]", "{}"),
  fc.constantFrom(80, 0, -1, 1.5, true, false, null),
  fc.string({ maxLength: 6 }),
);
const key = fc.constantFrom(
  "kind",
  "name",
  "to",
  "targetRef",
  "port",
  "a b",
  "kuma.io/x",
  "0",
  "on",
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  ),
})).node;
const item = fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });

/** The item as a `- ` entry of a ResourceList's items, in one of several styles. */
function spanOf(doc: Obj, style: number, noise: number[]): string | undefined {
  let text: string;
  try {
    if (style === 0) text = emitEntry(doc, 0);
    else if (style === 1) text = emitEntry(doc, 2);
    else {
      const options = [
        { lineWidth: -1, noRefs: true, quoteStyle: "double" as const },
        { lineWidth: -1, noRefs: true, noArrayIndent: true },
        { lineWidth: -1, noRefs: true, indent: 4 },
      ][style % 3]!;
      text = dump([doc], options);
    }
  } catch {
    return undefined;
  }
  // Comment and blank lines between lines (never before the first).
  const lines = text.split("\n");
  for (const n of noise) {
    const at = 1 + (n % Math.max(1, lines.length - 1));
    const indent = " ".repeat(n % 7);
    lines.splice(at, 0, n % 3 === 0 ? "" : `${indent}# note ${n}`);
  }
  const out = lines.join("\n");
  return out.endsWith("\n") ? out : `${out}\n`;
}

/** Paths to every map in `value` (the item itself included). */
function mapsOf(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== "object" || v === null) return [];
  const out = Array.isArray(v) ? [] : [path];
  for (const [k, child] of Object.entries(v)) {
    out.push(...mapsOf(child, [...path, Array.isArray(v) ? Number(k) : k]));
  }
  return out;
}

function at(root: unknown, path: readonly (string | number)[]): Obj {
  let current = root as Obj;
  for (const part of path) current = current[part] as Obj;
  return current;
}

/** A copy of `before` with random edits; most are what a reference rewrite does. */
function edited(before: Obj, choices: number[], values: unknown[]): Obj {
  const after = structuredClone(before);
  for (let i = 0; i + 1 < choices.length; i += 2) {
    const maps = mapsOf(after);
    const map = at(after, maps[choices[i]! % maps.length]!);
    const keys = Object.keys(map);
    const v = structuredClone(values[i % values.length]);
    const op = choices[i + 1]! % 10;
    const existing = keys[choices[i]! % Math.max(1, keys.length)];
    if (op < 4 && existing !== undefined) {
      const old = map[existing];
      // A scalar for a scalar, in place.
      if (old === null || typeof old !== "object") {
        map[existing] = typeof v === "object" && v !== null ? "changed" : v;
      }
    } else if (op < 8) {
      map[`new${choices[i]! % 4}`] = v;
    } else if (op === 8 && existing !== undefined && keys.length > 1) {
      delete map[existing];
    } else if (existing !== undefined) {
      map[existing] = v;
    }
  }
  return after;
}

function readsBackAs(text: string, expected: unknown): void {
  const fast = readFast(text);
  assert.ok(fast !== undefined, `the fast reader must take the edited text:\n${text}`);
  assert.equal(fast.length, 1);
  assert.ok(Array.isArray(fast[0]) && fast[0].length === 1, text);
  assert.ok(jsonEqual((fast[0] as unknown[])[0], expected), `fast reader:\n${text}`);
  const full = readAllFull(text);
  assert.ok(jsonEqual((full[0] as unknown[])[0], expected), `full reader:\n${text}`);
}

Deno.test("krm_edit: property: every edited item reads back whole as the new value", () => {
  const proofs = { splices: 0, "read back": 0, none: 0 };
  fc.assert(
    fc.property(
      fc.record({
        doc: item,
        style: fc.nat(5),
        noise: fc.array(fc.nat(1000), { maxLength: 3 }),
        choices: fc.array(fc.nat(1000), { minLength: 2, maxLength: 8 }),
        values: fc.array(value, { minLength: 1, maxLength: 4 }),
      }),
      ({ doc, style, noise, choices, values }) => {
        const span = spanOf(doc, style, noise);
        if (span === undefined) return;
        const read = readFast(span);
        if (!read) return;
        const before = (read[0] as unknown[])[0] as Obj;
        const after = edited(before, choices, values);
        const result = editItemTextProven(span, before, after);
        if (!result) {
          proofs.none++;
          return;
        }
        proofs[result.proof]++;
        readsBackAs(result.text, after);
        // Edits of a value the text does not hold (a scalar differs) still read back as asked.
        const differing = structuredClone(before);
        const scalarKey = Object.keys(differing).find((k) =>
          differing[k] === null || typeof differing[k] !== "object"
        );
        if (scalarKey === undefined) return;
        differing[scalarKey] = `not ${String(differing[scalarKey])}`;
        const wanted = edited(differing, choices, values);
        const other = editItemTextProven(span, differing, wanted);
        if (other) readsBackAs(other.text, wanted);
      },
    ),
    { numRuns: RUNS, seed: Number(Deno.env.get("FC_SEED") ?? 16) },
  );
  console.log(`proofs: ${JSON.stringify(proofs)}`);
  assert.ok(proofs.splices >= RUNS * 0.2, `only ${proofs.splices} edits proven splice by splice`);
});

Deno.test("krm_edit: a reference rewrite is proven splice by splice and reads back", () => {
  const span = [
    "- apiVersion: kuma.io/v1alpha1",
    "  kind: MeshHTTPRoute",
    "  metadata:",
    "    name: r # the route",
    "  spec:",
    "    to:",
    "    - targetRef:",
    "        kind: MeshService",
    "        name: svc_ns_svc_80",
    "",
    "      rules:",
    "      - default:",
    "          backendRefs:",
    "          - kind: MeshService",
    "            name: svc_ns_svc_80 # legacy",
    "            weight: 90",
    "",
  ].join("\n");
  const before = (readFast(span)![0] as unknown[])[0] as Obj;
  const after = structuredClone(before) as { spec: { to: Obj[] } };
  const to = after.spec.to[0]!;
  Object.assign(to.targetRef as Obj, { name: "svc", namespace: "ns", sectionName: "http" });
  const ref = ((to.rules as Obj[])[0]!.default as { backendRefs: Obj[] }).backendRefs[0]!;
  Object.assign(ref, { name: "svc", namespace: "ns", port: 80 });
  const result = editItemTextProven(span, before, after)!;
  assert.equal(result.proof, "splices");
  readsBackAs(result.text, after);
  assert.ok(result.text.includes("    name: r # the route\n"), result.text);
  assert.ok(result.text.includes("            name: svc # legacy\n"), result.text);
  // By labels: the name goes, labels come.
  const byLabels = structuredClone(before) as { spec: { to: Obj[] } };
  const target = byLabels.spec.to[0]!.targetRef as Obj;
  delete target.name;
  target.labels = { "kuma.io/display-name": "svc", "k8s.kuma.io/namespace": "ns" };
  const labelled = editItemTextProven(span, before, byLabels)!;
  assert.equal(labelled.proof, "splices");
  readsBackAs(labelled.text, byLabels);
  assert.ok(!labelled.text.includes("name: svc_ns_svc_80\n\n"), labelled.text);
});
