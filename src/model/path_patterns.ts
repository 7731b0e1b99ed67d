/**
 * Path patterns for what directory mode does not read: the config key
 * `exclude` (globs) and kpt's `.krmignore` (gitignore syntax). Paths are
 * package-relative, `/`-separated, without a leading `./`. Pure: no I/O.
 *
 * @module
 */

/**
 * A glob as a regular expression over a whole relative path: `*` and `?`
 * stay inside one path segment, `**` spans folders (`a/**` is everything
 * under `a`, `**\/x.yaml` is `x.yaml` in any folder), `[abc]` and `[!abc]`
 * are character classes.
 */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slashAfter = glob[i + 2] === "/";
        const atSegmentStart = i === 0 || glob[i - 1] === "/";
        if (atSegmentStart && slashAfter) {
          source += "(?:[^/]*/)*";
          i += 2;
        } else {
          source += ".*";
          i += 1;
        }
      } else source += "[^/]*";
    } else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end === -1) source += "\\[";
      else {
        let body = glob.slice(i + 1, end);
        const negated = body.startsWith("!") || body.startsWith("^");
        if (negated) body = body.slice(1);
        source += `[${negated ? "^/" : ""}${body.replace(/[\\\]]/g, "\\$&")}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Why a config `exclude` glob cannot be used, or `undefined` when it can. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === "") return "Patterns must not be empty";
  if (glob.startsWith("/")) return `Pattern "${glob}" must be relative to the directory`;
  if (glob.split("/").includes("..")) return `Pattern "${glob}" must stay inside the directory`;
  return undefined;
}

/**
 * The config `exclude` globs as a matcher: a path is excluded when a glob
 * matches it or one of its folders (`charts` and `charts/**` both exclude
 * everything under `charts/`). Returns the glob that matched.
 *
 * @example
 * ```ts
 * import { excludeMatcher } from "./path_patterns.ts";
 * import assert from "node:assert/strict";
 *
 * const excluded = excludeMatcher(["docs/**", "**\/openapi.yaml"]);
 * assert.equal(excluded("docs/api/x.yaml"), "docs/**");
 * assert.equal(excluded("apps/shop/openapi.yaml"), "**\/openapi.yaml");
 * assert.equal(excluded("apps/shop/service.yaml"), undefined);
 * ```
 */
export function excludeMatcher(globs: readonly string[]): (path: string) => string | undefined {
  const compiled = globs.map((glob) => ({
    glob,
    regex: globToRegExp(glob.replace(/^\.\//, "").replace(/\/+$/, "")),
  }));
  return (path) => {
    if (compiled.length === 0) return undefined;
    const segments = path.split("/");
    for (let end = 1; end <= segments.length; end++) {
      const prefix = segments.slice(0, end).join("/");
      const hit = compiled.find((c) => c.regex.test(prefix));
      if (hit) return hit.glob;
    }
    return undefined;
  };
}

interface IgnorePattern {
  regex: RegExp;
  /** Segments the pattern spans: a pattern without a leading `/` is matched against that many trailing segments. */
  depth: number;
  rooted: boolean;
  dirOnly: boolean;
  line: string;
}

/** A parsed `.krmignore`. */
export interface KrmIgnore {
  /** The pattern line that ignores `path`, or `undefined` when it is read. */
  ignores(path: string, isDir: boolean): string | undefined;
}

/**
 * Reads a `.krmignore` as kpt does (kyaml's `ignoreFilesMatcher` on
 * `monochromegane/go-gitignore`), checked against real kpt in
 * `tests/real_repos_test.ts`: blank lines and `#` comments are skipped;
 * `!pattern` re-includes and wins over any ignore pattern, whatever the
 * order; a trailing `/` matches folders only; a leading `/` anchors the
 * pattern at the package root; any other pattern is matched against the
 * path's last segments (as many as it has), so `charts` and `c/h.yaml`
 * match at any depth. A folder that is ignored is skipped with everything
 * in it.
 *
 * @example
 * ```ts
 * import { parseKrmIgnore } from "./path_patterns.ts";
 * import assert from "node:assert/strict";
 *
 * const ignore = parseKrmIgnore("charts/\n*.md\n/values.yaml\n");
 * assert.equal(ignore.ignores("apps/charts", true), "charts/");
 * assert.equal(ignore.ignores("apps/charts", false), undefined);
 * assert.equal(ignore.ignores("values.yaml", false), "/values.yaml");
 * assert.equal(ignore.ignores("apps/values.yaml", false), undefined);
 * ```
 */
export function parseKrmIgnore(text: string): KrmIgnore {
  const ignore: IgnorePattern[] = [];
  const accept: IgnorePattern[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^ +| +$/g, "");
    if (line === "" || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    let body = negated ? line.slice(1) : line;
    if (body === "" || body === "/") continue;
    const rooted = body.startsWith("/");
    const dirOnly = body.endsWith("/");
    body = body.replace(/^\/+/, "").replace(/\/+$/, "");
    if (body === "") continue;
    const pattern: IgnorePattern = {
      regex: globToRegExp(body),
      depth: body.split("/").length,
      rooted,
      dirOnly,
      line,
    };
    (negated ? accept : ignore).push(pattern);
  }
  const matches = (p: IgnorePattern, path: string, isDir: boolean) => {
    if (p.dirOnly && !isDir) return false;
    if (p.rooted) return p.regex.test(path);
    const segments = path.split("/");
    return p.regex.test(segments.slice(Math.max(0, segments.length - p.depth)).join("/"));
  };
  return {
    ignores(path, isDir) {
      if (accept.some((p) => matches(p, path, isDir))) return undefined;
      return ignore.find((p) => matches(p, path, isDir))?.line;
    },
  };
}
