/**
 * cdk8s entry point of meshservice-krm: {@link MeshServiceMigration} is a
 * construct that, when its chart is synthesized, runs {@link render} on every
 * API object of the chart, adds the generated MeshServices (and the
 * MeshMultiZoneServices and HostnameGenerators the configuration asks for) to
 * the chart, and patches the routes, policies, Meshes and workloads the
 * migration rewrites. An error result fails synthesis.
 *
 * This is the only module of the package that imports `cdk8s` and
 * `constructs`; the KRM function, the CLI and the library never load them,
 * and they are not dependencies of those (only development dependencies of
 * this repository, for its tests). Bring your own: the app that uses this
 * entry point provides `cdk8s` 2.x and `constructs` 10.x under those bare
 * names (its `deno.json` imports, e.g. `"cdk8s": "npm:cdk8s@^2.70.106"`, or
 * `npm install cdk8s constructs` with `nodeModulesDir`), the same copies its
 * charts are built with.
 *
 * Permissions (Deno): importing needs none. cdk8s reads the environment:
 * `new App()` reads `CDK8S_OUTDIR` and `CDK8S_RECORD_CONSTRUCT_METADATA`
 * (unless `outdir` and `recordConstructMetadata` are given) and every
 * synthesis reads `CDK8S_DISABLE_SORT` (this construct reads it too, to write
 * its patches in the order cdk8s writes manifests); `app.synth()` writes the
 * output directory. So `deno run
 * --allow-env=CDK8S_OUTDIR,CDK8S_RECORD_CONSTRUCT_METADATA,CDK8S_DISABLE_SORT
 * --allow-write=dist main.ts`; `chart.toJson()` and `app.synthYaml()` write
 * nothing.
 *
 * @example A legacy route rewritten, the MeshService added
 * ```ts
 * import { ApiObject, App, Chart } from "cdk8s";
 * import { MeshServiceMigration } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const app = new App({ outdir: "dist", recordConstructMetadata: false });
 * const chart = new Chart(app, "shop", { namespace: "shop" });
 * // Anywhere in the chart: it renders when the chart is synthesized.
 * const migration = new MeshServiceMigration(chart, "kuma", {
 *   config: { kumaVersion: "2.14", zone: "east", meshServiceOutput: "apply" },
 * });
 * new ApiObject(chart, "web", {
 *   apiVersion: "v1",
 *   kind: "Service",
 *   metadata: { name: "web" },
 *   spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
 * });
 * new ApiObject(chart, "route", {
 *   apiVersion: "kuma.io/v1alpha1",
 *   kind: "MeshHTTPRoute",
 *   metadata: { name: "web", labels: { "kuma.io/mesh": "default" } },
 *   spec: {
 *     targetRef: { kind: "Mesh" },
 *     to: [{
 *       targetRef: { kind: "MeshService", name: "web_shop_svc_80" },
 *       rules: [{
 *         matches: [{ path: { type: "PathPrefix", value: "/" } }],
 *         default: { backendRefs: [{ kind: "MeshService", name: "web_shop_svc_80" }] },
 *       }],
 *     }],
 *   },
 * });
 *
 * const manifests = chart.toJson();
 * const route = manifests.find((m) => m.kind === "MeshHTTPRoute");
 * assert.deepEqual(route.spec.to[0].rules[0].default.backendRefs, [
 *   { kind: "MeshService", name: "web", namespace: "shop", port: 80 },
 * ]);
 * const meshService = manifests.find((m) => m.kind === "MeshService");
 * assert.equal(meshService.metadata.labels["kuma.io/zone"], "east");
 * // Warnings and notes stay reachable; on Kubernetes "apply" warns about ownership.
 * assert.ok(migration.results.some((r) => r.severity === "warning"));
 * ```
 *
 * @module
 */

import process from "node:process";
import { ApiObject, type ApiObjectProps, Chart, JsonPatch } from "cdk8s";
import { Construct } from "constructs";
import type { ConfigInput } from "../config.ts";
import { isOwned } from "../model/inventory.ts";
import {
  isObject,
  type JsonValue,
  KRM_ANNOTATION,
  type KubeObject,
  type Result,
} from "../model/krm.ts";
import type { Report } from "../report.ts";
import { formatResult } from "../results.ts";
import { identityOf } from "../steps/merge.ts";
import { render, type RenderOutput } from "../transform.ts";

// The types this entry's API names, so its documentation links resolve.
export type * from "../../mod.ts";
import { asManifest, canonicalJson, diffManifest, type PatchOperation } from "./json_patch.ts";

/** Options of {@link MeshServiceMigration}. */
export interface MeshServiceMigrationProps {
  /**
   * The configuration, exactly as `render(items, config)` takes it (the
   * fields of the `RenderMeshServices` kind). An invalid value fails
   * synthesis.
   *
   * `meshServiceOutput` decides what is added. `preview`, the default on
   * Kubernetes (where Kuma's controller owns MeshServices), adds nothing:
   * previews are local-config, which `kubectl apply` would not honour, so
   * they are only readable through {@link MeshServiceMigration.previews}.
   * `apply` adds them (each with an ownership warning on Kubernetes); `none`
   * adds nothing. References are rewritten in every case.
   */
  readonly config?: ConfigInput;
}

