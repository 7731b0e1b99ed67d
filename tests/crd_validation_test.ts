import assert from "node:assert/strict";
import { KUMA_VERSIONS } from "../src/model/version.ts";
import type { KubeObject, Result } from "../src/model/krm.ts";
import { render } from "../src/transform.ts";
import {
  assertValidAgainstCrds,
  closeSchema,
  crdDirFor,
  crdProblems,
  crdsAvailable,
  loadCrdValidators,
} from "./_crd.ts";
import { generatedItems, kumaVersionOf, listGoldenCases, readResourceList } from "./_golden.ts";

const available = await crdsAvailable();
const ci = Deno.env.get("CI") === "true";
if (!available) {
  Deno.test("Kuma's CRDs are available (required when CI=true)", () => {
    if (ci) assert.fail("../shared/kuma/crds is missing; CRD validation cannot run in CI");
    console.warn("Skipping CRD validation: ../shared/kuma/crds is not available");
  });
}

Deno.test("crdDirFor() maps Kuma versions to CRD directories", () => {
  assert.equal(crdDirFor("2.9"), "2.9");
  for (const version of ["2.10", "2.11", "2.12", "2.13", "2.14", "v2.14.3"]) {
    assert.equal(crdDirFor(version), "2.14");
  }
  assert.equal(crdDirFor("3.0"), "3.0-dev");
  assert.throws(() => crdDirFor("1.8"), /Unknown Kuma version/);
  assert.equal(KUMA_VERSIONS.map(crdDirFor).length, KUMA_VERSIONS.length);
});

Deno.test("closeSchema() forbids unknown fields except under metadata and preserved fields", () => {
  const closed = closeSchema({
    type: "object",
    properties: {
      metadata: { type: "object" },
      spec: { type: "object", properties: { a: { type: "string" } } },
      extra: { type: "object", properties: {}, "x-kubernetes-preserve-unknown-fields": true },
      list: { type: "array", items: { type: "object", properties: { b: { type: "string" } } } },
    },
  });
  const props = closed.properties as Record<string, Record<string, unknown>>;
  assert.equal(closed.additionalProperties, false);
  assert.equal(props.metadata!.additionalProperties, undefined);
  assert.equal(props.spec!.additionalProperties, false);
  assert.equal(props.extra!.additionalProperties, undefined);
  assert.equal((props.list!.items as Record<string, unknown>).additionalProperties, false);
});

const cases = available ? await listGoldenCases() : [];
/** Every kind the tool emits. */
const EMITTED_KINDS = ["MeshService", "HostnameGenerator", "MeshMultiZoneService"];

for (const testCase of cases) {
  Deno.test(`render() emits CRD-valid resources for golden case ${testCase.name}`, async () => {
    const input = await readResourceList(testCase.input);
    const version = kumaVersionOf(input);
    const emitted = generatedItems(render(input).resourceList.items);
    const checked = await assertValidAgainstCrds(emitted, version, { kinds: EMITTED_KINDS });
    assert.equal(checked, emitted.length, "every emitted item must be of a kind with a CRD");
  });
}

Deno.test("golden outputs include hostname status, HostnameGenerators and MeshMultiZoneServices", {
  ignore: !available,
}, async () => {
  const seen = new Set<string>();
  for (const testCase of cases) {
    const input = await readResourceList(testCase.input);
    for (const item of generatedItems(render(input).resourceList.items)) {
      seen.add(String(item.kind));
      if (item.kind === "MeshService" && (item.status as { addresses?: unknown })?.addresses) {
        seen.add("MeshService with status.addresses");
      }
    }
  }
  for (const kind of [...EMITTED_KINDS, "MeshService with status.addresses"]) {
    assert.ok(seen.has(kind), `no golden case emits ${kind}, so its CRD validation is untested`);
  }
});

Deno.test("render() emits CRD-valid MeshServices in every golden case that emits any", {
  ignore: !available,
}, async () => {
  let total = 0;
  for (const testCase of cases) {
    const input = await readResourceList(testCase.input);
    total += await assertValidAgainstCrds(
      generatedItems(render(input).resourceList.items),
      kumaVersionOf(input),
    );
  }
  assert.ok(
    total >= 40,
    `expected at least 40 emitted MeshServices across golden cases, got ${total}`,
  );
});

function meshService(
  spec: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshService",
    metadata: {
      name: "web",
      namespace: "apps",
      labels: { "kuma.io/mesh": "default" },
      anything: { goes: 1 },
    },
    spec,
    ...extra,
  };
}

