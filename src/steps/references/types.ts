/**
 * The reference step's types: who refers (a {@link Referrer}), what the step
 * knows (a {@link ReferenceContext}), where one reference sits (a
 * {@link Site}) and the one object every decision reads ({@link SiteContext}).
 *
 * @module
 */

import type { Config, ReferenceStyle } from "../../config.ts";
import type { KubeObject, Result } from "../../model/krm.ts";
import type { LegacyIndex } from "../../model/service_identity.ts";
import type { KumaFeatures } from "../../model/version.ts";
import type { ReportReference } from "../../report.ts";
import type { DestinationIndex, Origin, RefFields } from "../destinations.ts";
import type { PodTemplate } from "../top_level_sections.ts";

/** An object whose references are read, and where Kuma evaluates it. */
export interface Referrer {
  object: KubeObject;
  /** Zone it is created in, or `global`. */
  createdIn: string;
  /** Zones whose proxies it configures (its own zone, or every zone when created on global). */
  zones: readonly string[];
  origin: Origin;
  path: string | undefined;
}

/** What the step needs besides the referrers. */
export interface ReferenceContext {
  features: KumaFeatures;
  config: Config;
  style: ReferenceStyle;
  multizone: boolean;
  destinations: DestinationIndex;
  legacy: LegacyIndex;
  /** Pod templates of the Kubernetes zones (inbound names for top-level `sectionName`). */
  podTemplates?: readonly PodTemplate[];
}

/** A change of scope a rewrite makes (see `top_level_sections.ts`). */
export interface TrafficNote {
  before: string;
  after: string;
  /** True when the rewrite keeps the legacy scope (a carried `sectionName`). */
  fixed: boolean;
  message: string;
}

/** A reference and how bad it is, for the migration gate to turn into results. */
export interface Finding {
  reference: ReportReference;
  object: KubeObject;
  /** True when the reference still depends on `kuma.io/service` (or resolves to nothing) after the run. */
  blocking: boolean;
  /** Severity outside the gate (`undefined`: no result). */
  severity: "warning" | "info" | undefined;
  /** What to do, appended to the result message. */
  advice: string;
  /** Set when the rewrite changes which traffic the object applies to. */
  traffic?: TrafficNote;
}

/** Output of `rewriteReferences`. */
export interface ReferenceOutput {
  /** Rewritten objects by the input object they replace. */
  rewritten: Map<KubeObject, KubeObject>;
  findings: Finding[];
  /** Consequences of rewrites worth knowing (policy roles that change). */
  results: Result[];
}

/** Where in a policy a reference sits. */
export type Role = ReportReference["role"];

/** One reference of an object: its path from the object root, the reference as written, its role. */
export interface Site {
  path: (string | number)[];
  ref: Record<string, unknown>;
  role: Role;
}

/** Everything a decision about one reference reads: the site, its fields, the referrer, the run. */
export interface SiteContext {
  site: Site;
  /** The site's reference, read by Kuma's field rules. */
  ref: RefFields;
  referrer: Referrer;
  context: ReferenceContext;
}