/** The chart's objects as a render saw them. */
interface Rendered {
  /** The chart's API objects, in construct-tree order (this construct's own excluded). */
  objects: ApiObject[];
  /** Their manifests now: what cdk8s would synthesize. */
  current: Record<string, JsonValue>[];
  /** Their manifests as written: without the patches this construct applied. */
  inputs: KubeObject[];
  output: RenderOutput;
  /** Per input: its rendered replacement, or `undefined` when render dropped it. */
  updates: (KubeObject | undefined)[];
  /** Items render generated, appended after the inputs. */
  fresh: KubeObject[];
}

/** What this construct did to one API object. */
interface Patched {
  /** The manifest as written. */
  original: KubeObject;
  /** {@link canonicalJson} of the manifest after the patches. */
  rewritten: string;
}

/** Name of the construct that holds the added API objects. */
const GENERATED_SCOPE = "Generated";

/** Annotations an orchestrator reads and strips: meaningless in a cdk8s manifest. */
const ORCHESTRATOR_ANNOTATIONS: readonly string[] = [
  KRM_ANNOTATION.path,
  KRM_ANNOTATION.index,
  KRM_ANNOTATION.legacyPath,
  KRM_ANNOTATION.legacyIndex,
];

/**
 * Renders the MeshServices Kuma would generate from the Services (or
 * Dataplanes) of the chart it belongs to, and rewrites the chart's routes and
 * policies that still name `kuma.io/service` values.
 *
 * It works at synthesis (`app.synth()`, `app.synthYaml()`, `chart.toJson()`,
 * `Testing.synth(chart)`), in cdk8s's validation phase, which runs before any
 * manifest is written: so it may be created anywhere in the chart, before or
 * after the objects it reads. At that point it:
 *
 * - reads every {@link ApiObject} whose closest chart is its chart (nested
 *   constructs included, nested charts excluded) as cdk8s would synthesize it;
 * - runs {@link render} on them with {@link MeshServiceMigrationProps.config};
 * - fails synthesis when there is an error result: cdk8s throws
 *   `Validation failed with the following errors:` followed by one line per
 *   error, `[<construct path>] [error] <Kind> <namespace>/<name> <field>:
 *   <message>`;
 * - otherwise adds an API object for every generated item that is not a
 *   preview (under the child construct `Generated`; the chart's labels and
 *   namespace apply to them as to any object of the chart) and adds JSON
 *   patches to every object whose manifest render changed. Only the changed
 *   fields change.
 *
 * Synthesizing again is safe: the render reads the objects as written (not
 * as patched) and nothing is added or patched twice. Objects added to the
 * chart by other constructs' validations, or read with `apiObject.toJson()`
 * outside a synthesis, are not seen or not rewritten. One migration per chart.
 */
export class MeshServiceMigration extends Construct {
  /** The chart whose objects are rendered. */
  readonly chart: Chart;
  readonly #config: ConfigInput | undefined;
  readonly #patched = new Map<ApiObject, Patched>();
  #cache: { key: string; output: RenderOutput } | undefined;
  #generatedKey: string | undefined;

