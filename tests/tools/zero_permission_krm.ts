/**
 * Runs KRM function mode once per input inside one process, for
 * tests/permissions_test.ts: started with `deno run --no-prompt` and no
 * permission flag, it proves each input renders without any permission while
 * paying for one process start instead of one per input.
 *
 * stdin: JSON `{"inputs": [base64, ...]}`. stdout: JSON
 * `{"permissions": {name: state}, "outcomes": [{code, stdout, stderr}, ...]}`,
 * one outcome per input, in order. Each input goes through `runKrmFunction`,
 * the function `mod.ts` runs with no arguments, on in-memory streams; an
 * exception is caught and reported as that input's stderr (`Uncaught ...`,
 * exit 70), so one failing input does not hide the others.
 *
 * @module
 */

import { runKrmFunction } from "../../src/io/krm_stdio.ts";

/** What one input gave. */
export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** The driver's answer. */
export interface BatchOutput {
  /** Each permission's state as this process sees it ("granted" would be a bug). */
  permissions: Record<string, string>;
  outcomes: Outcome[];
}

const PERMISSIONS = ["read", "write", "net", "env", "run", "ffi", "sys", "import"] as const;

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function collector(): { stream: WritableStream<Uint8Array>; text: () => string } {
  const chunks: Uint8Array[] = [];
  const stream = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  return { stream, text: () => new TextDecoder().decode(concat(chunks)) };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

async function runOne(bytes: Uint8Array): Promise<Outcome> {
  const stdout = collector();
  const stderr = collector();
  try {
    const code = await runKrmFunction({
      stdin: new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(),
      stdout: stdout.stream,
      stderr: stderr.stream,
      colour: false,
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { code: 70, stdout: stdout.text(), stderr: `${stderr.text()}Uncaught ${message}\n` };
  }
}

if (import.meta.main) {
  const request = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
    inputs: string[];
  };
  const permissions: Record<string, string> = {};
  for (const name of PERMISSIONS) permissions[name] = Deno.permissions.querySync({ name }).state;
  const outcomes: Outcome[] = [];
  for (const input of request.inputs) outcomes.push(await runOne(fromBase64(input)));
  const answer: BatchOutput = { permissions, outcomes };
  const writer = Deno.stdout.writable.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(answer)));
  await writer.close();
}
