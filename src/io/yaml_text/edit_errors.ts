/**
 * Why a comment-preserving edit (`yaml_edit.ts`) was refused: a
 * {@link YamlEditError} with a kind callers can give advice for, and the
 * path notation its messages use.
 *
 * @module
 */

import type { PathSegment } from "./value_diff.ts";

/**
 * Why an edit was refused: the path goes through an `anchor`, an `alias` or a
 * `merge` key; the document no longer holds `before` (`mismatch`); the file
 * or change has a shape this module does not edit (`unsupported`); or the
 * result failed its own checks (`internal`).
 */
export type YamlEditErrorKind =
  | "anchor"
  | "alias"
  | "merge"
  | "mismatch"
  | "unsupported"
  | "internal";

const ADVICE: Record<YamlEditErrorKind, string> = {
  anchor: "edit the value by hand or remove the anchor",
  alias: "edit the value by hand or replace the alias with what it stands for",
  merge: "edit the value by hand or write the merged keys out",
  mismatch: "read the file again",
  unsupported: "edit the value by hand",
  internal: "",
};

/** An edit that was refused; the text was not changed. */
export class YamlEditError extends Error {
  /** Why, as a category callers can give advice for. */
  readonly kind: YamlEditErrorKind;
  /** The document the edit was for, when known. */
  readonly index: number | undefined;
  /** The changed path the problem is on, as `spec.to[0].targetRef`, when known. */
  readonly path: string | undefined;
  /** Why, without the document, path and advice of {@link message}. */
  readonly reason: string;

  /** Creates the error. */
  constructor(
    kind: YamlEditErrorKind,
    reason: string,
    where: { index?: number; path?: readonly PathSegment[] } = {},
  ) {
    const path = where.path && where.path.length > 0 ? formatPath(where.path) : undefined;
    super(
      `Cannot edit ${where.index === undefined ? "the file" : `document ${where.index}`}${
        path === undefined ? "" : ` at ${path}`
      }: ${reason}${ADVICE[kind] ? `: ${ADVICE[kind]}` : ""}`,
    );
    this.name = "YamlEditError";
    this.kind = kind;
    this.index = where.index;
    this.path = path;
    this.reason = reason;
  }
}

/** A path as `spec.to[0].targetRef` or `metadata.annotations["kuma.io/x"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
