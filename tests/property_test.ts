/**
 * Property-based tests of the library door (`render` of `mod.ts`) with
 * fast-check: small generated manifest repos (Kubernetes zones with
 * Namespaces, a Mesh, Services, unrelated items and routes/policies naming
 * Services by `kuma.io/service`; Universal zones with Dataplanes) under
 * Kuma 2.9, 2.14 and 3.0 configurations.
 *
 * Properties: input items pass through unless owned (rewritten referrers
 * change only under `spec`); output items do not depend on input order, and
 * the same input gives byte-identical output; results do not depend on input
 * order (fails today on three info results, see that test); a rerun on the
 * output changes nothing; generated items of an earlier run never stay stale;
 * every MeshService reference in the output resolves, or is left as written
 * with a result; the exit code is 1 exactly on an error result, in the library
 * and on the KRM path, and results are well formed and stable.
 *
 * 100 runs per property (`FC_RUNS` to change). A failing property prints its
 * seed and minimal counterexample; replay with `FC_SEED=<seed> FC_PATH=<path>`.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { load } from "js-yaml";
import { exitCodeOf, type KubeObject, type Result } from "../mod.ts";
import { canonical, runKrmInProcess } from "./_invariants.ts";
import { configArb, repo } from "./_property_repos.ts";
import {
  assertPreserved,
  assertReferencesResolve,
  errorsOf,
  isOwned,
  json,
  keyOf,
  multiset,
  ORDERING_ANNOTATIONS,
  params,
  refKey,
  resultsOf,
  run,
  withoutOrdering,
} from "./_property_invariants.ts";

// -------------------------------------------------------------- properties

Deno.test("property: input items pass through unless owned; referrers change only under spec", () => {
  fc.assert(
    fc.property(repo, ({ items, config }) => {
      const before = structuredClone(items);
      const first = run(items, config);
      assert.equal(json(items), json(before), "render does not mutate its input");
      assertPreserved(items, config, first);
      // The output holds owned items: on the rerun they are the tool's to replace.
      const again = first.resourceList.items;
      assertPreserved(again, config, run(again, config));
    }),
    params(),
  );
});

/** A repo and the same items in another order. */
const permuted = repo.chain((r) =>
  fc.shuffledSubarray(r.items, { minLength: r.items.length, maxLength: r.items.length })
    .map((shuffled) => ({ ...r, shuffled }))
);

Deno.test("property: output items do not depend on input order; same input, identical output", () => {
  fc.assert(
    fc.property(permuted, ({ items, shuffled, config }) => {
      const a = run(items, config);
      const twice = run(structuredClone(items), config);
      assert.equal(json(twice), json(a), "same input, byte-identical output and report");
      const b = run(shuffled, config);
      const outA = a.resourceList.items;
      const outB = b.resourceList.items;
      assert.deepEqual(
        multiset(outB.map(withoutOrdering)),
        multiset(outA.map(withoutOrdering)),
        "same items whatever the input order",
      );
      // Input items keep the (permuted) input order; generated ones are appended in a fixed order.
      assert.deepEqual(
        outB.filter((i) => !isOwned(i)).map(keyOf),
        shuffled.map(keyOf),
        "input items keep the input order",
      );
      assert.equal(
        json(outB.filter(isOwned)),
        json(outA.filter(isOwned)),
        "generated items are identical and in the same order",
      );
      assert.deepEqual(
        multiset(b.report.references),
        multiset(a.report.references),
        "same references in the report",
      );
      assert.deepEqual(b.report.summary, a.report.summary, "same report summary");
    }),
    params(),
  );
});

/*
 * Fails today on info results only (warnings and errors were order-independent in 16,000 runs):
 * a result about a group names the group's first member in input order, so reordering files
 * changes it. Minimal counterexamples (Kuma 2.9, default config):
 * - Namespace "a" absent, Services a/a and a/a0: "Assumed Namespace "a" ..." (reason Assumed)
 *   names whichever Service comes first (resourceRef and file), kubernetes_mesh_services.ts
 *   namespaceView.
 * - environment universal, Dataplanes dp-a-0 and dp-a-1 of mesh "other", no Mesh "other":
 *   "No MeshServices for the 2 Dataplane(s) of mesh "other" ..." (MeshNotFound) names the first,
 *   universal_mesh_services.ts.
 * - headless Service a/a without EndpointSlices, Deployments a and a-0 selecting it: the
 *   NoEndpoints message lists the Deployments in input order.
 */
Deno.test("property: results do not depend on input order", () => {
  fc.assert(
    fc.property(permuted, ({ items, shuffled, config }) => {
      assert.deepEqual(
        multiset(resultsOf(run(shuffled, config))),
        multiset(resultsOf(run(items, config))),
        "same results whatever the input order",
      );
    }),
    params(),
  );
});

