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
  isObject,
  KRM_ANNOTATION,
  type KubeObject,
  type Result,
  stringAt,
  stringMap,
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

const ORCHESTRATOR_PREFIXES = ["internal.config.kubernetes.io/", "kustomize.config.k8s.io/"];
const ORCHESTRATOR_KEYS = new Set([
  KRM_ANNOTATION.legacyPath,
  KRM_ANNOTATION.legacyIndex,
  "config.k8s.io/id",
]);

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

/** Merges `generated` into `items`. */
export function mergeItems(
  items: readonly KubeObject[],
  generated: readonly Generated[],
  options: MergeOptions,
): MergeOutput {
  const results: Result[] = [];
  const emitted = generated.filter((g) => g.output !== "none")
    .map((g) => ({ ...g, object: finish(g.object, g.output) }));
  const byIdentity = new Map(emitted.map((g) => [identityOf(g.object), g]));
  const usesLegacyPaths = items.some((item) =>
    isObject(item) && isObject(item.metadata) && isObject(item.metadata.annotations) &&
    KRM_ANNOTATION.legacyPath in item.metadata.annotations
  );

  const out: KubeObject[] = [];
  const placed: Placed[] = [];
  const inputPaths = new Set<string>();
  const nextIndex = new Map<string, number>();
  const replaced = new Set<string>();
  for (const item of items) {
    if (!isOwned(item)) {
      if (hasToolAnnotation(item)) results.push(foreignAnnotationResult(item));
      out.push(item);
      const path = pathOf(item);
      if (path !== undefined) inputPaths.add(path);
      continue;
    }
    const identity = identityOf(item);
    const next = byIdentity.get(identity);
    if (!next || replaced.has(identity)) {
      // No longer generated (or a second copy): dropped, and said so.
      results.push(droppedResult(item, next !== undefined));
      continue;
    }
    replaced.add(identity);
    const kept = withOrchestratorAnnotations(next.object, item);
    out.push(kept);
    const path = pathOf(item);
    if (path !== undefined) {
      placed.push({ object: kept, path, source: next.source });
      const index = Number.parseInt(annotationOf(item, KRM_ANNOTATION.index) ?? "0", 10) || 0;
      nextIndex.set(path, Math.max(nextIndex.get(path) ?? 0, index + 1));
    }
  }
  const fresh = emitted.filter((g) => !replaced.has(identityOf(g.object)))
    .map((g) => ({ g, key: sortKey(g.object) }))
    .sort((a, b) => compareStrings(a.key, b.key))
    .map(({ g }) => g);
  for (const { object, zone, source } of fresh) {
    const path = layoutPath(object, { outputPath: options.outputPath, zone: zone ?? "" });
    if (path === "" || path.split("/").includes("..")) {
      results.push(resultAt(object, {
        severity: "error",
        message:
          `Cannot place ${object.kind} "${object.metadata?.name}": config outputPath expands to "${path}", which leaves the package (a mesh, namespace or name holds ".."); rename it or change outputPath`,
        reason: REASON.pathConflict,
        field: "metadata.name",
      }));
      continue;
    }
    if (inputPaths.has(path)) {
      results.push(
        resultAt(object, {
          severity: "error",
          message:
            `Cannot write ${object.kind} "${object.metadata?.name}" to "${path}": that file holds input resources; change config outputPath`,
          reason: REASON.pathConflict,
        }),
      );
      continue;
    }
    const index = nextIndex.get(path) ?? 0;
    nextIndex.set(path, index + 1);
    const annotations: Record<string, string> = {
      ...(object.metadata?.annotations ?? {}),
      [KRM_ANNOTATION.path]: path,
      [KRM_ANNOTATION.index]: String(index),
    };
    if (usesLegacyPaths) {
      annotations[KRM_ANNOTATION.legacyPath] = path;
      annotations[KRM_ANNOTATION.legacyIndex] = String(index);
    }
    const withPath = { ...object, metadata: { ...object.metadata, annotations } };
    out.push(withPath);
    placed.push({ object: withPath, path, source });
  }
  return { items: out, placed, results };
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

/** Marks previews local-config so kustomize and Argo CD never apply them. */
function finish(object: KubeObject, output: MeshServiceOutput): KubeObject {
  if (output !== "preview") return object;
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...(object.metadata?.annotations ?? {}),
        [KRM_ANNOTATION.localConfig]: "true",
      },
    },
  };
}

/** Expands the `outputPath` pattern; empty placeholders collapse their path segment. */
export function layoutPath(
  object: KubeObject,
  options: { outputPath: string; zone: string },
): string {
  const meta = object.metadata ?? {};
  const values: Record<string, string> = {
    mesh: stringAt(meta.labels, LABEL.mesh) ?? "",
    namespace: meta.namespace ?? "",
    kind: String(object.kind ?? "").toLowerCase(),
    name: meta.name ?? "",
    zone: options.zone,
  };
  return options.outputPath
    .replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "")
    .split("/")
    .filter((segment) => segment !== "")
    .join("/");
}

function withOrchestratorAnnotations(next: KubeObject, previous: KubeObject): KubeObject {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(stringMap(previous.metadata?.annotations))) {
    if (
      ORCHESTRATOR_KEYS.has(key as never) || ORCHESTRATOR_PREFIXES.some((p) => key.startsWith(p))
    ) {
      kept[key] = value;
    }
  }
  return {
    ...next,
    metadata: { ...next.metadata, annotations: { ...(next.metadata?.annotations ?? {}), ...kept } },
  };
}

function pathOf(object: KubeObject): string | undefined {
  return annotationOf(object, KRM_ANNOTATION.path) ??
    annotationOf(object, KRM_ANNOTATION.legacyPath);
}

function annotationOf(object: KubeObject, key: string): string | undefined {
  if (!isObject(object) || !isObject(object.metadata)) return undefined;
  const annotations = object.metadata.annotations;
  if (!isObject(annotations)) return undefined;
  const value = annotations[key];
  return typeof value === "string" ? value : undefined;
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
