/**
 * The stream adapter behind the KRM function, the kustomize legacy plugin
 * and the Helm post-renderer (src/io/stream_adapter.ts): stdin read to its
 * end whatever the read sizes, output encoded part by part into a reused
 * buffer without splitting a character, short and would-block writes
 * finished, `prepare` ending a run before stdin is read; and the KRM
 * function's stdout, as a subprocess, byte for byte what processBytes
 * renders for an output of several buffers with multi-byte characters.
 *
 * @module
 */

import assert from "node:assert/strict";
import { encodedChunks, readAllSync, runStream, writeAllTo } from "../src/io/stream_adapter.ts";
import { processBytes } from "../src/io/krm_stdio.ts";
import { DENO, MOD_TS, run } from "./e2e_support.ts";

/** A reader handing out `bytes` at most `step` bytes per read. */
function chunkedReader(bytes: Uint8Array, step: number) {
  let at = 0;
  return {
    readSync(p: Uint8Array): number | null {
      if (at === bytes.length) return null;
      const n = Math.min(step, p.length, bytes.length - at);
      p.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
}

function concat(copies: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(copies.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of copies) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

Deno.test("readAllSync reads to the end across short reads and buffer growth", () => {
  const bytes = new Uint8Array(300_001).map((_, i) => (i * 7) % 251);
  for (const step of [1_000, 65_536, 1 << 20]) {
    assert.deepEqual(readAllSync(chunkedReader(bytes, step)), bytes, `reads of ${step} bytes`);
  }
  assert.equal(readAllSync(chunkedReader(new Uint8Array(0), 10)).length, 0);
});

Deno.test("encodedChunks never splits a character, whatever falls on a buffer boundary", () => {
  // Parts of 1-, 2-, 3- and 4-byte characters adding up to several 1 MiB buffers, so
  // that characters of every width land on a boundary; one part too big for the buffer.
  const parts: string[] = [];
  for (let i = 0; i < 40_000; i++) parts.push(`a${"é".repeat(i % 5)}€😀-${i}\n`);
  parts.push("€".repeat(400_000));
  parts.push("", "tail 😀\n");
  const text = parts.join("");
  // Each chunk is copied before the next is asked for: the buffer is reused.
  const chunks: Uint8Array[] = [];
  for (const chunk of encodedChunks(parts)) chunks.push(chunk.slice());
  assert.ok(chunks.length > 2, `${chunks.length} chunks`);
  for (const chunk of chunks) {
    // A chunk that ends inside a character does not decode on its own.
    new TextDecoder("utf-8", { fatal: true }).decode(chunk);
  }
  assert.equal(new TextDecoder().decode(concat(chunks)), text);
  assert.deepEqual([...encodedChunks("")], []);
});

Deno.test("writeAllTo finishes short writes and falls back to async writes when a write would block", async () => {
  const written: number[] = [];
  let calls = 0;
  const target = {
    writeSync(p: Uint8Array): number {
      calls++;
      if (calls === 2) throw new Deno.errors.WouldBlock("would block");
      const n = Math.min(3, p.length);
      written.push(...p.subarray(0, n));
      return n;
    },
    write(p: Uint8Array): Promise<number> {
      written.push(...p.subarray(0, 4));
      return Promise.resolve(Math.min(4, p.length));
    },
  };
  const bytes = new Uint8Array(20).map((_, i) => i);
  await writeAllTo(target, bytes);
  assert.deepEqual(written, [...bytes]);
});

Deno.test("runStream: an outcome of prepare ends the run without reading stdin", async () => {
  const stdin = new ReadableStream<Uint8Array>();
  let err = "";
  const code = await runStream({
    prepare: () => ({ prints: [{ to: "stderr", text: "bad config\n" }], code: 1 }),
    render: () => {
      throw new Error("must not render");
    },
  }, {
    stdin,
    stdout: new WritableStream(),
    stderr: new WritableStream({ write: (c) => void (err += new TextDecoder().decode(c)) }),
  });
  assert.equal(code, 1);
  assert.equal(err, "bad config\n");
  assert.equal(stdin.locked, false, "stdin was never read");
});

Deno.test("runStream prints the outcome in order, parts joined, to the given streams", async () => {
  const seen: string[] = [];
  const sink = (name: string) =>
    new WritableStream<Uint8Array>({
      write: (c) => void seen.push(`${name}:${new TextDecoder().decode(c)}`),
    });
  const code = await runStream({
    render: (input) => ({
      prints: [
        { to: "stdout", text: ["got ", new TextDecoder().decode(input), "\n"] },
        { to: "stderr", text: "done\n" },
        { to: "stderr", text: [] },
      ],
      code: 3,
    }),
  }, {
    stdin: new Blob(["héllo"]).stream(),
    stdout: sink("out"),
    stderr: sink("err"),
  });
  assert.equal(code, 3);
  assert.deepEqual(seen, ["out:got héllo\n", "err:done\n"]);
});

Deno.test("KRM mode's stdout is byte for byte what processBytes renders, over several output buffers", async () => {
  const items: string[] = [];
  for (let i = 0; i < 3_000; i++) {
    items.push(`  - apiVersion: v1
    kind: Service
    metadata:
      name: svc-${i}
      namespace: shop
      annotations:
        note: "Grüße 😀 ${"€".repeat(i % 7)}"
    spec:
      selector:
        app: svc-${i}
      ports:
        - port: 80
`);
  }
  const input = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${
    items.join("")
  }`;
  const expected = (await processBytes(new TextEncoder().encode(input))).text;
  assert.ok(new TextEncoder().encode(expected).length > 2 * (1 << 20), "output spans buffers");
  const output = await run(DENO, ["run", "--no-prompt", MOD_TS], { stdin: input });
  assert.equal(output.code, 0, output.stderr);
  assert.equal(output.stdout, expected);
});
