/**
 * KRM function mode: one ResourceList on stdin, one on stdout, results also
 * on stderr, exit code 1 exactly when an error result exists. Needs no
 * permissions.
 *
 * @module
 */

import { isOwned } from "../model/inventory.ts";
import { GENERATED_COMMENT } from "../model/tool.ts";
import {
  isObject,
  type KubeObject,
  RESOURCE_LIST_API_VERSION,
  type ResourceList,
  type Result,
  sourceOf,
} from "../model/krm.ts";
import {
  findItemSpans,
  firstKeyOf,
  type ItemSpans,
  itemSpansFromStarts,
} from "./yaml_text/item_spans.ts";
import { readItemWise } from "./yaml_text/item_wise_reader.ts";
import { readFastItems } from "./krm_reader.ts";
import { decodeUtf8, isPlainAscii } from "./yaml_text/input_bytes.ts";
import { editItemText } from "./yaml_text/krm_edit.ts";
import { emitEntry } from "./plain_yaml.ts";
import { blockYaml } from "./js_yaml_block.ts";
import { exitCodeOf, REASON } from "../results.ts";
import { formatResultsCapped } from "./stderr_results.ts";
import { renderResourceList } from "../transform.ts";
import { readYaml, stringifyYaml, YamlSyntaxError } from "./yaml.ts";
import { type Print, runStream, type StreamCommand, type StreamIo } from "./stream_adapter.ts";

/** Streams a run uses; each defaults to the process's own (read and written synchronously). */
export interface Streams extends StreamIo {
  /** Colour result lines on stderr (a terminal without NO_COLOR). */
  colour?: boolean;
}

/**
 * Input size from which the fast reader's character check is made on the
 * bytes, four at a time (src/io/yaml_text/input_bytes.ts): below it one
 * regular-expression search of the text is faster, while the byte loop
 * still runs cold (measured crossover: about 6 MB).
 */
const BYTE_CHECK_FROM = 8 << 20;

/** Set by kpt (`fn render`, `fn eval`) on every item it sends; kustomize does not set it. */
const KPT_PACKAGE_PATH = "internal.config.kubernetes.io/package-path";

/** Runs the function once; returns the exit code. */
export function runKrmFunction(streams: Streams = {}): Promise<number> {
  return runStream(krmCommand({ colour: streams.colour ?? false }), streams);
}

/**
 * The KRM function as a stream command: the output ResourceList on stdout,
 * then the results that are not info on stderr (unless kpt sent the input:
 * kpt prints the results of the output ResourceList itself, once is enough).
 */
export function krmCommand(options: { colour: boolean }): StreamCommand {
  return {
    render(input) {
      const { parts, results, kpt } = processInput(input);
      const loud = kpt ? [] : results.filter((r) => r.severity !== "info");
      const prints: Print[] = [{ to: "stdout", text: parts }];
      if (loud.length > 0) {
        prints.push({
          to: "stderr",
          text: formatResultsCapped(loud, {
            colour: options.colour,
            hint: "see the results of the output ResourceList",
          }),
        });
      }
      return { prints, code: exitCodeOf(results) };
    },
  };
}

/** Output of {@link processBytes}: the ResourceList text and its results. */
export interface ProcessedList {
  text: string;
  results: Result[];
  /** The input came from kpt (its items carry kpt's package-path annotation). */
  kpt?: boolean;
}

/** Decodes, parses, renders and serializes; every failure becomes an error result. */
export function processBytes(bytes: Uint8Array): Promise<ProcessedList> {
  const { parts, ...rest } = processInput(bytes);
  return Promise.resolve({ text: [...parts].join(""), ...rest });
}

/** {@link processBytes}, with the output text as parts produced while they are printed. */
interface ProcessedParts {
  parts: Iterable<string>;
  results: Result[];
  kpt?: boolean;
}

