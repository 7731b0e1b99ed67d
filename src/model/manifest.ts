/**
 * What is a manifest: the one rule directory mode, KRM mode, the GitHub
 * Action, `generate` and the Helm post-renderer share.
 *
 * - A map with a non-empty string `apiVersion` and `kind` is a **resource**.
 *   A ResourceList (`config.kubernetes.io`) is not: it is a function's input
 *   or output, never something to apply.
 * - A Universal document (no `apiVersion`, a `type` naming a Kuma kind, as
 *   `kumactl apply` takes it) is a resource too.
 * - Anything else (a plain map such as a Helm `values.yaml`, a decK
 *   `kong.yaml` or an OpenAPI document, a list, a scalar) is **not a
 *   manifest**: it is skipped (directory mode) or passed through untouched
 *   (KRM mode) with one info result per file, never an error.
 *
 * Among resources, only the kinds the tool reads are checked strictly
 * ({@link isReadKind}): Services, Namespaces, Pods, workloads, EndpointSlices
 * and every `kuma.io` kind. Any other kind (a Kustomization, a Kptfile, a
 * HelmRelease, a CRD, a ConfigMap) passes through untouched whatever its
 * shape, even without `metadata.name`.
 *
 * Pure: no I/O.
 *
 * @module
 */

import { isObject } from "./krm.ts";
import { K8S_KIND, KNOWN_KUMA_KINDS } from "./kuma.ts";

/** How a parsed YAML document is read. */
export type ManifestClass =
  | { class: "resource" }
  | { class: "universal" }
  | { class: "not-a-manifest"; what: string };

const KNOWN_LOWER = new Set([...KNOWN_KUMA_KINDS].map((kind) => kind.toLowerCase()));

/**
 * Classifies one parsed document.
 *
 * @example
 * ```ts
 * import { classifyDocument } from "./manifest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(classifyDocument({ apiVersion: "v1", kind: "Service" }).class, "resource");
 * assert.equal(classifyDocument({ type: "Dataplane", name: "web", mesh: "default" }).class, "universal");
 * assert.equal(classifyDocument({ replicaCount: 1 }).class, "not-a-manifest");
 * ```
 */
export function classifyDocument(doc: unknown): ManifestClass {
  if (!isObject(doc)) {
    return { class: "not-a-manifest", what: Array.isArray(doc) ? "a list" : `a ${scalarOf(doc)}` };
  }
  const apiVersion = doc.apiVersion;
  const kind = doc.kind;
  if (apiVersion === undefined && isUniversalKumaType(doc.type)) return { class: "universal" };
  const hasApiVersion = typeof apiVersion === "string" && apiVersion !== "";
  const hasKind = typeof kind === "string" && kind !== "";
  if (hasApiVersion && hasKind) {
    if (kind === "ResourceList" && apiVersion.startsWith("config.kubernetes.io/")) {
      return {
        class: "not-a-manifest",
        what: "a KRM ResourceList (a function's input or output)",
      };
    }
    return { class: "resource" };
  }
  const missing = !hasApiVersion && !hasKind
    ? "apiVersion and kind"
    : hasApiVersion
    ? "kind"
    : "apiVersion";
  return { class: "not-a-manifest", what: `a map without ${missing}` };
}

/** A Universal document's `type`: a Kuma kind, in any letter case (a wrong case is reported later). */
function isUniversalKumaType(type: unknown): boolean {
  return typeof type === "string" && KNOWN_LOWER.has(type.toLowerCase());
}

function scalarOf(value: unknown): string {
  return value === null ? "null" : typeof value;
}

const READ_CORE_KINDS: ReadonlySet<string> = new Set([
  K8S_KIND.service,
  K8S_KIND.namespace,
  K8S_KIND.pod,
]);

/** The `apps` and `batch` workload kinds the tool reads (their pod templates). */
export const WORKLOAD_KINDS: readonly string[] = [
  K8S_KIND.deployment,
  K8S_KIND.statefulSet,
  K8S_KIND.daemonSet,
  K8S_KIND.replicaSet,
  K8S_KIND.job,
  K8S_KIND.cronJob,
];

const READ_WORKLOAD_KINDS: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

