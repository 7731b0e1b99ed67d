/**
 * Kuma's `EvaluateTemplate` and HostnameGenerator template validator
 * (`hostnamegenerator/hostname/generator.go`, `api/v1alpha1/validate.go`)
 * on top of the sandboxed Go template evaluator, with Kuma's exact error
 * wrapping and, from 2.14, the RFC 1123 check.
 *
 * @module
 */

import { dns1123SubdomainViolations } from "../model/dns.ts";
import type { TargetView } from "../model/hostname_generator.ts";
import { LABEL } from "../model/kuma.ts";
import { TOOL_NAME } from "../model/tool.ts";
import type { KumaFeatures } from "../model/version.ts";
import { substitutable } from "../steps/substitution.ts";
import { goQuote, labelFunction, parseTemplateCached, runTemplate } from "./go_bridge.ts";
import { type TemplateBudget, templateBudget } from "./go_template.ts";

/** Go type name of the data Kuma's `EvaluateTemplate` passes (a function-local struct). */
const EVALUATE_TYPE = "hostname.meshedName";
/** The data Kuma's validator (2.14+) renders templates with: an anonymous struct of stub values. */
export const VALIDATOR_STUB: Readonly<
  { typeName: string; fields: Readonly<Record<string, string>> }
> = Object.freeze({
  typeName:
    "struct { Name string; DisplayName string; Namespace string; Mesh string; Zone string }",
  fields: Object.freeze({
    Name: "name",
    DisplayName: "displayname",
    Namespace: "namespace",
    Mesh: "mesh",
    Zone: "zone",
  }),
});

/** The `.Name`, `.DisplayName`, `.Namespace`, `.Mesh` and `.Zone` a template sees, with Kuma's fallbacks. */
export function templateFields(target: TargetView, localZone: string): Record<string, string> {
  const name = target.nameExtension !== undefined && target.nameExtension !== ""
    ? target.nameExtension
    : target.coreName;
  const zone = target.labels[LABEL.zone];
  return {
    Name: name,
    DisplayName: target.labels[LABEL.displayName] ?? name,
    Namespace: target.labels[LABEL.namespace] ?? "",
    Mesh: target.mesh,
    Zone: zone !== undefined && zone !== "" ? zone : localZone,
  };
}

/**
 * Template work one run may do, counted across every evaluation and
 * validation of every HostnameGenerator (each evaluation also has its own
 * limits, `DEFAULT_LIMITS`). Kuma's default templates take about 10 steps and
 * 40 bytes per hostname: the large benchmark repo (20,000 Services and
 * 20,000 Dataplanes in two zones, tests/bench/bench.ts) uses 310,000 steps
 * and 1.3 MB, a sixteenth and a fiftieth of the budget. The most expensive
 * steps measured (printf with wide float formats, thousands of arguments,
 * escaping 64 KB strings) spend the whole budget in about 0.5 s. Past the
 * budget, every further evaluation fails at once with a `limit` error (a
 * TemplateError result naming the generator).
 */
export const RUN_TEMPLATE_BUDGET: Readonly<{ steps: number; bytes: number }> = Object.freeze({
  steps: 5_000_000,
  bytes: 64_000_000,
});

/** A fresh budget of {@link RUN_TEMPLATE_BUDGET}: one per run. */
export function runTemplateBudget(): TemplateBudget {
  return templateBudget(RUN_TEMPLATE_BUDGET.steps, RUN_TEMPLATE_BUDGET.bytes);
}

/** {@link evaluateHostname} and {@link validateHostnameTemplate} of one run, sharing one budget. */
export interface HostnameTemplates {
  evaluate: ReturnType<typeof evaluateHostname>;
  validate: (template: string, features: KumaFeatures) => string | undefined;
  /** What is left of the run's budget. */
  budget: TemplateBudget;
}

