/**
 * Command-line flags, read the way `node:util`'s `parseArgs` reads them in
 * strict mode with positionals allowed (same tokens, same values, same error
 * messages; tests/cli_flags_test.ts compares the two on generated argument
 * lists). It is ours because importing `node:util` sets up Deno's Node
 * compatibility layer, 10 to 30 ms of every directory, plugin and
 * post-renderer run.
 *
 * The rules: `--name value`, `--name=value`, `-n value`, `-nvalue` and
 * groups of short booleans (`-qh`); a string flag takes the next argument
 * whatever it is, but one that looks like a flag (`-x`) is refused as
 * ambiguous unless written inline; a boolean takes none; `--` ends the flags;
 * a lone `-` is a positional; a flag given twice keeps its last value.
 *
 * @module
 */

/** One flag: its type and optional one-letter form. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
}

/** Parsed flags: values by long name (string or `true`), then the positionals in order. */
export interface ParsedFlags {
  values: Record<string, string | boolean>;
  positionals: string[];
}

/** One option as the argument list spells it. */
interface OptionToken {
  name: string;
  rawName: string;
  value: string | undefined;
  inline: boolean;
}

/**
 * Reads `args` against `specs`; throws an `Error` whose message is
 * `parseArgs`'s for an unknown flag, a missing or unexpected value, or an
 * ambiguous one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlags } from "./cli_flags.ts";
 *
 * const specs = { out: { type: "string" }, quiet: { type: "boolean", short: "q" } } as const;
 * assert.deepEqual(parseFlags(["render", "-q", "--out=dist", "k8s"], specs), {
 *   values: { quiet: true, out: "dist" },
 *   positionals: ["render", "k8s"],
 * });
 * assert.throws(() => parseFlags(["--out"], specs), /Option '--out <value>' argument missing/);
 * ```
 */
export function parseFlags(args: readonly string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const values: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens(args, specs)) {
    if (typeof token === "string") {
      positionals.push(token);
      continue;
    }
    checkUsage(token, specs);
    if (token.name !== "__proto__") values[token.name] = token.value ?? true;
  }
  return { values, positionals };
}

/** The options and positionals of `args`, short groups expanded (parseArgs' tokenizer). */
function tokens(
  args: readonly string[],
  specs: Record<string, FlagSpec>,
): (OptionToken | string)[] {
  const out: (OptionToken | string)[] = [];
  const remaining = [...args];
  while (remaining.length > 0) {
    const arg = remaining.shift()!;
    if (arg === "--") {
      out.push(...remaining);
      break;
    }
    const short = arg.length >= 2 && arg[0] === "-" && arg[1] !== "-";
    const long = arg.length > 2 && arg.startsWith("--");
    if (short && arg.length === 2) {
      // `-f`, `-f value`.
      const name = longNameOf(arg[1]!, specs);
      out.push(separate({ name, rawName: arg }, remaining, specs));
    } else if (short && typeOf(longNameOf(arg[1]!, specs), specs) !== "string") {
      // `-abc`: booleans; a string flag inside takes the rest of the group as its value.
      remaining.unshift(...expandGroup(arg, specs));
    } else if (short) {
      // `-fvalue`.
      const name = longNameOf(arg[1]!, specs);
      out.push({ name, rawName: `-${arg[1]}`, value: arg.slice(2), inline: true });
    } else if (long && !arg.includes("=", 3)) {
      // `--name`, `--name value`.
      out.push(separate({ name: arg.slice(2), rawName: arg }, remaining, specs));
    } else if (long) {
      // `--name=value`.
      const equals = arg.indexOf("=");
      const name = arg.slice(2, equals);
      out.push({ name, rawName: `--${name}`, value: arg.slice(equals + 1), inline: true });
    } else out.push(arg);
  }
  return out;
}

/** An option written alone: a string flag takes the next argument, if there is one. */
function separate(
  option: { name: string; rawName: string },
  remaining: string[],
  specs: Record<string, FlagSpec>,
): OptionToken {
  const takes = typeOf(option.name, specs) === "string" && remaining.length > 0;
  return { ...option, value: takes ? remaining.shift() : undefined, inline: false };
}

/** `-abfFILE` as `-a`, `-b`, `-fFILE`. */
function expandGroup(arg: string, specs: Record<string, FlagSpec>): string[] {
  const expanded: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    const letter = arg[i]!;
    if (typeOf(longNameOf(letter, specs), specs) !== "string" || i === arg.length - 1) {
      expanded.push(`-${letter}`);
    } else {
      expanded.push(`-${arg.slice(i)}`);
      break;
    }
  }
  return expanded;
}

function checkUsage(token: OptionToken, specs: Record<string, FlagSpec>): void {
  const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
  if (spec === undefined) {
    throw new TypeError(
      `Unknown option '${token.rawName}'. To specify a positional argument starting with a '-', ` +
        `place it at the end of the command after '--', as in '-- ${JSON.stringify(token.rawName)}`,
    );
  }
  const both = `${spec.short ? `-${spec.short}, ` : ""}--${token.name}`;
  if (spec.type === "string" && token.value === undefined) {
    throw new TypeError(`Option '${both} <value>' argument missing`);
  }
  if (spec.type === "boolean" && token.value !== undefined) {
    throw new TypeError(`Option '${both}' does not take an argument`);
  }
  if (
    !token.inline && token.value !== undefined && token.value.length > 1 && token.value[0] === "-"
  ) {
    const example = token.rawName.startsWith("--")
      ? `'${token.rawName}=-XYZ'`
      : `'--${token.name}=-XYZ' or '${token.rawName}-XYZ'`;
    throw new TypeError(
      `Option '${token.rawName}' argument is ambiguous.\n` +
        `Did you forget to specify the option argument for '${token.rawName}'?\n` +
        `To specify an option argument starting with a dash use ${example}.`,
    );
  }
}

/** The long name a one-letter flag stands for (the letter itself when none). */
function longNameOf(letter: string, specs: Record<string, FlagSpec>): string {
  for (const [name, spec] of Object.entries(specs)) if (spec.short === letter) return name;
  return letter;
}

function typeOf(name: string, specs: Record<string, FlagSpec>): FlagSpec["type"] | undefined {
  return Object.hasOwn(specs, name) ? specs[name]!.type : undefined;
}