function processInput(bytes: Uint8Array): ProcessedParts {
  const text = decodeInput(bytes);
  if (typeof text !== "string") return text;
  let parsed: unknown;
  let itemStarts: number[] | undefined;
  let spans: ItemSpans | undefined;
  try {
    const fast = readSingleFast(text, bytes.length >= BYTE_CHECK_FROM && isPlainAscii(bytes));
    // Else item by item (one item outside the fast path no longer sends every item to the full reader).
    const itemWise = fast ? undefined : readItemWise(text);
    if (fast) ({ parsed, itemStarts } = fast);
    else if (itemWise) ({ parsed, spans } = itemWise);
    else parsed = readYaml(text);
  } catch (error) {
    const line = error instanceof YamlSyntaxError && error.line ? ` at line ${error.line}` : "";
    return serialized(
      failure(
        `Cannot parse input as YAML${line}: ${
          error instanceof Error ? error.message : String(error)
        }`,
      ),
    );
  }
  const output = renderResourceList(parsed, { text }).resourceList;
  const inputItems = isObject(parsed) && Array.isArray(parsed.items)
    ? parsed.items as unknown[]
    : [];
  return {
    parts: keptItemParts({ text, inputItems, itemStarts, spans }, output),
    results: output.results ?? [],
    kpt: inputItems.some((item) =>
      isObject(item) && isObject(item.metadata) && isObject(item.metadata.annotations) &&
      typeof item.metadata.annotations[KPT_PACKAGE_PATH] === "string"
    ),
  };
}

/**
 * The input read by the fast reader when it takes it and it is one document
 * (else `undefined`: {@link readYaml} reads it, or reports the error), with
 * where its items start.
 */
function readSingleFast(
  text: string,
  plainAscii: boolean,
): { parsed: unknown; itemStarts: number[] } | undefined {
  let fast: ReturnType<typeof readFastItems>;
  try {
    fast = readFastItems(text, { plainAscii });
  } catch {
    return undefined;
  }
  if (!fast || fast.documents.length !== 1) return undefined;
  return { parsed: fast.documents[0], itemStarts: fast.itemStarts };
}

/** The input as text, or the failure to print when it is not UTF-8 or empty. */
function decodeInput(bytes: Uint8Array): string | ProcessedParts {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return serialized(failure("Cannot read input: it is not valid UTF-8"));
  }
  if (text.trim() === "") {
    return serialized(failure("Cannot read input: stdin is empty, expected a ResourceList"));
  }
  return text;
}

/**
 * Serializes the output, writing every item that passed through unchanged as
 * its original text (quoting, flow style and comments intact), and only
 * generated or replaced items through the YAML serializer.
 */
function* keptItemParts(
  input: {
    text: string;
    inputItems: readonly unknown[];
    itemStarts: number[] | undefined;
    /** The item texts, when the reader cut them. */
    spans?: ItemSpans | undefined;
  },
  output: ResourceList,
): Generator<string> {
  const { text, inputItems, itemStarts } = input;
  const firstKeys = inputItems.map(firstKeyOf);
  const spans = inputItems.length === 0
    ? undefined
    : input.spans
    ? input.spans
    : itemStarts
    ? itemSpansFromStarts(text, itemStarts, firstKeys)
    : findItemSpans(text, firstKeys);
  if (!spans) {
    yield stringifyYaml(output);
    return;
  }
  // Where each input item is in the input (the last place, should one object be there twice).
  const indexOf = new Map<unknown, number>();
  inputItems.forEach((item, i) => indexOf.set(item, i));
  const edited = rewrittenSources(inputItems, output.items, indexOf);
  yield `apiVersion: ${output.apiVersion}\nkind: ${output.kind}\n`;
  yield output.items.length === 0 ? "items: []\n" : "items:\n";
  for (const item of output.items) {
    const kept = indexOf.get(item);
    if (kept !== undefined) {
      yield spans.spans[kept]!;
      continue;
    }
    // A rewritten input item: its text edited, so untouched values stay as written.
    const source = edited.get(item);
    const text = source === undefined
      ? undefined
      : editItemText(spans.spans[source]!, inputItems[source], item);
    yield text ?? emitEntry(item, spans.indent, headCommentOf(item));
  }
  if (output.results && output.results.length > 0) {
    // js-yaml's bytes without js-yaml's first dump (2 ms of a small run), or js-yaml itself.
    const section = { results: output.results };
    yield blockYaml(section) ?? stringifyYaml(section);
  }
}