  /**
   * Adds the migration to the chart `scope` is in.
   *
   * @throws when `scope` is in no chart
   */
  constructor(scope: Construct, id: string, props: MeshServiceMigrationProps = {}) {
    super(scope, id);
    this.chart = Chart.of(this);
    this.#config = props.config === undefined ? undefined : structuredClone(props.config);
    this.node.addValidation({ validate: () => this.#synthesize() });
  }

  /**
   * Every result of the render of the chart as it is now (as written, before
   * this construct's patches): errors, warnings and infos, as in a KRM
   * ResourceList.
   */
  get results(): readonly Result[] {
    return this.#render().output.resourceList.results ?? [];
  }

  /** The report of the render of the chart as it is now (see {@link results}). */
  get report(): Report {
    return this.#render().output.report;
  }

  /**
   * The generated items not added to the chart because they are previews
   * (`meshServiceOutput: preview`, the Kubernetes default), as render emits
   * them (marked `config.kubernetes.io/local-config: "true"`).
   */
  get previews(): KubeObject[] {
    return this.#render().fresh.filter(isPreview).map((item) => structuredClone(item));
  }

  /** The validation cdk8s runs at synthesis: renders, then adds and patches, or returns the errors. */
  #synthesize(): string[] {
    const errors = this.#competitors().map((other) =>
      `Chart "${this.chart.node.path}" holds another MeshServiceMigration at "${other.node.path}": use one per chart`
    );
    const rendered = this.#render();
    errors.push(
      ...(rendered.output.resourceList.results ?? [])
        .filter((result) => result.severity === "error")
        .map(formatResult),
    );
    rendered.updates.forEach((update, i) => {
      if (update !== undefined) return;
      const object = rendered.objects[i]!;
      errors.push(
        `${object.kind} "${object.name}" at "${object.node.path}" was generated by meshservice-krm and is no longer generated: remove it from the chart`,
      );
    });
    if (errors.length > 0) return errors;

    const sortKeys = !process.env.CDK8S_DISABLE_SORT;
    rendered.objects.forEach((object, i) => {
      this.#patch(object, {
        current: rendered.current[i]!,
        input: rendered.inputs[i]!,
        update: rendered.updates[i]!,
        sortKeys,
      });
    });
    this.#addGenerated(
      rendered.fresh.filter((item) => !isPreview(item)).map(withoutOrchestratorAnnotations),
    );
    return [];
  }

  /** Renders the chart's objects as written; the same input renders once. */
  #render(): Rendered {
    const objects = this.chart.node.findAll().filter((c): c is ApiObject =>
      ApiObject.isApiObject(c) && Chart.of(c) === this.chart && !c.node.scopes.includes(this)
    );
    const current = objects.map((object) => object.toJson() as Record<string, JsonValue>);
    const inputs = objects.map((object, i) => {
      const patched = this.#patched.get(object);
      return patched && canonicalJson(current[i]) === patched.rewritten
        ? structuredClone(patched.original)
        : current[i] as KubeObject;
    });
    const key = JSON.stringify(inputs);
    if (this.#cache?.key !== key) this.#cache = { key, output: render(inputs, this.#config) };
    const output = this.#cache.output;
    return { objects, current, inputs, output, ...matchOutputs(inputs, output.resourceList.items) };
  }

  /**
   * Patches `object` from its `current` manifest to `update` (keys sorted when `sortKeys`),
   * remembering `input`, what it was.
   */
  #patch(
    object: ApiObject,
    { current, input, update, sortKeys }: {
      current: Record<string, JsonValue>;
      input: KubeObject;
      update: KubeObject;
      sortKeys: boolean;
    },
  ): void {
    const target = asManifest(update, sortKeys) as Record<string, JsonValue>;
    const ops = diffManifest(current, target);
    if (ops.length === 0 && !this.#patched.has(object)) return;
    object.addJsonPatch(...ops.map(toJsonPatch));
    this.#patched.set(object, {
      original: structuredClone(input),
      rewritten: canonicalJson(target),
    });
  }

  /** Replaces the added API objects when the generated items changed. */
  #addGenerated(items: KubeObject[]): void {
    const key = canonicalJson(items);
    if (key === this.#generatedKey) return;
    this.#generatedKey = key;
    this.node.tryRemoveChild(GENERATED_SCOPE);
    if (items.length === 0) return;
    const scope = new Construct(this, GENERATED_SCOPE);
    const ids = new Set<string>();
    for (const item of items) {
      const { apiVersion, kind, metadata, ...rest } = item;
      const props: ApiObjectProps = {
        ...rest,
        apiVersion: String(apiVersion),
        kind: String(kind),
        ...(metadata === undefined ? {} : { metadata }),
      };
      new ApiObject(scope, uniqueId(item, ids), props);
    }
  }

  /** Other migrations of the same chart. */
  #competitors(): MeshServiceMigration[] {
    return this.chart.node.findAll().filter((c): c is MeshServiceMigration =>
      c instanceof MeshServiceMigration && c !== this && c.chart === this.chart
    );
  }
}

/**
 * Pairs render's output with its input: input items keep their order, an
 * item this tool generated earlier is replaced in place or dropped, and new
 * items come after them.
 */
function matchOutputs(
  inputs: readonly KubeObject[],
  outputs: readonly KubeObject[],
): { updates: (KubeObject | undefined)[]; fresh: KubeObject[] } {
  const updates: (KubeObject | undefined)[] = [];
  let next = 0;
  for (const input of inputs) {
    const candidate = outputs[next];
    const kept = !isOwned(input) ||
      (candidate !== undefined && isOwned(candidate) &&
        identityOf(candidate) === identityOf(input));
    updates.push(kept ? candidate : undefined);
    if (kept) next++;
  }
  return { updates, fresh: outputs.slice(next) };
}

function isPreview(item: KubeObject): boolean {
  return item.metadata?.annotations?.[KRM_ANNOTATION.localConfig] === "true";
}

/** A generated item without the file-layout annotations render adds for kpt. */
function withoutOrchestratorAnnotations(item: KubeObject): KubeObject {
  const annotations = { ...item.metadata?.annotations };
  for (const key of ORCHESTRATOR_ANNOTATIONS) delete annotations[key];
  const { annotations: _dropped, ...metadata } = item.metadata ?? {};
  return {
    ...item,
    metadata: Object.keys(annotations).length > 0 ? { ...metadata, annotations } : metadata,
  };
}

/** A construct id for a generated item, unique among `used`. */
function uniqueId(item: KubeObject, used: Set<string>): string {
  const metadata = isObject(item.metadata) ? item.metadata : {};
  const base = [item.kind, metadata.namespace, metadata.name].filter(Boolean).join("-");
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function toJsonPatch(op: PatchOperation): JsonPatch {
  switch (op.op) {
    case "add":
      return JsonPatch.add(op.path, op.value);
    case "replace":
      return JsonPatch.replace(op.path, op.value);
    case "remove":
      return JsonPatch.remove(op.path);
  }
}
