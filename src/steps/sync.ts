/**
 * How a resource looks in each control plane's store: its core view where it
 * was created, on the global control plane, and in every other zone after
 * KDS sync (`pkg/kds/context/context.go` mapper chains, `pkg/kds/hash`).
 *
 * Zone → global: `kuma.io/origin: zone`, `kuma.io/zone` set, on Kubernetes
 * zones `k8s.kuma.io/namespace` filled from the namespace, name hashed with
 * `HashedName(mesh, displayName, zone, namespace)`. Global → zone:
 * `kuma.io/origin: global`, status dropped, same hashed name, stored in the
 * system namespace on Kubernetes zones. `kuma.io/kds-sync: disabled` stops it.
 *
 * @module
 */

import type { Environment } from "../config.ts";
import { hashedName } from "../model/hash.ts";
import type { TargetKind, TargetView } from "../model/hostname_generator.ts";
import { type KubeObject, sortedMap, stringAt, stringMap } from "../model/krm.ts";
import { ANNOTATION, DEFAULT_MESH, LABEL, ORIGIN } from "../model/kuma.ts";

/** A resource as one store holds it. */
export interface StoredView extends TargetView {
  /** `metadata.name` of the stored object. */
  name: string;
  /** `metadata.namespace` on Kubernetes stores. */
  namespace: string | undefined;
}

/** Which store a core view is of, and how to read the object there. */
export interface CoreViewOptions {
  kind: TargetKind;
  /** Environment of the control plane whose store holds the object. */
  environment: Environment;
  /** True for mesh-scoped kinds: the view records the object's Mesh. */
  meshScoped: boolean;
}

/** The core view of an object in the store of a control plane with `options.environment`. */
export function coreView(object: KubeObject, options: CoreViewOptions): StoredView {
  const { kind, environment } = options;
  const meta = object.metadata ?? {};
  const name = String(meta.name ?? "");
  const labels = stringMap(meta.labels);
  const namespace = storedNamespace(object, environment);
  if (environment === "kubernetes") labels[LABEL.displayName] = kubernetesDisplayName(object);
  const mesh = options.meshScoped ? meshOf(object, labels) : "";
  // A Universal object's mesh is its `mesh` field; Kuma's labels.Compute records it as
  // kuma.io/mesh when the label is absent (`pkg/core/resources/labels/compute.go`).
  if (options.meshScoped && universalMesh(object) !== undefined) labels[LABEL.mesh] ??= mesh;
  return {
    kind,
    name,
    namespace,
    coreName: namespace !== undefined ? `${name}.${namespace}` : name,
    nameExtension: environment === "kubernetes" ? name : undefined,
    mesh,
    labels: sortedInPlace(labels),
    creationTime: creationTimeOf(object),
  };
}

/**
 * The `kuma.io/display-name` label and the namespace {@link coreView} records
 * for an object in a store of `environment`, without building the view.
 */
export function storedIdentity(
  object: KubeObject,
  environment: Environment,
): { displayName: string | undefined; namespace: string | undefined } {
  return {
    displayName: environment === "kubernetes"
      ? kubernetesDisplayName(object)
      : stringAt(object.metadata?.labels, LABEL.displayName),
    namespace: storedNamespace(object, environment),
  };
}

/** KubernetesMetaAdapter.GetLabels: the display name comes from the annotation, else the name. */
function kubernetesDisplayName(object: KubeObject): string {
  const meta = object.metadata ?? {};
  return stringAt(meta.annotations, ANNOTATION.displayName) ?? String(meta.name ?? "");
}

function storedNamespace(object: KubeObject, environment: Environment): string | undefined {
  const namespace = object.metadata?.namespace;
  return environment === "kubernetes" && typeof namespace === "string" && namespace !== ""
    ? namespace
    : undefined;
}

/**
 * Mesh of a mesh-scoped object as Kuma's `GetMesh()` reads it: the `mesh`
 * field of a Universal object (or of a Dataplane), else the `kuma.io/mesh`
 * label (Kubernetes), else `default`. KDS hashes synced names with it
 * (`pkg/kds/context/context.go`, `HashSuffixMapper`).
 */
export function meshOf(object: KubeObject, labels = stringMap(object.metadata?.labels)): string {
  return universalMesh(object) ?? labels[LABEL.mesh] ?? DEFAULT_MESH;
}

function universalMesh(object: KubeObject): string | undefined {
  const mesh = (object as Record<string, unknown>).mesh;
  return typeof mesh === "string" && mesh !== "" ? mesh : undefined;
}

/**
 * Labels Kuma computes when a user creates the resource on a zone control
 * plane (`labels/compute.go` in zone mode): `kuma.io/origin: zone` when
 * absent, then unless the origin is `global` the zone and environment, and
 * on Kubernetes the namespace of a locally originated object.
 */
export function withZoneCreatedLabels(
  view: StoredView,
  zone: { name: string; environment: Environment },
): StoredView {
  const labels = { ...view.labels };
  labels[LABEL.origin] ??= ORIGIN.zone;
  if (labels[LABEL.origin] !== ORIGIN.global) {
    labels[LABEL.zone] ??= zone.name;
    labels[LABEL.env] ??= zone.environment;
  }
  if (
    zone.environment === "kubernetes" && view.namespace !== undefined &&
    labels[LABEL.origin] === ORIGIN.zone
  ) {
    labels[LABEL.namespace] ??= view.namespace;
  }
  return { ...view, labels: sortedInPlace(labels) };
}

