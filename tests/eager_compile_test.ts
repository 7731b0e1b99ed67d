/**
 * tools/eager_compile.ts, the release bundle's eager-compilation marks: what
 * it rewrites, what it must leave alone (a function a statement before it
 * could reach), that the rewritten code runs the same, and that the real
 * bundle has every module body marked.
 *
 * @module
 */

import assert from "node:assert/strict";
import { eagerCompile } from "../tools/eager_compile.ts";
import { bundlePath } from "./e2e_support.ts";

/** Runs `text` as a module body and returns what it assigns to `out` (a `var` it declares). */
function evaluate(text: string): unknown {
  // The code under test is local text, never input: a Function body keeps it out of this module.
  return new Function(`${text}\nreturn out;`)();
}

const BUNDLE_SHAPE = [
  "var __defProp = Object.defineProperty;",
  "var __esm = (fn, res) => function __init() {",
  "  return fn && (res = (0, fn[Object.getOwnPropertyNames(fn)[0]])(fn = 0)), res;",
  "};",
  "function twice(n) {",
  "  return n * 2;",
  "}",
  "function* pairs(n) {",
  "  yield [n, twice(n)];",
  "}",
  "var table;",
  "var init_table = __esm({",
  '  "src/table.ts"() {',
  "    table = [...pairs(3)];",
  "  }",
  "});",
  "var out;",
  "init_table();",
  "out = { table, name: twice.name, fresh: typeof later };",
  "function later() {",
  "  return 1;",
  "}",
].join("\n");

Deno.test("eager compile: module bodies and the functions before any code runs, same behaviour", () => {
  const { text, functions, modules, kept } = eagerCompile(BUNDLE_SHAPE);
  assert.deepEqual({ functions, modules, kept }, { functions: 2, modules: 1, kept: 1 });
  assert.match(text, /^var twice = \(function \(n\) \{$/m);
  assert.match(text, /^var pairs = \(function\* \(n\) \{$/m);
  assert.match(text, /^ {2}"src\/table\.ts": \(function \(\) \{$/m);
  // `later` is called (as hoisted) by the statement before it: it stays a declaration.
  assert.match(text, /^function later\(\) \{$/m);
  const expected = { table: [[3, 6]], name: "twice", fresh: "function" };
  assert.deepEqual(evaluate(BUNDLE_SHAPE), expected);
  assert.deepEqual(evaluate(text), expected);
});

Deno.test("eager compile: a read of a later function's name ends the rewrites", () => {
  const source = "var alias = f;\nfunction f() {\n  return 2;\n}\nvar out = alias();\n";
  const { text, functions, kept } = eagerCompile(source);
  assert.deepEqual([functions, kept], [0, 1]);
  assert.equal(text, source);
  assert.equal(evaluate(text), 2);
});

Deno.test("eager compile: a read through a getter of the bundle's own exports ends the rewrites", () => {
  // esbuild's `__export` defines getters; reading one before `f`'s declaration reads `f` itself.
  const source = [
    "var __export = (target, all) => {",
    "  for (var name in all) Object.defineProperty(target, name, { get: all[name], enumerable: true });",
    "};",
    "var m_exports = {};",
    "__export(m_exports, { f: () => f });",
    "var alias = m_exports.f;",
    "function f() {",
    "  return 3;",
    "}",
    "var out = alias();",
  ].join("\n");
  const { text, functions, kept } = eagerCompile(source);
  assert.deepEqual([functions, kept], [0, 1]);
  assert.equal(evaluate(text), 3);
});

Deno.test("eager compile: text that only looks like code is not touched", () => {
  // A line-based rewrite would cut these: the parser sees one template literal.
  const source = "function f() {\n  return `\nfunction g() {\n}\n`;\n}\nvar out = f();\n";
  const { text, functions } = eagerCompile(source);
  assert.equal(functions, 1);
  assert.equal(evaluate(text), "\nfunction g() {\n}\n");
});

Deno.test("eager compile: the release bundle has every module body marked", async () => {
  const text = await Deno.readTextFile(await bundlePath());
  const marked = text.match(/^ {2}"[^"]+\.(?:ts|js|mjs)": \((?:async )?function \(\) \{$/gm) ?? [];
  assert.ok(marked.length > 100, `${marked.length} module bodies marked`);
  assert.doesNotMatch(
    text,
    /^var init_\w+ = __esm\(\{\n {2}"[^"]+"\(\) \{$/m,
    "no body left as a method",
  );
  assert.equal(eagerCompile(text).functions, 0, "rewriting it again finds nothing to mark");
});