Deno.test("property: rendering the output again changes nothing and adds no error", () => {
  fc.assert(
    fc.property(repo, ({ items, config }) => {
      const first = run(items, config);
      const second = run(first.resourceList.items, config);
      assert.equal(
        canonical(second.resourceList.items),
        canonical(first.resourceList.items),
        "rerun on the output gives the same items",
      );
      const before = new Set(errorsOf(resultsOf(first)).map((r) => r.message));
      for (const error of errorsOf(resultsOf(second))) {
        assert.ok(before.has(error.message), `rerun adds an error: ${error.message}`);
      }
    }),
    params(),
  );
});

Deno.test("property: generated items of an earlier run are replaced or dropped, never kept stale", () => {
  // The earlier run: part of the same repo (Services deleted since), maybe under another config,
  // or another repo altogether.
  const stale = repo.chain((current) =>
    fc.record({
      current: fc.constant(current),
      earlier: fc.oneof(
        fc.record({
          items: fc.subarray(current.items),
          config: fc.oneof(fc.constant(current.config), configArb("kubernetes")),
        }),
        repo,
      ),
      seed: fc.nat(),
    })
  ).map(({ current, earlier, seed }) => {
    const owned = run(earlier.items, earlier.config).resourceList.items.filter(isOwned);
    // Spread the earlier run's items through the current repo, as files of a package would be.
    const items = [...current.items];
    owned.forEach((item, i) => items.splice((seed + 7 * i) % (items.length + 1), 0, item));
    return { ...current, items };
  });
  fc.assert(
    fc.property(stale, ({ items, config }) => {
      const fresh = run(items.filter((i) => !isOwned(i)), config);
      const rerun = run(items, config);
      const strip = (item: KubeObject) => {
        const annotations = { ...item.metadata?.annotations };
        // Where kpt wrote the earlier copy (legacy pair, index) is the orchestrator's to keep.
        for (const key of [...ORDERING_ANNOTATIONS, "config.kubernetes.io/path"]) {
          delete annotations[key];
        }
        return { ...item, metadata: { ...item.metadata, annotations } };
      };
      assert.deepEqual(
        multiset(rerun.resourceList.items.map(strip)),
        multiset(fresh.resourceList.items.map(strip)),
        "the same items as a run without the earlier run's items",
      );
      const before = new Set(errorsOf(resultsOf(fresh)).map((r) => r.message));
      for (const error of errorsOf(resultsOf(rerun))) {
        assert.ok(before.has(error.message), `stale items add an error: ${error.message}`);
      }
    }),
    params(),
  );
});

Deno.test("property: MeshService references resolve, or stay as written with a result", () => {
  fc.assert(
    fc.property(repo, ({ items, config }) => {
      assertReferencesResolve(items, run(items, config));
    }),
    params(),
  );
});

Deno.test("property: exit code is 1 exactly on an error result; results are well formed and stable", async () => {
  await fc.assert(
    fc.asyncProperty(repo, async ({ items, config }) => {
      const output = run(items, config);
      const results = resultsOf(output);
      const hasError = results.some((r) => r.severity === "error");
      assert.equal(exitCodeOf(results), hasError ? 1 : 0);
      assert.equal(json(resultsOf(run(items, config))), json(results), "same results twice");
      const counts = { error: 0, warning: 0, info: 0 };
      for (const r of results) {
        assert.ok(["error", "warning", "info"].includes(r.severity), `severity ${r.severity}`);
        assert.ok(r.message.trim() !== "", "a result has a message");
        counts[r.severity]++;
      }
      assert.deepEqual(
        [output.report.summary.errors, output.report.summary.warnings, output.report.summary.infos],
        [counts.error, counts.warning, counts.info],
        "report summary counts the results",
      );
      const known = new Set(
        [...items, ...output.resourceList.items].map(keyOf).concat(
          "RenderMeshServices||meshservice-krm",
        ),
      );
      for (const r of results) {
        if (!r.resourceRef) continue;
        assert.ok(known.has(refKey(r.resourceRef)), `result names ${refKey(r.resourceRef)}`);
      }

      // The KRM path (what stdin mode runs) exits the same way and reports the same results.
      const stdin = json({
        apiVersion: "config.kubernetes.io/v1",
        kind: "ResourceList",
        items,
        functionConfig: {
          apiVersion: "meshservice-krm/v1alpha1",
          kind: "RenderMeshServices",
          metadata: { name: "meshservice-krm" },
          ...config,
        },
      });
      const { code, stdout } = await runKrmInProcess(stdin);
      assert.equal(code, hasError ? 1 : 0, "KRM exit code");
      const krm = load(stdout) as { results?: Result[] };
      assert.deepEqual(multiset(krm.results ?? []), multiset(results), "KRM results");
    }),
    params(),
  );
});
