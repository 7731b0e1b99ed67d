/**
 * Conformance with Kuma's own golden cases for its Kubernetes MeshService
 * controller (`../shared/kuma/fixtures/k8s-meshservice-controller`, read at
 * run time): `NN.resources.yaml` is the cluster state, `NN.meshservice.yaml`
 * the MeshServices Kuma stores. Kuma's fixture runs the controller without
 * the admission webhook, so the webhook's labels and annotation are compared
 * separately.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseYaml, parseYamlStream } from "../src/io/yaml.ts";
import type { KubeObject, ResourceList, Result } from "../src/model/krm.ts";
import { render } from "../src/transform.ts";
import { assertValidAgainstCrds, crdsAvailable } from "./_crd.ts";
import { generatedItems } from "./_golden.ts";

const FIXTURES = new URL("../../shared/kuma/fixtures/k8s-meshservice-controller/", import.meta.url);
const ci = Deno.env.get("CI") === "true";
const crds = await crdsAvailable();

/** Labels Kuma's mutating webhook adds to a MeshService in an injected namespace (spec §2.6). */
const WEBHOOK_LABELS = ["kuma.io/origin", "kuma.io/zone", "k8s.kuma.io/namespace"] as const;

async function fixtureNames(): Promise<string[] | undefined> {
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(FIXTURES)) {
      const match = /^(\d+)\.resources\.yaml$/.exec(entry.name);
      if (entry.isFile && match) names.push(match[1]!);
    }
    return names.sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const names = await fixtureNames();

if (names === undefined) {
  Deno.test("Kuma's controller fixtures are available (required when CI=true)", () => {
    if (ci) assert.fail(`${FIXTURES.pathname} is missing; conformance cannot run in CI`);
    console.warn(`Skipping conformance: ${FIXTURES.pathname} is not available`);
  });
}

interface Fixture {
  resources: KubeObject[];
  expected: KubeObject[];
}

async function readFixture(name: string): Promise<Fixture> {
  const resources = await parseYamlStream(
    await Deno.readTextFile(new URL(`${name}.resources.yaml`, FIXTURES)),
  );
  const stored = await parseYaml(
    await Deno.readTextFile(new URL(`${name}.meshservice.yaml`, FIXTURES)),
  ) as {
    items?: KubeObject[];
  };
  return { resources: resources as KubeObject[], expected: stored.items ?? [] };
}

/**
 * Kuma's fixture is the whole cluster state, so nothing is assumed beyond it:
 * no Mesh and no injected Namespace that the fixture does not contain.
 */
const CLUSTER_STATE_CONFIG = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "meshservice-krm" },
  data: { kumaVersion: "2.14", assumeMeshes: "", assumeInjectedNamespaces: "" },
};

const DEFAULT_CONFIG = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "meshservice-krm" },
  data: { kumaVersion: "2.14" },
};

function renderFixture(fixture: Fixture, functionConfig: KubeObject): ResourceList {
  return render({
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items: structuredClone(fixture.resources),
    functionConfig,
  }).resourceList;
}

function key(object: KubeObject): string {
  return `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;
}

function injected(fixture: Fixture, namespace: string): boolean {
  return fixture.resources.some((item) =>
    item.kind === "Namespace" && item.metadata?.name === namespace &&
    Object.hasOwn(item.metadata?.labels ?? {}, "kuma.io/sidecar-injection")
  );
}

function without(labels: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !keys.includes(k)));
}

for (const name of names ?? []) {
  Deno.test(`render() stores the MeshServices Kuma's controller stores for fixture ${name}`, async () => {
    const fixture = await readFixture(name);
    const output = renderFixture(fixture, CLUSTER_STATE_CONFIG);
    const generated = generatedItems(output.items);
    assert.deepEqual(
      generated.map(key).sort(),
      fixture.expected.map(key).sort(),
      "set of (namespace, name)",
    );
    if (crds) await assertValidAgainstCrds(generated, "2.14");

    for (const expected of fixture.expected) {
      const actual = generated.find((g) => key(g) === key(expected))!;
      const where = `fixture ${name} MeshService ${key(expected)}`;
      const spec = actual.spec as Record<string, unknown>;
      const expectedSpec = expected.spec as Record<string, unknown>;
      assert.deepEqual(spec.ports, expectedSpec.ports, `${where}: spec.ports`);
      assert.deepEqual(spec.selector, expectedSpec.selector, `${where}: spec.selector`);
      assert.deepEqual(
        (actual.status as { vips?: unknown } | undefined)?.vips,
        (expected.status as { vips?: unknown } | undefined)?.vips,
        `${where}: status.vips`,
      );

      const labels = actual.metadata?.labels ?? {};
      const namespace = String(expected.metadata?.namespace);
      if (injected(fixture, namespace)) {
        assert.deepEqual(
          without(labels, WEBHOOK_LABELS),
          expected.metadata?.labels,
          `${where}: controller labels`,
        );
        assert.deepEqual(
          Object.fromEntries(WEBHOOK_LABELS.map((k) => [k, labels[k]])),
          {
            "kuma.io/origin": "zone",
            "kuma.io/zone": "default",
            "k8s.kuma.io/namespace": namespace,
          },
          `${where}: webhook labels`,
        );
        assert.equal(
          actual.metadata?.annotations?.["kuma.io/display-name"],
          expected.metadata?.name,
        );
      } else {
        assert.deepEqual(
          labels,
          expected.metadata?.labels,
          `${where}: labels (no webhook in this namespace)`,
        );
        assert.equal(actual.metadata?.annotations?.["kuma.io/display-name"], undefined);
      }
    }

    const stale = fixture.resources.filter((r) => r.kind === "MeshService");
    if (fixture.expected.length === 0 && stale.length > 0) {
      const deleted = (output.results ?? []).filter((r: Result) =>
        r.tags?.reason === "WouldBeDeleted"
      );
      for (const ms of stale) {
        assert.ok(
          deleted.some((r) =>
            r.severity === "warning" && r.resourceRef?.kind === "MeshService" &&
            r.resourceRef.name === ms.metadata?.name &&
            r.resourceRef.namespace === ms.metadata?.namespace
          ),
          `fixture ${name}: expected a WouldBeDeleted warning for MeshService ${key(ms)}`,
        );
      }
    }
  });

  Deno.test(`render() with the default config generates the same MeshServices for fixture ${name}`, async () => {
    const fixture = await readFixture(name);
    const generated = generatedItems(renderFixture(fixture, DEFAULT_CONFIG).items);
    assert.deepEqual(generated.map(key).sort(), fixture.expected.map(key).sort());
  });
}

Deno.test(
  "conformance covers Kuma's five controller fixtures",
  { ignore: names === undefined },
  () => {
    assert.deepEqual(names, ["01", "02", "03", "04", "05"]);
  },
);
