/** Where references sit in each kind: one row per position, with the field path and role read. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fieldPathOf } from "../../model/field_path.ts";
import type { KubeObject } from "../../model/krm.ts";
import { isReferrerKind, pathCopy, sitesOf, writeAt } from "./sites.ts";

const MS = (name: string) => ({ kind: "MeshService", name });

function policy(kind: string, spec: Record<string, unknown>, apiVersion = "kuma.io/v1alpha1") {
  return { apiVersion, kind, metadata: { name: "p" }, spec } as KubeObject;
}

const ROWS: { name: string; object: KubeObject; expect: string[] }[] = [
  {
    name: "a top-level MeshService targetRef",
    object: policy("MeshTimeout", { targetRef: MS("a") }),
    expect: ["spec.targetRef targetRef"],
  },
  {
    name: "a top-level Mesh is no reference to a destination",
    object: policy("MeshTimeout", { targetRef: { kind: "Mesh" }, to: [] }),
    expect: [],
  },
  {
    name: "to[] targetRefs of every destination kind, skipping MeshSubset",
    object: policy("MeshTimeout", {
      to: [
        { targetRef: MS("a") },
        { targetRef: { kind: "MeshExternalService", name: "b" } },
        { targetRef: { kind: "MeshMultiZoneService", name: "c" } },
        { targetRef: { kind: "MeshServiceSubset", name: "d" } },
        { targetRef: { kind: "MeshSubset", tags: {} } },
      ],
    }),
    expect: [
      "spec.to[0].targetRef to",
      "spec.to[1].targetRef to",
      "spec.to[2].targetRef to",
      "spec.to[3].targetRef to",
    ],
  },
  {
    name: "route backendRefs and requestMirror backendRefs, in document order",
    object: policy("MeshHTTPRoute", {
      to: [{
        targetRef: MS("a"),
        rules: [{
          default: {
            backendRefs: [MS("b"), MS("c")],
            filters: [
              { type: "RequestHeaderModifier", requestHeaderModifier: {} },
              { type: "RequestMirror", requestMirror: { backendRef: MS("d") } },
            ],
          },
        }],
      }],
    }),
    expect: [
      "spec.to[0].targetRef to",
      "spec.to[0].rules[0].default.backendRefs[0] backendRef",
      "spec.to[0].rules[0].default.backendRefs[1] backendRef",
      "spec.to[0].rules[0].default.filters[1].requestMirror.backendRef requestMirror",
    ],
  },
  {
    name: "rules of a non-route policy hold no backendRefs",
    object: policy("MeshTimeout", {
      to: [{ targetRef: MS("a"), rules: [{ default: { backendRefs: [MS("b")] } }] }],
    }),
    expect: ["spec.to[0].targetRef to"],
  },
  {
    name: "from[] targetRefs",
    object: policy("MeshTrafficPermission", { from: [{ targetRef: MS("a") }] }),
    expect: ["spec.from[0].targetRef from"],
  },
  {
    name: "malformed entries are skipped, not thrown on",
    object: policy("MeshHTTPRoute", { to: [null, "x", { rules: "no" }], from: [1] }),
    expect: [],
  },
];

for (const row of ROWS) {
  Deno.test(`sites: ${row.name}`, () => {
    assert.deepEqual(
      sitesOf(row.object).map((s) => `${fieldPathOf(s.path)} ${s.role}`),
      row.expect,
    );
  });
}

Deno.test("sites: referrer kinds are kuma.io policies with targetRef, to or from", () => {
  const table: [KubeObject, boolean][] = [
    [policy("MeshTimeout", { to: [] }), true],
    [policy("MeshTrafficPermission", { from: [] }), true],
    [policy("MeshHealthCheck", { targetRef: { kind: "Mesh" } }), true],
    [policy("MeshTimeout", {}), false],
    [policy("MeshService", { to: [] }), false],
    [policy("MeshGateway", { targetRef: {} }), false],
    [policy("MeshTimeout", { to: [] }, "example.com/v1"), false],
  ];
  for (const [object, expected] of table) {
    assert.equal(isReferrerKind(object), expected, `${object.apiVersion} ${object.kind}`);
  }
});

/** Freezes every map and list of `value`, so a write into it throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Every path to a map or list entry of `value`. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const out: (string | number)[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path, ...pathsOf(child, path));
  }
  return out;
}

Deno.test("writeAt on a path copy gives what writing into a deep copy gives, and leaves the original alone", () => {
  const json = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null)),
      fc.array(tie("node"), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom("a", "b", "to", "0"), tie("node"), { maxKeys: 3 }),
    ),
  })).node;
  const object = fc.dictionary(fc.constantFrom("kind", "spec", "to"), json, { minKeys: 1 });
  fc.assert(
    fc.property(object, fc.array(fc.nat(), { maxLength: 5 }), (original, picks) => {
      const before = JSON.stringify(original);
      deepFreeze(original);
      const paths = pathsOf(original);
      const deep = structuredClone(original) as Record<string | number, unknown>;
      const copy = pathCopy(original);
      const touched = new Set<string | number>();
      for (const [n, pick] of picks.entries()) {
        if (paths.length === 0) break;
        const path = paths[pick % paths.length]!;
        // Write into the deep copy the plain way; a path may cross a value written before.
        let current = deep;
        let exists = true;
        for (const part of path.slice(0, -1)) {
          const next = current[part];
          if (typeof next !== "object" || next === null) exists = false;
          else current = next as Record<string | number, unknown>;
        }
        if (!exists) continue;
        const value = { written: n };
        current[path[path.length - 1]!] = value;
        writeAt(copy, path, { written: n });
        touched.add(path[0]!);
      }
      assert.equal(JSON.stringify(copy.root), JSON.stringify(deep));
      assert.equal(JSON.stringify(original), before);
      // What was not written is shared, not copied.
      for (const [key, child] of Object.entries(original)) {
        if (!touched.has(key)) assert.equal((copy.root as Record<string, unknown>)[key], child);
      }
    }),
    { numRuns: 2000, seed: 16 },
  );
});
