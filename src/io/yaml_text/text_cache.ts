/**
 * A small direct-mapped cache of strings cut from a text, for the fast YAML
 * reader (src/io/krm_reader.ts): a string found here is returned as the
 * string cut the first time, so text that recurs on every item (keys, `v1`,
 * `"0"`, a mesh name) costs no new string that lives as long as the parsed
 * input, and, used as a property name, no hashing of a new string. A slot
 * holds one string; another string of the same slot replaces it. What a
 * string stands for (a key, a plain value, the inside of quotes) is the
 * caller's: one cache per meaning.
 *
 * @module
 */

const SLOTS = 1024;

/** Strings of a text by their characters; see the module comment. */
export class TextCache {
  /** Made on first use: a one-item run then allocates less (it stayed under its first scavenge). */
  #slots: (string | undefined)[] | undefined;

  /** The remembered string equal to `text.slice(start, end)`, else `undefined`. */
  recall(text: string, start: number, end: number): string | undefined {
    const known = this.#slots?.[slotOf(text, start, end)];
    return known !== undefined && known.length === end - start && text.startsWith(known, start)
      ? known
      : undefined;
  }

  /** Remembers `value`, which must equal `text.slice(start, start + value.length)`. */
  remember(text: string, start: number, value: string): void {
    this.#slots ??= new Array(SLOTS).fill(undefined);
    this.#slots[slotOf(text, start, start + value.length)] = value;
  }
}

/** The slot of `text.slice(start, end)`: its length and first, middle and last characters. */
function slotOf(text: string, start: number, end: number): number {
  return ((end - start) * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1) * 131 +
    text.charCodeAt(start + ((end - start) >> 1)) * 17) & (SLOTS - 1);
}
