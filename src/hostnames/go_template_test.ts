import { VALIDATOR_STUB } from "./evaluate.ts";
import assert from "node:assert/strict";
import {
  DEFAULT_LIMITS,
  executeGoTemplate,
  FunctionError,
  type GoFunction,
  type GoTemplateLimits,
  type GoValue,
  type ParsedTemplate,
  parseGoTemplate,
  stringFunction,
  type TemplateError,
} from "./go_template.ts";

// ---------------------------------------------------------------------------
// Differential test against real Go (tests/tools/go_template_oracle)
// ---------------------------------------------------------------------------

interface OracleResult {
  parseError?: string;
  execError?: string;
  output?: string;
  panic?: string;
  notUtf8?: boolean;
}

interface OracleCase {
  template: string;
  funcs?: "kuma" | "stub";
  data?: Record<string, string>;
  labels?: Record<string, string>;
  typeName: string;
  result: OracleResult;
}

interface Fixture {
  goVersion: string;
  defaults: {
    kumaData: Record<string, string>;
    stubData: Record<string, string>;
    labels: Record<string, string>;
  };
  cases: OracleCase[];
}

const fixture: Fixture = JSON.parse(
  await Deno.readTextFile(new URL("../../tests/fixtures/go_template_oracle.json", import.meta.url)),
);

/** Cases where we deliberately fail instead of giving Go's answer. */
const DELIBERATE = new Map<string, { kind: "unsupported" | "limit"; reason: string }>([
  ["{{ 1i }}", { kind: "unsupported", reason: "complex numbers are not modelled" }],
  ["{{ 1+2i }}", { kind: "unsupported", reason: "complex numbers are not modelled" }],
  ["{{ 0i }}", { kind: "unsupported", reason: "complex numbers are not modelled" }],
  ["{{ print 0x1p-2i }}", { kind: "unsupported", reason: "complex numbers are not modelled" }],
  [
    "{{ 6-i }}",
    { kind: "unsupported", reason: "Go's fmt.Sscan decides which complex literals parse" },
  ],
  ['{{ "\\xff" }}', { kind: "unsupported", reason: "Go writes a byte that is not UTF-8" }],
  ['{{ "\\377" }}', { kind: "unsupported", reason: "Go writes a byte that is not UTF-8" }],
  ['{{ slice "héllo" 1 2 }}', { kind: "unsupported", reason: "Go writes half a UTF-8 sequence" }],
  ['{{ js "\\xff" }}', { kind: "unsupported", reason: "Go writes a byte that is not UTF-8" }],
  [
    '{{ define "rec" }}{{ template "rec" }}{{ end }}{{ template "rec" }}',
    { kind: "limit", reason: "we stop recursion at maxTemplateCalls, Go at 100000" },
  ],
  [
    '{{ template "a" . }}{{ define "a" }}{{ template "a" (print "x") }}{{ end }}',
    { kind: "limit", reason: "we stop recursion at maxTemplateCalls, Go at 100000" },
  ],
  ['{{ printf "%1025d" 1 }}', { kind: "limit", reason: "printf width above maxFormatWidth" }],
  ['{{ printf "%.2000f" 1.0 }}', {
    kind: "limit",
    reason: "printf precision above maxFormatWidth",
  }],
  ['{{ printf "%*d" 5000 1 }}', { kind: "limit", reason: "printf width above maxFormatWidth" }],
]);

const RANGE_INT = "Go 1.24 ranges over integers; the fixture's Go 1.23 refuses";
const CALL_FINAL = "Go 1.23 panics (index out of range) when call gets its function from a pipe; " +
  "Go 1.24 names the piped value";

