/**
 * Kuma's MeshMultiZoneService validator, per version
 * (`pkg/core/resources/apis/meshmultizoneservice/api/v1alpha1/validator.go`):
 *
 * - every version: `spec.selector.meshService.matchLabels` and `spec.ports`
 *   "cannot be empty";
 * - from 2.10: a port `name` that is present "must not be empty", and
 *   `appProtocol` must be one of the supported protocols (case-sensitive;
 *   2.10-2.14 grpc, http, http2, kafka, tcp; 3.0 drops kafka). The CRD
 *   defaults a missing `appProtocol` to `tcp` on Kubernetes stores; a
 *   Universal store applies no default, so a missing one is rejected there;
 * - 3.0: the display name must be an RFC 1035 label.
 *
 * The same rules judge MeshMultiZoneServices from config and from the input;
 * an input object Kuma rejects is never stored, so it is left out of the
 * hostname preview and of reference resolution.
 *
 * @module
 */

import type { Environment } from "../config.ts";
import { isObject, type KubeObject, type Result, stringMap } from "../model/krm.ts";
import { isRfc1035Label, KIND } from "../model/kuma.ts";
import { isOwned } from "../model/inventory.ts";
import type { KumaFeatures } from "../model/version.ts";
import { REASON, resultAt } from "../results.ts";
import { coreView, displayNameOf } from "./sync.ts";

/** One problem Kuma's validator (or, as a warning, a later version) finds. */
export interface MultiZoneServiceProblem {
  severity: "error" | "warning";
  /** Field path in the object, e.g. `spec.ports[0].name`. */
  field: string;
  /** What is wrong and what to do, without the object's name. */
  message: string;
}

/** Kuma's violation text for a name that is not an RFC 1035 label (apimachinery `NameIsDNS1035Label`). */
const RFC1035_TEXT =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

/**
 * Problems Kuma's validator of `features.version` finds in a
 * MeshMultiZoneService stored in a control plane of `environment`.
 *
 * @example
 * ```ts
 * import { multiZoneServiceProblems } from "./multizone_validation.ts";
 * import { featuresOf } from "../model/version.ts";
 * import assert from "node:assert/strict";
 *
 * const empty = { apiVersion: "kuma.io/v1alpha1", kind: "MeshMultiZoneService", metadata: { name: "a" } };
 * const fields = multiZoneServiceProblems(empty, featuresOf("2.9"), "kubernetes").map((p) => p.field);
 * assert.deepEqual(fields, ["spec.selector.meshService.matchLabels", "spec.ports"]);
 * ```
 */
export function multiZoneServiceProblems(
  object: KubeObject,
  features: KumaFeatures,
  environment: Environment,
): MultiZoneServiceProblem[] {
  const problems: MultiZoneServiceProblem[] = [];
  const kuma = `Kuma ${features.version} rejects`;
  const name = displayNameOf(
    coreView(object, { kind: "MeshMultiZoneService", environment, meshScoped: true }),
  );
  if (features.rfc1035MultiZoneServiceNames && name !== "" && !isRfc1035Label(name)) {
    problems.push({
      severity: "error",
      field: "metadata.name",
      message: `${kuma} the name "${name}": "${
        name.length > 63 ? "must be no more than 63 characters" : RFC1035_TEXT
      }"; rename it to an RFC 1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters)`,
    });
  } else if (!features.rfc1035MultiZoneServiceNames && name.length > 63) {
    problems.push({
      severity: "warning",
      field: "metadata.name",
      message: `Name "${name}" is longer than 63 characters, which Kuma 3.0 rejects; shorten it`,
    });
  }
  const spec = isObject(object.spec) ? object.spec : {};
  const selector = isObject(spec.selector) ? spec.selector : {};
  const meshService = isObject(selector.meshService) ? selector.meshService : {};
  if (Object.keys(stringMap(meshService.matchLabels)).length === 0) {
    problems.push({
      severity: "error",
      field: "spec.selector.meshService.matchLabels",
      message:
        `${kuma} spec.selector.meshService.matchLabels: "cannot be empty"; select the MeshServices by label, e.g. kuma.io/display-name`,
    });
  }
  const ports: unknown[] = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0) {
    problems.push({
      severity: "error",
      field: "spec.ports",
      message: `${kuma} spec.ports: "cannot be empty"; list the ports to expose`,
    });
  }
  const allowed = features.multiZoneServiceAppProtocols;
  if (!allowed) return problems; // 2.9 checks neither port names nor protocols.
  ports.forEach((raw, i) => {
    const port = isObject(raw) ? raw : {};
    if (port.name === "") {
      problems.push({
        severity: "error",
        field: `spec.ports[${i}].name`,
        message: `${kuma} spec.ports[${i}].name: "must not be empty"; remove the name or set one`,
      });
    }
    const missing = port.appProtocol === undefined || port.appProtocol === null;
    // The CRD defaults a missing appProtocol to tcp; a Universal store has no such default.
    const protocol = missing && environment === "kubernetes" ? "tcp" : port.appProtocol;
    if (!allowed.includes(protocol as string)) {
      problems.push({
        severity: "error",
        field: `spec.ports[${i}].appProtocol`,
        message: `${kuma} spec.ports[${i}].appProtocol ${
          missing ? "(absent, and a Universal store sets no default)" : JSON.stringify(protocol)
        }: "appProtocol must be one of: ${allowed.join(", ")}"; use one of them`,
      });
    }
  });
  return problems;
}

/** A store of the run and the input items it holds. */
export interface MultiZoneServiceStore {
  environment: Environment;
  items: readonly KubeObject[];
}

/** Output of {@link checkInputMultiZoneServices}. */
export interface InputMultiZoneServiceCheck {
  results: Result[];
  /** Input MeshMultiZoneServices Kuma refuses to store. */
  rejected: Set<KubeObject>;
}

/**
 * Judges every MeshMultiZoneService of the input (those this tool generated
 * are rebuilt from config and judged there) with the validator of the target
 * version: a violation is an error on the object, naming the field.
 */
export function checkInputMultiZoneServices(
  stores: readonly MultiZoneServiceStore[],
  features: KumaFeatures,
): InputMultiZoneServiceCheck {
  const results: Result[] = [];
  const rejected = new Set<KubeObject>();
  for (const store of stores) {
    for (const object of store.items) {
      if (object.kind !== KIND.meshMultiZoneService || isOwned(object)) continue;
      if (!String(object.apiVersion ?? "").startsWith("kuma.io/")) continue;
      const problems = multiZoneServiceProblems(object, features, store.environment);
      if (problems.some((p) => p.severity === "error")) rejected.add(object);
      const name = String(object.metadata?.name);
      for (const p of problems) {
        results.push(
          resultAt(object, {
            severity: p.severity,
            message: `MeshMultiZoneService "${name}": ${p.message}`,
            reason: REASON.invalidMultiZoneService,
            field: p.field,
          }),
        );
      }
    }
  }
  return { results, rejected };
}

/** The config key of an object field of a generated MeshMultiZoneService (`spec.ports[0].name` → `ports[0].name`). */
export function configFieldOf(field: string): string {
  if (field === "metadata.name") return "name";
  if (field === "spec.selector.meshService.matchLabels") return "matchLabels";
  return field.replace(/^spec\./, "");
}
