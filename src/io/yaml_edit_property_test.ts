/**
 * Property test of the surgical YAML editor (yaml_edit.ts): random edits of
 * random documents, in random styles, read back exactly, and the other
 * documents of the file are untouched. Deterministic: a fixed seed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dump, loadAll } from "js-yaml";
import {
  applyChanges,
  type Change,
  editDocument,
  jsonEqual,
  type PathSegment,
} from "./yaml_edit.ts";

/** Parses with the directory reader's parser (js-yaml), empty documents dropped. */
function docs(text: string): unknown[] {
  return loadAll(text).filter((doc) => doc !== null && doc !== undefined);
}

/** Deterministic pseudo-random numbers (a linear congruential generator). */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** The random source of the property test: numbers, picks and random YAML values. */
interface RandomSource {
  next: () => number;
  pick: <T>(items: readonly T[]) => T;
  value: (depth: number) => unknown;
}

const RANDOM_SCALARS = [
  "a",
  "b c",
  "on",
  "8080",
  8080,
  true,
  null,
  "",
  "x: y",
  "multi\nline\n",
  "- d",
  "#h",
  1.5,
  "it's",
  'q"q',
];
const RANDOM_KEYS = ["kind", "name", "to", "targetRef", "on", "a b", "kuma.io/x", "n", "0"];

function randomSource(seed: number): RandomSource {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const value = (depth: number): unknown => {
    const r = next();
    if (depth > 3 || r < 0.4) return pick(RANDOM_SCALARS);
    if (r < 0.7) {
      return Object.fromEntries(
        Array.from(
          { length: 1 + Math.floor(next() * 4) },
          () => [pick(RANDOM_KEYS), value(depth + 1)],
        ),
      );
    }
    return Array.from({ length: 1 + Math.floor(next() * 3) }, () => value(depth + 1));
  };
  return { next, pick, value };
}

/** Every path in `node`, the root's empty path first. */
const paths = (node: unknown, path: PathSegment[] = []): PathSegment[][] => [
  path,
  ...(Array.isArray(node)
    ? node.flatMap((item, i) => paths(item, [...path, i]))
    : node !== null && typeof node === "object"
    ? Object.entries(node).flatMap(([key, item]) => paths(item, [...path, key]))
    : []),
];

const at = (node: unknown, path: PathSegment[]): unknown =>
  path.reduce<unknown>(
    (current, segment) => (current as Record<PathSegment, unknown>)?.[segment],
    node,
  );

/** A three-document text whose middle document is random YAML in a random style. */
function randomText({ next, pick, value }: RandomSource): string {
  let body = dump({ apiVersion: "v1", kind: "X", spec: value(1) }, {
    flowLevel: pick([-1, -1, 2, 3]),
    indent: pick([2, 4]),
    seqNoIndent: next() < 0.5,
    seqInlineFirst: next() < 0.5,
    flowBracketPadding: next() < 0.5,
    lineWidth: -1,
    quoteStyle: pick(["single", "double"] as const),
  });
  if (!/[|>]/.test(body)) {
    body = body.split("\n").map((line) =>
      line.trim() === "" || next() < 0.7
        ? line
        : next() < 0.5
        ? `${line} # c`
        : `${" ".repeat(line.length - line.trimStart().length)}# head\n${line}`
    ).join("\n");
  }
  let text = `# first\nx: 1\n---\n${body}...\n# tail\n---\ny: [2]\n`;
  if (next() < 0.2) text = text.replace(/\n/g, "\r\n");
  return text;
}

/** One to four random deletes and sets on paths of `before`. */
function randomChanges({ next, pick, value }: RandomSource, before: unknown): Change[] {
  const changes: Change[] = [];
  for (let i = 0; i < 1 + Math.floor(next() * 4); i++) {
    const path = pick(paths(before).filter((p) => p.length > 0));
    const parent = at(before, path.slice(0, -1));
    const isMap = parent !== null && typeof parent === "object" && !Array.isArray(parent);
    const r = next();
    if (r < 0.3 && isMap && path.length > 1) changes.push({ op: "delete", path });
    else if (r < 0.6 && isMap) {
      changes.push({
        op: "set",
        path: [...path.slice(0, -1), `${pick(RANDOM_KEYS)}2`],
        value: value(2),
      });
    } else changes.push({ op: "set", path, value: value(2) });
  }
  return changes;
}

Deno.test("yaml_edit: property: random edits of random documents read back exactly, other documents untouched", () => {
  const source = randomSource(7);
  for (let run = 0; run < 400; run++) {
    const text = randomText(source);
    const before = docs(text)[1];
    const changes = randomChanges(source, before);
    const after = applyChanges(before, changes);
    const out = editDocument(text, { index: 1, before, after });
    const reread = docs(out);
    assert.ok(jsonEqual(reread[1], after), `run ${run}:\n${text}\n=>\n${out}`);
    assert.deepEqual([reread[0], reread[2]], [{ x: 1 }, { y: [2] }]);
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    assert.ok(out.startsWith(`# first${eol}x: 1${eol}---${eol}`), `run ${run}: head changed`);
    assert.ok(
      out.endsWith(`...${eol}# tail${eol}---${eol}y: [2]${eol}`),
      `run ${run}: tail changed`,
    );
  }
});
