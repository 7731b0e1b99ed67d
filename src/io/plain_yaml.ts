/**
 * A small, fast block-style YAML emitter for plain JSON data (the objects this
 * tool generates). Strings stay plain only when no YAML 1.1 or 1.2 reader can
 * take them for anything else; every other string is written as a JSON
 * string, which is a valid YAML double-quoted scalar.
 *
 * @module
 */

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED = /^(y|yes|n|no|true|false|on|off|null)$/i;

/** One sequence entry (`- ...`) at `indent`, ending in a newline. */
export function emitEntry(value: unknown, indent: number): string {
  const out: string[] = [];
  entry(value, indent, out);
  return out.join("");
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  }
  const text = String(value);
  return PLAIN.test(text) && !RESERVED.test(text) ? text : JSON.stringify(text);
}

function isBlock(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object" && value !== null) return "{}";
  return scalar(value);
}

function mapping(
  value: Record<string, unknown>,
  indent: number,
  out: string[],
  first: boolean,
): void {
  const pad = " ".repeat(indent);
  let lead = !first;
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    out.push(lead ? pad : "", scalar(key), ":");
    lead = true;
    if (!isBlock(child)) out.push(" ", inline(child), "\n");
    else if (Array.isArray(child)) {
      out.push("\n");
      for (const element of child) entry(element, indent + 2, out);
    } else {
      out.push("\n");
      mapping(child, indent + 2, out, false);
    }
  }
}

function entry(value: unknown, indent: number, out: string[]): void {
  out.push(" ".repeat(indent), "- ");
  if (!isBlock(value)) out.push(inline(value), "\n");
  else if (Array.isArray(value)) {
    out.push("\n");
    for (const element of value) entry(element, indent + 2, out);
  } else mapping(value, indent + 2, out, true);
}
