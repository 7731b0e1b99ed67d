/**
 * The cheap input decoding of KRM mode (src/io/yaml_text/input_bytes.ts)
 * against the plain definitions: `decodeUtf8` must give exactly what a fatal
 * UTF-8 `TextDecoder` gives (or fail where it throws), and `isPlainAscii`
 * must hold exactly when every byte is printable ASCII or a line feed, at
 * every length and offset (the word-at-a-time loop, the byte tail, an
 * unaligned view). And the KRM function must still refuse bytes that are not
 * UTF-8, and read a text with tabs or control characters through the full
 * reader.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeUtf8, isPlainAscii } from "../src/io/yaml_text/input_bytes.ts";
import { processBytes } from "../src/io/krm_stdio.ts";
import { readYaml } from "../src/io/yaml.ts";

const RUNS = Number(Deno.env.get("FC_RUNS") ?? 300);
const SEED = Deno.env.get("FC_SEED");

function params(numRuns = RUNS): fc.Parameters<unknown> {
  return { numRuns, ...(SEED !== undefined ? { seed: Number(SEED) } : {}) };
}

function fatal(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function plainByDefinition(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0x0a || (b >= 0x20 && b <= 0x7e));
}

/** Mostly printable ASCII, with any byte, line feeds and UTF-8 pieces mixed in. */
const byte = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.constant(0x0a) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x0d, 0x1f, 0x7f, 0x80, 0xc2, 0xff) },
);
const UTF8_PIECES = ["\ufeff", "\ufffd", "é", "\u2028", "\x85", "😀", "\x7f"].map((s) =>
  Array.from(new TextEncoder().encode(s))
);
const chunk = fc.oneof(
  { weight: 6, arbitrary: fc.array(byte, { maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...UTF8_PIECES) },
  // Truncated or stray continuation bytes: not UTF-8.
  { weight: 1, arbitrary: fc.constantFrom([0xe2, 0x80], [0x80], [0xef, 0xbb], [0xf0, 0x9f, 0x98]) },
);
/** Byte arrays, viewed at offset 0 to 3 of their buffer. */
const bytesArb = fc.tuple(fc.array(chunk, { maxLength: 12 }), fc.integer({ min: 0, max: 3 })).map(
  ([chunks, offset]) => {
    const flat = chunks.flat();
    const buffer = new Uint8Array(flat.length + offset);
    buffer.set(flat, offset);
    return buffer.subarray(offset);
  },
);

Deno.test("decodeUtf8 decodes exactly as a fatal TextDecoder, BOM and U+FFFD included", () => {
  fc.assert(
    fc.property(bytesArb, (bytes) => {
      assert.equal(decodeUtf8(bytes), fatal(bytes));
    }),
    params(RUNS * 5),
  );
  const encode = (s: string) => new TextEncoder().encode(s);
  assert.equal(decodeUtf8(encode("\ufeffa: 1\n")), "a: 1\n");
  assert.equal(decodeUtf8(encode("a: \ufffd\n")), "a: \ufffd\n");
  assert.equal(decodeUtf8(new Uint8Array([0x61, 0xff, 0x0a])), undefined);
});

Deno.test("isPlainAscii holds exactly when every byte is printable ASCII or a line feed", () => {
  fc.assert(
    fc.property(bytesArb, (bytes) => {
      assert.equal(isPlainAscii(bytes), plainByDefinition(bytes), JSON.stringify([...bytes]));
    }),
    params(RUNS * 5),
  );
  // Every byte value at every place of a 37-byte array (words, tail), aligned and not.
  for (const offset of [0, 1]) {
    const buffer = new Uint8Array(37 + offset).fill(0x61, offset);
    const bytes = buffer.subarray(offset);
    assert.equal(isPlainAscii(bytes), true);
    for (let at = 0; at < bytes.length; at++) {
      for (let value = 0; value < 256; value++) {
        bytes[at] = value;
        assert.equal(isPlainAscii(bytes), plainByDefinition(bytes), `byte ${value} at ${at}`);
      }
      bytes[at] = 0x61;
    }
  }
});

Deno.test("KRM mode refuses input that is not UTF-8, even with a U+FFFD in it", async () => {
  const text = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n# \ufffd\n";
  const valid = new TextEncoder().encode(text);
  assert.equal((await processBytes(valid)).results.some((r) => r.severity === "error"), false);
  const broken = new Uint8Array([...valid, 0xc3]);
  const { results } = await processBytes(broken);
  assert.match(results[0]?.message ?? "", /not valid UTF-8/);
});

Deno.test("KRM mode reads a ResourceList with a tab or a control character as the full reader does", async () => {
  const base = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: v1",
    "  kind: ConfigMap",
    "  metadata:",
    "    name: x",
    "  data:",
    '    a: "t\\tb"',
    "",
  ].join("\n");
  for (const odd of ["\t", "\x7f", "\x85", "\u2028"]) {
    // An odd character in a double-quoted value: the full reader reads it, the value stays.
    const text = base.replace('"t\\tb"', `"t${odd}b"`);
    const { text: out, results } = await processBytes(new TextEncoder().encode(text));
    assert.equal(results.some((r) => r.severity === "error"), false, JSON.stringify(results));
    const list = readYaml(out) as { items: { data: { a: string } }[] };
    assert.equal(list.items[0]?.data.a, `t${odd}b`);
  }
  // A tab before a key's colon: the full reader drops it, the fast path would keep it in the key.
  const service = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: v1",
    "  kind: Service",
    "  metadata:",
    "    name\t: web",
    "    namespace: shop",
    "  spec:",
    "    selector:",
    "      app: web",
    "    ports:",
    "    - port: 80",
    "",
  ].join("\n");
  // Small, and past the size from which the check is made on the bytes (a long comment line).
  for (const padding of ["", `# ${"x".repeat(9 << 20)}\n`]) {
    const { text: out } = await processBytes(new TextEncoder().encode(service + padding));
    const list = readYaml(out) as { items: { kind: string; metadata: { name: string } }[] };
    const generated = list.items.filter((item) => item.kind === "MeshService");
    assert.deepEqual(generated.map((item) => item.metadata.name), ["web"]);
  }
});
