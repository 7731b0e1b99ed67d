/**
 * Kuma's name hashing: the KDS hashed name of synced resources
 * (`pkg/kds/hash/hash.go`) and the per-pod MeshService name of headless
 * Services (`pkg/util/k8s/name_converter.go`, `meshservice_controller.go`).
 *
 * @module
 */

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const encoder = new TextEncoder();

/** Kubernetes `rand.SafeEncodeString`: maps every character into a vowel-free alphabet. */
export function safeEncode(value: string): string {
  if (value.length > 256) return safeEncodeCodePoints(value);
  // One string from the codes (the digests are short), not one per character.
  const codes = new Array<number>(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A surrogate pair is one character: the slow path takes whole code points.
    if (code >= 0xd800 && code <= 0xdfff) return safeEncodeCodePoints(value);
    codes[i] = SAFE_ALPHABET.charCodeAt(code % SAFE_ALPHABET.length);
  }
  return String.fromCharCode(...codes);
}

function safeEncodeCodePoints(value: string): string {
  let out = "";
  for (const ch of value) {
    out += SAFE_ALPHABET[(ch.codePointAt(0) ?? 0) % SAFE_ALPHABET.length];
  }
  return out;
}

/** FNV-1a 32-bit over the concatenated UTF-8 bytes of `parts`. */
export function fnv32a(parts: readonly string[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    for (const byte of encoder.encode(part)) {
      hash ^= byte;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  }
  return hash >>> 0;
}

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a 64-bit over the concatenated UTF-8 bytes of `parts`. */
export function fnv64a(parts: readonly string[]): bigint {
  let hash = FNV64_OFFSET;
  for (const part of parts) {
    for (const byte of encoder.encode(part)) {
      hash ^= BigInt(byte);
      hash = (hash * FNV64_PRIME) & MASK64;
    }
  }
  return hash;
}

/**
 * {@link fnv64a} as 16 hex digits, in plain numbers: the hash is four 16-bit
 * limbs, and multiplying by the prime 2^40 + 0x1b3 is a multiply of each limb
 * by 0x1b3 plus the low limbs shifted up by 40 bits. About 6x faster than
 * BigInt arithmetic, and every synced MeshService view hashes its name.
 */
export function fnv64aHex(parts: readonly string[]): string {
  let h0 = 0x2325, h1 = 0x8422, h2 = 0x9ce4, h3 = 0xcbf2; // FNV64_OFFSET, low limb first
  for (const part of parts) {
    // ASCII is its own UTF-8; anything else is encoded first.
    let bytes: Uint8Array | undefined;
    for (let i = 0; i < part.length; i++) {
      if (part.charCodeAt(i) >= 0x80) {
        bytes = encoder.encode(part);
        break;
      }
    }
    const n = bytes ? bytes.length : part.length;
    for (let i = 0; i < n; i++) {
      h0 ^= bytes ? bytes[i]! : part.charCodeAt(i);
      const r0 = h0 * 0x1b3;
      const r1 = h1 * 0x1b3 + (r0 >>> 16);
      const r2 = h2 * 0x1b3 + (h0 << 8) + (r1 >>> 16);
      const r3 = h3 * 0x1b3 + (h1 << 8) + (r2 >>> 16);
      h0 = r0 & 0xffff;
      h1 = r1 & 0xffff;
      h2 = r2 & 0xffff;
      h3 = r3 & 0xffff;
    }
  }
  return hex32(h3, h2) + hex32(h1, h0);
}

/** Two 16-bit limbs as 8 lowercase hex digits (what `toString(16).padStart(8, "0")` gives). */
function hex32(high: number, low: number): string {
  return String.fromCharCode(
    HEX[high >>> 12]!,
    HEX[(high >>> 8) & 15]!,
    HEX[(high >>> 4) & 15]!,
    HEX[high & 15]!,
    HEX[low >>> 12]!,
    HEX[(low >>> 8) & 15]!,
    HEX[(low >>> 4) & 15]!,
    HEX[low & 15]!,
  );
}

/** Character codes of the hex digits. */
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** Longest name prefix Kuma keeps before the 17-character hash suffix. */
const HASHED_NAME_PREFIX_LIMIT = 253 - 17;

/**
 * Kuma's KDS `HashedName(mesh, name, ...extra)`: the name a synced resource
 * gets on the global control plane and in every other zone.
 */
export function hashedName(mesh: string, name: string, ...extra: string[]): string {
  const digest = fnv64aHex([mesh, name, ...extra]);
  const prefix = truncateBytes(name, HASHED_NAME_PREFIX_LIMIT);
  return `${prefix}-${safeEncode(digest)}`;
}

/** Longest string `HashToString` returns. */
export const MAX_HASH_STRING_LENGTH = 10;

/**
 * Name of the MeshService Kuma's controller creates for one Pod of a headless
 * Service.
 */
export function headlessMeshServiceName(
  podName: string,
  serviceName: string,
  serviceNamespace: string,
): string {
  const parts = [serviceName, serviceNamespace];
  let prefix = podName;
  if (byteLength(podName) + MAX_HASH_STRING_LENGTH + 1 > 63) {
    parts.push(podName);
    prefix = truncateBytes(podName, 63 - MAX_HASH_STRING_LENGTH - 1);
  }
  return `${prefix}-${safeEncode(String(fnv32a(parts)))}`;
}

function byteLength(value: string): number {
  return encoder.encode(value).length;
}

function truncateBytes(value: string, limit: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short names need no encoding.
  if (value.length * 3 <= limit) return value;
  const bytes = encoder.encode(value);
  if (bytes.length <= limit) return value;
  return new TextDecoder().decode(bytes.slice(0, limit));
}
