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

/** Longest name prefix Kuma keeps before the 17-character hash suffix. */
const HASHED_NAME_PREFIX_LIMIT = 253 - 17;

/**
 * Kuma's KDS `HashedName(mesh, name, ...extra)`: the name a synced resource
 * gets on the global control plane and in every other zone.
 */
export function hashedName(mesh: string, name: string, ...extra: string[]): string {
  const digest = fnv64a([mesh, name, ...extra]).toString(16).padStart(16, "0");
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
  const bytes = encoder.encode(value);
  if (bytes.length <= limit) return value;
  return new TextDecoder().decode(bytes.slice(0, limit));
}
