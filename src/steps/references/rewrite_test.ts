/**
 * Applying decisions to a policy: rewrites go into a copy, a `to[]` entry is
 * rewritten whole or not at all, and a change of Kuma's policy role
 * (`ComputePolicyRole`) is said, or avoided by writing labels.
 */
import assert from "node:assert/strict";
import { KIND, LABEL } from "../../model/kuma.ts";
import type { ReferenceStatus } from "../../report.ts";
import {
  referrer,
  type ServiceRow,
  world,
  type WorldOptions,
} from "../../../tests/_references_world.ts";
import { rewriteReferences } from "./rewrite.ts";

const BACKEND: ServiceRow = { name: "backend", ports: [{ name: "http", port: 80 }] };
const OTHER: ServiceRow = { name: "other", namespace: "other-ns", ports: [{ port: 80 }] };
const legacy = (name: string) => ({ kind: KIND.meshService, name });
const labels = (name: string, namespace: string) => ({
  [LABEL.displayName]: name,
  [LABEL.namespace]: namespace,
});

interface Row {
  name: string;
  kind: string;
  spec: Record<string, unknown>;
  options?: WorldOptions;
  /** The rewritten spec, or `undefined` when nothing is rewritten. */
  after: Record<string, unknown> | undefined;
  statuses: ReferenceStatus[];
  /** Pattern the first rewritten reference's message must match. */
  note?: RegExp;
  /** Reasons of the step's own results. */
  results?: string[];
}

const ROWS: Row[] = [
  {
    name: "a rewrite goes into a copy of the policy",
    kind: "MeshTimeout",
    spec: {
      to: [{ targetRef: legacy("backend_kuma-demo_svc_80"), default: { idleTimeout: "1s" } }],
    },
    after: {
      to: [{
        targetRef: {
          kind: "MeshService",
          name: "backend",
          namespace: "kuma-demo",
          sectionName: "http",
        },
        default: { idleTimeout: "1s" },
      }],
    },
    statuses: ["rewritten"],
  },
  {
    name: "a to[] entry whose backendRef cannot be rewritten keeps its targetRef as written",
    kind: "MeshHTTPRoute",
    spec: {
      to: [{
        targetRef: legacy("backend_kuma-demo_svc_80"),
        rules: [{ default: { backendRefs: [legacy("nothing_kuma-demo_svc_80")] } }],
      }],
    },
    after: undefined,
    statuses: ["kept", "unresolved"],
  },
  {
    name: "labels style changes a producer policy into a consumer one, and the note says so",
    kind: "MeshTimeout",
    spec: { to: [{ targetRef: legacy("backend_kuma-demo_svc_80") }] },
    options: { style: "labels" },
    after: {
      to: [{
        targetRef: {
          kind: "MeshService",
          labels: labels("backend", "kuma-demo"),
          sectionName: "http",
        },
      }],
    },
    statuses: ["rewritten"],
    note: /policy role changes from producer to consumer/,
  },
  {
    name: "names that would mix producer and consumer entries are written as labels instead",
    kind: "MeshTimeout",
    spec: {
      to: [
        { targetRef: legacy("backend_kuma-demo_svc_80") },
        { targetRef: legacy("other_other-ns_svc_80") },
      ],
    },
    after: {
      to: [
        {
          targetRef: {
            kind: "MeshService",
            labels: labels("backend", "kuma-demo"),
            sectionName: "http",
          },
        },
        {
          targetRef: {
            kind: "MeshService",
            labels: labels("other", "other-ns"),
            sectionName: "80",
          },
        },
      ],
    },
    statuses: ["rewritten", "rewritten"],
    note: /policy role changes from producer to consumer/,
  },
  {
    name: "a policy that already mixes producer and consumer entries is warned about",
    kind: "MeshTimeout",
    spec: {
      to: [
        { targetRef: { kind: KIND.meshService, name: "backend" } },
        { targetRef: { kind: KIND.meshService, labels: labels("other", "other-ns") } },
      ],
    },
    after: undefined,
    statuses: ["migrated", "migrated"],
    results: ["PolicyRole"],
  },
];

for (const row of ROWS) {
  Deno.test(`rewrite: ${row.name}`, () => {
    const context = world([BACKEND, OTHER], row.options);
    const policy = referrer(row.kind, row.spec);
    const before = structuredClone(policy.object);
    const out = rewriteReferences([policy], context);
    assert.deepEqual(policy.object, before, "the input is not changed");
    assert.deepEqual(out.rewritten.get(policy.object)?.spec, row.after);
    assert.deepEqual(out.findings.map((f) => f.reference.status), row.statuses);
    const first = out.findings.find((f) => f.reference.status === "rewritten");
    if (row.note) assert.match(first?.reference.message ?? "", row.note);
    else if (first) assert.doesNotMatch(first.reference.message ?? "", /policy role/);
    assert.deepEqual(out.results.map((r) => r.tags?.reason), row.results ?? []);
  });
}
