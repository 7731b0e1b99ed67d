/**
 * The structure lint plugin (tools/lint/structure_plugin.ts), run the way the
 * project runs it: the real `deno lint` with the repository's deno.json (which
 * registers the plugin), on a small temporary fixture. Each limit is probed on
 * both sides: 81 lines, 4 positional parameters and 601 file lines are
 * reported; 80, 3 and 600 are not. Every diagnostic is compared, so nothing
 * else may be reported either.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DENO, describeRun, REPO_ROOT, run, writeTree } from "./e2e_support.ts";

/** A function declaration spanning exactly `lines` lines. */
function longFunction(name: string, lines: number): string {
  const body = Array.from({ length: lines - 4 }, () => "  x += 1;\n").join("");
  return `export function ${name}(): number {\n  let x = 0;\n${body}  return x;\n}\n`;
}

/** An arrow function spanning exactly `lines` lines. */
function longArrow(name: string, lines: number): string {
  const body = Array.from({ length: lines - 4 }, () => "  x += 1;\n").join("");
  return `export const ${name} = (): number => {\n  let x = 0;\n${body}  return x;\n};\n`;
}

/** A class whose one method spans exactly `lines` lines. */
function longMethod(name: string, lines: number): string {
  const body = Array.from({ length: lines - 4 }, () => "    x += 1;\n").join("");
  return `export class Holder${lines} {\n  ${name}(): number {\n    let x = 0;\n${body}` +
    `    return x;\n  }\n}\n`;
}

/** Pads `text` with one-line declarations to exactly `lines` lines. */
function padded(text: string, lines: number): string {
  const have = text.split("\n").length - 1;
  const pad = Array.from({ length: lines - have }, (_, i) => `export const pad${i} = ${i};\n`);
  return text + pad.join("");
}

const PARAMETERS = `
export function three(a: number, b: number, c: number): number {
  return a + b + c;
}
export function four(a: number, b: number, c: number, d: number): number {
  return a + b + c + d;
}
export function withThis(this: { n: number }, a: number, b: number, c: number): number {
  return this.n + a + b + c;
}
export function withRest(a: number, b: number, c: number, ...more: number[]): number {
  return a + b + c + more.length;
}
export const arrowFour = (a: number, b: number, c: number, d: number): number => a + b + c + d;
export class Point {
  constructor(readonly x: number, readonly y: number, readonly z: number, readonly w: number) {}
  move(dx: number, dy: number, dz: number, dw: number): number {
    return this.x + dx + dy + dz + dw;
  }
}
`.trimStart();

/** The long functions and four-parameter function every Go-port fixture file holds. */
const PORT_BODY = longFunction("portLong", 81) + PARAMETERS.split("export function withThis")[0];

/** The fixture: file path (relative) to text. */
function fixture(): Record<string, string> {
  return {
    "functions.ts": longFunction("lines80", 80) + longFunction("lines81", 81) +
      longArrow("arrow80", 80) + longArrow("arrow81", 81) + longMethod("method80", 80) +
      longMethod("method81", 81),
    "parameters.ts": PARAMETERS,
    "file600.ts": padded("", 600),
    "file601.ts": padded("", 601),
    // The Go ports are exempt from the file-size rule only, by their path.
    "src/hostnames/go_template.ts": padded(PORT_BODY, 601),
    "src/hostnames/go_fmt.ts": padded(PORT_BODY, 601),
    "src/io/go_template.ts": padded("", 601),
  };
}

interface Diagnostic {
  filename: string;
  code: string;
  message: string;
}

const FUNCTION_SIZE = "structure/function-size";
const FILE_SIZE = "structure/file-size";

function expectedDiagnostics(): string[] {
  const port = (file: string) => [
    `${file} ${FUNCTION_SIZE}: Function "portLong" is 81 lines (at most 80)`,
    `${file} ${FUNCTION_SIZE}: Function "four" takes 4 positional parameters (at most 3)`,
  ];
  return [
    `functions.ts ${FUNCTION_SIZE}: Function "lines81" is 81 lines (at most 80)`,
    `functions.ts ${FUNCTION_SIZE}: Function "arrow81" is 81 lines (at most 80)`,
    `functions.ts ${FUNCTION_SIZE}: Function "method81" is 81 lines (at most 80)`,
    `parameters.ts ${FUNCTION_SIZE}: Function "four" takes 4 positional parameters (at most 3)`,
    `parameters.ts ${FUNCTION_SIZE}: Function "arrowFour" takes 4 positional parameters (at most 3)`,
    `parameters.ts ${FUNCTION_SIZE}: Function "constructor" takes 4 positional parameters (at most 3)`,
    `parameters.ts ${FUNCTION_SIZE}: Function "move" takes 4 positional parameters (at most 3)`,
    `file601.ts ${FILE_SIZE}: File is 601 lines (at most 600)`,
    ...port("src/hostnames/go_template.ts"),
    ...port("src/hostnames/go_fmt.ts"),
    `src/io/go_template.ts ${FILE_SIZE}: File is 601 lines (at most 600)`,
  ].sort();
}

Deno.test("structure lint: deno lint reports 81-line functions, 4 positional parameters and 601-line files, not 80, 3 or 600", async () => {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-structure-" });
  try {
    const files = fixture();
    await writeTree(dir, files);
    // The fixture's own line counts are what the names say.
    assert.equal(files["file600.ts"]!.split("\n").length - 1, 600);
    assert.equal(files["src/hostnames/go_fmt.ts"]!.split("\n").length - 1, 601);
    const output = await run(DENO, [
      "lint",
      "--json",
      "--config",
      join(REPO_ROOT, "deno.json"),
      ...Object.keys(files).map((path) => join(dir, path)),
    ], { env: { ...Deno.env.toObject(), NO_COLOR: "1" } });
    assert.equal(output.code, 1, describeRun(output));
    const report = JSON.parse(output.stdout) as { diagnostics: Diagnostic[]; errors: unknown[] };
    assert.deepEqual(report.errors, []);
    const found = report.diagnostics.map((d) =>
      `${relative(dir, fileURLToPath(d.filename))} ${d.code}: ${d.message}`
    ).sort();
    assert.deepEqual(found, expectedDiagnostics());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("structure lint: the repository itself keeps the size rules (no function over 80 lines or 3 positional parameters, no file over 600 lines)", async () => {
  const output = await run(DENO, ["lint"], {
    cwd: REPO_ROOT,
    env: { ...Deno.env.toObject(), NO_COLOR: "1" },
  });
  const text = `${output.stdout}${output.stderr}`;
  const breaches = [
    ...text.matchAll(/error\[(structure\/[a-z-]+)\]: (.*)\n(?:.*\n)*?\s*--> (\S+)/g),
  ]
    .map(([, code, message, where]) => `${relative(REPO_ROOT, where!)} ${code}: ${message}`);
  assert.deepEqual(breaches, []);
  assert.equal(output.code, 0, describeRun(output));
  // The plugin really ran over the tree: deno lint checked the source files.
  const checked = Number(/Checked (\d+) files/.exec(text)?.[1] ?? 0);
  assert.ok(checked > 200, describeRun(output));
});
