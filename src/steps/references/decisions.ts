/**
 * What happens to one reference, and one constructor per outcome. Every
 * decision of the reference step is made by these functions, so blocking and
 * severity follow the status in one place:
 *
 * | constructor       | status          | blocking       | severity             |
 * | ----------------- | --------------- | -------------- | -------------------- |
 * | {@link migrated}  | `migrated`      | no             | none                 |
 * | {@link rewritten} | `rewritten`     | no             | none                 |
 * | {@link kept}      | `kept`          | as given       | as given             |
 * | {@link unresolved}| `unresolved`    | yes            | warning              |
 * | {@link ambiguous} | `ambiguous`     | as given       | warning              |
 * | {@link needsDecision} | `needsDecision` | yes        | warning              |
 * | {@link unsupported} | `unsupported` | yes            | warning              |
 *
 * @module
 */

import type { ReferenceStatus, ReportTarget } from "../../report.ts";
import type { TrafficNote } from "./types.ts";

/** What happens to one reference: its status, the rewritten form, and what the report and gate say. */
export interface Decision {
  status: ReferenceStatus;
  /** The reference as written after the run; absent when it is left as written. */
  after?: Record<string, unknown>;
  /** What it resolves to, per zone it is evaluated in. */
  targets: ReportTarget[];
  message?: string;
  /** True when the reference still depends on `kuma.io/service` (or resolves to nothing). */
  blocking: boolean;
  /** Severity outside the gate (`undefined`: no result). */
  severity: "warning" | "info" | undefined;
  /** What to do, appended to the result message. */
  advice?: string;
  /** Set when the rewrite changes which traffic the object applies to. */
  traffic?: TrafficNote;
}

/** Already in the target version's form and resolves: left alone. */
export function migrated(targets: ReportTarget[] = []): Decision {
  return { status: "migrated", targets, blocking: false, severity: undefined };
}

/** Rewritten to `after`, which resolves to `targets`; `message` carries notes on the choice. */
export function rewritten(change: {
  after: Record<string, unknown>;
  targets: ReportTarget[];
  message?: string | undefined;
  traffic?: TrafficNote | undefined;
}): Decision {
  return {
    status: "rewritten",
    after: change.after,
    targets: change.targets,
    ...(change.message !== undefined ? { message: change.message } : {}),
    blocking: false,
    severity: undefined,
    ...(change.traffic ? { traffic: change.traffic } : {}),
  };
}

/** Left as written on purpose: still works on this version, or the config says so. */
export function kept(note: {
  message: string;
  targets?: ReportTarget[];
  /** Still counts against the readiness gate (default: no). */
  blocking?: boolean;
  severity?: "warning" | "info";
  advice?: string;
  traffic?: TrafficNote;
}): Decision {
  return {
    status: "kept",
    targets: note.targets ?? [],
    message: note.message,
    blocking: note.blocking ?? false,
    severity: note.severity,
    ...(note.advice !== undefined ? { advice: note.advice } : {}),
    ...(note.traffic ? { traffic: note.traffic } : {}),
  };
}

/** Resolves to nothing (or no rewrite of it resolves): blocking, with a warning. */
export function unresolved(problem: {
  message: string;
  advice: string;
  targets?: ReportTarget[];
}): Decision {
  return {
    status: "unresolved",
    targets: problem.targets ?? [],
    message: problem.message,
    blocking: true,
    severity: "warning",
    advice: problem.advice,
  };
}

/** Stands for several destinations where one is picked; blocking when it cannot be rewritten. */
export function ambiguous(problem: {
  message: string;
  advice: string;
  targets: ReportTarget[];
  blocking: boolean;
}): Decision {
  return {
    status: "ambiguous",
    targets: problem.targets,
    message: problem.message,
    blocking: problem.blocking,
    severity: "warning",
    advice: problem.advice,
  };
}

/** The service exists in several zones and config `crossZoneReferences` must choose: blocking. */
export function needsDecision(problem: { message: string; advice: string }): Decision {
  return {
    status: "needsDecision",
    targets: [],
    message: problem.message,
    blocking: true,
    severity: "warning",
    advice: problem.advice,
  };
}

/** The target version rejects it and the tool cannot rewrite it: blocking, with a warning. */
export function unsupported(problem: {
  message: string;
  advice: string;
  targets?: ReportTarget[];
  traffic?: TrafficNote;
}): Decision {
  return {
    status: "unsupported",
    targets: problem.targets ?? [],
    message: problem.message,
    blocking: true,
    severity: "warning",
    advice: problem.advice,
    ...(problem.traffic ? { traffic: problem.traffic } : {}),
  };
}
