/**
 * Which orchestrator sent the items, where that changes what is worth
 * emitting. kustomize (as an exec KRM transformer under `kustomize build
 * --enable-exec`, and as a legacy exec plugin under `kubectl kustomize
 * --enable-alpha-plugins`) annotates every resource it passes with its
 * resource id, `kustomize.config.k8s.io/id`, and gives none a file path;
 * kpt and directory mode give every item `internal.config.kubernetes.io/path`
 * (or the legacy `config.kubernetes.io/path`) and no kustomize id. kustomize
 * then drops every `config.kubernetes.io/local-config` item from the build, so
 * MeshService previews only cost it time there.
 *
 * @module
 */

import { isObject, type KubeObject, sourceOf } from "../model/krm.ts";

/** The resource id kustomize writes on every resource it hands a transformer. */
export const KUSTOMIZE_ID_ANNOTATION = "kustomize.config.k8s.io/id";

/**
 * True when `items` came from kustomize: at least one item, every item carries
 * kustomize's resource id and none a file path. Items from kpt or a directory
 * always have a path, so stale kustomize ids in files never match.
 */
export function sentByKustomize(items: readonly KubeObject[]): boolean {
  if (items.length === 0) return false;
  return items.every((item) => {
    const annotations = isObject(item) && isObject(item.metadata)
      ? item.metadata.annotations
      : undefined;
    return isObject(annotations) &&
      typeof annotations[KUSTOMIZE_ID_ANNOTATION] === "string" &&
      sourceOf(item) === undefined;
  });
}