const ports = [{ name: "http", port: 80, targetPort: "http", appProtocol: "http" }];

Deno.test(
  "assertValidAgainstCrds() accepts each version's selector forms",
  { ignore: !available },
  async () => {
    await assertValidAgainstCrds([
      meshService({ ports, selector: { dataplaneTags: { app: "web" } } }),
    ], "2.9");
    await assertValidAgainstCrds(
      [meshService({ ports, selector: { dataplaneLabels: { matchLabels: { app: "web" } } } })],
      "2.14",
    );
    await assertValidAgainstCrds(
      [meshService({ ports, selector: { dataplaneRef: { name: "web-0.apps" } } }, {
        status: { vips: [{ ip: "10.0.0.1" }] },
      })],
      "3.0",
    );
  },
);

Deno.test("assertValidAgainstCrds() rejects fields a version's CRD does not have", {
  ignore: !available,
}, async () => {
  const labels = meshService({
    ports,
    selector: { dataplaneLabels: { matchLabels: { app: "web" } } },
  });
  await assert.rejects(() => assertValidAgainstCrds([labels], "2.9"), /dataplaneLabels/);
  const tags = meshService({ ports, selector: { dataplaneTags: { app: "web" } } });
  await assert.rejects(() => assertValidAgainstCrds([tags], "3.0"), /dataplaneTags/);
  const unknown = meshService({
    ports,
    selector: { dataplaneTags: { app: "web" } },
    export: { mode: "All" },
  });
  await assert.rejects(() => assertValidAgainstCrds([unknown], "2.14"), /export/);
});

Deno.test(
  "assertValidAgainstCrds() rejects wrong types and ranges",
  { ignore: !available },
  async () => {
    const validators = await loadCrdValidators("2.14");
    const bad = (spec: Record<string, unknown>) => crdProblems(validators, meshService(spec));
    assert.match(bad({ ports: [{ port: "80" }] }) ?? "", /must be integer/);
    assert.match(bad({ ports: [{ port: 2 ** 31 }] }) ?? "", /format/);
    assert.match(bad({ ports: [{ name: "x", targetPort: 80 }] }) ?? "", /required/);
    assert.match(bad({ ports: [{ port: 80, targetPort: true }] }) ?? "", /anyOf/);
    assert.match(bad({ ports, state: "Ready" }) ?? "", /allowed values/);
    assert.equal(bad({ ports, selector: {}, state: "Available" }), undefined);
  },
);

/** Output items that rewrite an input item (routes, policies, Meshes, Dataplanes), paired by input order. */
function rewrittenItems(input: readonly KubeObject[], output: readonly KubeObject[]): KubeObject[] {
  const passed = output.filter((item) => generatedItems([item]).length === 0);
  return passed.filter((item, i) =>
    String(item.apiVersion ?? "").startsWith("kuma.io/") &&
    JSON.stringify(item) !== JSON.stringify(input[i])
  ).map(asKubernetes);
}

/** Universal objects carry `mesh` at the top; in Kubernetes form it is the `kuma.io/mesh` label. */
function asKubernetes(item: KubeObject): KubeObject {
  if (item.kind === "Dataplane" || typeof item.mesh !== "string") return item;
  const { mesh, ...rest } = item;
  return {
    ...rest,
    metadata: {
      ...rest.metadata,
      labels: { ...rest.metadata?.labels, "kuma.io/mesh": mesh as string },
    },
  };
}

Deno.test("rewritten routes and policies validate against the CRDs of their version", {
  ignore: !available,
}, async () => {
  let total = 0;
  const kinds = new Set<string>();
  for (const testCase of cases) {
    const input = await readResourceList(testCase.input);
    const output = render(input).resourceList;
    // A run with an error result is refused by every pipeline: its output is never applied.
    if ((output.results ?? []).some((r) => r.severity === "error")) continue;
    const rewritten = rewrittenItems(input.items, output.items);
    for (const item of rewritten) kinds.add(String(item.kind));
    total += await assertValidAgainstCrds(rewritten, kumaVersionOf(input), {
      kinds: [...new Set(rewritten.map((item) => String(item.kind)))],
    });
  }
  assert.ok(total >= 40, `expected rewritten objects across golden cases, got ${total}`);
  for (
    const kind of [
      "Mesh",
      "Dataplane",
      "MeshHTTPRoute",
      "MeshTCPRoute",
      "MeshTimeout",
      "MeshRetry",
      "MeshCircuitBreaker",
      "MeshHealthCheck",
      "MeshLoadBalancingStrategy",
      "MeshFaultInjection",
      "MeshRateLimit",
      "MeshAccessLog",
      "MeshTrace",
      "MeshTLS",
    ]
  ) {
    assert.ok(kinds.has(kind), `no golden case rewrites a ${kind} in an error-free run`);
  }
});

