/**
 * Benchmark baseline: the cheapest possible KRM "function" on the same YAML
 * path as meshservice-krm (js-yaml `load`, then `dump` with the options of
 * src/io/yaml.ts). Reads stdin, writes the same document to stdout.
 *
 * @module
 */

import { dump, load } from "js-yaml";

const bytes = new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
const output = dump(load(text), { lineWidth: -1, noRefs: true, quoteStyle: "double" });
const writer = Deno.stdout.writable.getWriter();
await writer.write(new TextEncoder().encode(output));
writer.releaseLock();
