/**
 * `helm-post-renderer`: Helm's post-renderer contract (Helm 3,
 * `helm install|upgrade|template --post-renderer EXECUTABLE
 * [--post-renderer-args ARG]...`). Helm writes every rendered manifest of
 * the release to the executable's stdin as one multi-document YAML stream
 * (`---`, a `# Source: <chart>/templates/<file>` comment, the document) and
 * installs what the executable prints on stdout; a non-zero exit fails the
 * release with the executable's stderr in Helm's error.
 *
 * Like `generate`, it prints what the cluster should get: every input
 * document (unchanged ones as Helm wrote them, rewritten routes and
 * policies re-serialized), generated items for apply, and no local-config
 * item (MeshService previews, the tool's config) and no build-tool config.
 * Any error result, unreadable input and empty output exit 1 with a message
 * on stderr and nothing on stdout: Helm must never install an empty release
 * because a render failed.
 *
 * @module
 */

import { CONFIG_API_VERSION, CONFIG_KIND } from "../config.ts";
import {
  isObject,
  KRM_ANNOTATION,
  type KubeObject,
  RESOURCE_LIST_API_VERSION,
  sourceOf,
  withoutPathAnnotations,
  withSource,
} from "../model/krm.ts";
import { isOwned } from "../model/inventory.ts";
import { isBuildConfig } from "../model/manifest.ts";
import { exitCodeOf } from "../results.ts";
import { renderResourceList } from "../transform.ts";
import { type Print, runStream, type StreamIo, type StreamOutcome } from "./stream_adapter.ts";
import { formatResults } from "./terminal.ts";
import { readDocuments, readYaml, stringifyYaml, YamlSyntaxError } from "./yaml.ts";

/** Options of {@link runHelmPostRenderer}. */
export interface HelmPostRendererOptions extends StreamIo {
  /** Function config file; default: a RenderMeshServices object in the stream, else defaults. */
  config?: string | undefined;
  colour?: boolean | undefined;
}

/** One document of Helm's stream with the text Helm wrote for it. */
interface Chunk {
  doc: unknown;
  /** `---`-less text of the document, its `# Source:` comment included. */
  text: string;
  source: string | undefined;
}

/** Runs the post-renderer once; returns the exit code. */
export function runHelmPostRenderer(options: HelmPostRendererOptions): Promise<number> {
  return runStream({ render: (input) => postRendered(input, options) }, options);
}

/** Helm's manifests in, what the cluster gets out (or a failure on stderr and nothing on stdout). */
async function postRendered(
  bytes: Uint8Array,
  options: HelmPostRendererOptions,
): Promise<StreamOutcome> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return failure("cannot read stdin: it is not valid UTF-8");
  }
  if (text.trim() === "") {
    return failure("Helm piped no manifests on stdin: nothing to render, refusing empty output");
  }
  let chunks: Chunk[];
  try {
    chunks = chunksOf(text);
  } catch (error) {
    return failure(`cannot parse the rendered manifests: ${describeError(error)}`);
  }
  let functionConfig: unknown;
  if (options.config !== undefined) {
    try {
      functionConfig = readYaml(await Deno.readTextFile(options.config));
    } catch (error) {
      return failure(`cannot read config "${options.config}": ${describeError(error)}`);
    }
  }
  const inputs: { item: unknown; chunk: Chunk }[] = [];
  const perSource = new Map<string, number>();
  for (const chunk of chunks) {
    const doc = chunk.doc;
    if (isObject(doc) && doc.kind === CONFIG_KIND && doc.apiVersion === CONFIG_API_VERSION) {
      functionConfig ??= doc;
      continue;
    }
    inputs.push({ item: positioned(doc, chunk.source, perSource), chunk });
  }
  const { resourceList } = renderResourceList({
    apiVersion: RESOURCE_LIST_API_VERSION,
    kind: "ResourceList",
    items: inputs.map((i) => i.item),
    ...(functionConfig !== undefined ? { functionConfig } : {}),
  });
  const results = resourceList.results ?? [];
  const printed: Print = {
    to: "stderr",
    text: formatResults(results, { colour: options.colour ?? false }),
  };
  if (exitCodeOf(results) === 1) {
    return failure("rendered nothing: fix the errors above first", printed);
  }
  const docs = clusterDocuments(resourceList.items, new Map(inputs.map((i) => [i.item, i.chunk])));
  if (docs.length === 0) {
    return failure(
      "rendered no resources to apply: refusing empty output, which Helm would install as an empty release",
      printed,
    );
  }
  return { prints: [printed, { to: "stdout", text: docs.map((d) => `---\n${d}`) }], code: 0 };
}

