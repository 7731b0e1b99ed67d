import assert from "node:assert/strict";
import { exitCodeOf } from "../src/results.ts";
import type { KubeObject, ResourceList, Result } from "../src/model/krm.ts";
import { checkGoldenCase, generatedItems, listGoldenCases, readResourceList } from "./_golden.ts";

const cases = await listGoldenCases();

Deno.test("golden cases exist", () => {
  assert.ok(cases.length >= 30, `expected at least 30 golden cases, found ${cases.length}`);
});

for (const testCase of cases) {
  Deno.test(`render() matches golden case ${testCase.name}`, async () => {
    await checkGoldenCase(testCase);
  });
}

// Invariants that hold independently of the expected files, so a careless
// UPDATE_GOLDEN=1 cannot enshrine a regression in these cases.

async function outputOf(name: string): Promise<{ input: ResourceList; output: ResourceList }> {
  const testCase = cases.find((c) => c.name === name);
  assert.ok(testCase, `golden case ${name} is missing`);
  return {
    input: await readResourceList(testCase.input),
    output: await readResourceList(testCase.expected),
  };
}

function meshServiceNames(items: readonly KubeObject[]): string[] {
  return generatedItems(items).map((item) =>
    `${item.metadata?.namespace ?? ""}/${item.metadata?.name}`
  );
}

function errors(list: ResourceList): Result[] {
  return (list.results ?? []).filter((r) => r.severity === "error");
}

Deno.test("render() reports invalid configuration on the functionConfig and leaves items unchanged", async () => {
  for (const variant of ["unknown-kuma-version", "unknown-key", "bad-output-path", "wrong-kind"]) {
    const { input, output } = await outputOf(`config-invalid/${variant}`);
    assert.deepEqual(output.items, input.items, `${variant}: items must pass through unchanged`);
    const errs = errors(output);
    assert.ok(errs.length > 0, `${variant}: expected an error result`);
    for (const error of errs) {
      assert.equal(
        error.resourceRef?.kind,
        input.functionConfig?.kind,
        `${variant}: ${error.message}`,
      );
      assert.equal(error.resourceRef?.name, input.functionConfig?.metadata?.name);
      assert.equal(error.tags?.reason, "InvalidConfig");
    }
    assert.equal(exitCodeOf(output.results ?? []), 1, `${variant}: the run must exit 1`);
  }
});

Deno.test("render() points configuration errors at the offending key", async () => {
  const paths = async (name: string) =>
    errors((await outputOf(`config-invalid/${name}`)).output).map((e) => e.field?.path);
  assert.deepEqual(await paths("unknown-kuma-version"), ["data.kumaVersion"]);
  assert.deepEqual(await paths("bad-output-path"), ["outputPath"]);
  assert.deepEqual(await paths("wrong-kind"), ["kind"]);
  const unknown = errors((await outputOf("config-invalid/unknown-key")).output);
  assert.equal(unknown.length, 1);
  assert.match(unknown[0]!.message, /meshServiceMode/);
});

Deno.test("render() passes malformed items through unchanged: errors for kinds it reads, infos for non-resources", async () => {
  const { input, output } = await outputOf("bad-items/kubernetes");
  assert.deepEqual(output.items.slice(0, input.items.length), input.items);
  const byPath = new Map(errors(output).map((e) => [e.field?.path, e]));
  assert.deepEqual([...byPath.keys()].sort(), ["metadata.name", "spec.ports[0].port"]);
  assert.equal(byPath.get("metadata.name")?.resourceRef?.kind, "Service");
  assert.deepEqual(byPath.get("spec.ports[0].port")?.resourceRef, {
    apiVersion: "v1",
    kind: "Service",
    name: "string-port",
    namespace: "apps",
  });
  const skipped = (output.results ?? []).filter((r) => r.tags?.reason === "NotAManifest");
  assert.deepEqual(skipped.map((r) => [r.severity, r.field?.path]), [
    ["info", "items[0]"],
    ["info", "items[2]"],
  ]);
  // The ConfigMap without a name is a kind the tool does not read: no result names it.
  assert.ok(!(output.results ?? []).some((r) => r.resourceRef?.kind === "ConfigMap"));
  assert.deepEqual(meshServiceNames(output.items), ["apps/good"]);
  assert.equal(exitCodeOf(output.results ?? []), 1);
});

Deno.test("render() rejects Dataplanes without inbounds or with a string port", async () => {
  const { input, output } = await outputOf("bad-items/universal");
  assert.deepEqual(output.items.slice(0, input.items.length), input.items);
  const found = errors(output).map((e) => [e.resourceRef?.name, e.field?.path]);
  assert.deepEqual(found, [
    ["empty-1", "spec.networking.inbound"],
    ["string-port-1", "spec.networking.inbound[0].port"],
  ]);
  assert.deepEqual(meshServiceNames(output.items), ["/good"]);
});

Deno.test("render() output with only warnings exits 0", async () => {
  const { output } = await outputOf("output-apply-kubernetes");
  const warnings = (output.results ?? []).filter((r) => r.severity === "warning");
  assert.ok(warnings.some((w) => w.tags?.reason === "OwnershipConflict"));
  assert.equal(exitCodeOf(output.results ?? []), 0);
});

Deno.test("render() replaces its own earlier MeshServices instead of duplicating them", async () => {
  const { input, output } = await outputOf("rerun-replaces-generated/unchanged");
  assert.deepEqual(output.items, input.items);
  const changed = await outputOf("rerun-replaces-generated/service-changed");
  const names = meshServiceNames(changed.output.items);
  assert.deepEqual(names, [...new Set(names)]);
  assert.equal(changed.output.items.length, changed.input.items.length);
});

Deno.test("render() drops a generated MeshService whose Service is gone", async () => {
  const { output } = await outputOf("stale-generated-dropped");
  const names = output.items.filter((i) => i.kind === "MeshService").map((i) => i.metadata?.name);
  assert.deepEqual(names.sort(), ["manual", "web"]);
});
