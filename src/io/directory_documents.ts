/**
 * Directory mode's document texts: the files the generated items belong in
 * (`render --out`, `check`), and how each output item prints (`render`,
 * `generate`): a rewritten input item as its edited text, an unchanged input
 * item as it was read, a generated item in kpt's layout.
 *
 * @module
 */

import { type KubeObject, sourceOf } from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { emitDocument } from "./plain_yaml.ts";
import { GENERATED_HEADER } from "./directory_output.ts";
import type { ReadItem } from "./directory_read.ts";
import {
  type EditedFiles,
  isReaderAnnotation,
  isSafeRelative,
  positionOf,
} from "./directory_edits.ts";
import { isUniversalObject, toUniversal } from "./universal_format.ts";
import { stringifyYaml } from "./yaml.ts";

/** The files the generated items belong in, keyed by package-relative path. */
export function renderedFiles(items: readonly KubeObject[]): Map<string, string> {
  const byPath = new Map<string, { index: number; text: string }[]>();
  for (const item of items) {
    if (!isOwned(item)) continue;
    const source = sourceOf(item);
    if (source === undefined || !isSafeRelative(source.path)) continue;
    const list = byPath.get(source.path) ?? [];
    list.push({ index: source.index, text: flat(documentOf(item)) });
    byPath.set(source.path, list);
  }
  const files = new Map<string, string>();
  for (const path of [...byPath.keys()].sort()) {
    const docs = byPath.get(path)!.sort((a, b) => a.index - b.index).map((d) => d.text);
    files.set(path, GENERATED_HEADER + docs.join("---\n"));
  }
  return files;
}

/**
 * `text` as one flat string. The emitter builds a text by appending short
 * pieces (a rope of hundreds of nodes a document); a rope kept until the
 * compare or the write is copied by every garbage collection in between:
 * flattened at once, the 20,000 files of a large tree cost half the time.
 * Converting a string to a number flattens it in V8; the text is unchanged.
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/**
 * How each output item prints: a rewritten input item as its edited text, an
 * input item whose only changes were reader annotations as it was read, a
 * generated item without reader annotations.
 */
export function documentTexts(
  readItems: readonly ReadItem[],
  edits: EditedFiles,
): (item: KubeObject) => string {
  const originals = new Map(readItems.map((r) => [r.object, r.original]));
  const byPosition = new Map(readItems.map((r) => [positionOf(r.object), r]));
  return (item) => {
    const edited = edits.documents.get(item);
    if (edited !== undefined) return edited;
    if (originals.has(item)) return stringifyYaml(originals.get(item));
    const position = positionOf(item);
    const unchanged = isOwned(item) || position === undefined
      ? undefined
      : byPosition.get(position);
    return unchanged ? stringifyYaml(unchanged.original) : documentOf(item);
  };
}

/** A generated item as written to a file: Universal form when its source was, orchestrator annotations removed. */
function documentOf(item: KubeObject): string {
  if (isUniversalObject(item)) return stringifyYaml(toUniversal(item));
  // Copied key by key, never with `delete` (which leaves objects slow to walk): annotations
  // without the reader's, in their place, and left out when none remain.
  const given: Record<string, unknown> = item.metadata?.annotations ?? {};
  const annotations: Record<string, unknown> = {};
  let kept = 0;
  for (const key in given) {
    if (!Object.hasOwn(given, key) || isReaderAnnotation(key)) continue;
    annotations[key] = given[key];
    kept++;
  }
  const source: Record<string, unknown> = item.metadata ?? {};
  const metadata: Record<string, unknown> = {};
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    if (key !== "annotations") metadata[key] = source[key];
    else if (kept > 0) metadata.annotations = annotations;
  }
  // kpt's layout (kyaml), so a package rendered by kpt is up to date for check.
  return emitDocument({ ...item, metadata });
}