/** Cases where Go 1.24+ (Kuma's toolchain) answers differently from the Go that produced the fixture. */
const NEWER_GO = new Map<string, { result: OracleResult; reason: string }>([
  ["{{ range 3 }}{{ . }}{{ end }}", { result: { output: "012" }, reason: RANGE_INT }],
  ["{{ range $i := 3 }}{{ $i }}{{ end }}", { result: { output: "012" }, reason: RANGE_INT }],
  [
    "{{ range $i, $e := 3 }}{{ $i }}{{ end }}",
    {
      result: {
        execError:
          `template: :1:19: executing "" at <3>: can't use 3 to iterate over more than one variable`,
      },
      reason: RANGE_INT,
    },
  ],
  ["{{ range 0 }}x{{ else }}empty{{ end }}", { result: { output: "empty" }, reason: RANGE_INT }],
  ["{{ range -1 }}x{{ else }}neg{{ end }}", { result: { output: "neg" }, reason: RANGE_INT }],
  [
    "{{ range $i := 5 }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $i }}{{ end }}",
    { result: { output: "012" }, reason: RANGE_INT },
  ],
  [
    "{{ range $i := 5 }}{{ if eq $i 3 }}{{ continue }}{{ end }}{{ $i }}{{ end }}",
    { result: { output: "0124" }, reason: RANGE_INT },
  ],
  ["{{ range 3 }}{{ continue }}x{{ end }}", { result: { output: "" }, reason: RANGE_INT }],
  ["{{ range $i := 3 }}{{ else }}none{{ end }}", { result: { output: "" }, reason: RANGE_INT }],
  [
    "{{ $i := 9 }}{{ range $i = 2 }}{{ $i }}{{ end }}{{ $i }}",
    { result: { output: "011" }, reason: RANGE_INT },
  ],
  ['{{ range (index "a" 0) }}{{ end }}x', { result: { output: "x" }, reason: RANGE_INT }],
  [
    '{{ range $x := (index "a" 0) }}{{ end }}{{ printf "%T" 1 }}',
    { result: { output: "int" }, reason: RANGE_INT },
  ],
  [
    "{{ range 2 }}{{ range 0 }}{{ else }}{{ break }}{{ end }}i{{ end }}",
    { result: { output: "ii" }, reason: RANGE_INT + " (a break in an else list ends that range)" },
  ],
  [
    "{{ range 2 }}{{ range 0 }}{{ else }}{{ continue }}{{ end }}i{{ end }}",
    {
      result: { output: "" },
      reason: RANGE_INT + " (a continue in an else list reaches the outer range)",
    },
  ],
  [
    "{{ .Name | call }}",
    {
      result: {
        execError:
          `template: :1:11: executing "" at <call>: error calling call: non-function backend of type string`,
      },
      reason: CALL_FINAL,
    },
  ],
]);

function oracleData(c: OracleCase): { typeName: string; fields: Record<string, string> } {
  const base = c.funcs === "stub" ? fixture.defaults.stubData : fixture.defaults.kumaData;
  const fields: Record<string, string> = {};
  for (const name of ["Name", "DisplayName", "Namespace", "Mesh", "Zone"]) {
    fields[name] = c.data?.[name] ?? base[name] ?? "";
  }
  return { typeName: c.typeName, fields };
}

/** Kuma's HostnameGenerator `label` function, or the validator's stub. */
function labelFunction(c: OracleCase): GoFunction {
  if (c.funcs === "stub") return stringFunction(() => "label", () => "");
  const labels = new Map(Object.entries(c.labels ?? fixture.defaults.labels));
  return stringFunction((key) => labels.get(key) ?? null, (key) => `label ${key} not found`);
}

type Outcome = { output: string } | { error: TemplateError };

function runCase(c: OracleCase): Outcome {
  const parsed = parseGoTemplate(c.template, ["label"]);
  if (!parsed.ok) return { error: parsed.error };
  const r = executeGoTemplate(parsed.template, oracleData(c), {
    funcs: { label: labelFunction(c) },
  });
  return r.ok ? { output: r.output } : { error: r.error };
}

function asOracleResult(o: Outcome): OracleResult | TemplateError {
  if ("output" in o) return { output: o.output };
  if (o.error.kind === "parse") return { parseError: o.error.message };
  if (o.error.kind === "exec") return { execError: o.error.message };
  return o.error;
}

function describe(c: OracleCase, want: unknown, got: unknown): string {
  return `${JSON.stringify(c.template)} (${c.funcs ?? "kuma"})\n  go:  ${
    JSON.stringify(want)
  }\n  ts:  ${JSON.stringify(got)}`;
}

Deno.test("the oracle corpus is large and was produced by Go", () => {
  assert.ok(fixture.cases.length >= 250, `only ${fixture.cases.length} cases`);
  assert.match(fixture.goVersion, /^go1\.\d+/);
});

Deno.test("every oracle case gives Go's exact output or error text, or a listed difference", () => {
  const mismatches: string[] = [];
  let exact = 0;
  for (const c of fixture.cases) {
    const got = asOracleResult(runCase(c));
    const deliberate = DELIBERATE.get(c.template);
    if (deliberate !== undefined) {
      if (!("kind" in got) || got.kind !== deliberate.kind) {
        mismatches.push(describe(c, deliberate, got));
      }
      continue;
    }
    const newer = NEWER_GO.get(c.template);
    const want: OracleResult = newer?.result ?? c.result;
    if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(describe(c, want, got));
    else if (newer === undefined) exact++;
  }
  assert.deepEqual(mismatches, []);
  assert.equal(exact, fixture.cases.length - DELIBERATE.size - NEWER_GO.size);
});

