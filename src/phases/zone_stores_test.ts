import assert from "node:assert/strict";
import type { KubeObject } from "../model/krm.ts";
import { hostnameTemplates } from "../hostnames/evaluate.ts";
import { renderResourceList } from "../transform.ts";
import { buildDestinations } from "../steps/destinations.ts";
import { previewHostnames } from "../steps/hostname_preview.ts";
import { configPhase } from "./config.ts";
import { readPhase } from "./read.ts";
import { zoneStoresPhase } from "./zone_stores.ts";
import { zonesPhase } from "./zones.ts";

const PATH = "internal.config.kubernetes.io/path";

function service(zone: string, name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "shop", annotations: { [PATH]: `${zone}/${name}.yaml` } },
    spec: { selector: { app: name }, ports: [{ name: "http", port: 80, appProtocol: "http" }] },
  };
}

function twoZoneList(): unknown {
  return {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items: [service("east", "web"), service("west", "api")],
    functionConfig: {
      apiVersion: "meshservice-krm/v1alpha1",
      kind: "RenderMeshServices",
      metadata: { name: "render-mesh-services" },
      kumaVersion: "2.14",
      zones: ["east", "west"].map((name) => ({ name, environment: "kubernetes", paths: [name] })),
    },
  };
}

function storesOf(input: unknown) {
  const read = readPhase(input);
  assert.ok(read.ok);
  const configured = configPhase(read.read);
  assert.ok(configured.ok);
  const { run } = configured;
  const { layout, zones } = zonesPhase({
    items: run.items,
    config: run.config,
    features: run.features,
  });
  const templates = hostnameTemplates(run.features);
  return {
    templates,
    ...zoneStoresPhase({ ...run, layout, zones, validateTemplate: templates.validate }),
  };
}

Deno.test("zone stores: each zone holds its own MeshService and the other zone's synced copy", () => {
  const { stores } = storesOf(twoZoneList());
  const west = stores.zones.find((z) => z.name === "west")!;
  const names = west.entries.map((e) => `${e.view.name}/${e.view.labels["kuma.io/origin"]}`);
  // In the run's order: `web` synced from east through global under a hashed name, then west's own `api`.
  assert.match(names[0]!, /^web-[a-z0-9]+\/global$/);
  assert.equal(names[1], "api/zone");
  assert.equal(west.entries.length, 2);
  const web = stores.resources.find((r) => r.object.metadata?.name === "web")!;
  assert.equal(web.createdIn, "east");
  assert.equal(web.onGlobal?.labels["kuma.io/zone"], "east");
});

Deno.test("references resolve against the zone stores without running the hostname preview", () => {
  const { stores, templates } = storesOf(twoZoneList());
  // buildDestinations reads the stores alone: no hostname output is needed (or passed).
  const index = buildDestinations(stores);
  const west = stores.zones.find((z) => z.name === "west")!;
  assert.deepEqual(
    index.all("west").map((d) => d.name),
    west.entries.map((e) => e.view.name),
  );
  const synced = index.byDisplayName({
    zone: "west",
    kind: "MeshService",
    mesh: "default",
    displayName: "web",
  });
  assert.equal(synced.length, 1);
  assert.equal(synced[0]!.createdIn, "east");
  assert.equal(
    index.stored({
      zone: "west",
      kind: "MeshService",
      name: synced[0]!.name,
      namespace: "kuma-system",
    }),
    synced[0],
  );
  // The hostname phase reads the same stores: its views carry the same stored names.
  const preview = previewHostnames({ stores, evaluate: templates.evaluate });
  const webViews = preview.resources.find((r) => r.object.metadata?.name === "web")!.views;
  assert.deepEqual(webViews.map((v) => v.zone), ["global", "east", "west"]);
  assert.equal(webViews.find((v) => v.zone === "west")!.name, synced[0]!.name);
});

Deno.test("the Flux checks of input and generated items are skipped when the input text holds no placeholder", () => {
  const list = {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items: [{
      ...service("east", "web"),
      metadata: { name: "web", namespace: "shop", labels: { team: "${TEAM}" } },
    }],
  };
  const reasons = (text?: string) =>
    (text === undefined ? renderResourceList(list) : renderResourceList(list, { text }))
      .resourceList.results?.filter((r) => r.tags?.reason === "FluxSubstitution")
      .map((r) => r.resourceRef?.kind) ?? [];
  // Without a hint the items are searched: the Service and its MeshService get a warning each.
  assert.deepEqual(reasons(), ["Service", "MeshService"]);
  // Text with the placeholder, or with an escape that may spell one, is searched too.
  assert.deepEqual(reasons("team: ${TEAM}"), ["Service", "MeshService"]);
  assert.deepEqual(reasons('team: "\\u0024{TEAM}"'), ["Service", "MeshService"]);
  // Text that cannot hold one (here it disagrees with the items on purpose): nothing is searched.
  assert.deepEqual(reasons("team: platform"), []);
});