/**
 * The text of every output item the cluster should get: the input text for
 * unchanged items, the serialized object (with its `# Source:` comment)
 * for rewritten and generated ones; no local-config item, no build config.
 */
function clusterDocuments(items: readonly unknown[], original: Map<unknown, Chunk>): string[] {
  const docs: string[] = [];
  for (const item of items) {
    const chunk = original.get(item);
    const localConfig = isObject(item) && isObject(item.metadata) &&
      isObject(item.metadata.annotations) &&
      item.metadata.annotations[KRM_ANNOTATION.localConfig] === "true";
    if (localConfig || (isObject(item) && isBuildConfig(item))) continue;
    if (chunk !== undefined) {
      docs.push(chunk.text);
      continue;
    }
    if (!isObject(item)) continue;
    docs.push(sourceComment(item) + stringifyYaml(withoutPathAnnotations(item)));
  }
  return docs;
}

/** Exit 1 with `message` on stderr, after what `before` prints. */
function failure(message: string, before?: Print): StreamOutcome {
  const prints: Print[] = before ? [before] : [];
  prints.push({ to: "stderr", text: `meshservice-krm helm-post-renderer: ${message}\n` });
  return { prints, code: 1 };
}

/** `# Source:` of a rewritten item (its template) or a generated one (`meshservice-krm/<layout path>`). */
function sourceComment(item: KubeObject): string {
  const source = sourceOf(item)?.path;
  if (source === undefined) return "";
  return `# Source: ${isOwned(item) ? `meshservice-krm/${source}` : source}\n`;
}

/**
 * Helm's stream split at its `---` lines, each document with its text and
 * `# Source:` comment. A stream that cannot be split that way (a `---` line
 * with content after it) is parsed as a whole, without texts.
 */
function chunksOf(text: string): Chunk[] {
  const lines = text.split(/(?<=\n)/);
  if (lines.some((line) => /^---[ \t]+[^#\s]/.test(line))) {
    return nonEmpty(readDocuments(text)).map((doc) => ({
      doc,
      text: stringifyYaml(doc),
      source: undefined,
    }));
  }
  const parts: string[] = [];
  let current = "";
  for (const line of lines) {
    if (/^---[ \t]*(#.*)?\r?\n?$/.test(line)) {
      parts.push(current);
      current = "";
    } else current += line;
  }
  parts.push(current);
  const chunks: Chunk[] = [];
  for (const part of parts) {
    const source = /^# Source: (.+)$/m.exec(part)?.[1]?.trim();
    let docs: unknown[];
    try {
      docs = nonEmpty(readDocuments(part));
    } catch (error) {
      throw new Error(`${source ? `"${source}": ` : ""}${describeError(error)}`);
    }
    if (docs.length === 0) continue;
    const body = part.endsWith("\n") ? part : `${part}\n`;
    chunks.push({ doc: docs[0], text: body, source });
  }
  return chunks;
}

/** The document with the template file as its path annotation, so results name the template. */
function positioned(
  doc: unknown,
  source: string | undefined,
  perSource: Map<string, number>,
): unknown {
  if (!isObject(doc) || source === undefined) return doc;
  const index = perSource.get(source) ?? 0;
  perSource.set(source, index + 1);
  return withSource(doc, { path: source, index });
}

function nonEmpty(docs: unknown[]): unknown[] {
  return docs.filter((doc) => doc !== null && doc !== undefined);
}

function describeError(error: unknown): string {
  if (error instanceof YamlSyntaxError && error.line) {
    return `${error.message} (line ${error.line})`;
  }
  return error instanceof Error ? error.message : String(error);
}
