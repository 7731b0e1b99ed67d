import assert from "node:assert/strict";
import { coreView, globalCreatedView, globalToZone, zoneToGlobal } from "./sync.ts";
import { hashedName } from "../model/hash.ts";

const UNIVERSAL_GLOBAL = { environment: "universal" as const, systemNamespace: "kuma-system" };
const K8S_ZONE = { environment: "kubernetes" as const, systemNamespace: "kuma-system" };

const redis = {
  apiVersion: "kuma.io/v1alpha1",
  kind: "MeshService",
  metadata: {
    name: "redis",
    namespace: "redis-system",
    labels: {
      "kuma.io/mesh": "default",
      "kuma.io/origin": "zone",
      "kuma.io/zone": "east",
      "kuma.io/env": "kubernetes",
      "k8s.kuma.io/namespace": "redis-system",
    },
    annotations: { "kuma.io/display-name": "redis" },
  },
};

Deno.test("a kubernetes MeshService synced from east keeps the name HashedName(mesh, name, zone, namespace) everywhere (spec 7.4)", () => {
  const local = coreView(redis, {
    kind: "MeshService",
    environment: "kubernetes",
    meshScoped: true,
  });
  assert.equal(local.coreName, "redis.redis-system");
  assert.equal(local.labels["kuma.io/display-name"], "redis");
  const onGlobal = zoneToGlobal(
    local,
    { name: "east", environment: "kubernetes" },
    UNIVERSAL_GLOBAL,
  );
  assert.equal(onGlobal.name, "redis-wd2v4czb4v5b4w5c");
  assert.equal(onGlobal.coreName, "redis-wd2v4czb4v5b4w5c");
  assert.equal(onGlobal.labels["kuma.io/origin"], "zone");
  const inWest = globalToZone(onGlobal, UNIVERSAL_GLOBAL, K8S_ZONE);
  assert.equal(inWest.name, "redis-wd2v4czb4v5b4w5c");
  assert.equal(inWest.namespace, "kuma-system");
  assert.equal(inWest.coreName, "redis-wd2v4czb4v5b4w5c.kuma-system");
  assert.equal(inWest.labels["kuma.io/origin"], "global");
  assert.equal(inWest.labels["kuma.io/zone"], "east");
  assert.equal(inWest.labels["k8s.kuma.io/namespace"], "redis-system");
});

Deno.test("a generator created on a kubernetes global is hashed with the system namespace", () => {
  const hg = {
    apiVersion: "kuma.io/v1alpha1",
    kind: "HostnameGenerator",
    metadata: { name: "foo" },
  };
  const universal = globalToZone(
    globalCreatedView(hg, UNIVERSAL_GLOBAL, { kind: "MeshService", meshScoped: false }),
    UNIVERSAL_GLOBAL,
    K8S_ZONE,
  );
  assert.equal(universal.coreName, "foo-zxw6c95d42zfz9cc.kuma-system"); // HashedName("", "foo")
  const k8sGlobal = { environment: "kubernetes" as const, systemNamespace: "kuma-system" };
  const kubernetes = globalToZone(
    globalCreatedView(hg, k8sGlobal, { kind: "MeshService", meshScoped: false }),
    k8sGlobal,
    UNIVERSAL_GLOBAL,
  );
  assert.notEqual(kubernetes.name, "foo-zxw6c95d42zfz9cc");
  assert.match(kubernetes.name, /^foo-[bcdfghjklmnpqrstvwxz2456789]{16}$/);
});

Deno.test("a Universal YAML MeshService keeps its mesh field through sync: KDS hashes HashedName(mesh-1, name, zone) (context.go HashSuffixMapper)", () => {
  const billing = {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshService",
    mesh: "mesh-1",
    metadata: { name: "billing", annotations: { "meshservice-krm/format": "universal" } },
  };
  const local = coreView(billing, {
    kind: "MeshService",
    environment: "universal",
    meshScoped: true,
  });
  assert.equal(local.mesh, "mesh-1");
  assert.equal(local.labels["kuma.io/mesh"], "mesh-1"); // labels.Compute: setIfNotExist(kuma.io/mesh)
  const onGlobal = zoneToGlobal(
    local,
    { name: "east", environment: "universal" },
    UNIVERSAL_GLOBAL,
  );
  assert.equal(onGlobal.name, hashedName("mesh-1", "billing", "east"));
  assert.notEqual(onGlobal.name, hashedName("default", "billing", "east"));
  const labelled = {
    ...billing,
    metadata: { ...billing.metadata, labels: { "kuma.io/mesh": "x" } },
  };
  // GetMesh() is the field; an explicit label is kept as written.
  const view = coreView(labelled, {
    kind: "MeshService",
    environment: "universal",
    meshScoped: true,
  });
  assert.equal(view.mesh, "mesh-1");
  assert.equal(view.labels["kuma.io/mesh"], "x");
});