Deno.test("the listed differences are real: each case is in the corpus and Go answered otherwise", () => {
  const templates = new Map(fixture.cases.map((c) => [c.template, c.result]));
  for (const [template, { result }] of NEWER_GO) {
    const go = templates.get(template);
    assert.ok(go !== undefined, `not in the corpus: ${template}`);
    assert.notDeepEqual(go, result, `Go ${fixture.goVersion} already agrees on ${template}`);
  }
  for (const [template, { kind }] of DELIBERATE) {
    const go = templates.get(template);
    assert.ok(go !== undefined, `not in the corpus: ${template}`);
    assert.equal(go.panic, undefined, `${template} (${kind})`);
  }
  // Every answer Go could not encode as UTF-8 is a listed deliberate difference.
  for (const c of fixture.cases.filter((c) => c.result.notUtf8)) {
    assert.equal(DELIBERATE.get(c.template)?.kind, "unsupported", c.template);
  }
});

// ---------------------------------------------------------------------------
// Kuma's uses
// ---------------------------------------------------------------------------

const KUMA_DATA = {
  typeName: "hostname.meshedName",
  fields: {
    Name: "redis",
    DisplayName: "redis",
    Namespace: "kuma-demo",
    Mesh: "default",
    Zone: "east",
  },
};
const VALIDATOR_DATA = { ...VALIDATOR_STUB, fields: { ...VALIDATOR_STUB.fields } };

function kumaLabel(labels: Record<string, string>): GoFunction {
  const m = new Map(Object.entries(labels));
  return stringFunction((key) => m.get(key) ?? null, (key) => `label ${key} not found`);
}

function parseOk(text: string, limits?: GoTemplateLimits): ParsedTemplate {
  const p = parseGoTemplate(text, ["label"], limits);
  if (!p.ok) throw new Error(`${p.error.kind}: ${p.error.message}`);
  return p.template;
}

Deno.test("Kuma's default templates", () => {
  const labels = kumaLabel({
    "statefulset.kubernetes.io/pod-name": "redis-0",
    "k8s.kuma.io/service-name": "redis",
  });
  const byName = parseOk("{{ .DisplayName }}.{{ .Namespace }}.svc.{{ .Zone }}.mesh.local");
  assert.deepEqual(executeGoTemplate(byName, KUMA_DATA, { funcs: { label: labels } }), {
    ok: true,
    output: "redis.kuma-demo.svc.east.mesh.local",
  });
  const byLabel = parseOk(
    '{{ label "statefulset.kubernetes.io/pod-name" }}.{{ label "k8s.kuma.io/service-name" }}.' +
      "{{ .Namespace }}.svc.{{ .Zone }}.mesh.local",
  );
  assert.deepEqual(executeGoTemplate(byLabel, KUMA_DATA, { funcs: { label: labels } }), {
    ok: true,
    output: "redis-0.redis.kuma-demo.svc.east.mesh.local",
  });
  assert.deepEqual(executeGoTemplate(byLabel, KUMA_DATA, { funcs: { label: kumaLabel({}) } }), {
    ok: false,
    error: {
      kind: "exec",
      message: 'template: :1:3: executing "" at <label "statefulset.kubernetes.io/pod-name">: ' +
        "error calling label: label statefulset.kubernetes.io/pod-name not found",
    },
  });
  const stub = stringFunction(() => "label", () => "");
  assert.deepEqual(executeGoTemplate(byLabel, VALIDATOR_DATA, { funcs: { label: stub } }), {
    ok: true,
    output: "label.label.namespace.svc.zone.mesh.local",
  });
  assert.deepEqual(parseOk('{{ define "x" }}{{ end }}').templateNames, ["", "x"]);
});

