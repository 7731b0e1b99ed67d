/**
 * The function's configuration: accepted as a `ConfigMap` (string `data`) or
 * as the typed kind `RenderMeshServices` with the same fields, checked and
 * resolved to defaults. Each key is declared once in src/config/keys.ts; this
 * module is the door the rest of the code imports.
 *
 * @module
 */

import type { KubeObject } from "./model/krm.ts";
import { CONFIG_API_VERSION, CONFIG_KIND } from "./config/parse.ts";
import type { ConfigInput } from "./config/types.ts";

export {
  CONFIG_API_VERSION,
  CONFIG_KEYS,
  CONFIG_KIND,
  type ConfigOutcome,
  DEFAULT_CONFIG,
  parseConfig,
} from "./config/parse.ts";
export {
  DEFAULT_MULTIZONE_OUTPUT_PATH,
  DEFAULT_OUTPUT_PATH,
  OUTPUT_PATH_PLACEHOLDERS,
  outputPathProblem,
} from "./config/keys.ts";
export type {
  AssumedMesh,
  Config,
  ConfigInput,
  CrossZoneChoice,
  Environment,
  HostnameGeneratorRequest,
  MeshMultiZoneServiceRequest,
  MeshServiceOutput,
  ReferenceStyle,
  ZoneConfig,
} from "./config/types.ts";

/** The typed functionConfig object for a {@link ConfigInput}. */
export function configObject(input: ConfigInput): KubeObject {
  return {
    apiVersion: CONFIG_API_VERSION,
    kind: CONFIG_KIND,
    metadata: { name: "meshservice-krm" },
    ...structuredClone(input),
  } as KubeObject;
}
