/**
 * Merges generated items into the item list: input items keep their order and
 * content; items this tool generated in an earlier run are replaced in place
 * (keeping the orchestrator's annotations) or dropped when no longer
 * generated; new items are appended in a stable order with a file path.
 *
 * @module
 */

import type { MeshServiceOutput } from "../config.ts";
import { LABEL } from "../model/kuma.ts";
import {
  compareStrings,
  hasLegacyPath,
  isObject,
  isPathAnnotation,
  KRM_ANNOTATION,
  type KubeObject,
  type Result,
  sourceAnnotations,
  sourceOf,
  stringAt,
} from "../model/krm.ts";
import { hasToolAnnotation, isOwned } from "../model/inventory.ts";
import { GENERATED_KINDS, TOOL_ANNOTATION, UNIVERSAL_FORMAT } from "../model/tool.ts";
import { REASON, resultAt } from "../results.ts";

/** Options of {@link mergeItems}. */
export interface MergeOptions {
  /** `outputPath` pattern. */
  outputPath: string;
}

/** A generated item to merge. */
export interface Generated {
  object: KubeObject;
  output: MeshServiceOutput;
  /** Zone for the `{zone}` placeholder. */
  zone: string | undefined;
  /** Caller's handle, returned in {@link Placed}. */
  source: KubeObject;
}

/** A generated item and where it was written. */
export interface Placed {
  object: KubeObject;
  path: string;
  source: KubeObject;
}

/** Output of {@link mergeItems}. */
export interface MergeOutput {
  items: KubeObject[];
  placed: Placed[];
  results: Result[];
}

/** Whether an annotation is an orchestrator's: the path annotations, kustomize's ids. */
function isOrchestratorAnnotation(key: string): boolean {
  return isPathAnnotation(key) || key.startsWith("kustomize.config.k8s.io/") ||
    key === "config.k8s.io/id";
}

/** Identity of an item for replacement: kind, namespace, mesh, name and (multizone) zone. */
export function identityOf(object: KubeObject): string {
  const meta = object.metadata ?? {};
  return [
    object.kind,
    meta.namespace ?? "",
    stringAt(meta.labels, LABEL.mesh) ?? "",
    meta.name,
    stringAt(meta.annotations, TOOL_ANNOTATION.zone) ?? "",
  ].join("|");
}

/** A generated item to emit. */
type Emitted = Generated;

/** The identities of the emitted items ({@link identityOf}), each computed once, on first use. */
class Identities {
  readonly #emitted: readonly Emitted[];
  #of: Map<Emitted, string> | undefined;
  #byIdentity: Map<string, Emitted> | undefined;

  constructor(emitted: readonly Emitted[]) {
    this.#emitted = emitted;
  }

  /** The identity of an emitted item. */
  of(g: Emitted): string {
    this.#build();
    return this.#of!.get(g)!;
  }

  /** The last emitted item of `identity`. */
  emitted(identity: string): Emitted | undefined {
    return this.#build().get(identity);
  }

  #build(): Map<string, Emitted> {
    if (this.#byIdentity) return this.#byIdentity;
    this.#of = new Map(this.#emitted.map((g) => [g, identityOf(g.object)]));
    this.#byIdentity = new Map(this.#emitted.map((g) => [this.#of!.get(g)!, g]));
    return this.#byIdentity;
  }
}

/** What the merge has produced so far. */
interface Merged {
  out: KubeObject[];
  placed: Placed[];
  results: Result[];
  /** Paths of input files (generated items are never written there). */
  inputPaths: Set<string>;
  /** Next document index per path. */
  nextIndex: Map<string, number>;
  /** Identities replaced in place. */
  replaced: Set<string>;
}

/** Merges `generated` into `items`. */
export function mergeItems(
  items: readonly KubeObject[],
  generated: readonly Generated[],
  options: MergeOptions,
): MergeOutput {
  const emitted = generated.filter((g) => g.output !== "none");
  // Identities matter only when the input holds items of an earlier run: built on first need.
  const identities = new Identities(emitted);
  const merged: Merged = {
    out: [],
    placed: [],
    results: [],
    inputPaths: new Set(),
    nextIndex: new Map(),
    replaced: new Set(),
  };
  for (const item of items) mergeInputItem(item, identities, merged);
  const replaced = merged.replaced;
  const fresh =
    (replaced.size === 0 ? emitted : emitted.filter((g) => !replaced.has(identities.of(g))))
      .map((g) => ({ g, key: sortKey(g.object) }))
      .sort((a, b) => compareStrings(a.key, b.key))
      .map(({ g }) => g);
  const usesLegacyPaths = items.some(hasLegacyPath);
  const layout = compileLayout(options.outputPath);
  for (const g of fresh) placeFresh(g, { layout, usesLegacyPaths, merged });
  return { items: merged.out, placed: merged.placed, results: merged.results };
}

