/**
 * A second thread for directory mode's file reads and writes on large trees.
 * With Deno's `-R`/`-W` flags every file system call resolves its path
 * component by component for the permission check (a `readlink` each): at
 * 20,000 files, reads and writes are a third of a run, while the main thread
 * has other work meanwhile (parsing the files already read, writing its own
 * share). The worker runs from a source built here from the functions below
 * (a Blob URL: no module to resolve, so it runs the same under `deno run
 * mod.ts` and in the single-file bundle) and has the process's permissions,
 * so it reads and writes exactly what the main thread could.
 *
 * Reads: the worker reads from the first file on, posting the texts in
 * batches, each decoded by {@link readUtf8} (the same function runs in the
 * worker) or the error it threw; when the main thread needs a text the
 * worker has not read yet, it reads a file from the other end itself instead
 * of waiting (a shared lock over the two ends), so a busy second core costs
 * nothing. Writes: a share of a staging folder's new files (`createNew`),
 * written while the main thread writes the rest; the first failure stops the
 * share and is reported with its index, and a share can be stopped between
 * two files ({@link WriteShare.stop}), which is how a signal's undo waits for
 * the worker before removing what it wrote. If the worker dies, reads are
 * finished on the main thread and a running write share reports a failure.
 *
 * @module
 */

/** Trees with at least this many files read (and a fresh `--out` writes) on a second thread. */
export const THREAD_THRESHOLD = 4_000;

/**
 * A file's text as a strict UTF-8 decoder reads it: invalid UTF-8 an error
 * (a `TypeError`), a byte order mark kept (the reader drops it, and knows
 * the file had one). `readTextFileSync` (one call, no byte array) decodes
 * leniently, so a text holding U+FFFD is read again as bytes.
 * Self-contained (no outer name): the worker runs its source text.
 */
export function readUtf8(path: string): string {
  const text = Deno.readTextFileSync(path);
  if (!text.includes("\ufffd")) return text;
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Deno.readFileSync(path));
}

/**
 * A file's text read on this thread, or the error reading it threw: by
 * {@link readUtf8}, or `lenient` as `Deno.readTextFileSync` decodes (what a
 * compare with the text to write reads, see `TreeView.prefetch`).
 */
