/**
 * HostnameGenerators as Kuma reads them: the selector kinds, the resource
 * view a generator's template sees, and Kuma's validator of each version
 * (`hostnamegenerator/api/v1alpha1/validate.go`).
 *
 * @module
 */

import { isObject, type KubeObject, stringMap } from "./krm.ts";
import type { ORIGIN } from "./kuma.ts";

/** The three selector kinds of `spec.selector`. */
export const SELECTOR_KINDS = [
  "meshService",
  "meshExternalService",
  "meshMultiZoneService",
] as const;

/** A selector kind. */
export type SelectorKind = typeof SELECTOR_KINDS[number];

/** Destination kinds hostnames are generated for, in the order Kuma processes them. */
export const TARGET_KINDS = ["MeshExternalService", "MeshService", "MeshMultiZoneService"] as const;

/** A destination kind. */
export type TargetKind = typeof TARGET_KINDS[number];

/** The selector kind that selects a destination kind. */
export const SELECTOR_OF: Readonly<Record<TargetKind, SelectorKind>> = {
  MeshService: "meshService",
  MeshExternalService: "meshExternalService",
  MeshMultiZoneService: "meshMultiZoneService",
};

/** Where a generator comes from. */
export type GeneratorSource = "kuma-default" | "config" | "input";

/** A HostnameGenerator as one zone's control plane stores it. */
export interface GeneratorView {
  /** `metadata.name` as written. */
  name: string;
  /** Core name in the zone's store (`hostnameGeneratorRef.coreName`). */
  coreName: string;
  /** `zone` when created on the zone, `global` when synced from global. */
  origin: typeof ORIGIN.zone | typeof ORIGIN.global;
  /** The selector kind, `undefined` when the selector is invalid. */
  kind: SelectorKind | undefined;
  matchLabels: Record<string, string>;
  template: string;
  /** RFC 3339 creation time when the input says; `undefined` when unknown. */
  creationTime: string | undefined;
  /** Rank among Kuma's defaults (their creation order); `undefined` for other generators. */
  defaultRank: number | undefined;
  source: GeneratorSource;
  /** The object the view was read from. */
  object: KubeObject;
}

/** A destination as the hostname generator sees it. */
export interface TargetView {
  kind: TargetKind;
  /** Core name in the zone's store. */
  coreName: string;
  /** Kubernetes object name (name extension); `undefined` on Universal. */
  nameExtension: string | undefined;
  mesh: string;
  /** Core label view (display name included on Kubernetes). */
  labels: Record<string, string>;
  creationTime: string | undefined;
}

/** A problem Kuma's validator reports, at a field path. */
export interface GeneratorViolation {
  field: string;
  message: string;
}

/** Reads the selector: the kinds present and the matchLabels of the first. */
export function readSelector(
  spec: unknown,
): { kinds: SelectorKind[]; matchLabels: Record<string, string> } {
  const selector = isObject(spec) && isObject(spec.selector) ? spec.selector : {};
  const kinds = SELECTOR_KINDS.filter((k) => selector[k] !== undefined && selector[k] !== null);
  const first = kinds[0];
  const chosen = first ? selector[first] : undefined;
  const matchLabels = isObject(chosen) ? stringMap(chosen.matchLabels) : {};
  return { kinds, matchLabels };
}

/** `spec.template` when it is a string. */
export function templateOf(object: KubeObject): string | undefined {
  const spec = object.spec;
  return isObject(spec) && typeof spec.template === "string" ? spec.template : undefined;
}

/** Kuma's label selector: every pair present with an equal value; empty matches all. */
export function matchesLabels(
  matchLabels: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const key in matchLabels) {
    if (labels[key] !== matchLabels[key]) return false;
  }
  return true;
}
