import assert from "node:assert/strict";
import {
  dns1123SubdomainViolations,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
} from "./dns.ts";

Deno.test("a DNS-1123 label has at most 63 characters, lowercase alphanumerics and inner '-'", () => {
  assert.ok(isDns1123Label("a".repeat(63)));
  assert.ok(!isDns1123Label("a".repeat(64)));
  assert.ok(isDns1123Label("1east"));
  for (const bad of ["", "East", "-a", "a-", "a.b", "a_b"]) assert.ok(!isDns1123Label(bad), bad);
});

Deno.test("a DNS-1035 label is a DNS-1123 label that starts with a letter", () => {
  assert.ok(isDns1035Label("east-1"));
  assert.ok(!isDns1035Label("1east"));
  assert.ok(!isDns1035Label(`e${"a".repeat(63)}`));
});

Deno.test("a DNS-1123 subdomain has at most 253 characters of dot-separated labels", () => {
  const long = `${"a".repeat(63)}.`.repeat(4).slice(0, 253).replace(/\.$/, "a");
  assert.equal(long.length, 253);
  assert.ok(isDns1123Subdomain(long));
  assert.ok(!isDns1123Subdomain(`${long}a`));
  assert.ok(!isDns1123Subdomain("a..b"));
  assert.deepEqual(dns1123SubdomainViolations(long), []);
  assert.deepEqual(dns1123SubdomainViolations(`${long}a`), [
    "must be no more than 253 characters",
  ]);
  assert.equal(dns1123SubdomainViolations("A").length, 1);
});
