/**
 * The input bytes of a KRM run as text, cheaply: a UTF-8 decode and, for
 * plain ASCII input (what kpt and kustomize usually send), a proof that the
 * text holds none of the characters the fast reader leaves to the full
 * parser, found on the bytes in one pass instead of searching the text for
 * each of them.
 *
 * @module
 */

/**
 * `bytes` decoded as UTF-8 with a leading byte order mark dropped, exactly as
 * a fatal `TextDecoder` decodes them; `undefined` when they are not UTF-8.
 *
 * The replacing decoder is about three times faster than the fatal one on a
 * large input; its text equals the fatal one's whenever it holds no U+FFFD
 * (the only character it writes for bytes that are not UTF-8). A text with a
 * U+FFFD is decoded again by the fatal decoder, which decides.
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  const text = new TextDecoder("utf-8").decode(bytes);
  if (!text.includes("\ufffd")) return text;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * True when every byte is a printable ASCII character (0x20 to 0x7e) or a
 * line feed: the text decoded from such bytes has no tab, carriage return,
 * control character, byte order mark or line separator. False says nothing.
 *
 * Four bytes at a time: with no byte at 0x80 or above, adding 0x60, 0x01 or
 * 0x7f to each byte of a word carries into no other byte, so bit 7 of each
 * byte of `x + 0x60606060` says the byte is at least 0x20, of
 * `x + 0x01010101` that it is 0x7f, and of `(x ^ 0x0a0a0a0a) + 0x7f7f7f7f`
 * that it is not a line feed. A byte at 0x80 or above sets bit 7 of `x`
 * itself, which fails the check whatever the other terms hold.
 */
export function isPlainAscii(bytes: Uint8Array): boolean {
  // Whole groups of four words, read through an aligned view (else every byte one by one).
  const aligned = bytes.byteOffset % 4 === 0;
  const words = aligned ? (bytes.length >> 4) << 2 : 0;
  const view = aligned ? new Int32Array(bytes.buffer, bytes.byteOffset, words) : new Int32Array(0);
  let bad = 0;
  for (let i = 0; i < words; i += 4) {
    const a = view[i]!;
    const b = view[i + 1]!;
    const c = view[i + 2]!;
    const d = view[i + 3]!;
    bad |= a | b | c | d | outside(a) | outside(b) | outside(c) | outside(d);
  }
  if ((bad & 0x80808080) !== 0) return false;
  for (let i = words * 4; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if ((byte < 0x20 && byte !== 0x0a) || byte > 0x7e) return false;
  }
  return true;
}

/** Bit 7 of each byte of `x` (all below 0x80) set where that byte is below 0x20 but no line feed, or 0x7f. */
function outside(x: number): number {
  return (~(x + 0x60606060) & ((x ^ 0x0a0a0a0a) + 0x7f7f7f7f)) | (x + 0x01010101);
}
