import assert from "node:assert/strict";
import type { KubeObject } from "../model/krm.ts";
import type { MeshServicePort } from "../model/mesh_service.ts";
import { featuresOf } from "../model/version.ts";
import {
  isGeneratorManaged,
  type ManagedCandidate,
  reconcileManaged,
} from "./generator_managed.ts";

function meshService(labels: Record<string, string>, ports: unknown[]): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshService",
    mesh: "default",
    metadata: { name: "backend", labels },
    spec: { selector: { dataplaneTags: { "kuma.io/service": "backend" } }, ports },
  };
}

function candidate(name: string, ports: number[]): ManagedCandidate {
  const object = { apiVersion: "kuma.io/v1alpha1", kind: "Dataplane", metadata: { name } };
  return {
    dataplane: { name, ref: { apiVersion: "kuma.io/v1alpha1", kind: "Dataplane", name }, object },
    ports: ports.map((port): MeshServicePort => ({
      name: String(port),
      port,
      targetPort: port,
      appProtocol: "tcp",
    })),
  };
}

const MANAGED = { "kuma.io/managed-by": "meshservice-generator" };
const port80 = { name: "80", port: 80, targetPort: 80, appProtocol: "tcp" };

function reconcile(object: KubeObject, candidates: ManagedCandidate[], version: "2.9" | "2.14") {
  return reconcileManaged({ object, position: 0 }, {
    mesh: "default",
    candidates,
    selector: { dataplaneTags: { "kuma.io/service": "backend" } },
    workloadMode: false,
    byInputOrder: true,
    zone: "zone-1",
    features: featuresOf(version),
  });
}

Deno.test("the generator manages only its label's MeshServices, and from 2.14 only local ones (IsLocalMeshService)", () => {
  const synced = meshService({ ...MANAGED, "kuma.io/origin": "global" }, []);
  assert.equal(isGeneratorManaged(synced, featuresOf("2.9")), true);
  assert.equal(isGeneratorManaged(synced, featuresOf("2.13")), true);
  assert.equal(isGeneratorManaged(synced, featuresOf("2.14")), false);
  assert.equal(isGeneratorManaged(meshService(MANAGED, []), featuresOf("3.0")), true);
  assert.equal(
    isGeneratorManaged(
      meshService({ "kuma.io/managed-by": "k8s-controller" }, []),
      featuresOf("2.14"),
    ),
    false,
  );
});

Deno.test("checkMeshServicesConsistency: existing ports stay when one Dataplane agrees, else the first Dataplane's win", () => {
  const kept = reconcile(meshService(MANAGED, [port80]), [
    candidate("a", [80, 81]),
    candidate("b", [80]),
  ], "2.9");
  assert.equal(kept.update.to, kept.update.from, "nothing changes on 2.9");
  assert.deepEqual(kept.results.map((r) => r.tags?.reason), ["PortConflict", "UpdatedMeshService"]);
  const moved = reconcile(meshService(MANAGED, [port80]), [
    candidate("a", [81]),
    candidate("b", [82]),
  ], "2.9");
  assert.deepEqual(
    (moved.update.to.spec as { ports: { port: number }[] }).ports.map((p) => p.port),
    [81],
  );
  assert.match(moved.results[0]!.message, /Dataplane "b" has ports 82/);
});

Deno.test("ports compare as reflect.DeepEqual does: an unnamed port differs from the generated name", () => {
  const unnamed = { port: 80, targetPort: 80, appProtocol: "tcp" };
  const { update } = reconcile(meshService(MANAGED, [unnamed]), [candidate("a", [80])], "2.9");
  assert.deepEqual((update.to.spec as { ports: unknown[] }).ports, [port80]);
});

Deno.test("labels on update: 2.9 only drops the grace period label, 2.14 resets the generator's own and keeps the rest", () => {
  const labels = {
    ...MANAGED,
    "custom.io/extra": "kept",
    "kuma.io/zone": "old",
    "kuma.io/deletion-grace-period-started-at": "2026-01-01T00:00:00Z",
  };
  const old = reconcile(meshService(labels, [port80]), [candidate("a", [80])], "2.9");
  assert.deepEqual(old.update.to.metadata?.labels, {
    ...MANAGED,
    "custom.io/extra": "kept",
    "kuma.io/zone": "old",
  });
  const now = reconcile(meshService(labels, [port80]), [candidate("a", [80])], "2.14");
  assert.deepEqual(now.update.to.metadata?.labels, {
    "custom.io/extra": "kept",
    "kuma.io/display-name": "backend",
    "kuma.io/env": "universal",
    "kuma.io/managed-by": "meshservice-generator",
    "kuma.io/mesh": "default",
    "kuma.io/origin": "zone",
    "kuma.io/zone": "zone-1",
  });
});