/** The template functions of one run: every evaluation and validation counts against one budget. */
export function hostnameTemplates(
  features: KumaFeatures,
  budget: TemplateBudget = runTemplateBudget(),
): HostnameTemplates {
  return {
    evaluate: evaluateHostname(features, budget),
    validate: (template, f) => validateHostnameTemplate(template, f, budget),
    budget,
  };
}

/**
 * Kuma's `EvaluateTemplate` for the chosen version: the hostname, or the
 * error message Kuma writes to the `TemplateError` condition. Every call
 * counts against `budget` (a fresh {@link RUN_TEMPLATE_BUDGET} by default).
 */
export function evaluateHostname(
  features: KumaFeatures,
  budget: TemplateBudget = runTemplateBudget(),
) {
  return (
    template: string,
    target: TargetView,
    localZone: string,
  ): { ok: true; hostname: string } | { ok: false; message: string } => {
    const parsed = parseTemplateCached(template);
    if (!parsed.ok) {
      return { ok: false, message: wrap("failed compiling gotemplate", parsed.error) };
    }
    const run = runTemplate(
      parsed.template,
      { typeName: EVALUATE_TYPE, fields: templateFields(target, localZone) },
      { label: labelFunction(target.labels), budget },
    );
    if (!run.ok) {
      return {
        ok: false,
        message: wrap("pre evaluation of template with parameters failed", run.error),
      };
    }
    if (features.hostnameDnsCheck) {
      const violations = dns1123SubdomainViolations(run.output);
      // A Flux placeholder copied from the source (its namespace) is checked as substituted:
      // the source and the MeshService already carry FluxSubstitution warnings.
      const placeholder = () =>
        substitutable(run.output, (value) => dns1123SubdomainViolations(value).length === 0);
      if (violations.length > 0 && !placeholder()) {
        return {
          ok: false,
          message: `generated hostname ${goQuote(run.output)} is not a valid DNS name: ${
            violations.join(", ")
          }`,
        };
      }
    }
    return { ok: true, hostname: run.output };
  };
}

/**
 * Kuma's validator of `spec.template` (non-empty is checked by the caller):
 * parse, and from 2.14 render with stub values and check the result.
 */
export function validateHostnameTemplate(
  template: string,
  features: KumaFeatures,
  budget?: TemplateBudget,
): string | undefined {
  const parsed = parseTemplateCached(template);
  if (!parsed.ok) return wrapValidator("couldn't parse template", parsed.error);
  if (!features.hostnameDnsCheck) return undefined;
  const run = runTemplate(
    parsed.template,
    { typeName: VALIDATOR_STUB.typeName, fields: { ...VALIDATOR_STUB.fields } },
    { label: labelFunction(undefined), budget },
  );
  if (!run.ok) return wrapValidator("couldn't render template with stub values", run.error);
  const violations = dns1123SubdomainViolations(run.output);
  if (violations.length > 0) {
    return `template renders to ${goQuote(run.output)} which is not a valid DNS name: ${
      violations.join(", ")
    }`;
  }
  return undefined;
}

type BridgeError = { kind: string; message: string };

/** `fmt.Errorf("<prefix> error=%q", err)`; our own limits are said plainly. */
function wrap(prefix: string, error: BridgeError): string {
  if (error.kind === "unsupported" || error.kind === "limit") {
    return `${prefix}: ${OWN_LIMIT_PREFIX}${error.message}`;
  }
  return `${prefix} error=${goQuote(error.message)}`;
}

/** `errors.Wrap(err, "<prefix>")`; our own limits are said plainly (see {@link OWN_LIMIT_PREFIX}). */
function wrapValidator(prefix: string, error: BridgeError): string {
  if (error.kind === "unsupported" || error.kind === "limit") {
    return `${OWN_LIMIT_PREFIX}${error.message}`;
  }
  return `${prefix}: ${error.message}`;
}

/** Starts every message about a template this tool refuses to run (as opposed to Kuma's errors). */
export const OWN_LIMIT_PREFIX = `${TOOL_NAME} cannot evaluate this template: `;