/** True when `kuma.io/kds-sync: disabled` keeps the resource in its control plane. */
export function kdsSyncDisabled(view: TargetView): boolean {
  return view.labels[LABEL.kdsSync] === "disabled";
}

/** Kuma's `GetDisplayName`: the display-name label when non-empty, else the core name. */
export function displayNameOf(view: TargetView): string {
  const label = view.labels[LABEL.displayName];
  return label !== undefined && label !== "" ? label : view.coreName;
}

/** How a zone's resource appears on the global control plane. */
export function zoneToGlobal(
  view: StoredView,
  zone: { name: string; environment: Environment },
  global: { environment: Environment; systemNamespace: string },
): StoredView {
  const labels: Record<string, string> = { ...view.labels };
  labels[LABEL.origin] = ORIGIN.zone;
  labels[LABEL.zone] = zone.name;
  delete labels[LABEL.deletionGracePeriodStartedAt];
  if (zone.environment === "kubernetes" && view.namespace !== undefined) {
    labels[LABEL.namespace] ??= view.namespace;
  }
  const base = { ...view, coreName: stripSuffix(view, zone.environment, global.systemNamespace) };
  return renamed(base, labels, global);
}

/** How a global resource (created there or synced from a zone) appears in a zone. */
export function globalToZone(
  view: StoredView,
  global: { environment: Environment; systemNamespace: string },
  zone: { environment: Environment; systemNamespace: string },
): StoredView {
  const labels: Record<string, string> = { ...view.labels, [LABEL.origin]: ORIGIN.global };
  const base = { ...view, coreName: stripSuffix(view, global.environment, global.systemNamespace) };
  return renamed(base, labels, zone);
}

/**
 * The core view of a resource created on the global control plane: on a
 * Kubernetes global it lives in the system namespace and gets
 * `k8s.kuma.io/namespace` (it is locally originated there).
 */
export function globalCreatedView(
  object: KubeObject,
  global: { environment: Environment; systemNamespace: string },
  options: { kind: TargetKind; meshScoped: boolean },
): StoredView {
  const placed: KubeObject = global.environment === "kubernetes"
    ? { ...object, metadata: { ...object.metadata, namespace: global.systemNamespace } }
    : object;
  const view = coreView(placed, { ...options, environment: global.environment });
  if (global.environment === "kubernetes" && view.labels[LABEL.origin] === undefined) {
    view.labels = sortedInPlace({ ...view.labels, [LABEL.namespace]: global.systemNamespace });
  }
  return view;
}

/**
 * KDS renames with the hashed name; `util.WithName` first records the old
 * name as `kuma.io/display-name` when that label is empty.
 */
function renamed(
  base: StoredView,
  labels: Record<string, string>,
  store: { environment: Environment; systemNamespace: string },
): StoredView {
  const name = hashed({ ...base, labels });
  if (!labels[LABEL.displayName]) labels[LABEL.displayName] = base.coreName;
  return stored({ kind: base.kind, name, labels, mesh: base.mesh }, store);
}

function hashed(view: StoredView): string {
  const extra = [view.labels[LABEL.zone], view.labels[LABEL.namespace]]
    .filter((v): v is string => v !== undefined);
  return hashedName(view.mesh, displayNameOf(view), ...extra);
}

function stripSuffix(view: StoredView, environment: Environment, systemNamespace: string): string {
  if (environment !== "kubernetes") return view.coreName;
  const suffix = `.${systemNamespace}`;
  return view.coreName.endsWith(suffix) ? view.coreName.slice(0, -suffix.length) : view.coreName;
}

function stored(
  view: { kind: TargetKind; name: string; labels: Record<string, string>; mesh: string },
  store: { environment: Environment; systemNamespace: string },
): StoredView {
  const { name } = view;
  const kubernetes = store.environment === "kubernetes";
  return {
    kind: view.kind,
    name,
    namespace: kubernetes ? store.systemNamespace : undefined,
    coreName: kubernetes ? `${name}.${store.systemNamespace}` : name,
    nameExtension: kubernetes ? name : undefined,
    mesh: view.mesh,
    labels: sortedInPlace(view.labels),
    creationTime: undefined,
  };
}

/**
 * `map` with its keys in sorted order, reusing `map` when they already are
 * (a fresh map the caller owns): the views' labels are stable without a copy
 * per view.
 */
function sortedInPlace(map: Record<string, string>): Record<string, string> {
  const keys = Object.keys(map);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return sortedMap(map);
  }
  return map;
}

/** `metadata.creationTimestamp` (Kubernetes) or `creationTime` (Universal), when present. */
export function creationTimeOf(object: KubeObject): string | undefined {
  const meta = object.metadata as Record<string, unknown> | undefined;
  const value = meta?.creationTimestamp ?? (object as Record<string, unknown>).creationTime;
  return typeof value === "string" && value !== "" ? value : undefined;
}
