import assert from "node:assert/strict";
import {
  fnv32a,
  fnv64a,
  fnv64aHex,
  hashedName,
  headlessMeshServiceName,
  safeEncode,
} from "./hash.ts";

Deno.test("hashedName() matches Kuma's KDS test vectors", () => {
  assert.equal(hashedName("", "foo"), "foo-zxw6c95d42zfz9cc");
  assert.equal(hashedName("", "foo", "zone-1", "custom-ns"), "foo-696vzv497z4cv4f4");
  assert.equal(hashedName("default", "redis-zone-1", "zone-1"), "redis-zone-1-2v6wfvvcvbc9f55d");
  assert.equal(hashedName("default", "redis-zone-2", "zone-2"), "redis-zone-2-ff29vc4685c6f594");
});

Deno.test("hashedName() keeps names within 253 characters", () => {
  const name = hashedName("default", "a".repeat(300));
  assert.equal(name.length, 253);
  assert.ok(name.startsWith("a".repeat(236) + "-"));
});

Deno.test("headlessMeshServiceName() matches Kuma's controller vectors", () => {
  assert.equal(safeEncode(String(fnv32a(["example", "demo"]))), "87ff74c98");
  assert.equal(headlessMeshServiceName("example-1", "example", "demo"), "example-1-87ff74c98");
  assert.equal(headlessMeshServiceName("example-2", "example", "demo"), "example-2-87ff74c98");
});

Deno.test("headlessMeshServiceName() truncates long pod names and hashes them", () => {
  const pod = "very-long-pod-name-that-goes-beyond-the-limit-of-63-chars-v";
  const name = headlessMeshServiceName(pod, "example", "demo");
  assert.ok(name.length <= 63);
  assert.ok(name.startsWith(pod.slice(0, 52) + "-"));
  assert.notEqual(name.slice(53), "87ff74c98");
});

Deno.test("safeEncode() maps hex digits onto Kubernetes' alphabet", () => {
  assert.equal(safeEncode("0123456789abcdef"), "456789bcdfvwxz24");
});

Deno.test("fnv64aHex() is fnv64a() in hex, for ASCII, other UTF-8 and lone surrogates", () => {
  const alphabet = [
    "a",
    "z",
    "0",
    "-",
    ".",
    "\u0000",
    "\u007f",
    "\u0080",
    "é",
    "漢",
    "😀",
    "\ud800",
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 2000; i++) {
    const parts = Array.from(
      { length: 1 + (i % 4) },
      () => Array.from({ length: i % 30 }, () => alphabet[next() % alphabet.length]).join(""),
    );
    assert.equal(fnv64aHex(parts), fnv64a(parts).toString(16).padStart(16, "0"), parts.join("|"));
  }
  assert.equal(fnv64aHex([]), "cbf29ce484222325");
});

Deno.test("safeEncode() maps every code point as Kubernetes does, surrogate pairs as one", () => {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const reference = (value: string) =>
    [...value].map((ch) => alphabet[(ch.codePointAt(0) ?? 0) % alphabet.length]).join("");
  for (const value of ["", "0123456789abcdef", "é", "\u{1F600}x", "a\ud800b", "\udc00", "日本"]) {
    assert.equal(safeEncode(value), reference(value), JSON.stringify(value));
  }
});
