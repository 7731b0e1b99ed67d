/**
 * The MeshService shape the tool writes, and the record each generation step
 * returns for the merge step and the report.
 *
 * @module
 */

import { KIND, KUMA_API_VERSION } from "./kuma.ts";
import type { KubeObject, ResourceRef, Result } from "./krm.ts";

/** One MeshService port. Key order is the order written. */
export interface MeshServicePort {
  name: string;
  port: number;
  targetPort: number | string;
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
}

/** Output of every generation step. */
export interface StepOutput {
  meshServices: GeneratedMeshService[];
  results: Result[];
}

/** Options of {@link meshServiceObject}. */
export interface MeshServiceObjectOptions {
  namespace?: string;
  annotations?: Record<string, string>;
  vips?: string[];
}

/** Builds a MeshService object in a fixed key order. */
export function meshServiceObject(
  name: string,
  labels: Record<string, string>,
  spec: { ports: MeshServicePort[]; selector: MeshServiceSelector },
  options: MeshServiceObjectOptions = {},
): KubeObject {
  const metadata: KubeObject["metadata"] = { name };
  if (options.namespace !== undefined) metadata.namespace = options.namespace;
  metadata.labels = labels;
  if (options.annotations && Object.keys(options.annotations).length > 0) {
    metadata.annotations = options.annotations;
  }
  const object: KubeObject = {
    apiVersion: KUMA_API_VERSION,
    kind: KIND.meshService,
    metadata,
    spec: { ports: spec.ports, selector: spec.selector },
  };
  if (options.vips && options.vips.length > 0) {
    object.status = { vips: options.vips.map((ip) => ({ ip })) };
  }
  return object;
}
