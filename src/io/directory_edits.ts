/**
 * Directory mode's surgical edits: the input files whose documents the core
 * rewrote (routes, policies, Meshes, workloads), edited in place by
 * `yaml_text/yaml_edit.ts` so comments, key order and the other documents
 * stay as written, Universal YAML fields included.
 *
 * @module
 */

import {
  displayRef,
  isObject,
  isPathAnnotation,
  KRM_ANNOTATION,
  type KubeObject,
  refOf,
  type Result,
  sourceOf,
} from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";

import { TOOL_ANNOTATION } from "../model/tool.ts";
import { REASON, resultAt } from "../results.ts";

import { fromUniversal, isUniversalDocument, isUniversalObject } from "./universal_format.ts";

import { fileError, type ReadItem } from "./directory_read.ts";
import type { Change, DocumentEdit, YamlEditError } from "./yaml_text/yaml_edit.ts";

/** What {@link editedFiles} found. */
export interface EditedFiles {
  /** New text of each input file that holds rewritten documents, by package-relative path. */
  files: Map<string, string>;
  /** The edited document text of each rewritten output item (what `render` prints). */
  documents: Map<KubeObject, string>;
  /** Errors: rewrites that cannot be written back; their files are not in {@link files}. */
  results: Result[];
}

/**
 * The input files whose documents the core rewrote, edited in place.
 *
 * An output item is a rewrite of a read item when it is not owned by the
 * tool, carries the read item's path and index annotations, is a different
 * object, and differs from it once the annotations the reader adds are
 * ignored. Its changes are mapped onto the document as written (Universal
 * YAML fields included) and all edits of a file are applied to its original
 * text (`fileTexts`, by package-relative path) in one pass. `yaml_edit.ts`
 * (and the `yaml` package) is imported only when there is a candidate.
 */
export async function editedFiles(
  readItems: readonly ReadItem[],
  outputItems: readonly KubeObject[],
  fileTexts: ReadonlyMap<string, string>,
): Promise<EditedFiles> {
  const found: EditedFiles = { files: new Map(), documents: new Map(), results: [] };
  const candidates = rewrittenItems(readItems, outputItems, found.results);
  if (candidates.length === 0) return found;

  const yamlEdit = await import("./yaml_text/yaml_edit.ts");
  const byFile = new Map<string, FileEdits>();
  const failedFiles = new Set<string>();
  for (const { read, output } of candidates) {
    const { path, index } = splitPosition(positionOf(read.object)!);
    let after: unknown;
    try {
      after = documentAfter(read, output, yamlEdit);
    } catch (error) {
      if (!(error instanceof UniversalRewriteError)) throw error;
      failedFiles.add(path);
      found.results.push(rewriteError(output, { path, index }, error.message));
      continue;
    }
    if (after === undefined) continue;
    const file: FileEdits = byFile.get(path) ?? { path, edits: [], outputs: new Map() };
    file.edits.push({ index, before: read.original, after });
    file.outputs.set(index, output);
    byFile.set(path, file);
  }
  for (const file of byFile.values()) {
    if (!failedFiles.has(file.path)) editFile(file, { fileTexts, yamlEdit, found });
  }
  return found;
}

/** The document edits of one input file, and the output item of each document. */
interface FileEdits {
  path: string;
  edits: DocumentEdit[];
  outputs: Map<number, KubeObject>;
}

/**
 * The output items that rewrite a read item (same path and index
 * annotations, not owned, a different object), with the read item; a second
 * output item claiming the same document is an error in `results`.
 */
function rewrittenItems(
  readItems: readonly ReadItem[],
  outputItems: readonly KubeObject[],
  results: Result[],
): { read: ReadItem; output: KubeObject }[] {
  // An output item that is a read object is unchanged: most are, so the positions of the read
  // items are only looked at when another one turns up.
  const readObjects = new Set<KubeObject>(readItems.map((item) => item.object));
  let byPosition: Map<string, ReadItem> | undefined;
  const candidates: { read: ReadItem; output: KubeObject }[] = [];
  const claimed = new Map<string, KubeObject>();
  for (const output of outputItems) {
    if (readObjects.has(output) || isOwned(output)) continue;
    byPosition ??= positionsOf(readItems);
    const position = positionOf(output);
    const read = position === undefined ? undefined : byPosition.get(position);
    if (read === undefined || read.object === output) continue;
    const other = claimed.get(position!);
    if (other !== undefined) {
      const { path, index } = splitPosition(position!);
      results.push(
        resultAt(output, {
          severity: "error",
          message: `Cannot write the rewritten ${
            displayRef(refOf(output))
          } back to "${path}" (document ${index}): ${
            displayRef(refOf(other))
          } claims the same document (this is a bug)`,
          reason: REASON.invalidInput,
        }),
      );
      continue;
    }
    claimed.set(position!, output);
    candidates.push({ read, output });
  }
  return candidates;
}

