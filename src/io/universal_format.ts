/**
 * Universal YAML (`type: Dataplane`, `name`, `mesh`, top-level fields, as
 * `kumactl apply` takes it) to and from the Kubernetes-style objects the core
 * works on. Only directory mode reads and writes this form.
 *
 * @module
 */

import { KUMA_API_VERSION, LABEL } from "../model/kuma.ts";
import {
  isObject,
  KRM_ANNOTATION,
  type KubeObject,
  type ObjectMeta,
  stringMap,
} from "../model/krm.ts";
import { TOOL_ANNOTATION, TOOL_NAME, UNIVERSAL_FORMAT } from "../model/tool.ts";

/** Label that stands for {@link TOOL_ANNOTATION.generatedFrom} in Universal YAML, which has no annotations. */
export const UNIVERSAL_OWNER_LABEL = "app.kubernetes.io/managed-by";

const META_FIELDS = new Set(["type", "name", "mesh", "labels", "creationTime", "modificationTime"]);

/** True for a Universal YAML document (`type` and no `apiVersion`). */
export function isUniversalDocument(doc: unknown): doc is Record<string, unknown> {
  return isObject(doc) && typeof doc.type === "string" && doc.apiVersion === undefined;
}

/** Converts a Universal document into a Kubernetes-style object marked as Universal. */
export function fromUniversal(doc: Record<string, unknown>): KubeObject {
  const labels = stringMap(doc.labels);
  const annotations: Record<string, string> = { [TOOL_ANNOTATION.format]: UNIVERSAL_FORMAT };
  if (labels[UNIVERSAL_OWNER_LABEL] === TOOL_NAME) {
    delete labels[UNIVERSAL_OWNER_LABEL];
    annotations[TOOL_ANNOTATION.generatedFrom] = "";
  }
  if (labels[KRM_ANNOTATION.localConfig] !== undefined) {
    annotations[KRM_ANNOTATION.localConfig] = labels[KRM_ANNOTATION.localConfig]!;
    delete labels[KRM_ANNOTATION.localConfig];
  }
  const metadata: ObjectMeta = {};
  if (typeof doc.name === "string") metadata.name = doc.name;
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  metadata.annotations = annotations;
  if (typeof doc.creationTime === "string") metadata.creationTimestamp = doc.creationTime;
  let spec: unknown;
  if ("spec" in doc) spec = doc.spec;
  else {
    spec = Object.fromEntries(Object.entries(doc).filter(([key]) => !META_FIELDS.has(key)));
  }
  const object: KubeObject = { apiVersion: KUMA_API_VERSION, kind: doc.type as string };
  if (typeof doc.mesh === "string") object.mesh = doc.mesh;
  object.metadata = metadata;
  object.spec = spec;
  return object;
}

/** True when an object should be written in Universal form. */
export function isUniversalObject(object: KubeObject): boolean {
  return object.metadata?.annotations?.[TOOL_ANNOTATION.format] === UNIVERSAL_FORMAT;
}

/** Converts a generated (MeshService-like, `spec`-style) object back to Universal YAML. */
export function toUniversal(object: KubeObject): Record<string, unknown> {
  const annotations = stringMap(object.metadata?.annotations);
  const labels = { ...stringMap(object.metadata?.labels) };
  if (annotations[TOOL_ANNOTATION.generatedFrom] !== undefined) {
    labels[UNIVERSAL_OWNER_LABEL] = TOOL_NAME;
  }
  if (annotations[KRM_ANNOTATION.localConfig] !== undefined) {
    labels[KRM_ANNOTATION.localConfig] = annotations[KRM_ANNOTATION.localConfig]!;
  }
  const doc: Record<string, unknown> = { type: object.kind, name: object.metadata?.name };
  const mesh = typeof object.mesh === "string" ? object.mesh : labels[LABEL.mesh];
  if (mesh !== undefined) doc.mesh = mesh;
  if (Object.keys(labels).length > 0) {
    doc.labels = Object.fromEntries(
      Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  }
  doc.spec = object.spec;
  return doc;
}
