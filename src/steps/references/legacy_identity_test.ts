/**
 * Legacy `kuma.io/service` names to the MeshService ports they stand for:
 * what generation indexed (`model/service_identity.ts`), else Kuma 2.x's own
 * translation of 3- and 4-part names (`<name>_<namespace>_svc[_<port>]`,
 * kuma-spec §6.3), and which `crossZoneReferences` key decides for a name
 * that exists in several zones (the legacy name, then its display name, then `*`).
 */
import assert from "node:assert/strict";
import type { CrossZoneChoice } from "../../config.ts";
import { KIND } from "../../model/kuma.ts";
import type { ReferenceStatus } from "../../report.ts";
import { refFields } from "../destinations.ts";
import {
  referrer,
  type ServiceRow,
  world,
  type WorldOptions,
} from "../../../tests/_references_world.ts";
import { decide } from "./decide.ts";
import { legacyCandidates } from "./legacy_identity.ts";
import type { Site, SiteContext } from "./types.ts";

const TWO_PORTS = [{ name: "http", port: 80 }, { name: "admin", port: 9901 }];

interface CandidateRow {
  name: string;
  ref: Record<string, unknown>;
  services: ServiceRow[];
  options?: WorldOptions;
  /** `zone/namespace/name:port#section` per target, in order. */
  expect: string[];
}

const CANDIDATE_ROWS: CandidateRow[] = [
  {
    name: "a name generation indexed stands for the ports it was indexed for",
    ref: { kind: KIND.meshService, name: "backend" },
    services: [{ name: "backend", ports: TWO_PORTS, legacy: ["backend", "backend-admin"] }],
    expect: ["east/kuma-demo/backend:80#http"],
  },
  {
    name: "the indexed name wins over the translation of its parts",
    ref: { kind: KIND.meshService, name: "other_kuma-demo_svc_80" },
    services: [
      { name: "backend", ports: TWO_PORTS, legacy: ["other_kuma-demo_svc_80", "x"] },
      { name: "other", ports: [{ port: 80 }], legacy: [] },
    ],
    expect: ["east/kuma-demo/backend:80#http"],
  },
  {
    name: "a name indexed in two zones stands for one port in each",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_80" },
    services: [
      { name: "backend", zone: "east", ports: TWO_PORTS },
      { name: "backend", zone: "west", ports: TWO_PORTS },
    ],
    options: { zones: ["east", "west"] },
    expect: ["east/kuma-demo/backend:80#http", "west/kuma-demo/backend:80#http"],
  },
  {
    name:
      "a 4-part name of a hand-written MeshService translates to its display name, namespace and port",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_9901" },
    services: [{ name: "backend", ports: TWO_PORTS, legacy: [] }],
    expect: ["east/kuma-demo/backend:9901#admin"],
  },
  {
    name: "a 3-part name translates to the whole MeshService (first port, no section)",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc" },
    services: [{ name: "backend", ports: TWO_PORTS, legacy: [] }],
    expect: ["east/kuma-demo/backend:80#"],
  },
  {
    name: "a 4-part name with a port the MeshService lacks stands for nothing",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_8080" },
    services: [{ name: "backend", ports: TWO_PORTS, legacy: [] }],
    expect: [],
  },
  {
    name: "a name with an explicit namespace is not translated",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_80", namespace: "kuma-demo" },
    services: [{ name: "backend", ports: TWO_PORTS, legacy: [] }],
    expect: [],
  },
  {
    name: "translation takes each zone's own MeshService, not the copies synced from other zones",
    ref: { kind: KIND.meshService, name: "backend_kuma-demo_svc_80" },
    services: [{ name: "backend", zone: "east", ports: TWO_PORTS, legacy: [] }],
    options: { zones: ["east", "west"] },
    expect: ["east/kuma-demo/backend:80#http"],
  },
  {
    name: "a translated name must match the namespace part",
    ref: { kind: KIND.meshService, name: "backend_other_svc_80" },
    services: [{ name: "backend", ports: TWO_PORTS, legacy: [] }],
    expect: [],
  },
];

for (const row of CANDIDATE_ROWS) {
  Deno.test(`legacy identity: ${row.name}`, () => {
    const context = world(row.services, row.options);
    const site: Site = { path: ["spec", "to", 0, "targetRef"], ref: row.ref, role: "to" };
    const at: SiteContext = {
      site,
      ref: refFields(row.ref),
      referrer: referrer("MeshHTTPRoute", {}),
      context,
    };
    const found = legacyCandidates(at).map((t) =>
      `${t.zone}/${t.namespace ?? ""}/${t.name}:${t.port}#${t.section}`
    );
    assert.deepEqual(found, row.expect);
  });
}

interface ChoiceRow {
  name: string;
  choices: Record<string, CrossZoneChoice>;
  expect: ReferenceStatus;
}

const CHOICE_ROWS: ChoiceRow[] = [
  {
    name: "the legacy name's key wins over the display name's and *",
    choices: { "multi_kuma-demo_svc_8080": "keep", multi: "local", "*": "local" },
    expect: "kept",
  },
  {
    name: "the display name's key wins over *",
    choices: { multi: "local", "*": "keep" },
    expect: "rewritten",
  },
  {
    name: "* decides for every other name",
    choices: { other: "local", "*": "keep" },
    expect: "kept",
  },
  { name: "no key: a decision is needed", choices: { other: "local" }, expect: "needsDecision" },
];

for (const row of CHOICE_ROWS) {
  Deno.test(`legacy identity: crossZoneReferences, ${row.name}`, () => {
    const services: ServiceRow[] = ["east", "west"].map((zone) => ({
      name: "multi",
      zone,
      ports: [{ port: 8080 }],
    }));
    const context = world(services, {
      zones: ["east", "west"],
      config: { crossZoneReferences: row.choices },
    });
    const ref = { kind: KIND.meshService, name: "multi_kuma-demo_svc_8080" };
    const site: Site = { path: ["spec", "to", 0, "targetRef"], ref, role: "to" };
    assert.equal(decide(site, referrer("MeshHTTPRoute", {}), context).status, row.expect);
  });
}