/** The read items by position (path and index). */
function positionsOf(readItems: readonly ReadItem[]): Map<string, ReadItem> {
  const byPosition = new Map<string, ReadItem>();
  for (const item of readItems) {
    const position = positionOf(item.object);
    if (position !== undefined) byPosition.set(position, item);
  }
  return byPosition;
}

/** Applies one file's edits to its text: the new text and documents into `found`, or an error result. */
function editFile(
  file: FileEdits,
  context: {
    fileTexts: ReadonlyMap<string, string>;
    yamlEdit: typeof import("./yaml_text/yaml_edit.ts");
    found: EditedFiles;
  },
): void {
  const { path, edits, outputs } = file;
  const { yamlEdit, found } = context;
  const text = context.fileTexts.get(path);
  if (text === undefined || !isSafeRelative(path)) {
    found.results.push(
      fileError(path, `Cannot rewrite "${path}": it is not a file read from the directory`),
    );
    return;
  }
  let edited: string;
  const documents = new Map<KubeObject, string>();
  try {
    const { text: editedText, sources } = yamlEdit.editDocumentsWithSources(
      text,
      edits,
      outputs.keys(),
    );
    edited = editedText;
    for (const [index, output] of outputs) documents.set(output, sources.get(index)!);
  } catch (error) {
    if (!(error instanceof yamlEdit.YamlEditError)) throw error;
    const index = error.index ?? edits[0]!.index;
    const output = outputs.get(index) ?? outputs.values().next().value!;
    found.results.push(
      rewriteError(
        output,
        { path, index },
        `${error.path === undefined ? "" : `at ${error.path}, `}${error.reason}; ${
          adviceFor(error)
        }`,
      ),
    );
    return;
  }
  if (edited === text) return;
  found.files.set(path, edited);
  for (const [output, document] of documents) found.documents.set(output, document);
}

/** An edit that cannot be made: names the object, file, document and what to do. */
function rewriteError(
  output: KubeObject,
  { path, index }: { path: string; index: number },
  why: string,
): Result {
  const result = resultAt(output, {
    severity: "error",
    message: `Cannot write the rewritten ${
      displayRef(refOf(output))
    } back to "${path}" (document ${index}): ${why}. Nothing was written`,
    reason: REASON.invalidInput,
  });
  result.file = index > 0 ? { path, index } : { path };
  return result;
}

function adviceFor(error: YamlEditError): string {
  switch (error.kind) {
    case "anchor":
      return "rewrite the reference by hand or remove the anchor";
    case "alias":
      return "rewrite the reference by hand or replace the alias with what it stands for";
    case "merge":
      return "rewrite the reference by hand or write the merged keys out";
    case "mismatch":
      return "the file changed while rendering: run again";
    case "internal":
      return "rewrite the reference by hand and report this";
    default:
      return "rewrite the reference by hand";
  }
}

/** `path\0index` of an item's reader annotations, or undefined without a path. */
export function positionOf(object: KubeObject): string | undefined {
  const source = sourceOf(object);
  return source === undefined ? undefined : `${source.path}\0${source.index}`;
}

function splitPosition(position: string): { path: string; index: number } {
  const at = position.lastIndexOf("\0");
  return { path: position.slice(0, at), index: Number(position.slice(at + 1)) };
}

/** Annotations the reader (and `fromUniversal`) add: never compared, never written. */
export function isReaderAnnotation(key: string): boolean {
  return isPathAnnotation(key) || key === TOOL_ANNOTATION.format;
}

/**
 * The object without reader annotations; annotations, labels and metadata
 * maps left empty are dropped, so `{}` and absent compare equal.
 */
function withoutReaderAnnotations(object: KubeObject): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...object };
  if (!isObject(object.metadata)) return copy;
  const metadata: Record<string, unknown> = { ...object.metadata };
  if (isObject(metadata.annotations)) {
    metadata.annotations = Object.fromEntries(
      Object.entries(metadata.annotations).filter(([key]) => !isReaderAnnotation(key)),
    );
  }
  for (const key of ["annotations", "labels"]) {
    const map = metadata[key];
    if (isObject(map) && Object.keys(map).length === 0) delete metadata[key];
  }
  if (Object.keys(metadata).length > 0) copy.metadata = metadata;
  else delete copy.metadata;
  return copy;
}

/** A change of a Universal object that its document form cannot hold. */
class UniversalRewriteError extends Error {}

