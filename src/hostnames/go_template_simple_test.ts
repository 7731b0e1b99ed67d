/**
 * Templates of text and `{{ .Field }}` actions only (Kuma's default hostname
 * templates) skip the interpreter: differential property test that the
 * shortcut gives exactly what the interpreter gives (output or error) and
 * leaves the shared budget exactly as the interpreter does, on random
 * templates (simple ones and others that must fall back), data, limits and
 * budgets, the tight ones included.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DEFAULT_LIMITS,
  executeGoTemplate,
  executeGoTemplateInterpreted,
  parseGoTemplate,
  stringFunction,
  templateBudget,
} from "./go_template.ts";

const PIECES = [
  "{{ .Name }}",
  "{{.DisplayName}}",
  "{{- .Namespace -}}",
  "{{ .Mesh }}",
  "{{ .Zone }}",
  "{{ .Missing }}",
  "{{ .name }}",
  "{{ .Name.Inner }}",
  '{{ label "app" }}',
  '{{ .Name | printf "%s-x" }}',
  "{{ $x := .Name }}",
  '{{ printf "%v" . }}',
  ".svc.",
  "mesh.local",
  "é",
  " ",
  "",
];

const fieldValue = fc.oneof(
  fc.constantFrom("web", "", "é-ü", "a".repeat(40), "x.y", "\u{1F600}"),
  fc.string({ maxLength: 8 }),
);

Deno.test("simple templates give what the interpreter gives, and spend the budget alike", () => {
  const label = stringFunction((key) => (key === "app" ? "web" : null), (key) => `no ${key}`);
  fc.assert(
    fc.property(
      fc.record({
        pieces: fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }),
        fields: fc.record({
          Name: fieldValue,
          DisplayName: fieldValue,
          Namespace: fieldValue,
          Mesh: fieldValue,
          Zone: fieldValue,
        }),
        maxSteps: fc.oneof(fc.constant(DEFAULT_LIMITS.maxSteps), fc.nat(14)),
        maxOutputLength: fc.oneof(fc.constant(DEFAULT_LIMITS.maxOutputLength), fc.nat(60)),
        budget: fc.option(fc.record({ steps: fc.nat(16), bytes: fc.nat(80) })),
      }),
      ({ pieces, fields, maxSteps, maxOutputLength, budget }) => {
        const parsed = parseGoTemplate(pieces.join(""), ["label"]);
        if (!parsed.ok) return;
        const limits = { ...DEFAULT_LIMITS, maxSteps, maxOutputLength };
        const data = { typeName: "hostname.meshedName", fields };
        const fast = budget ? templateBudget(budget.steps, budget.bytes) : undefined;
        const slow = budget ? templateBudget(budget.steps, budget.bytes) : undefined;
        const funcs = { label };
        const got = executeGoTemplate(parsed.template, data, { funcs, limits, budget: fast });
        const want = executeGoTemplateInterpreted(parsed.template, data, {
          funcs,
          limits,
          budget: slow,
        });
        assert.deepEqual(got, want, pieces.join(""));
        assert.deepEqual(fast, slow, pieces.join(""));
      },
    ),
    { numRuns: 4000, seed: 16 },
  );
});
