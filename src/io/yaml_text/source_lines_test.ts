import assert from "node:assert/strict";
import { lineOf, locateField, splitFieldPath } from "./source_lines.ts";

const REDIS = `# leading comment
apiVersion: v1
kind: Service
metadata:
  name: redis
  labels:
    kuma.io/zone: east
spec:
  ports:
    - port: 6379
    - name: admin
      port: 8080
    - name: metrics-udp
      port: 9121
      protocol: UDP
---
---
# an empty document above is skipped, as the directory reader skips it
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
`;

Deno.test("lineOf() finds the key of the deepest field", () => {
  assert.equal(lineOf(REDIS, 0, "spec.ports.2.protocol"), 15);
  assert.equal(lineOf(REDIS, 0, "spec.ports.1"), 11);
  assert.equal(lineOf(REDIS, 0, "spec.ports"), 9);
  assert.equal(lineOf(REDIS, 0, "metadata.name"), 5);
});

Deno.test("lineOf() reads [n] segments as sequence indexes", () => {
  assert.equal(lineOf(REDIS, 0, "spec.ports[1].port"), 12);
});

Deno.test("lineOf() matches map keys that contain dots", () => {
  assert.equal(lineOf(REDIS, 0, "metadata.labels.kuma.io/zone"), 7);
  assert.equal(lineOf(REDIS, 0, 'metadata.labels["kuma.io/zone"]'), 7);
});

Deno.test("lineOf() stops at the deepest node that exists", () => {
  assert.equal(lineOf(REDIS, 0, "spec.ports.7.protocol"), 9);
  assert.equal(lineOf(REDIS, 0, "spec.ports.two"), 9);
  assert.equal(lineOf(REDIS, 0, "status.vips"), 2);
});

Deno.test("lineOf() counts documents without the empty ones", () => {
  assert.equal(lineOf(REDIS, 1), 19);
  assert.equal(lineOf(REDIS, 1, "metadata.name"), 22);
});

Deno.test("lineOf() falls back to line 1 for a missing document", () => {
  assert.equal(lineOf(REDIS, 2, "metadata.name"), 1);
  assert.equal(lineOf("", 0, "spec"), 1);
});

Deno.test("lineOf() never throws on malformed YAML", () => {
  const broken = "kind: A\nspec: [unclosed\n---\nkind: B\n  bad: indent: here\n";
  for (let index = 0; index < 3; index++) {
    const line = lineOf(broken, index, "spec.x");
    assert.ok(Number.isInteger(line) && line >= 1, `document ${index}: ${line}`);
  }
  assert.equal(lineOf("\u0000\uFFFE: : :\n- - [", 0, "a.b"), 1);
});

Deno.test("lineOf() locates fields in flow collections", () => {
  assert.equal(lineOf("kind: A\nspec: {ports: [{port: 1}, {port: 2}]}\n", 0, "spec.ports.1"), 2);
});

Deno.test("locateField() reports how much of the path matched", () => {
  const universal = "type: Dataplane\nmesh: default\nname: dp-1\nnetworking:\n  inbound:\n" +
    "    - port: 80\n      tags:\n        kuma.io/service: web\n";
  assert.deepEqual(locateField(universal, 0, "spec.networking.inbound"), {
    line: 1,
    matched: 0,
    segments: 3,
  });
  assert.deepEqual(locateField(universal, 0, "networking.inbound.0.tags.kuma.io/service"), {
    line: 8,
    matched: 6,
    segments: 6,
  });
});

Deno.test("splitFieldPath() splits dots, indexes and quoted keys", () => {
  assert.deepEqual(splitFieldPath("spec.to[0].rules[12].default"), [
    "spec",
    "to",
    "0",
    "rules",
    "12",
    "default",
  ]);
  assert.deepEqual(splitFieldPath(`metadata.annotations["a.b/c"]`), [
    "metadata",
    "annotations",
    "a.b/c",
  ]);
  assert.deepEqual(splitFieldPath(""), []);
});