Deno.test("custom function parameters are checked like Go's reflection does", () => {
  const calls: GoValue[][] = [];
  const f: GoFunction = {
    params: ["int", "any"],
    call(args) {
      calls.push([...args]);
      if (args[0]?.kind === "int" && args[0].value < 0n) throw new FunctionError("negative");
      return { kind: "string", value: "ok" };
    },
  };
  const run = (text: string) => {
    const p = parseGoTemplate(text, ["f"]);
    assert.ok(p.ok);
    return executeGoTemplate(p.template, KUMA_DATA, { funcs: { f } });
  };
  assert.deepEqual(run("{{ f 1 nil }}"), { ok: true, output: "ok" });
  assert.deepEqual(calls[0], [{ kind: "int", value: 1n }, { kind: "nil" }]);
  assert.deepEqual(run('{{ f "x" 1 }}'), {
    ok: false,
    error: {
      kind: "exec",
      message: 'template: :1:5: executing "" at <"x">: expected integer; found "x"',
    },
  });
  assert.deepEqual(run("{{ f -1 2 }}"), {
    ok: false,
    error: {
      kind: "exec",
      message: 'template: :1:3: executing "" at <f -1 2>: error calling f: negative',
    },
  });
  assert.deepEqual(run('{{ f (len "ab") . }}'), { ok: true, output: "ok" });
  assert.equal(calls.at(-1)?.[1]?.kind, "struct");
  // A string argument that is not UTF-8 cannot cross into JavaScript.
  const bad = executeGoTemplate(parseOk('{{ label "\\xff" }}'), KUMA_DATA, {
    funcs: { label: kumaLabel({}) },
  });
  assert.equal(!bad.ok && bad.error.kind, "unsupported");
});

Deno.test("executeGoTemplate refuses templates it did not parse", () => {
  assert.throws(
    () => executeGoTemplate({ source: "", templateNames: [""] }, KUMA_DATA, { funcs: {} }),
    TypeError,
  );
});

// ---------------------------------------------------------------------------
// Safety limits
// ---------------------------------------------------------------------------

const BIG: GoTemplateLimits = { ...DEFAULT_LIMITS, maxTemplateLength: 10_000_000 };

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const r = fn();
  return [r, performance.now() - start];
}

function errorOf(
  r: { ok: true } | { ok: false; error: TemplateError },
): TemplateError | undefined {
  return r.ok ? undefined : r.error;
}

function execute(text: string, limits: GoTemplateLimits = DEFAULT_LIMITS) {
  const p = parseGoTemplate(text, ["label"], limits);
  if (!p.ok) return p;
  return executeGoTemplate(p.template, KUMA_DATA, { funcs: { label: kumaLabel({}) }, limits });
}

Deno.test("a 100,000-character template is rejected at once", () => {
  const [r, ms] = timed(() => parseGoTemplate("{{ .Name }}".repeat(10_000), ["label"]));
  assert.equal(errorOf(r)?.kind, "limit");
  assert.ok(ms < 10, `${ms} ms`);
});

Deno.test("10,000 levels of nesting end with a limit, not a stack overflow", () => {
  const texts = [
    "{{ if 1 }}".repeat(10_000) + "{{ end }}".repeat(10_000),
    "{{ " + "(".repeat(10_000) + "1" + ")".repeat(10_000) + " }}",
    "{{ if 0 }}" + "{{ else if 0 }}".repeat(10_000) + "{{ end }}",
    "{{ range 1 }}".repeat(10_000) + "{{ end }}".repeat(10_000),
    "{{ with 1 }}".repeat(10_000) + "{{ end }}".repeat(10_000),
  ];
  for (const text of texts) {
    const [r, ms] = timed(() => parseGoTemplate(text, ["label"], BIG));
    assert.equal(errorOf(r)?.kind, "limit", text.slice(0, 30));
    assert.ok(ms < 50, `${ms} ms`);
  }
});

Deno.test("nesting up to maxNestingDepth is accepted", () => {
  const depth = DEFAULT_LIMITS.maxNestingDepth;
  assert.deepEqual(execute("{{ if 1 }}".repeat(depth) + "x" + "{{ end }}".repeat(depth)), {
    ok: true,
    output: "x",
  });
  const over = execute("{{ if 1 }}".repeat(depth + 1) + "x" + "{{ end }}".repeat(depth + 1));
  assert.equal(errorOf(over)?.kind, "limit");
});

Deno.test("endless ranges and recursive templates end with a limit", () => {
  for (
    const text of [
      "{{ range 1000000000 }}{{ end }}",
      "{{ range 1000000000 }}x{{ end }}",
      "{{ range 1000000000 }}{{ continue }}{{ end }}",
      '{{ define "a" }}{{ template "a" }}{{ end }}{{ template "a" }}',
      '{{ define "a" }}x{{ template "a" . }}{{ end }}{{ template "a" . }}',
      '{{ define "a" }}{{ template "b" }}{{ end }}{{ define "b" }}{{ template "a" }}{{ end }}' +
      '{{ template "a" }}',
      '{{ define "a" }}{{ range 1000 }}{{ template "a" }}{{ end }}{{ end }}{{ template "a" }}',
    ]
  ) {
    const [r, ms] = timed(() => execute(text));
    assert.equal(errorOf(r)?.kind, "limit", text);
    assert.ok(ms < 500, `${text}: ${ms} ms`);
  }
});