/** Top-level Universal fields that are not part of `spec` (as `fromUniversal` reads them). */
const UNIVERSAL_FIELDS = new Set([
  "type",
  "name",
  "mesh",
  "labels",
  "creationTime",
  "modificationTime",
]);

/**
 * The document `read.original` with the changes between the read object and
 * `output` applied, or undefined when they differ only in reader annotations.
 */
function documentAfter(
  read: ReadItem,
  output: KubeObject,
  yamlEdit: typeof import("./yaml_text/yaml_edit.ts"),
): unknown {
  const before = withoutReaderAnnotations(read.object);
  const now = withoutReaderAnnotations(output);
  const changes = yamlEdit.diffValues(before, now);
  if (changes.length === 0) return undefined;
  if (!isUniversalDocument(read.original) || !isUniversalObject(read.object)) {
    return yamlEdit.applyChanges(read.original, changes);
  }
  const doc = read.original;
  const mapped = changes.flatMap((change) => universalChanges(change, { before, doc, yamlEdit }));
  const after = yamlEdit.applyChanges(doc, mapped);
  const check = yamlEdit.diffValues(
    withoutReaderAnnotations(fromUniversal(after as Record<string, unknown>)),
    now,
  );
  if (check.length > 0) {
    throw new UniversalRewriteError(
      `Universal YAML cannot hold the change of ${
        check.map((c) => yamlEdit.formatPath(c.path) || "the document").join(", ")
      }`,
    );
  }
  return after;
}

/** What {@link universalChanges} maps against. */
interface UniversalContext {
  /** The read object, reader annotations removed. */
  before: Record<string, unknown>;
  /** The Universal document as written. */
  doc: Record<string, unknown>;
  yamlEdit: typeof import("./yaml_text/yaml_edit.ts");
}

/** Maps an object-level change to the Universal document (`spec.x` is `x` when the document has no `spec` key). */
function universalChanges(change: Change, context: UniversalContext): Change[] {
  const { before, doc, yamlEdit } = context;
  const to = (path: Change["path"]): Change => ({ ...change, path });
  /** Splits a change of a whole map into changes of its keys. */
  const byKey = (): Change[] => {
    let old: unknown = before;
    for (const segment of change.path) old = isObject(old) ? old[segment as string] : undefined;
    const next = change.op === "set" ? change.value : undefined;
    if ((old !== undefined && !isObject(old)) || (next !== undefined && !isObject(next))) {
      throw new UniversalRewriteError(
        `Universal YAML cannot hold ${yamlEdit.formatPath(change.path)} as a non-map`,
      );
    }
    const split: Change[] = [];
    for (const key of Object.keys(old ?? {})) {
      if (next?.[key] === undefined) split.push({ op: "delete", path: [...change.path, key] });
    }
    for (const [key, value] of Object.entries(next ?? {})) {
      if (value !== undefined && !yamlEdit.jsonEqual(old?.[key], value)) {
        split.push({ op: "set", path: [...change.path, key], value });
      }
    }
    return split.flatMap((part) => universalChanges(part, context));
  };
  const cannot = (what: string) =>
    new UniversalRewriteError(`Universal YAML has no place for ${what}`);
  const [head, ...rest] = change.path;
  if (head === undefined) return byKey();
  if (head === "kind" && rest.length === 0 && change.op === "set") return [to(["type"])];
  if (head === "mesh") return [change];
  if (head === "spec") {
    if ("spec" in doc) return [change];
    const [field] = rest;
    if (field === undefined) return byKey();
    if (typeof field !== "string" || UNIVERSAL_FIELDS.has(field) || field === "spec") {
      throw cannot(`the spec field "${field}" next to the top-level field of that name`);
    }
    return [to(rest)];
  }
  if (head === "metadata") {
    const [field, ...more] = rest;
    if (field === undefined) return byKey();
    if (field === "name" && more.length === 0) return [to(["name"])];
    if (field === "creationTimestamp" && more.length === 0) return [to(["creationTime"])];
    if (field === "labels") return more.length === 0 ? byKey() : [to(["labels", ...more])];
    if (field === "annotations") {
      const [key] = more;
      if (key === undefined) return byKey();
      if (key === KRM_ANNOTATION.localConfig) return [to(["labels", ...more])];
      throw cannot(`the annotation "${key}" (Universal YAML has labels only)`);
    }
    throw cannot(`metadata.${String(field)}`);
  }
  throw cannot(`the field "${String(head)}"`);
}

/** A package-relative path that stays inside the package. */
export function isSafeRelative(path: string): boolean {
  if (path.startsWith("/")) return false;
  return !path.includes("..") || !path.split("/").includes("..");
}
