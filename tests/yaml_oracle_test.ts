// Differential test against Kubernetes' own YAML reader (tests/tools/k8s_yaml_oracle):
// sigs.k8s.io/yaml.YAMLToJSON, which kubectl and the API server use, over go-yaml v2.
// The answers are committed in tests/fixtures/k8s_yaml_oracle.json; Go is not needed here.

import assert from "node:assert/strict";
import { readYaml } from "../src/io/yaml.ts";
import { readAllFull } from "../src/io/yaml_full.ts";
import { sameValue } from "./_invariants.ts";

interface Answer {
  name: string;
  yaml: string;
  typed?: boolean;
  json?: unknown;
  error?: string;
  typedJson?: unknown;
  typedError?: string;
}

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("fixtures/k8s_yaml_oracle.json", import.meta.url)),
  // Keep Go's exact digits of big integers out of the way: JSON.parse gives the nearest double, as our reader does.
) as { goVersion: string; library: string; cases: Answer[] };

/**
 * Where we answer differently from Kubernetes on purpose: both are errors on
 * our side where Kubernetes reads something.
 */
const DIFFERENCES: Record<string, string> = {
  "duplicate key":
    "a key given twice is refused (kpt and kustomize refuse it too; Kubernetes keeps the last)",
  "duplicate key after merge": "a key given twice is refused",
  "two documents, first is read": "a ResourceList is one document; several are refused",
  "escape \\'":
    "js-yaml's parser refuses the escape \\' (not in YAML 1.2); go-yaml v2 reads it as '",
  "flow -": "js-yaml's parser refuses a lone - in a flow sequence; go-yaml v2 reads the string -",
};

/** Go's json.Marshal error for the first non-finite number, in Go's order (sorted map keys). */
function goJsonError(value: unknown): string | undefined {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return undefined;
    return `json: unsupported value: ${Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf"}`;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const error = goJsonError(item);
      if (error) return error;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value).sort()) {
      const error = goJsonError((value as Record<string, unknown>)[key]);
      if (error) return error;
    }
  }
  return undefined;
}

function ours(yaml: string): { value?: unknown; error?: string } {
  try {
    return { value: readYaml(yaml) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function mismatch(
  c: Answer,
  reader: (yaml: string) => { value?: unknown; error?: string },
): string | undefined {
  const got = reader(c.yaml);
  if (c.name in DIFFERENCES) {
    return got.error === undefined ? `expected our error (${DIFFERENCES[c.name]})` : undefined;
  }
  if (c.json !== undefined) {
    if (got.error !== undefined) {
      return `we fail (${got.error}), Go reads ${JSON.stringify(c.json)}`;
    }
    return sameValue(got.value, c.json)
      ? undefined
      : `we read ${JSON.stringify(got.value)}, Go ${JSON.stringify(c.json)}`;
  }
  if (c.error!.startsWith("json: unsupported value")) {
    if (got.error !== undefined) return `we fail (${got.error}), Go reads a non-finite number`;
    const error = goJsonError(got.value);
    return error === c.error ? undefined : `we read ${String(got.value)}, Go: ${c.error}`;
  }
  return got.error !== undefined
    ? undefined
    : `we read ${JSON.stringify(got.value)}, Go fails: ${c.error}`;
}

Deno.test("the Kubernetes YAML oracle corpus was produced by Go and is large", () => {
  assert(fixture.goVersion.startsWith("go1."), fixture.goVersion);
  assert(fixture.library.includes("sigs.k8s.io/yaml"));
  assert(fixture.cases.length >= 800, String(fixture.cases.length));
});

Deno.test("every oracle case reads as sigs.k8s.io/yaml reads it, or is a listed difference", () => {
  const failures = fixture.cases
    .map((c) => [c.name, mismatch(c, ours)] as const)
    .filter(([, problem]) => problem !== undefined);
  assert(
    failures.length === 0,
    `${failures.length} cases differ:\n${failures.map(([n, p]) => `${n}: ${p}`).join("\n")}`,
  );
});

Deno.test("the full reader alone agrees with the oracle too (the fast path is not hiding a difference)", () => {
  const full = (yaml: string) => {
    try {
      const docs = readAllFull(yaml);
      if (docs.length > 1) return { error: "several documents" };
      return { value: docs[0] ?? null };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const failures = fixture.cases
    .map((c) => [c.name, mismatch(c, full)] as const)
    .filter(([, problem]) => problem !== undefined);
  assert(
    failures.length === 0,
    `${failures.length} cases differ:\n${failures.map(([n, p]) => `${n}: ${p}`).join("\n")}`,
  );
});

Deno.test('a yes label is never the string yes in Kubernetes: true untyped (kubectl), "true" typed', () => {
  const c = fixture.cases.find((c) => c.name === "typed label yes")!;
  assert(sameValue(c.json, { metadata: { labels: { a: true } } }), JSON.stringify(c.json));
  assert(
    sameValue(c.typedJson, { metadata: { labels: { a: "true" } }, spec: {} }),
    JSON.stringify(c.typedJson),
  );
  assert(sameValue(readYaml(c.yaml), c.json));
});