Deno.test("deep template recursion through nested pipelines does not overflow the stack", () => {
  const parens = "(print ".repeat(60) + "." + ")".repeat(60);
  const text =
    `{{ define "a" }}{{ if 1 }}{{ with 1 }}{{ template "a" ${parens} }}{{ end }}{{ end }}` +
    '{{ end }}{{ template "a" }}';
  const [r, ms] = timed(() => execute(text));
  assert.equal(errorOf(r)?.kind, "limit");
  assert.ok(ms < 500, `${ms} ms`);
});

Deno.test("output and intermediate strings are bounded", () => {
  const doubling = '{{ $x := "0123456789" }}{{ range 40 }}{{ $x = printf "%s%s" $x $x }}{{ end }}';
  const [r, ms] = timed(() => execute(doubling));
  assert.equal(errorOf(r)?.kind, "limit");
  assert.ok(ms < 50, `${ms} ms`);
  assert.equal(
    errorOf(execute("{{ .Name }}".repeat(3), { ...DEFAULT_LIMITS, maxOutputLength: 14 }))?.kind,
    "limit",
  );
  assert.deepEqual(execute("{{ .Name }}".repeat(2), { ...DEFAULT_LIMITS, maxOutputLength: 10 }), {
    ok: true,
    output: "redisredis",
  });
  assert.equal(
    errorOf(execute('{{ print "12345" "6" }}', { ...DEFAULT_LIMITS, maxOutputLength: 5 }))?.kind,
    "limit",
  );
});

Deno.test("printf widths and precisions above maxFormatWidth are refused before allocating", () => {
  for (
    const text of [
      '{{ printf "%1025d" 1 }}',
      '{{ printf "%999999999999d" 1 }}',
      '{{ printf "%.1025f" 1.0 }}',
      '{{ printf "%*d" 100000 1 }}',
      '{{ printf "%*d" -100000 1 }}',
      '{{ printf "%.*f" 5000 1.0 }}',
      '{{ printf "%[1]*[1]d" 99999 }}',
    ]
  ) {
    const [r, ms] = timed(() => execute(text));
    assert.equal(errorOf(r)?.kind, "limit", text);
    assert.ok(ms < 50, `${text}: ${ms} ms`);
  }
  assert.equal(execute('{{ printf "%1024d" 1 }}').ok, true);
});

Deno.test("the step limit is configurable", () => {
  const limits = { ...DEFAULT_LIMITS, maxSteps: 50 };
  assert.equal(errorOf(execute("{{ range 100 }}{{ end }}", limits))?.kind, "limit");
  assert.equal(execute("{{ range 10 }}{{ end }}", limits).ok, true);
});

Deno.test("a maximal template of ordinary actions parses and runs quickly", () => {
  const unit = '{{ .Name }}.{{ label "x" | len }}-';
  const text = unit.repeat(Math.floor(DEFAULT_LIMITS.maxTemplateLength / unit.length));
  const [p, parseMs] = timed(() => parseGoTemplate(text, ["label"]));
  assert.ok(p.ok);
  assert.ok(parseMs < 50, `${parseMs} ms`);
  const [r, ms] = timed(() =>
    executeGoTemplate(p.template, KUMA_DATA, {
      funcs: { label: stringFunction(() => "abc", () => "") },
    })
  );
  assert.ok(r.ok);
  assert.ok(ms < 50, `${ms} ms`);
});

Deno.test("the module is pure: no I/O, clock, randomness or dynamic code", async () => {
  for (const file of ["go_template.ts", "go_fmt.ts"]) {
    const text = await Deno.readTextFile(new URL(file, import.meta.url));
    for (const m of text.matchAll(/^(?:import .*|\}) from "([^"]+)";$/gm)) {
      assert.equal(m[1], "./go_fmt.ts", `${file} imports ${m[1]}`);
    }
    for (
      const banned of [
        /\bDeno\./,
        /\beval\(/,
        /\bFunction\s*\(/,
        /Date\.now|new Date/,
        /Math\.random/,
      ]
    ) {
      assert.doesNotMatch(text, banned, `${file} uses ${banned}`);
    }
  }
});