/**
 * True for a resource of a kind the tool reads, which is checked strictly
 * (`metadata.name`, namespace, labels, annotations): core `v1` Services,
 * Namespaces and Pods, `apps`/`batch` workloads, `discovery.k8s.io`
 * EndpointSlices and every `kuma.io` kind.
 *
 * @example
 * ```ts
 * import { isReadKind } from "./manifest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isReadKind({ apiVersion: "v1", kind: "Service" }), true);
 * assert.equal(isReadKind({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" }), false);
 * ```
 */
export function isReadKind(object: Record<string, unknown>): boolean {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  const kind = typeof object.kind === "string" ? object.kind : "";
  if (apiVersion.startsWith("kuma.io/")) return true;
  if (apiVersion === "v1") return READ_CORE_KINDS.has(kind);
  if (apiVersion.startsWith("apps/") || apiVersion.startsWith("batch/")) {
    return READ_WORKLOAD_KINDS.has(kind);
  }
  return kind === K8S_KIND.endpointSlice && apiVersion.startsWith("discovery.k8s.io/");
}

/**
 * True for build-tool configuration that is a resource by shape but never
 * reaches a cluster: kustomize's `Kustomization` and `Component`
 * (`kustomize.config.k8s.io`) and kpt's `Kptfile` (`kpt.dev`). `generate`
 * and the Helm post-renderer leave them out of what the cluster gets.
 */
export function isBuildConfig(object: Record<string, unknown>): boolean {
  const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
  return apiVersion.startsWith("kustomize.config.k8s.io/") || apiVersion.startsWith("kpt.dev/");
}

/** File names kustomize reads as a kustomization (`konfig.RecognizedKustomizationFileNames`). */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = [
  "kustomization.yaml",
  "kustomization.yml",
  "Kustomization",
];

/** The file that makes a folder a Helm chart. */
export const HELM_CHART_FILE = "Chart.yaml";

/**
 * The files a kustomization names as patches (`patches[].path`,
 * `patchesStrategicMerge[]` entries that are file names,
 * `patchesJson6902[].path`), relative to its folder. Patches are partial
 * objects that kustomize merges into a base: directory mode does not read
 * them as resources.
 *
 * @example
 * ```ts
 * import { kustomizationPatches } from "./manifest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   kustomizationPatches({ patches: [{ path: "replicas.yaml" }], patchesStrategicMerge: ["a.yaml"] }),
 *   ["replicas.yaml", "a.yaml"],
 * );
 * ```
 */
export function kustomizationPatches(doc: unknown): string[] {
  if (!isObject(doc)) return [];
  const out: string[] = [];
  const add = (value: unknown) => {
    if (typeof value !== "string" || value === "" || value.includes("\n")) return;
    // An inline patch (a YAML text) is not a file name.
    if (/[:{}\s]/.test(value.trim())) return;
    out.push(value.trim());
  };
  for (const key of ["patches", "patchesJson6902"]) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (isObject(entry)) add(entry.path);
      else add(entry);
    }
  }
  const strategic = doc.patchesStrategicMerge;
  if (Array.isArray(strategic)) strategic.forEach(add);
  return out;
}

/** True for a path whose file name kustomize reads as a kustomization. */
export function isKustomizationFile(path: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(path.slice(path.lastIndexOf("/") + 1));
}

/**
 * The package-relative paths of the patch files the kustomization at
 * `kustomizationPath` names (see {@link kustomizationPatches}); paths that
 * leave the package are dropped.
 *
 * @example
 * ```ts
 * import { patchFilesOf } from "./manifest.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   patchFilesOf("apps/prod/kustomization.yaml", { patches: [{ path: "../patches/r.yaml" }] }),
 *   ["apps/patches/r.yaml"],
 * );
 * ```
 */
export function patchFilesOf(kustomizationPath: string, doc: unknown): string[] {
  const at = kustomizationPath.lastIndexOf("/");
  const dir = at === -1 ? "" : kustomizationPath.slice(0, at);
  return kustomizationPatches(doc)
    .map((p) => joinInside(dir, p))
    .filter((p): p is string => p !== undefined);
}

/** `dir/relative` normalized, or undefined when it leaves the package. */
function joinInside(dir: string, relative: string): string | undefined {
  if (relative.startsWith("/")) return undefined;
  const parts: string[] = dir === "" ? [] : dir.split("/");
  for (const part of relative.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join("/");
}
