/**
 * Marks the release bundle's functions for eager compilation, so that V8's
 * code cache holds their bytecode. Deno keeps a code cache per module, made
 * when the module is compiled: it holds only what V8 compiled then, the
 * top-level code and the functions V8 compiles eagerly. Every other function
 * is compiled again, from source, the first time each run calls it: in a
 * one-item KRM run, about 500 of the bundle's functions, 4-5 ms of a 40 ms
 * start (measured: the same bundle under `--v8-flags=--no-lazy`, whose cache
 * holds everything, starts about 5 ms sooner; the flag is not ours to set,
 * users run `deno run meshservice-krm.js`).
 *
 * V8 compiles a function expression eagerly when it is wrapped in
 * parentheses (its "PIFE" heuristic, for functions called at once). The
 * bundle `deno bundle` writes (esbuild, every module wrapped in `__esm`) has
 * two kinds of functions a run always calls, and both can be wrapped without
 * changing what the code does:
 *
 * - each module's body, an object method `"src/x.ts"() {...}` passed to
 *   `__esm`, becomes `"src/x.ts": (function () {...})`: esbuild calls it as a
 *   plain function (`(0, fn[name])(...)`), with no `this`, `super` or
 *   arguments;
 * - each top-level `function f(...) {...}` becomes
 *   `var f = (function (...) {...});` (still named `f`, still a `var` of the
 *   module), but only while no top-level statement has run any code before
 *   it: a declaration is hoisted and an assignment is not, so a function is
 *   rewritten only if everything before it is declarations and esbuild's own
 *   helper calls (`__esm(...)`, `__export(...)`), whose arguments run nothing.
 *
 * The text is parsed with acorn (a development dependency, used only here),
 * edited by the nodes' positions, and the result parsed again. Functions
 * nested in others stay lazy: they cannot be wrapped without changing the
 * code.
 *
 * @example
 * ```ts
 * import { eagerCompile } from "./eager_compile.ts";
 * import assert from "node:assert/strict";
 *
 * const { text, functions, modules } = eagerCompile(
 *   'function f(a) { return a; }\nvar init_x = __esm({ "x.ts"() { f(1); } });\n',
 * );
 * assert.equal(text, 'var f = (function (a) { return a; });\nvar init_x = __esm({ "x.ts": (function () { f(1); }) });\n');
 * assert.deepEqual([functions, modules], [1, 1]);
 * ```
 *
 * @module
 */

import { parse } from "acorn";

/** A node of acorn's tree, as far as this file reads it. */
interface Node {
  type: string;
  start: number;
  end: number;
  [field: string]: unknown;
}

/** What {@link eagerCompile} did. */
export interface EagerCompiled {
  /** The rewritten bundle. */
  text: string;
  /** Top-level function declarations rewritten. */
  functions: number;
  /** Module bodies (`__esm` methods) rewritten. */
  modules: number;
  /** Top-level function declarations left as they are (after a statement that runs code). */
  kept: number;
}

