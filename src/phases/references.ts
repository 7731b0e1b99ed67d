/**
 * Phase 6, references: every route and policy reference resolved against the
 * zone stores by the configured version's rules; legacy `kuma.io/service`
 * names rewritten where they resolve to exactly the port they stood for
 * (`src/model/service_identity.ts` is the one mapping between the two).
 *
 * @module
 */

import type { Environment } from "../config.ts";
import { isOwned, namespaceOf } from "../model/inventory.ts";
import type { KubeObject, Result } from "../model/krm.ts";
import { DEFAULT_MESH, LABEL, ORIGIN } from "../model/kuma.ts";
import type { MeshServicePort } from "../model/mesh_service.ts";
import {
  buildLegacyIndex,
  type LegacyIndex,
  type LegacySource,
} from "../model/service_identity.ts";
import { TOOL_ANNOTATION } from "../model/tool.ts";
import { buildDestinations, type DestinationIndex } from "../steps/destinations.ts";
import {
  isReferrerKind,
  type ReferenceOutput,
  type Referrer,
  rewriteReferences,
} from "../steps/references.ts";
import { storedIdentity } from "../steps/sync.ts";
import { podTemplatesOf } from "../steps/top_level_sections.ts";
import type { ZoneLayout } from "../steps/zones.ts";
import type { RunConfig } from "./config.ts";
import { pathOf } from "./read.ts";
import type { ZoneStores } from "./zone_stores.ts";
import type { DerivedZone } from "./zones.ts";

/** Inputs of {@link referencesPhase}. */
export interface ReferencesInput {
  run: RunConfig;
  layout: ZoneLayout;
  zones: readonly DerivedZone[];
  stores: ZoneStores;
}

/** Output of {@link referencesPhase}. */
export interface ReferencesOutput {
  /** Every destination as each zone stores it. */
  destinations: DestinationIndex;
  /** Legacy `kuma.io/service` names of the run's MeshService ports. */
  legacy: LegacyIndex;
  /** Routes and policies of the run. */
  referrers: Referrer[];
  references: ReferenceOutput;
  results: Result[];
}

/** Resolves and rewrites every reference of the run. */
export function referencesPhase(input: ReferencesInput): ReferencesOutput {
  const { run, layout, zones } = input;
  const destinations = buildDestinations(input.stores);
  const legacy = buildLegacyIndex(zones.flatMap((z) => legacySources(z)));
  const referrers = referrersOf(layout, { zones, globalEnvironment: run.config.globalEnvironment });
  const references = rewriteReferences(referrers, {
    features: run.features,
    config: run.config,
    style: run.style,
    multizone: layout.multizone,
    destinations,
    legacy,
    podTemplates: zones.flatMap((z) =>
      z.environment === "kubernetes" ? podTemplatesOf(z.own, z.name) : []
    ),
  });
  return { destinations, legacy, referrers, references, results: references.results };
}

/** What the legacy-name index needs of a zone's generated MeshServices. */
function legacySources(zone: DerivedZone): LegacySource[] {
  const managed = [...zone.updates.values()].map((u) => u.record);
  return [...zone.step.meshServices, ...managed].map((ms) => {
    const meta = ms.object.metadata ?? {};
    const view = storedIdentity(ms.object, zone.environment);
    const source: LegacySource = {
      zone: zone.name,
      mesh: ms.mesh,
      name: String(meta.name),
      displayName: view.displayName ?? String(meta.name),
      ports: (ms.object.spec as { ports: MeshServicePort[] }).ports,
      legacyServices: ms.legacyServices,
    };
    if (view.namespace !== undefined) source.namespace = view.namespace;
    return source;
  });
}

/** Routes and policies of the run, with the zone each is created in and evaluated in. */
function referrersOf(
  layout: ZoneLayout,
  run: { zones: readonly DerivedZone[]; globalEnvironment: Environment },
): Referrer[] {
  const { zones } = run;
  const referrers: Referrer[] = [];
  const all = zones.map((z) => z.name);
  const add = (object: KubeObject, createdIn: string, environment: Environment) => {
    if (isOwned(object) || !isReferrerKind(object)) return;
    referrers.push(referrerOf(object, { createdIn, environment, all }));
  };
  if (!layout.multizone) {
    const zone = zones[0]!;
    for (const object of zone.own) {
      const global = object.metadata?.labels?.[LABEL.origin] === ORIGIN.global;
      add(object, global ? "global" : zone.name, zone.environment);
    }
    // A global-created object in a single-zone run is still evaluated in that zone only.
    return referrers.map((r) => r.createdIn === "global" ? { ...r, zones: [zone.name] } : r);
  }
  for (const zone of zones) for (const object of zone.own) add(object, zone.name, zone.environment);
  for (const object of layout.global) add(object, "global", run.globalEnvironment);
  return referrers;
}

function referrerOf(
  object: KubeObject,
  at: { createdIn: string; environment: Environment; all: readonly string[] },
): Referrer {
  const { createdIn } = at;
  const labels = object.metadata?.labels ?? {};
  const universal = object.metadata?.annotations?.[TOOL_ANNOTATION.format] !== undefined;
  const global = createdIn === "global";
  return {
    object,
    createdIn,
    zones: global ? at.all : [createdIn],
    origin: {
      mesh: typeof object.mesh === "string" && object.mesh !== ""
        ? object.mesh
        : labels[LABEL.mesh] ?? DEFAULT_MESH,
      zoneLabel: labels[LABEL.zone] ?? (global ? undefined : createdIn),
      namespace: at.environment === "kubernetes" && !universal ? namespaceOf(object) : undefined,
    },
    path: pathOf(object),
  };
}
