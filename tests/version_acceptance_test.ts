import assert from "node:assert/strict";
import {
  holding,
  inSpan,
  KIND_RULES,
  type KindRule,
  kindRule,
  type Position,
  positionField,
  PROXY_TYPES,
} from "../src/model/acceptance.ts";
import { KIND, POLICY_KINDS } from "../src/model/kuma.ts";
import { featuresOf, type KumaVersion } from "../src/model/version.ts";
import { CRD_ROOT, type CrdDir, crdsAvailable } from "./_crd.ts";
import { crdFacts, type CrdKindFacts } from "./_crd_facts.ts";

const available = await crdsAvailable();
const ci = Deno.env.get("CI") === "true";
if (!available && ci) {
  Deno.test("Kuma's CRDs are available for the acceptance table (required when CI=true)", () => {
    assert.fail("../shared/kuma/crds is missing; the table-vs-CRD test cannot run in CI");
  });
}

const DIRS: [CrdDir, KumaVersion][] = [["2.9", "2.9"], ["2.14", "2.14"], ["3.0-dev", "3.0"]];

/** What the table states for one kind at one version, in the shape derived from a CRD. */
function tableFacts(rule: KindRule, version: KumaVersion): CrdKindFacts {
  const specFields = holding(rule.spec, version);
  const positions: CrdKindFacts["positions"] = {};
  for (const [position, positionRule] of Object.entries(rule.positions)) {
    if (!specFields.includes(positionField(position as Position))) continue;
    const fields = holding(positionRule!.fields, version);
    positions[position as Position] = {
      kinds: holding(positionRule!.crd, version),
      fields,
      proxyTypes: fields.includes("proxyTypes") ? [...PROXY_TYPES] : [],
    };
  }
  const enums: Record<string, string[]> = {};
  for (const [path, values] of Object.entries(rule.enums)) {
    const held = holding(values, version);
    if (held.length > 0) enums[path] = held;
  }
  return {
    ...(specFields.includes("rules")
      ? {
        rules: {
          fields: holding(rule.rules?.fields, version),
          matches: holding(rule.rules?.matches, version),
        },
      }
      : {}),
    openSpec: rule.spec === undefined,
    specFields,
    positions,
    enums,
  };
}

/** Every difference between the table and the CRDs of one directory, as readable lines. */
function disagreements(
  rules: readonly KindRule[],
  crds: ReadonlyMap<string, CrdKindFacts>,
  version: KumaVersion,
): string[] {
  const out: string[] = [];
  const byKind = new Map(rules.map((r) => [r.kind, r]));
  for (const kind of new Set([...byKind.keys(), ...crds.keys()])) {
    const rule = byKind.get(kind);
    const crd = crds.get(kind);
    if (!rule) out.push(`${kind}: in the CRDs, missing from the table`);
    if (!crd) out.push(`${kind}: in the table, no CRD in this directory`);
    if (!rule || !crd) continue;
    const table = tableFacts(rule, version);
    for (const key of ["openSpec", "specFields", "positions", "rules", "enums"] as const) {
      try {
        assert.deepEqual(table[key], crd[key]);
      } catch {
        out.push(
          `${kind} ${key}: table ${JSON.stringify(table[key])} but CRD ${JSON.stringify(crd[key])}`,
        );
      }
    }
    // Kuma's validators never accept what the CRD rejects.
    for (const [position, positionRule] of Object.entries(rule.positions)) {
      const crdKinds = holding(positionRule!.crd, version);
      for (const kind2 of holding(positionRule!.kuma, version)) {
        if (!crdKinds.includes(kind2)) {
          out.push(`${kind} ${position}: validator kind ${kind2} is not in the CRD enum`);
        }
      }
    }
  }
  return out;
}

for (const [dir, version] of DIRS) {
  Deno.test(`the acceptance table states what the ${dir} CRDs state`, {
    ignore: !available,
  }, async () => {
    const crds = await crdFacts(new URL(`${dir}/`, CRD_ROOT));
    assert.ok(crds.size >= 19, `expected at least 19 CRDs in ${dir}, got ${crds.size}`);
    assert.deepEqual(disagreements(KIND_RULES, crds, version), []);
  });
}

Deno.test("the table-vs-CRD comparison fails on a disagreement injected in the table", {
  ignore: !available,
}, async () => {
  const crds = await crdFacts(new URL("2.9/", CRD_ROOT));
  // Claim that Kuma 2.9's CRD allows a top-level Dataplane (it exists from 2.10).
  const injected = KIND_RULES.map((rule) =>
    rule.kind !== "MeshTimeout" ? rule : {
      ...rule,
      positions: {
        ...rule.positions,
        top: { ...rule.positions.top!, crd: { ...rule.positions.top!.crd, Dataplane: "2.9+" } },
      },
    } as KindRule
  );
  const found = disagreements(injected, crds, "2.9");
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0]!, /^MeshTimeout positions: .*"Dataplane"/);
});

Deno.test("the table-vs-CRD comparison fails on a disagreement injected in a CRD", {
  ignore: !available,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source = new URL("3.0-dev/", CRD_ROOT);
    for await (const entry of Deno.readDir(source)) {
      let text = await Deno.readTextFile(new URL(entry.name, source));
      // A 3.0 MeshTimeout that still had spec.from (as 2.14's does).
      if (entry.name === "kuma.io_meshtimeouts.yaml") {
        assert.ok(text.includes("\n              rules:\n"));
        text = text.replace(
          "\n              rules:\n",
          "\n              from:\n                type: array\n              rules:\n",
        );
      }
      await Deno.writeTextFile(`${dir}/${entry.name}`, text);
    }
    const crds = await crdFacts(new URL(`file://${dir}/`));
    const found = disagreements(KIND_RULES, crds, "3.0");
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0]!, /^MeshTimeout specFields: .*CRD \["from","rules","targetRef","to"\]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("version spans: 2.x ends before 3.0, ranges are inclusive", () => {
  assert.equal(inSpan("2.x", "2.14"), true);
  assert.equal(inSpan("2.x", "3.0"), false);
  assert.equal(inSpan("2.10+", "2.9"), false);
  assert.equal(inSpan("2.10+", "3.0"), true);
  assert.equal(inSpan("2.10..2.14", "2.14"), true);
  assert.equal(inSpan("2.10..2.14", "3.0"), false);
});

Deno.test("version features read top-level Dataplane support from the table", () => {
  for (const version of ["2.9", "2.10", "2.14", "3.0"] as const) {
    const rule = KIND_RULES.find((r) => r.kind === "MeshTimeout")!;
    assert.equal(
      featuresOf(version).dataplaneTargetRef,
      holding(rule.positions.top!.kuma, version).includes("Dataplane"),
    );
  }
});

Deno.test("every policy kind the tool reads has a row in the acceptance table", () => {
  const kinds = new Set(KIND_RULES.map((r) => r.kind));
  for (const kind of [...POLICY_KINDS, KIND.mesh, KIND.dataplane, KIND.meshService]) {
    assert.ok(kinds.has(kind), `${kind} has no row in src/model/acceptance.ts`);
  }
  for (const kind of kinds) assert.ok(kindRule(kind), kind);
});
