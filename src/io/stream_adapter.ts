/**
 * The one stream adapter behind every stdin command (the KRM function, the
 * kustomize legacy plugin, the Helm post-renderer): read all of stdin,
 * render, print, return the exit code. Each command only says how to turn
 * the input bytes into what to print ({@link StreamCommand}).
 *
 * The process's own stdio is read and written synchronously (no stream
 * machinery at start, no copy of the whole output through a stream writer);
 * streams given in {@link StreamIo} (tests running a command in process) are
 * used as they are. Output text is encoded piece by piece into one reused
 * buffer, so a large output is never held as one joined string nor as one
 * byte array.
 *
 * @module
 */

/** Text for one stream: one string, or parts printed one after another without joining. */
export type Printed = string | Iterable<string>;

/** One thing to print. */
export interface Print {
  to: "stdout" | "stderr";
  text: Printed;
}

/** What a command prints, in order, and its exit code. */
export interface StreamOutcome {
  prints: Print[];
  code: number;
}

/** A command run by {@link runStream}. */
export interface StreamCommand {
  /**
   * Work before stdin is read (reading a config file). An outcome ends the
   * run there, without reading stdin.
   */
  prepare?(): StreamOutcome | undefined | Promise<StreamOutcome | undefined>;
  /** Turns all of stdin into what to print. */
  render(input: Uint8Array): StreamOutcome | Promise<StreamOutcome>;
}

/** Streams to use instead of the process's stdio (each defaults to the process's own). */
export interface StreamIo {
  stdin?: ReadableStream<Uint8Array> | undefined;
  stdout?: WritableStream<Uint8Array> | undefined;
  stderr?: WritableStream<Uint8Array> | undefined;
}

/** Reads all of stdin, renders it with `command`, prints the outcome; returns the exit code. */
export async function runStream(command: StreamCommand, io: StreamIo = {}): Promise<number> {
  const early = await command.prepare?.();
  const outcome = early ?? await command.render(await readInput(io.stdin));
  for (const print of outcome.prints) {
    await printText(print.text, print.to === "stdout" ? io.stdout : io.stderr, print.to);
  }
  return outcome.code;
}

/** All of `stream`, or of the process's stdin (read synchronously) when none is given. */
export async function readInput(stream?: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  if (stream !== undefined) return new Uint8Array(await new Response(stream).arrayBuffer());
  return readAllSync(Deno.stdin);
}

/** Reads `reader` to its end with synchronous reads into one growing buffer. */
export function readAllSync(reader: { readSync(p: Uint8Array): number | null }): Uint8Array {
  let buffer = new Uint8Array(1 << 16);
  let used = 0;
  for (;;) {
    if (used === buffer.length) {
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer);
      buffer = bigger;
    }
    const read = reader.readSync(buffer.subarray(used));
    if (read === null) return buffer.subarray(0, used);
    used += read;
  }
}

/** Size of the buffer output text is encoded into before it is written. */
const CHUNK = 1 << 20;

/**
 * Writes `text` to `stream` (in one write, as the stream's reader may decode
 * each chunk alone), or to the process's stdout or stderr (`fallback`) when
 * no stream is given. Nothing is written for an empty text.
 */
export async function printText(
  text: Printed,
  stream: WritableStream<Uint8Array> | undefined,
  fallback: "stdout" | "stderr" = "stdout",
): Promise<void> {
  if (stream !== undefined) {
    const whole = typeof text === "string" ? text : [...text].join("");
    if (whole === "") return;
    const writer = stream.getWriter();
    try {
      await writer.write(new TextEncoder().encode(whole));
    } finally {
      writer.releaseLock();
    }
    return;
  }
  const target = fallback === "stdout" ? Deno.stdout : Deno.stderr;
  for (const bytes of encodedChunks(text)) await writeAllTo(target, bytes);
}

/** What {@link writeAllTo} writes to: Deno.stdout and Deno.stderr. */
export interface Output {
  writeSync(p: Uint8Array): number;
  write(p: Uint8Array): Promise<number>;
}

/**
 * Writes all of `bytes` with synchronous writes; a descriptor left
 * non-blocking by the parent (a write would block) gets the rest through
 * asynchronous writes instead.
 */
export async function writeAllTo(target: Output, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += target.writeSync(bytes.subarray(at));
    } catch (error) {
      if (!(error instanceof Deno.errors.WouldBlock)) throw error;
      at += await target.write(bytes.subarray(at));
    }
  }
}

/**
 * The parts of `text` as UTF-8, encoded into one reused {@link CHUNK}-sized
 * buffer: each yielded array is only valid until the next one is asked for.
 */
export function* encodedChunks(text: Printed): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  const buffer = new Uint8Array(CHUNK);
  let used = 0;
  for (const part of typeof text === "string" ? [text] : text) {
    if (part.length * 3 > CHUNK) {
      if (used > 0) yield buffer.subarray(0, used);
      used = 0;
      yield encoder.encode(part);
      continue;
    }
    let rest = part;
    for (;;) {
      const { read, written } = encoder.encodeInto(rest, buffer.subarray(used));
      used += written;
      if (read === rest.length) break;
      rest = rest.slice(read);
      yield buffer.subarray(0, used);
      used = 0;
    }
  }
  if (used > 0) yield buffer.subarray(0, used);
}
