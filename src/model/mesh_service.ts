/**
 * The MeshService shape the tool writes, and the record each generation step
 * returns for the merge step and the report.
 *
 * @module
 */

import { isRfc1035Label, KIND, KUMA_API_VERSION } from "./kuma.ts";
import type { KumaFeatures } from "./version.ts";
import { isObject, type KubeObject, type ResourceRef, type Result } from "./krm.ts";

/** One MeshService port. Key order is the order written. */
export interface MeshServicePort {
  /** Port name (a Service port's name, else its number). */
  name: string;
  /** Port number. */
  port: number;
  /** Port on the workload: a number, or a container port's name. */
  targetPort: number | string;
  /** `tcp`, `http`, `http2`, `grpc` or `kafka` (the version decides which). */
  appProtocol: string;
}

/** `spec.selector`: exactly one of the three forms. */
export type MeshServiceSelector =
  | { dataplaneTags: Record<string, string> }
  | { dataplaneLabels: { matchLabels: Record<string, string> } }
  | { dataplaneRef: { name: string } };

/** Where a generated MeshService comes from. */
export type MeshServiceSource =
  | { kind: "Service"; service: ResourceRef; pod?: string }
  | { kind: "Dataplanes"; dataplanes: ResourceRef[] };

/** A MeshService a step generated, with what the report needs to know about it. */
export interface GeneratedMeshService {
  /** The MeshService object (Kubernetes CRD form). */
  object: KubeObject;
  mesh: string;
  source: MeshServiceSource;
  /** The `kuma.io/service` value workloads carry today, per port (same order as `spec.ports`). */
  legacyServices: string[];
  /** When Kuma would create it, if the input says (orders hostname claims). */
  creationTime?: string;
}

/** Output of every generation step. */
export interface StepOutput {
  meshServices: GeneratedMeshService[];
  results: Result[];
}

/** What {@link meshServiceObject} builds a MeshService from. */
export interface MeshServiceObjectOptions {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  ports: MeshServicePort[];
  selector: MeshServiceSelector;
  /** `status.vips`, written when not empty. */
  vips?: string[];
}

/** True for a TCP/UDP port number: an integer from 1 to 65535 (Kubernetes' and Kuma's range). */
export function isPortNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** What both stores' readers say of a value that is not a port number. */
export function notAPortNumber(value: unknown): string {
  return `port must be an integer from 1 to 65535, got ${JSON.stringify(value)}`;
}

/** Builds a MeshService object in a fixed key order. */
export function meshServiceObject(options: MeshServiceObjectOptions): KubeObject {
  const metadata: KubeObject["metadata"] = { name: options.name };
  if (options.namespace !== undefined) metadata.namespace = options.namespace;
  metadata.labels = options.labels;
  if (options.annotations && Object.keys(options.annotations).length > 0) {
    metadata.annotations = options.annotations;
  }
  const object: KubeObject = {
    apiVersion: KUMA_API_VERSION,
    kind: KIND.meshService,
    metadata,
    spec: { ports: options.ports, selector: options.selector },
  };
  if (options.vips && options.vips.length > 0) {
    object.status = { vips: options.vips.map((ip) => ({ ip })) };
  }
  return object;
}

/**
 * Why Kuma's MeshService validator of this version refuses a MeshService
 * (`meshservice/api/v1alpha1/validator.go`), or `undefined` when it accepts it:
 * 2.x only limits names to 63 characters; 3.0 requires RFC 1035 names and an
 * `appProtocol` of `grpc`, `http`, `http2` or `tcp` (case-insensitive).
 */
export function meshServiceRejection(
  name: string,
  ports: readonly MeshServicePort[],
  features: KumaFeatures,
): { subject: "name" | "appProtocol"; problem: string } | undefined {
  if (features.rfc1035MeshServiceNames && !isRfc1035Label(name)) {
    return {
      subject: "name",
      problem:
        "names must be RFC 1035 labels (lowercase letters, digits and '-', starting with a letter)",
    };
  }
  if (name.length > 63) return { subject: "name", problem: "names are limited to 63 characters" };
  const allowed = features.validatedAppProtocols;
  const invalid = allowed
    ? ports.filter((p) => !allowed.includes(p.appProtocol.toLowerCase()))
    : [];
  if (allowed && invalid.length > 0) {
    return {
      subject: "appProtocol",
      problem: `appProtocol ${
        invalid.map((p) => `"${p.appProtocol}" (port ${p.name})`).join(", ")
      } is not one of ${allowed.join(", ")}`,
    };
  }
  return undefined;
}

/**
 * The label pairs a MeshService selects Dataplanes by (`dataplaneTags`, or
 * `dataplaneLabels.matchLabels`), or `undefined` for `dataplaneRef` and
 * malformed selectors.
 */
export function selectorLabelsOf(
  object: KubeObject | undefined,
): Record<string, string> | undefined {
  const spec = object?.spec;
  if (!isObject(spec) || !isObject(spec.selector)) return undefined;
  const selector = spec.selector;
  const labels = isObject(selector.dataplaneTags)
    ? selector.dataplaneTags
    : isObject(selector.dataplaneLabels)
    ? selector.dataplaneLabels.matchLabels
    : undefined;
  if (!isObject(labels)) return undefined;
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}
