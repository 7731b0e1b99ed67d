/**
 * Text helpers of the reference step's messages.
 *
 * @module
 */

import { isObject } from "../../model/krm.ts";

/** One-line rendering of a reference for messages: `MeshService backend_kuma-demo_svc_80`. */
export function describeRef(ref: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [String(ref.kind ?? "?")];
  if (typeof ref.name === "string") {
    parts.push(typeof ref.namespace === "string" ? `${ref.namespace}/${ref.name}` : ref.name);
  }
  if (isObject(ref.labels)) {
    parts.push(
      `{${Object.entries(ref.labels).map(([k, v]) => `${k}: ${String(v)}`).join(", ")}}`,
    );
  }
  if (ref.sectionName !== undefined) parts.push(`sectionName ${String(ref.sectionName)}`);
  if (ref.port !== undefined) parts.push(`port ${String(ref.port)}`);
  return `"${parts.join(" ")}"`;
}

/** `zone a` or `zones a, b`. */
export function zonesText(zones: readonly string[]): string {
  return zones.length === 1 ? `zone ${zones[0]}` : `zones ${zones.join(", ")}`;
}

/** `zone east` for a zone, `the global control plane` for `global`. */
export function fromText(createdIn: string): string {
  return createdIn === "global" ? "the global control plane" : `zone ${createdIn}`;
}

/** The values without repeats, in first-seen order. */
export function unique<T>(values: readonly T[]): T[] {
  // One or two values (most references have one target): no set.
  if (values.length === 1) return [setValue(values[0]!)];
  if (values.length === 2) {
    const [a, b] = values as [T, T];
    const same = a === b || (a !== a && b !== b); // SameValueZero, as a Set compares
    return same ? [setValue(a)] : [setValue(a), setValue(b)];
  }
  return [...new Set(values)];
}

/** The value as a Set holds it (-0 becomes 0). */
function setValue<T>(value: T): T {
  return (value === 0 ? 0 : value) as T;
}
