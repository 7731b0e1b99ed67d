/**
 * A Deno lint plugin holding the house size rules: no function longer than 80 lines, no function with
 * more than 3 positional parameters, no file longer than 600 lines. Registered in `deno.json`
 * (`lint.plugins`), so `deno lint` reports a breach like any other lint error.
 *
 * The Go `text/template` and `fmt` ports are exempt from the file-length rule (they follow Go's file
 * layout so they can be compared with Go's source); the generated catalogue data is not hand-written.
 *
 * @module
 */

const MAX_FUNCTION_LINES = 80;
const MAX_POSITIONAL_PARAMETERS = 3;
const MAX_FILE_LINES = 600;
const FILE_LENGTH_EXEMPT = [
  "src/hostnames/go_template.ts",
  "src/hostnames/go_fmt.ts",
  "src/hostnames/catalogue_data.ts",
];

// deno-lint-ignore no-explicit-any
type Node = any;
// deno-lint-ignore no-explicit-any
type Context = any;

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function functionName(node: Node): string {
  if (node.id?.name) return node.id.name;
  const parent = node.parent;
  if (parent?.type === "VariableDeclarator" && parent.id?.name) return parent.id.name;
  if ((parent?.type === "MethodDefinition" || parent?.type === "Property") && parent.key?.name) {
    return parent.key.name;
  }
  return "(anonymous)";
}

function positionalCount(node: Node): number {
  // A `this` parameter is a type annotation, not an argument.
  return (node.params as Node[]).filter((p) =>
    !(p.type === "Identifier" && p.name === "this") && p.type !== "RestElement"
  ).length;
}

function checkFunction(context: Context, node: Node): void {
  const text: string = context.sourceCode.text;
  const lines = lineOf(text, node.range[1]) - lineOf(text, node.range[0]) + 1;
  const name = functionName(node);
  if (lines > MAX_FUNCTION_LINES) {
    context.report({
      node,
      message: `Function "${name}" is ${lines} lines (at most ${MAX_FUNCTION_LINES})`,
      hint: "Split it into named steps",
    });
  }
  const count = positionalCount(node);
  if (count > MAX_POSITIONAL_PARAMETERS) {
    context.report({
      node,
      message:
        `Function "${name}" takes ${count} positional parameters (at most ${MAX_POSITIONAL_PARAMETERS})`,
      hint: "Pass an options object",
    });
  }
}

const plugin = {
  name: "structure",
  rules: {
    "function-size": {
      create(context: Context) {
        const visit = (node: Node) => checkFunction(context, node);
        return {
          FunctionDeclaration: visit,
          FunctionExpression: visit,
          ArrowFunctionExpression: visit,
        };
      },
    },
    "file-size": {
      create(context: Context) {
        return {
          Program(node: Node) {
            const file = String(context.filename).replaceAll("\\", "/");
            if (FILE_LENGTH_EXEMPT.some((exempt) => file.endsWith(exempt))) return;
            const text: string = context.sourceCode.text;
            const lines = text.endsWith("\n")
              ? lineOf(text, text.length) - 1
              : lineOf(text, text.length);
            if (lines > MAX_FILE_LINES) {
              context.report({
                node,
                message: `File is ${lines} lines (at most ${MAX_FILE_LINES})`,
                hint: "Split it by concern",
              });
            }
          },
        };
      },
    },
  },
};

export default plugin;