/** Kuma objects of the output that pass through from the input (rewritten or not), in Kubernetes form. */
function passedKumaItems(output: readonly KubeObject[]): KubeObject[] {
  return output.filter((item) =>
    generatedItems([item]).length === 0 && String(item.apiVersion ?? "").startsWith("kuma.io/")
  ).map(asKubernetes);
}

function sameObject(ref: Result["resourceRef"], item: KubeObject): boolean {
  return ref !== undefined && ref.kind === item.kind && ref.name === item.metadata?.name &&
    (ref.namespace ?? "") === (item.metadata?.namespace ?? "");
}

Deno.test(
  "no Kuma object that its version's CRD refuses or prunes passes an error-free run unflagged",
  {
    ignore: !available,
  },
  async () => {
    let checked = 0;
    let flagged = 0;
    for (const testCase of cases) {
      const input = await readResourceList(testCase.input);
      const output = render(input).resourceList;
      const results = output.results ?? [];
      if (results.some((r) => r.severity === "error")) continue;
      const validators = await loadCrdValidators(crdDirFor(kumaVersionOf(input)));
      for (const item of passedKumaItems(output.items)) {
        if (!validators.byKind.has(`${item.apiVersion}/${item.kind}`)) continue;
        checked++;
        const problems = crdProblems(validators, item);
        if (problems === undefined) continue;
        const warned = results.some((r) =>
          r.severity === "warning" && sameObject(r.resourceRef, item)
        );
        assert.ok(
          warned,
          `${testCase.name}: ${item.kind} ${item.metadata?.name} is invalid against crds/${validators.dir} (${problems}) and no warning names it`,
        );
        flagged++;
      }
    }
    assert.ok(
      checked >= 100,
      `expected Kuma objects across error-free golden runs, got ${checked}`,
    );
    assert.ok(
      flagged >= 1,
      "no error-free golden run holds a flagged object, so the check is untested",
    );
  },
);

Deno.test("objects the gate passes after replacement validate against their version's CRDs", {
  ignore: !available,
}, async () => {
  const replaced = cases.filter((c) => /^version-acceptance\/replaced-/.test(c.name));
  assert.ok(replaced.length >= 3, `expected the replaced-* golden cases, got ${replaced.length}`);
  const kinds = new Set<string>();
  for (const testCase of replaced) {
    const input = await readResourceList(testCase.input);
    const output = render(input).resourceList;
    assert.equal(
      (output.results ?? []).filter((r) => r.severity !== "info").length,
      0,
      `${testCase.name}: a replaced construct still has a warning or error`,
    );
    const items = passedKumaItems(output.items);
    for (const item of items) kinds.add(String(item.kind));
    await assertValidAgainstCrds(items, kumaVersionOf(input), { kinds: [...kinds] });
  }
  for (const kind of ["MeshTimeout", "MeshTrafficPermission", "MeshHTTPRoute", "Dataplane"]) {
    assert.ok(kinds.has(kind), `no replaced-* golden case holds a ${kind}`);
  }
});

Deno.test("a from[] rewritten to rules[] on Kuma 3.0 validates against the 3.0 CRD", {
  ignore: !available,
}, async () => {
  const testCase = cases.find((c) => c.name === "version-acceptance/replaced-3.0")!;
  const input = await readResourceList(testCase.input);
  const output = render(input).resourceList;
  const rewritten = rewrittenItems(input.items, output.items).filter((item) =>
    item.metadata?.name === "inbound-timeout"
  );
  assert.equal(rewritten.length, 1, "inbound-timeout's from[] must be rewritten");
  assert.deepEqual((rewritten[0]!.spec as Record<string, unknown>).rules, [{
    default: { idleTimeout: "1h" },
  }]);
  assert.equal(await assertValidAgainstCrds(rewritten, "3.0", { kinds: ["MeshTimeout"] }), 1);
  // The input form does not validate on 3.0: from is not in its CRD.
  const original = input.items.find((item) => item.metadata?.name === "inbound-timeout")!;
  await assert.rejects(
    () => assertValidAgainstCrds([original], "3.0", { kinds: ["MeshTimeout"] }),
    /from/,
  );
});