export function readHere(path: string, lenient = false): string | Error {
  try {
    return lenient ? Deno.readTextFileSync(path) : readUtf8(path);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** An error as it crosses threads: its class (as far as callers test it) and message. */
interface ErrorData {
  class: "NotFound" | "TypeError" | "Error";
  message: string;
}

interface ReadRequest {
  op: "read";
  id: number;
  paths: string[];
  /** Decode as `Deno.readTextFileSync` does (else {@link readUtf8}). */
  lenient: boolean;
  control: SharedArrayBuffer;
}

interface WriteRequest {
  op: "write";
  id: number;
  paths: string[];
  texts: string[];
  /** Paths (one per file) the process must be allowed to write, checked before each file. */
  allowed: string[] | undefined;
  control: SharedArrayBuffer;
}

/** A failure of one file of a write share; `"denied"`: its `allowed` path may not be written. */
interface WriteFailure {
  index: number;
  error: ErrorData | "denied";
}

/** Messages from the worker: a batch of read texts, or the end of a write share. */
type Reply =
  | { id: number; first: number; texts: (string | ErrorData)[] }
  | { id: number; failed?: WriteFailure };

/** Posts a reply to the main thread (the worker's `postMessage`). */
type Post = (reply: Reply) => void;

/** Slots of a read's control array (Int32), see {@link workerRead}. */
const LOCK = 0;
const FRONT = 1;
const BACK = 2;
const POSTED = 3;

/** Slots of a write share's control array (Int32), see {@link workerWrite}. */
const STOP = 0;
const WRITTEN = 1;
const IDLE = 2;

/** An error as {@link ErrorData} (run in the worker: no outer name). */
function errorData(error: unknown): ErrorData {
  return {
    class: error instanceof Deno.errors.NotFound
      ? "NotFound"
      : error instanceof TypeError
      ? "TypeError"
      : "Error",
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * The worker's reads (run in the worker: no outer name but its parameters).
 * The control slots: 0 a spin lock over slots 1 and 2, the first and one
 * past the last file nobody has claimed (the worker claims at the front,
 * the main thread at the back); 3 how many files from the first the worker
 * has posted.
 */
function workerRead(
  request: ReadRequest,
  helpers: { read: (path: string) => string; errorData: typeof errorData; post: Post },
): void {
  const { errorData, post } = helpers;
  const read = request.lenient ? (path: string) => Deno.readTextFileSync(path) : helpers.read;
  const control = new Int32Array(request.control);
  const claim = (): number => {
    while (Atomics.compareExchange(control, 0, 0, 1) !== 0);
    const front = Atomics.load(control, 1);
    const index = front < Atomics.load(control, 2) ? front : -1;
    if (index >= 0) Atomics.store(control, 1, front + 1);
    Atomics.store(control, 0, 0);
    return index;
  };
  // Small batches first, so the main thread starts parsing at once; larger ones after.
  let size = 8;
  let first = 0;
  let texts: (string | ErrorData)[] = [];
  const flush = () => {
    post({ id: request.id, first, texts });
    first += texts.length;
    Atomics.store(control, 3, first);
    texts = [];
  };
  for (let index = claim(); index >= 0; index = claim()) {
    try {
      texts.push(read(request.paths[index]!));
    } catch (error) {
      texts.push(errorData(error));
    }
    if (texts.length >= size) {
      flush();
      size = Math.min(size * 2, 256);
    }
  }
  flush();
}

/**
 * The worker's write share (run in the worker: no outer name but its
 * parameters). The control slots: 0 set by the main thread to stop, 1 the
 * files written so far, 2 set (and notified) once the loop is left.
 */
function workerWrite(
  request: WriteRequest,
  helpers: { errorData: typeof errorData; post: Post },
): void {
  const control = new Int32Array(request.control);
  let failed: WriteFailure | undefined;
  for (let index = 0; index < request.paths.length; index++) {
    if (Atomics.load(control, 0) === 1) break;
    const allowed = request.allowed?.[index];
    if (
      allowed !== undefined &&
      Deno.permissions.querySync({ name: "write", path: allowed }).state !== "granted"
    ) {
      failed = { index, error: "denied" };
      break;
    }
    try {
      Deno.writeTextFileSync(request.paths[index]!, request.texts[index]!, { createNew: true });
    } catch (error) {
      failed = { index, error: helpers.errorData(error) };
      break;
    }
    Atomics.add(control, 1, 1);
  }
  Atomics.store(control, 2, 1);
  Atomics.notify(control, 2);
  helpers.post(failed === undefined ? { id: request.id } : { id: request.id, failed });
}

/** The worker's entry: dispatches each request (run in the worker: no outer name but its parameters). */
function workerMain(
  read: (path: string) => string,
  errorData: (error: unknown) => ErrorData,
  run: { read: typeof workerRead; write: typeof workerWrite },
): void {
  const scope = globalThis as unknown as {
    onmessage: (event: MessageEvent<ReadRequest | WriteRequest>) => void;
    postMessage: Post;
  };
  const post: Post = (reply) => scope.postMessage(reply);
  scope.onmessage = (event) => {
    const request = event.data;
    if (request.op === "read") run.read(request, { read, errorData, post });
    else run.write(request, { errorData, post });
  };
}

/** The worker's source: {@link workerMain} called with the functions it runs. */
const WORKER_SOURCE =
  `(${workerMain})(${readUtf8}, ${errorData}, { read: ${workerRead}, write: ${workerWrite} });\n`;

/** The error a thread reported, rebuilt with the class callers test (`NotFound`, `TypeError`). */
function errorOf(data: ErrorData): Error {
  if (data.class === "NotFound") return new Deno.errors.NotFound(data.message);
  if (data.class === "TypeError") return new TypeError(data.message);
  return new Error(data.message);
}

/** The texts of a list of files, in order: each a text or the error reading it threw. */
export interface TextQueue {
  /** The next file's text or error; a promise when it is still being read elsewhere. */
  next(): string | Error | Promise<string | Error>;
}

/** A share of files a worker writes; see {@link FileThread.write}. */
export interface WriteShare {
  /** How many of the share's files are on disk so far. */
  written(): number;
  /**
   * Resolves when the share is done: `undefined`, or the first file that
   * failed with its error (`"denied"`: the process may not write its
   * `allowed` path; index -1: the worker died).
   */
  done: Promise<{ index: number; error: Error | "denied" } | undefined>;
  /**
   * Stops the share between two files and waits (synchronously, at most
   * `waitMs`) until the worker has left its loop: after it, the worker
   * writes nothing more.
   */
  stop(waitMs?: number): void;
}

/** Receives a request's replies; `undefined` when the worker has ended. */
type Handler = (reply: Reply | undefined) => void;

/** A worker for file reads and writes; {@link FileThread.close} ends it. */
export class FileThread {
  readonly #worker: Worker;
  readonly #url: string;
  readonly #handlers = new Map<number, Handler>();
  #nextId = 0;
  #ended = false;
  #failure: string | undefined;

  /** Starts the worker (about 10 ms on this thread; the rest of its start-up is its own). */
  constructor() {
    this.#url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    this.#worker = new Worker(this.#url, { type: "module" });
    this.#worker.onmessage = (event: MessageEvent<Reply>) =>
      this.#handlers.get(event.data.id)?.(event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault(); // The run goes on without the worker.
      this.#failure ??= event.message || "an error without a message";
      this.#end();
    };
  }

  /**
   * Reads `paths` (as given: relative to the working directory, or absolute)
   * with {@link readUtf8} (`lenient`: as `Deno.readTextFileSync` decodes),
   * the worker from the first, this thread from the last whenever the next
   * text is not there yet and files are left.
   */
  read(paths: readonly string[], lenient = false): TextQueue {
    const id = this.#nextId++;
    const control = new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
    const slots = new Int32Array(control);
    Atomics.store(slots, BACK, paths.length);
    const texts: (string | ErrorData | Error | undefined)[] = new Array(paths.length);
    let received = 0;
    let ended = this.#ended;
    let wake: (() => void) | undefined;
    this.#handlers.set(id, (reply) => {
      if (reply === undefined) ended = true;
      else {
        const { first, texts: batch } = reply as Extract<Reply, { first: number }>;
        for (let i = 0; i < batch.length; i++) texts[first + i] = batch[i];
        received = first + batch.length;
      }
      wake?.();
    });
    if (!ended) {
      const request: ReadRequest = { op: "read", id, paths: [...paths], lenient, control };
      this.#worker.postMessage(request);
    }
    const claimBack = (): number => {
      while (Atomics.compareExchange(slots, LOCK, 0, 1) !== 0);
      const back = Atomics.load(slots, BACK);
      const index = Atomics.load(slots, FRONT) < back ? back - 1 : -1;
      if (index >= 0) Atomics.store(slots, BACK, index);
      Atomics.store(slots, LOCK, 0);
      return index;
    };
    let at = 0;
    const ready = () => at < received || texts[at] !== undefined;
    const take = (): string | Error => {
      const got = texts[at]!;
      texts[at++] = undefined;
      if (at === paths.length) this.#handlers.delete(id);
      return typeof got === "string" || got instanceof Error ? got : errorOf(got);
    };
    const next = async (): Promise<string | Error> => {
      while (!ready()) {
        // Posted but not delivered yet: wait for it; else read one from the back meanwhile.
        const index = ended ? at : at < Atomics.load(slots, POSTED) ? -1 : claimBack();
        if (index >= 0) texts[index] = readHere(paths[index]!, lenient);
        else await new Promise<void>((resolve) => (wake = resolve));
      }
      return take();
    };
    return { next: () => (ready() ? take() : next()) };
  }

  /**
   * Writes each new file (`createNew`) of `files` (path → text), in order;
   * with `allowed` (one path per file), first checks that the process may
   * write that path. See {@link WriteShare}.
   */
  write(
    files: readonly (readonly [string, string])[],
    allowed?: readonly string[],
  ): WriteShare {
    const id = this.#nextId++;
    const control = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const slots = new Int32Array(control);
    const done = new Promise<{ index: number; error: Error | "denied" } | undefined>((resolve) => {
      this.#handlers.set(id, (reply) => {
        this.#handlers.delete(id);
        if (reply === undefined) {
          return resolve({ index: -1, error: new Error("the file thread ended") });
        }
        const failed = (reply as { failed?: WriteFailure }).failed;
        if (failed === undefined) return resolve(undefined);
        const { index, error } = failed;
        resolve({ index, error: error === "denied" ? error : errorOf(error) });
      });
    });
    const request: WriteRequest = {
      op: "write",
      id,
      paths: files.map(([path]) => path),
      texts: files.map(([, text]) => text),
      allowed: allowed === undefined ? undefined : [...allowed],
      control,
    };
    if (this.#ended) this.#handlers.get(id)?.(undefined);
    else this.#worker.postMessage(request);
    return {
      written: () => Atomics.load(slots, WRITTEN),
      done,
      stop: (waitMs = 5_000) => {
        Atomics.store(slots, STOP, 1);
        if (!this.#ended) Atomics.wait(slots, IDLE, 0, waitMs);
      },
    };
  }

  /** Why the worker stopped on its own (an error in it), if it did. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Ends the worker; a read still running is finished on this thread. */
  close(): void {
    if (this.#ended) return;
    this.#worker.terminate();
    URL.revokeObjectURL(this.#url);
    this.#end();
  }

  #end(): void {
    this.#ended = true;
    for (const handler of [...this.#handlers.values()]) handler(undefined);
  }
}

/**
 * The thread of one directory run, started the first time a phase has at
 * least `threshold` files; {@link RunThread.close} ends it when the run is done.
 */
export class RunThread {
  readonly #threshold: number;
  #thread: FileThread | undefined;

  constructor(threshold: number = THREAD_THRESHOLD) {
    this.#threshold = threshold;
  }

  /** The thread for a phase of `files` files, or `undefined` when that phase is small. */
  for(files: number): FileThread | undefined {
    if (files < this.#threshold) return undefined;
    this.#thread ??= new FileThread();
    return this.#thread;
  }

  /** Why the thread stopped on its own, if it was started and did. */
  get failure(): string | undefined {
    return this.#thread?.failure;
  }

  /** Ends the thread, if one was started. */
  close(): void {
    this.#thread?.close();
    this.#thread = undefined;
  }
}
