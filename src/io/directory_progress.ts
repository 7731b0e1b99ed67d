/**
 * Progress lines while directory mode reads or writes a large tree: a count
 * and an estimate of the time left, at most one line a second (the first
 * after a second), so a quick run prints none of them.
 *
 * @module
 */

/** Receives progress lines (stderr in the CLI). */
export type Progress = (line: string) => Promise<void>;

/** Reports how far a phase is: called with the items done so far. */
export type Tick = (done: number) => Promise<void> | undefined;

/** Options of {@link progressTicker}. */
export interface TickerOptions {
  /** What the phase does, as the line's first word (`Reading`, `Writing`). */
  verb: string;
  /** How many items the phase has. */
  total: number;
  /** Least time between two lines, in milliseconds (default 1,000). */
  everyMs?: number | undefined;
  /** The clock, in milliseconds (default `performance.now`). */
  now?: () => number;
}

/**
 * A {@link Tick} that prints `Reading: 5,000 of 20,000 file(s), about 3 s
 * left` through `progress` when `everyMs` has passed since the phase started
 * or since the last line; it returns `undefined` (nothing to await) when it
 * prints nothing.
 *
 * @example
 * ```ts
 * import { progressTicker } from "./directory_progress.ts";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * let clock = 0;
 * const tick = progressTicker((line) => Promise.resolve(void lines.push(line)), {
 *   verb: "Reading",
 *   total: 4,
 *   now: () => clock,
 * });
 * clock = 1000;
 * await tick(1);
 * assert.deepEqual(lines, ["Reading: 1 of 4 file(s), about 3 s left"]);
 * ```
 */
export function progressTicker(progress: Progress, options: TickerOptions): Tick {
  const now = options.now ?? (() => performance.now());
  const every = options.everyMs ?? 1000;
  const started = now();
  let last = started;
  return (done) => {
    const at = now();
    if (at - last < every || done <= 0 || done >= options.total) return undefined;
    last = at;
    const left = Math.ceil(((at - started) / done) * (options.total - done) / 1000);
    return progress(
      `${options.verb}: ${count(done)} of ${count(options.total)} file(s), about ${left} s left`,
    );
  };
}

function count(n: number): string {
  return n.toLocaleString("en-US");
}
