#!/usr/bin/env -S deno run --no-prompt
/**
 * meshservice-krm: renders the MeshServices Kuma would derive from Kubernetes
 * Services or Universal Dataplanes, as a KRM function, a CLI and a library.
 *
 * Run without arguments it is a KRM function (ResourceList on stdin and
 * stdout); `render DIR` and `check DIR` are directory mode. As a library,
 * {@link render} and {@link transform} are pure functions of a parsed
 * ResourceList.
 *
 * @example Render a Service into its MeshService
 * ```ts
 * import { transform } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const output = transform({
 *   apiVersion: "config.kubernetes.io/v1",
 *   kind: "ResourceList",
 *   items: [{
 *     apiVersion: "v1",
 *     kind: "Service",
 *     metadata: { name: "redis", namespace: "db" },
 *     spec: { selector: { app: "redis" }, ports: [{ port: 6379 }] },
 *   }],
 * });
 * const meshService = output.items.find((item) => item.kind === "MeshService");
 * assert.equal(meshService?.metadata?.name, "redis");
 * assert.deepEqual((meshService?.spec as { ports: unknown[] }).ports, [
 *   { name: "6379", port: 6379, targetPort: 6379, appProtocol: "tcp" },
 * ]);
 * ```
 *
 * @module
 */

export { render, type RenderOutput, transform } from "./src/transform.ts";
export {
  type AssumedMesh,
  type Config,
  CONFIG_API_VERSION,
  CONFIG_KIND,
  type ConfigInput,
  type ConfigOutcome,
  type CrossZoneChoice,
  DEFAULT_CONFIG,
  type Environment,
  type HostnameGeneratorRequest,
  type MeshMultiZoneServiceRequest,
  type MeshServiceOutput,
  parseConfig,
  type ReferenceStyle,
  type ZoneConfig,
} from "./src/config.ts";
export {
  MESH_SERVICES_MODES,
  type MeshServicesMode,
  MIGRATION_STAGES,
  type MigrationStage,
} from "./src/model/kuma.ts";
export type {
  JsonValue,
  KubeObject,
  ObjectMeta,
  ResourceList,
  ResourceRef,
  Result,
  Severity,
} from "./src/model/krm.ts";
export {
  type ReferenceStatus,
  type Report,
  REPORT_API_VERSION,
  type ReportDestination,
  type ReportHostname,
  type ReportMesh,
  type ReportMeshService,
  type ReportMigration,
  type ReportReachableBackends,
  type ReportReference,
  type ReportTarget,
  type ReportTrafficChange,
  type ReportView,
  type ReportZone,
  type TrafficChangeKind,
} from "./src/report.ts";
export type {
  MeshServicePort,
  MeshServiceSelector,
  MeshServiceSource,
} from "./src/model/mesh_service.ts";
export { reportMarkdown, type ReportMarkdownOptions } from "./src/report_markdown.ts";
export { exitCodeOf, REASON } from "./src/results.ts";
export { KUMA_VERSIONS, type KumaVersion } from "./src/model/version.ts";
export { hashedName, headlessMeshServiceName } from "./src/model/hash.ts";

if (import.meta.main) {
  const { main } = await import("./src/io/cli.ts");
  // Not Deno.exit: Deno writes the entry module's V8 code cache only once its
  // evaluation completes, and the release bundle is all entry module (without
  // its cache every run compiles the whole tool again). Nothing is pending here.
  Deno.exitCode = await main(Deno.args);
}
