/**
 * Phase 2, config: the `functionConfig` becomes a typed {@link Config} and the
 * Kuma features of `kumaVersion`; an invalid config ends the run. The
 * migration stage's Mesh modes and the target version's conversions (3.0:
 * `from[]` to `rules[]`) are applied here, because generation follows the
 * new Mesh mode and references are resolved on the converted objects.
 *
 * @module
 */

import { type Config, parseConfig, type ReferenceStyle } from "../config.ts";
import { isObject, type KubeObject, type Result } from "../model/krm.ts";
import { featuresOf, type KumaFeatures } from "../model/version.ts";
import { REASON, resultGlobal } from "../results.ts";
import { applyMigrationStage } from "../steps/migration.ts";
import type { ReportMesh } from "../report.ts";
import { convertForVersion } from "../steps/version_checks.ts";
import { pathOf, type ReadInput } from "./read.ts";

/** The run's settings and the items the later phases read. */
export interface RunConfig {
  config: Config;
  features: KumaFeatures;
  /** `functionConfig` as an object, for results at config keys. */
  configObject: KubeObject | undefined;
  /** The reference style: config `referenceStyle`, else the version's default. */
  style: ReferenceStyle;
  /** The readable items after the migration stage and the version's conversions (same order). */
  items: KubeObject[];
  /** Input items the stage or a conversion replaced, by input item. */
  replaced: Map<KubeObject, KubeObject>;
  /** The input item of each converted one. */
  inputOf: Map<KubeObject, KubeObject>;
  /** Every Mesh with its mode before and after the stage. */
  meshes: ReportMesh[];
}

/** Output of {@link configPhase}: the run's config, or the results when it is invalid. */
export type ConfigOutput =
  | { ok: true; run: RunConfig; results: Result[] }
  | { ok: false; results: Result[] };

/** Parses the config and applies the migration stage and the version's conversions. */
export function configPhase(read: ReadInput): ConfigOutput {
  const parsed = parseConfig(read.functionConfig);
  if (!parsed.ok) return { ok: false, results: parsed.results };
  const config = parsed.config;
  const features = featuresOf(config.kumaVersion);
  const style: ReferenceStyle = config.referenceStyle ?? (features.v3 ? "labels" : "name");
  const stage = applyMigrationStage(read.valid, { config, features, pathOf });
  const replaced = new Map<KubeObject, KubeObject>();
  read.valid.forEach((item, i) => {
    if (stage.items[i] !== item) replaced.set(item, stage.items[i]!);
  });
  const converted = convertForVersion(stage.items, features);
  const inputOf = new Map<KubeObject, KubeObject>();
  read.valid.forEach((item, i) => {
    if (converted.items[i] === stage.items[i]) return;
    replaced.set(item, converted.items[i]!);
    inputOf.set(converted.items[i]!, item);
  });
  const configObject = isObject(read.functionConfig)
    ? read.functionConfig as KubeObject
    : undefined;
  return {
    ok: true,
    run: {
      config,
      features,
      configObject,
      style,
      items: converted.items,
      replaced,
      inputOf,
      meshes: stage.meshes,
    },
    results: [...versionNotes(config, features), ...stage.results],
  };
}

function versionNotes(config: Config, features: KumaFeatures): Result[] {
  if (!config.inboundTagsDisabled) return [];
  if (features.v3) {
    return [
      resultGlobal(
        "info",
        "Config inboundTagsDisabled has no effect on Kuma 3.0: workload mode is the only mode",
        REASON.versionNote,
      ),
    ];
  }
  if (!features.inboundTagsDisabledFlag) {
    return [resultGlobal(
      "warning",
      `Ignored config inboundTagsDisabled: Kuma ${features.version} has no such setting (it exists from 2.14)`,
      REASON.versionNote,
    )];
  }
  return [];
}
