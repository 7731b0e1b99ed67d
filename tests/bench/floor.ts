/**
 * Benchmark floors: the cheapest whole processes on the same data as the
 * function, for the bench's floor rows. `deno run floor.ts MODE < input`:
 *
 * - `copy`: read stdin and write it to stdout (Deno read + write);
 * - `json`: read stdin and `JSON.parse` it (the input is the list as JSON);
 * - `load`: read stdin, decode it and `js-yaml` `load` it (no dump).
 *
 * @module
 */

import { load } from "js-yaml";

const mode = Deno.args[0];
const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
if (mode === "copy") {
  const writer = Deno.stdout.writable.getWriter();
  await writer.write(bytes);
  writer.releaseLock();
} else {
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  const value = mode === "json" ? JSON.parse(text) : load(text);
  if (value === undefined) throw new Error("nothing read");
}
