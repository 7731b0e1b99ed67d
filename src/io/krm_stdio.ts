/**
 * KRM function mode: one ResourceList on stdin, one on stdout, results also
 * on stderr, exit code 1 exactly when an error result exists. Needs no
 * permissions.
 *
 * @module
 */

import { RESOURCE_LIST_API_VERSION, type ResourceList, type Result } from "../model/krm.ts";
import { exitCodeOf, formatResult, REASON } from "../results.ts";
import { render } from "../transform.ts";
import { parseYaml, stringifyYaml, YamlSyntaxError } from "./yaml.ts";

/** Streams a run uses. */
export interface Streams {
  stdin: ReadableStream<Uint8Array>;
  stdout: WritableStream<Uint8Array>;
  stderr: WritableStream<Uint8Array>;
}

/** Runs the function once; returns the exit code. */
export async function runKrmFunction(streams: Streams): Promise<number> {
  const bytes = new Uint8Array(await new Response(streams.stdin).arrayBuffer());
  const output = await processBytes(bytes);
  await writeAll(streams.stdout, stringifyYaml(output));
  const loud = (output.results ?? []).filter((r) => r.severity !== "info");
  if (loud.length > 0) await writeAll(streams.stderr, loud.map(formatResult).join("\n") + "\n");
  return exitCodeOf(output.results ?? []);
}

/** Decodes, parses and renders; every failure becomes an error result. */
export async function processBytes(bytes: Uint8Array): Promise<ResourceList> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return failure("Cannot read input: it is not valid UTF-8");
  }
  if (text.trim() === "") {
    return failure("Cannot read input: stdin is empty, expected a ResourceList");
  }
  let parsed: unknown;
  try {
    parsed = await parseYaml(text);
  } catch (error) {
    const line = error instanceof YamlSyntaxError && error.line ? ` at line ${error.line}` : "";
    return failure(
      `Cannot parse input as YAML${line}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  return render(parsed).resourceList;
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
