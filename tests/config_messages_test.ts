/**
 * Every answer of the configuration parser, valid or not, is the one the
 * zod-based parser gave (commit 608d13e, recorded by
 * tests/tools/config_oracle into tests/fixtures/config_oracle.json): zod was
 * replaced by the declarations' own checks (issue 16.6) without changing a
 * message, a field path or a resolved value. Where this test fails on
 * purpose (a message changed), say so in FIXED_RULES below.
 */

import assert from "node:assert/strict";
import { parseConfig } from "../src/config.ts";
import { compactOutcome, oracleCases } from "./tools/config_oracle/cases.ts";

const fixture = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/config_oracle.json", import.meta.url)),
) as { count: number; outcomes: unknown[] };

/**
 * The answers that changed on purpose since the recording (issue 17.4: the
 * DNS limits of src/model/dns.ts now apply to every name in the config, and
 * the `preset:mesh` form's mesh is checked like the object form's). A case
 * may differ from the recording only by errors of these kinds added where
 * the recorded parser accepted the name; tests/config_test.ts pins each rule.
 */
const FIXED_RULES = [
  /^Invalid configuration "assumeMeshes": Invalid mesh entry "[^"]*": expected name\[:mode\]$/,
  /^Invalid configuration "hostnameGenerators": Must be a DNS-1123 (label|subdomain)$/,
  /^Invalid configuration "meshMultiZoneServices": Must be a DNS-1123 label$/,
  /^Invalid configuration "reachableBackendsFor": Must be "namespace\/name", "name" or use \* for either part$/,
];

type Compact = { ok: boolean; set?: unknown; errors?: [string | null, string, string | null][] };

/** Why `actual` is not the recorded answer, or `undefined` when it is (or differs only as FIXED_RULES allow). */
function difference(actual: Compact, recorded: Compact): string | undefined {
  try {
    assert.deepEqual(actual, recorded);
    return undefined;
  } catch {
    // Fall through: the difference must be errors the fixed rules add.
  }
  if (actual.ok) return "accepted, recorded otherwise";
  const before = (recorded.errors ?? []).map((e) => JSON.stringify(e));
  const after = (actual.errors ?? []).map((e) => JSON.stringify(e));
  const lost = before.filter((e) => !after.includes(e));
  const added = (actual.errors ?? []).filter((e) => !before.includes(JSON.stringify(e)));
  if (lost.length > 0) return `lost recorded errors ${lost.join(", ")}`;
  const unexpected = added.filter(([, message]) => !FIXED_RULES.some((r) => r.test(message)));
  if (unexpected.length > 0) return `new errors ${JSON.stringify(unexpected)}`;
  if (added.length === 0) return "same errors in another order";
  return undefined;
}

Deno.test("the config parser answers every recorded case as the zod-based parser did", () => {
  const cases = oracleCases();
  assert.equal(cases.length, fixture.count, "cases.ts and the fixture list the same cases");
  const differences: string[] = [];
  let changed = 0;
  cases.forEach((input, i) => {
    const recorded = fixture.outcomes[i] as Compact;
    const actual = compactOutcome(parseConfig(input)) as Compact;
    const why = difference(actual, recorded);
    if (why !== undefined) {
      differences.push(`#${i} ${JSON.stringify(input).slice(0, 300)}: ${why.slice(0, 600)}`);
    } else if (actual.ok !== recorded.ok || actual.errors?.length !== recorded.errors?.length) {
      changed++;
    }
  });
  assert.equal(differences.length, 0, differences.slice(0, 30).join("\n"));
  // The fixed rules change few cases: every other one is answered exactly as recorded.
  assert.ok(changed > 0 && changed < 100, `${changed} cases changed by the fixed rules`);
});