/** An input item: kept as is, replaced by this run's copy (an earlier run's item), or dropped. */
function mergeInputItem(
  item: KubeObject,
  identities: Identities,
  merged: Merged,
): void {
  if (!isOwned(item)) {
    if (hasToolAnnotation(item)) merged.results.push(foreignAnnotationResult(item));
    merged.out.push(item);
    const path = sourceOf(item)?.path;
    if (path !== undefined) merged.inputPaths.add(path);
    return;
  }
  const identity = identityOf(item);
  const next = identities.emitted(identity);
  if (!next || merged.replaced.has(identity)) {
    // No longer generated (or a second copy): dropped, and said so.
    merged.results.push(droppedResult(item, next !== undefined));
    return;
  }
  merged.replaced.add(identity);
  const kept = withAnnotations(next.object, {
    ...previewAnnotation(next.output),
    ...orchestratorAnnotations(item),
  });
  merged.out.push(kept);
  const source = sourceOf(item);
  if (source !== undefined) {
    const { path, index } = source;
    merged.placed.push({ object: kept, path, source: next.source });
    merged.nextIndex.set(path, Math.max(merged.nextIndex.get(path) ?? 0, index + 1));
  }
}

/** A newly generated item, placed by the `outputPath` pattern. */
function placeFresh(
  g: Emitted,
  at: {
    layout: (object: KubeObject, zone: string) => string;
    usesLegacyPaths: boolean;
    merged: Merged;
  },
): void {
  const { object, zone, source } = g;
  const { merged } = at;
  const path = at.layout(object, zone ?? "");
  if (path === "" || leavesPackage(path)) {
    merged.results.push(resultAt(object, {
      severity: "error",
      message:
        `Cannot place ${object.kind} "${object.metadata?.name}": config outputPath expands to "${path}", which leaves the package (a mesh, namespace or name holds ".."); rename it or change outputPath`,
      reason: REASON.pathConflict,
      field: "metadata.name",
    }));
    return;
  }
  if (merged.inputPaths.has(path)) {
    merged.results.push(resultAt(object, {
      severity: "error",
      message:
        `Cannot write ${object.kind} "${object.metadata?.name}" to "${path}": that file holds input resources; change config outputPath`,
      reason: REASON.pathConflict,
    }));
    return;
  }
  const index = merged.nextIndex.get(path) ?? 0;
  merged.nextIndex.set(path, index + 1);
  const annotations: Record<string, string> = {
    ...previewAnnotation(g.output),
    ...sourceAnnotations({ path, index }, { legacy: at.usesLegacyPaths }),
  };
  const withPath = withAnnotations(object, annotations);
  merged.out.push(withPath);
  merged.placed.push({ object: withPath, path, source });
}

/** A foreign item carrying the tool's annotation: it passes through, and the annotation is named. */
function foreignAnnotationResult(item: KubeObject): Result {
  // Universal YAML has no annotations: the directory reader maps this label to the annotation
  // (src/io/universal_format.ts, UNIVERSAL_OWNER_LABEL).
  const universal = stringAt(item.metadata?.annotations, TOOL_ANNOTATION.format) ===
    UNIVERSAL_FORMAT;
  const mark = universal
    ? `the label "app.kubernetes.io/managed-by: meshservice-krm" (Universal YAML's form of the annotation "${TOOL_ANNOTATION.generatedFrom}")`
    : `the annotation "${TOOL_ANNOTATION.generatedFrom}"`;
  const kinds = GENERATED_KINDS.join(", ");
  return resultAt(item, {
    severity: "warning",
    message: `${
      String(item.kind)
    } carries ${mark}, which marks items meshservice-krm generated, but meshservice-krm generates only ${kinds} (kuma.io/v1alpha1): it passes through unchanged and is never replaced or removed; remove the ${
      universal ? "label" : "annotation"
    }`,
    reason: REASON.foreignToolAnnotation,
    field: `metadata.annotations["${TOOL_ANNOTATION.generatedFrom}"]`,
  });
}