/** The bundle's top-level names: its functions, and every name (functions, classes, variables). */
interface Declared {
  functions: ReadonlySet<string>;
  names: ReadonlySet<string>;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function parsed(text: string): Node {
  return parse(text, {
    ecmaVersion: "latest",
    sourceType: "module",
    allowHashBang: true,
  }) as unknown as Node;
}

/** Rewrites `text` (a bundle `deno bundle` wrote) as the module documentation says. */
export function eagerCompile(text: string): EagerCompiled {
  const program = parsed(text);
  const edits: Edit[] = [];
  let functions = 0;
  let modules = 0;
  let kept = 0;
  let inert = true;
  const body = program.body as Node[];
  // Reading a declared function's name before its declaration gives the function; after the
  // rewrite, `undefined`: such a read counts as running code. So does reading a member of a
  // top-level name (it may be a getter, as esbuild's `__export` defines, that reads one).
  const declared: Declared = {
    functions: new Set(
      body.filter((s) => s.type === "FunctionDeclaration").map((s) => String((s.id as Node).name)),
    ),
    names: new Set(body.flatMap(topLevelNames)),
  };
  for (const statement of body) {
    for (const method of moduleBodies(statement)) {
      edits.push(methodEdit(text, method));
      modules++;
    }
    if (statement.type === "FunctionDeclaration") {
      if (inert) {
        edits.push(declarationEdit(text, statement));
        functions++;
      } else kept++;
      continue;
    }
    inert &&= runsNothing(statement, declared);
  }
  const out = applied(text, edits);
  parsed(out); // Throws if an edit broke the syntax.
  return { text: out, functions, modules, kept };
}

/** `text` with the edits (which do not overlap) made, in one pass. */
function applied(text: string, edits: readonly Edit[]): string {
  const pieces: string[] = [];
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    pieces.push(text.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  pieces.push(text.slice(at));
  return pieces.join("");
}

/** The names a top-level statement declares (functions, classes, `var`/`let`/`const` names). */
function topLevelNames(statement: Node): string[] {
  if (statement.type === "FunctionDeclaration" || statement.type === "ClassDeclaration") {
    return [String((statement.id as Node).name)];
  }
  if (statement.type !== "VariableDeclaration") return [];
  return (statement.declarations as Node[]).flatMap((d) => {
    const id = d.id as Node;
    return id.type === "Identifier" ? [String(id.name)] : [];
  });
}

/** `function f(a) {...}` as `var f = (function (a) {...});`. */
function declarationEdit(text: string, declaration: Node): Edit {
  const id = declaration.id as Node;
  const head = `${declaration.async ? "async " : ""}function${declaration.generator ? "*" : ""}`;
  const rest = text.slice(id.end, declaration.end);
  return {
    start: declaration.start,
    end: declaration.end,
    text: `var ${text.slice(id.start, id.end)} = (${head} ${rest.trimStart()});`,
  };
}

/** `"src/x.ts"() {...}` as `"src/x.ts": (function () {...})`. */
function methodEdit(text: string, property: Node): Edit {
  const key = property.key as Node;
  const value = property.value as Node;
  const head = `${value.async ? "async " : ""}function${value.generator ? "*" : ""}`;
  return {
    start: property.start,
    end: property.end,
    text: `${text.slice(key.start, key.end)}: (${head} ${text.slice(value.start, value.end)})`,
  };
}

/** The `__esm({ "path"() {...} })` methods a `var init_x = __esm(...)` statement holds. */
function moduleBodies(statement: Node): Node[] {
  if (statement.type !== "VariableDeclaration") return [];
  return (statement.declarations as Node[]).flatMap((declarator) => {
    const init = declarator.init as Node | null;
    if (!isHelperCall(init) || (init!.callee as Node & { name: string }).name !== "__esm") {
      return [];
    }
    const [argument] = init!.arguments as Node[];
    if (argument?.type !== "ObjectExpression") return [];
    return (argument.properties as Node[]).filter((p) =>
      p.type === "Property" && p.method === true && !p.computed
    );
  });
}

/** A call of one of esbuild's helpers (`__esm`, `__export`, ...). */
function isHelperCall(node: Node | null | undefined): boolean {
  return node?.type === "CallExpression" && (node.callee as Node).type === "Identifier" &&
    String((node.callee as Node).name).startsWith("__");
}

/**
 * Whether running a top-level statement calls none of the bundle's code:
 * declarations whose values are functions, literals, objects of those, names
 * and members, or helper calls with such arguments.
 */
function runsNothing(statement: Node, declared: Declared): boolean {
  const inert = (node: Node) => inertValue(node, declared);
  if (statement.type === "VariableDeclaration") {
    return (statement.declarations as Node[]).every((d) =>
      d.init === null || inert(d.init as Node)
    );
  }
  if (statement.type === "ExpressionStatement") return inert(statement.expression as Node);
  return statement.type === "EmptyStatement";
}

/**
 * Whether evaluating `node` runs none of the bundle's code and reads no
 * declared function, nor any member of the bundle's own top-level objects.
 */
function inertValue(node: Node, declared: Declared): boolean {
  const inert = (child: unknown) => inertValue(child as Node, declared);
  switch (node.type) {
    case "FunctionExpression":
    case "ArrowFunctionExpression":
    case "Literal":
      return true;
    case "Identifier":
      return !declared.functions.has(String(node.name));
    case "MemberExpression": {
      // `Object.defineProperty`: a member of a global, not of the bundle's own objects.
      const object = node.object as Node;
      return !node.computed && object.type === "Identifier" &&
        !declared.names.has(String(object.name));
    }
    case "ObjectExpression":
      return (node.properties as Node[]).every((p) =>
        p.type === "Property" && !p.computed && inert(p.value)
      );
    case "CallExpression":
      return isHelperCall(node) && (node.arguments as Node[]).every(inert);
    default:
      return false;
  }
}