/** The generated-file comment, on the first item of each generated file (kpt writes it at the top). */
function headCommentOf(item: KubeObject): string | undefined {
  if (!isOwned(item)) return undefined;
  return sourceOf(item)?.index === 0 ? GENERATED_COMMENT : undefined;
}

/**
 * For each output item that replaces an input item the tool does not own (a
 * rewritten route or policy), the index of that input item: the first input
 * of the same apiVersion, kind, namespace and name that is not itself in the
 * output (rewritten items keep their place in the list).
 */
function rewrittenSources(
  inputItems: readonly unknown[],
  outputItems: readonly unknown[],
  indexOf: ReadonlyMap<unknown, number>,
): Map<unknown, number> {
  // Input items that are output items, flagged at their index in `indexOf`.
  const kept = new Uint8Array(inputItems.length);
  for (const item of outputItems) {
    const i = indexOf.get(item);
    if (i !== undefined) kept[i] = 1;
  }
  const pending = new Map<string, number[]>();
  // The kinds of the pending items: an output item of another kind matches none (no key built).
  const kinds = new Kinds();
  inputItems.forEach((item, i) => {
    if (kept[indexOf.get(item)!] === 1 || !isObject(item) || isOwned(item as KubeObject)) return;
    const key = identityKey(item);
    pending.set(key, [...(pending.get(key) ?? []), i]);
    kinds.add(item.kind);
  });
  const sources = new Map<unknown, number>();
  if (pending.size === 0) return sources;
  for (const item of outputItems) {
    if (indexOf.has(item) || !isObject(item) || !kinds.has(item.kind)) continue;
    const queue = pending.get(identityKey(item));
    const index = queue?.shift();
    if (index !== undefined) sources.set(item, index);
  }
  return sources;
}

/**
 * A set of kinds as {@link identityKey} sees them, equal exactly when their
 * JSON is: strings as they are (no key string built for the common case),
 * anything else by its JSON.
 */
class Kinds {
  readonly #strings = new Set<string>();
  readonly #others = new Set<string>();

  add(kind: unknown): void {
    if (typeof kind === "string") this.#strings.add(kind);
    else this.#others.add(JSON.stringify([kind]));
  }

  has(kind: unknown): boolean {
    return typeof kind === "string"
      ? this.#strings.has(kind)
      : this.#others.size > 0 && this.#others.has(JSON.stringify([kind]));
  }
}

function identityKey(item: Record<string, unknown>): string {
  const metadata = isObject(item.metadata) ? item.metadata : {};
  return JSON.stringify([item.apiVersion, item.kind, metadata.namespace, metadata.name]);
}

function serialized(list: ResourceList): ProcessedParts {
  return { parts: [stringifyYaml(list)], results: list.results ?? [] };
}

function failure(message: string): ResourceList {
  const result: Result = { message, severity: "error", tags: { reason: REASON.invalidInput } };
  return {
    apiVersion: RESOURCE_LIST_API_VERSION,
    kind: "ResourceList",
    items: [],
    results: [result],
  };
}

/** Writes text to a stream without closing it. */
export async function writeAll(stream: WritableStream<Uint8Array>, text: string): Promise<void> {
  const writer = stream.getWriter();
  try {
    await writer.write(new TextEncoder().encode(text));
  } finally {
    writer.releaseLock();
  }
}
