/** Where references sit in each kind: one row per position, with the field path and role read. */
import assert from "node:assert/strict";
import { fieldPathOf } from "../../model/field_path.ts";
import type { KubeObject } from "../../model/krm.ts";
import { isReferrerKind, sitesOf } from "./sites.ts";

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