/** An item of an earlier run that this run removes from the output. */
function droppedResult(item: KubeObject, repeated: boolean): Result {
  const name = `${String(item.kind)} "${identityName(item)}"`;
  return resultAt(item, {
    severity: "info",
    message: repeated
      ? `Removed a second copy of ${name} that an earlier run generated (annotation "${TOOL_ANNOTATION.generatedFrom}"): the first copy is replaced`
      : `Removed ${name}: an earlier run generated it (annotation "${TOOL_ANNOTATION.generatedFrom}") and this run does not, so its file goes too`,
    reason: REASON.staleGenerated,
  });
}

function identityName(item: KubeObject): string {
  const meta = item.metadata ?? {};
  const scope = meta.namespace ?? stringAt(meta.labels, LABEL.mesh);
  return `${scope ? `${scope}/` : ""}${meta.name}`;
}

/** Previews are marked local-config so kustomize and Argo CD never apply them. */
function previewAnnotation(output: MeshServiceOutput): Record<string, string> {
  return output === "preview" ? { [KRM_ANNOTATION.localConfig]: "true" } : {};
}

/** `object` with `added` set on its annotations: one copy of the object, its metadata and annotations. */
function withAnnotations(object: KubeObject, added: Record<string, string>): KubeObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...(object.metadata?.annotations ?? {}), ...added },
    },
  };
}

/** Expands the `outputPath` pattern; empty placeholders collapse their path segment. */
export function layoutPath(
  object: KubeObject,
  options: { outputPath: string; zone: string },
): string {
  return compileLayout(options.outputPath)(object, options.zone);
}

/** The placeholders of an `outputPath` pattern. */
const PLACEHOLDER = /\{(\w+)\}/g;

/** Values of the placeholders for one object. */
const LAYOUT_VALUES: Record<string, (object: KubeObject, zone: string) => string> = {
  mesh: (object) => stringAt(object.metadata?.labels, LABEL.mesh) ?? "",
  namespace: (object) => object.metadata?.namespace ?? "",
  kind: (object) => String(object.kind ?? "").toLowerCase(),
  name: (object) => object.metadata?.name ?? "",
  zone: (_, zone) => zone,
};

/**
 * The `outputPath` pattern parsed once: literal parts and placeholders, then
 * empty segments dropped (only when the expansion has any).
 */
function compileLayout(outputPath: string): (object: KubeObject, zone: string) => string {
  const parts: (string | ((object: KubeObject, zone: string) => string))[] = [];
  let last = 0;
  for (const match of outputPath.matchAll(PLACEHOLDER)) {
    parts.push(outputPath.slice(last, match.index));
    const key = match[1]!;
    // An unknown key expands as a plain object's property would (nothing, for a valid config).
    parts.push(
      Object.hasOwn(LAYOUT_VALUES, key)
        ? LAYOUT_VALUES[key]!
        : String(({} as Record<string, unknown>)[key] ?? ""),
    );
    last = match.index + match[0].length;
  }
  parts.push(outputPath.slice(last));
  return (object, zone) => {
    let path = "";
    for (const part of parts) path += typeof part === "string" ? part : part(object, zone);
    if (!path.startsWith("/") && !path.endsWith("/") && !path.includes("//")) return path;
    return path.split("/").filter((segment) => segment !== "").join("/");
  };
}

/** True when a segment of `path` is `..`. */
function leavesPackage(path: string): boolean {
  return path === ".." || path.startsWith("../") || path.endsWith("/..") || path.includes("/../");
}

/** The orchestrator's annotations of an earlier run's item, kept on its replacement. */
function orchestratorAnnotations(previous: KubeObject): Record<string, string> {
  const kept: Record<string, string> = {};
  const annotations = previous.metadata?.annotations;
  if (!isObject(annotations)) return kept;
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    if (typeof value !== "string") continue;
    if (isOrchestratorAnnotation(key)) kept[key] = value;
  }
  return kept;
}

function sortKey(object: KubeObject): string {
  const meta = object.metadata ?? {};
  return [
    object.kind,
    stringAt(meta.annotations, TOOL_ANNOTATION.zone) ?? "",
    stringAt(meta.labels, LABEL.mesh) ?? "",
    meta.namespace ?? "",
    meta.name,
  ].join("\u0000");
}
