/**
 * The small value checker the configuration keys are declared with. It
 * replaced zod (issue 16.6: importing zod cost about 12 ms of every start,
 * although most runs set few keys) and keeps zod 4's observable behaviour
 * for the shapes used here, so every message for an invalid config stayed
 * byte-identical (tests/config_messages_test.ts replays the answers zod gave):
 *
 * - a wrong type is `Invalid input: expected string, received number`;
 * - checks on a value of the right type all run, each adding its issue,
 *   until one that aborts (`int`);
 * - a union takes the first option that passes; when none does, it reports
 *   the issues of the only option that failed softly (checks, refinements,
 *   unknown keys), else `Invalid input`;
 * - a pipe stops at the first issue other than an unknown key.
 *
 * @module
 */

/** One problem with a value, at a path inside it. */
export interface Issue {
  /** What kind of problem (`invalid_type`, `custom`, `unrecognized_keys`, ...). */
  code: string;
  /** Keys and indices from the checked value to the offending part. */
  path: (string | number)[];
  /** The message, final. */
  message: string;
  /** The unknown keys of an `unrecognized_keys` issue. */
  keys?: string[];
  /** True for soft issues: the value had the right type, a check failed. */
  soft?: boolean;
}

/** The outcome of checking a value: the (transformed) value and its issues. */
export interface Checked {
  value: unknown;
  issues: Issue[];
  /** Set by a pipe that stopped: even soft issues then count as hard in a union. */
  stopped?: boolean;
}

/**
 * A checker of values: `In` is what it accepts, `Out` what it gives
 * (both for typing only).
 */
export interface Schema<Out, In = Out> {
  /** Checks `value`. */
  readonly check: (value: unknown) => Checked;
  /** True when an absent value is accepted (an optional object field). */
  readonly optional?: boolean;
  /** Phantom fields carrying the types. */
  readonly _types?: { in: In; out: Out };
}

/** The output type of a schema. */
export type Output<S> = S extends Schema<infer O, infer _I> ? O : never;
/** The input type of a schema. */
export type Input<S> = S extends Schema<infer _O, infer I> ? I : never;

/** A check of a value that has the right type: a message when it fails. */
export interface ValueCheck<T> {
  readonly test: (value: T) => Omit<Issue, "path"> | undefined;
}

/** What a transform may report: an issue stops the value. */
export interface TransformContext {
  addIssue(message: string): void;
}

function schema<Out, In>(check: (value: unknown) => Checked): Schema<Out, In> {
  return { check };
}

/** zod's name of a value's type in `received ...`. */
function typeName(value: unknown): string {
  if (typeof value === "number") return Number.isFinite(value) ? "number" : String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && "constructor" in value) {
      const name = (value.constructor as { name?: unknown } | undefined)?.name;
      if (typeof name === "string" && name !== "") return name;
    }
  }
  return typeof value;
}

function wrongType(expected: string, value: unknown): Issue {
  return {
    code: "invalid_type",
    path: [],
    message: `Invalid input: expected ${expected}, received ${typeName(value)}`,
  };
}

function isHard(issue: { soft?: boolean }): boolean {
  return issue.soft !== true;
}

function runChecks<T>(value: T, checks: readonly ValueCheck<T>[]): Checked {
  const issues: Issue[] = [];
  for (const check of checks) {
    const issue = check.test(value);
    if (issue === undefined) continue;
    issues.push({ ...issue, path: [] });
    if (isHard(issue)) break;
  }
  return { value, issues };
}

/** A string, then `checks` in order. */
export function string(...checks: ValueCheck<string>[]): Schema<string> {
  return schema((value) =>
    typeof value === "string"
      ? runChecks(value, checks)
      : { value, issues: [wrongType("string", value)] }
  );
}

/** A finite number, then `checks` in order. */
export function number(...checks: ValueCheck<number>[]): Schema<number> {
  return schema((value) =>
    typeof value === "number" && Number.isFinite(value)
      ? runChecks(value, checks)
      : { value, issues: [wrongType("number", value)] }
  );
}

/** `true` or `false`. */
export function boolean(): Schema<boolean> {
  return schema((value) => ({
    value,
    issues: typeof value === "boolean" ? [] : [wrongType("boolean", value)],
  }));
}

/** One of `values` (compared with `===`). */
export function oneOf<const T extends readonly string[]>(
  values: T,
  message?: string,
): Schema<T[number]> {
  const text = message ??
    (values.length === 1
      ? `Invalid input: expected "${values[0]}"`
      : `Invalid option: expected one of ${values.map((v) => `"${v}"`).join("|")}`);
  return schema((value) => ({
    value,
    issues: (values as readonly unknown[]).includes(value)
      ? []
      : [{ code: "invalid_value", path: [], message: text }],
  }));
}

/** At most `max` characters. */
export function maxLength(max: number, message?: string): ValueCheck<string> {
  return {
    test: (v) =>
      v.length <= max ? undefined : {
        code: "too_big",
        soft: true,
        message: message ?? `Too big: expected string to have <=${max} characters`,
      },
  };
}

/** At least `min` characters. */
export function minLength(min: number, message?: string): ValueCheck<string> {
  return {
    test: (v) =>
      v.length >= min ? undefined : {
        code: "too_small",
        soft: true,
        message: message ?? `Too small: expected string to have >=${min} characters`,
      },
  };
}

/** Matches `pattern`. */
export function matches(pattern: RegExp, message?: string): ValueCheck<string> {
  return {
    test: (v) =>
      pattern.test(v) ? undefined : {
        code: "invalid_format",
        soft: true,
        message: message ?? `Invalid string: must match pattern ${pattern}`,
      },
  };
}

/** `problem` returns a message when the value is wrong (a refinement: a soft issue). */
export function refine<T>(problem: (value: T) => string | undefined): ValueCheck<T> {
  return {
    test: (v) => {
      const message = problem(v);
      return message === undefined ? undefined : { code: "custom", soft: true, message };
    },
  };
}

/** A safe integer; a fraction aborts the later checks. */
export function integer(): ValueCheck<number> {
  return {
    test: (v) => {
      if (!Number.isInteger(v)) {
        return { code: "invalid_type", message: "Invalid input: expected int, received number" };
      }
      if (Number.isSafeInteger(v)) return undefined;
      return v > 0
        ? {
          code: "too_big",
          soft: true,
          message: `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`,
        }
        : {
          code: "too_small",
          soft: true,
          message: `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`,
        };
    },
  };
}

/** At least `min`. */
export function atLeast(min: number): ValueCheck<number> {
  return {
    test: (v) =>
      v >= min
        ? undefined
        : { code: "too_small", soft: true, message: `Too small: expected number to be >=${min}` },
  };
}

/** At most `max`. */
export function atMost(max: number): ValueCheck<number> {
  return {
    test: (v) =>
      v <= max
        ? undefined
        : { code: "too_big", soft: true, message: `Too big: expected number to be <=${max}` },
  };
}

function under(key: string | number, issues: readonly Issue[]): Issue[] {
  return issues.map((issue) => ({ ...issue, path: [key, ...issue.path] }));
}

/** A list whose every element passes `element`. */
export function array<O, I>(element: Schema<O, I>): Schema<O[], I[]> {
  return schema((value) => {
    if (!Array.isArray(value)) return { value, issues: [wrongType("array", value)] };
    const issues: Issue[] = [];
    const out = value.map((item, index) => {
      const result = element.check(item);
      issues.push(...under(index, result.issues));
      return result.value;
    });
    return { value: out, issues };
  });
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  if (!isMap(value)) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== "function") return true;
  const proto = (ctor as { prototype?: unknown }).prototype;
  return isMap(proto) && Object.hasOwn(proto, "isPrototypeOf");
}

/** A map whose keys pass `key` and values pass `element`. */
export function record<O>(
  key: Schema<string>,
  element: Schema<O, unknown>,
): Schema<Record<string, O>> {
  return schema((value) => {
    if (!isPlainMap(value)) return { value, issues: [wrongType("record", value)] };
    const issues: Issue[] = [];
    const out: Record<string, O> = {};
    for (const name of Object.keys(value)) {
      if (name === "__proto__") continue;
      if (key.check(name).issues.length > 0) {
        issues.push({ code: "invalid_key", path: [name], message: "Invalid key in record" });
        continue;
      }
      const result = element.check(value[name]);
      issues.push(...under(name, result.issues));
      out[name] = result.value as O;
    }
    return { value: out, issues };
  });
}

/** The fields of an object schema. */
export type Shape = Record<string, Schema<unknown, unknown>>;

type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends { optional: true } ? K : never;
}[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
/** The output of an object schema. */
export type ShapeOutput<S extends Shape> =
  & { [K in RequiredKeys<S>]: Output<S[K]> }
  & { [K in OptionalKeys<S>]?: Output<S[K]> };
/** The input of an object schema. */
export type ShapeInput<S extends Shape> =
  & { [K in RequiredKeys<S>]: Input<S[K]> }
  & { [K in OptionalKeys<S>]?: Input<S[K]> };

/**
 * An object with the fields of `shape`, in its order. Other keys are an
 * `unrecognized_keys` issue (a soft one) with `strict`, else dropped.
 */
export function object<S extends Shape>(
  shape: S,
  options: { strict: boolean },
): Schema<ShapeOutput<S>, ShapeInput<S>> {
  return schema((value) => {
    if (!isMap(value)) return { value, issues: [wrongType("object", value)] };
    const issues: Issue[] = [];
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(shape)) {
      if (name === "__proto__") continue;
      const present = name in value;
      if (!present && field.optional) continue;
      const result = field.check(value[name]);
      issues.push(...under(name, result.issues));
      if (result.value !== undefined || present) out[name] = result.value;
    }
    if (options.strict) {
      const unknown: string[] = [];
      for (const name in value) if (!Object.hasOwn(shape, name)) unknown.push(name);
      if (unknown.length > 0) {
        issues.push({
          code: "unrecognized_keys",
          path: [],
          keys: unknown,
          soft: true,
          message: `Unrecognized key${unknown.length > 1 ? "s" : ""}: ${
            unknown.map((k) => `"${k}"`).join(", ")
          }`,
        });
      }
    }
    return { value: out, issues };
  });
}

/** The first of `options` that passes. */
export function union<const S extends readonly Schema<unknown, unknown>[]>(
  ...options: S
): Schema<Output<S[number]>, Input<S[number]>> {
  return schema((value) => {
    const results: Checked[] = [];
    for (const option of options) {
      const result = option.check(value);
      if (result.issues.length === 0) return result;
      results.push(result);
    }
    const soft = results.filter((r) => !r.stopped && !r.issues.some(isHard));
    if (soft.length === 1) return soft[0]!;
    return { value, issues: [{ code: "invalid_union", path: [], message: "Invalid input" }] };
  });
}

/** `inner`, or nothing. */
export function optional<O, I>(inner: Schema<O, I>): Schema<O | undefined, I | undefined> & {
  optional: true;
} {
  return {
    optional: true,
    check: (value) => value === undefined ? { value, issues: [] } : inner.check(value),
  };
}

/** Turns the value into another; an issue it adds stops the value. */
export function transform<I, O>(fn: (value: I, context: TransformContext) => O): Schema<O, I> {
  return schema((value) => {
    const issues: Issue[] = [];
    const out = fn(value as I, {
      addIssue: (message) => issues.push({ code: "custom", path: [], message }),
    });
    return { value: out, issues };
  });
}

/** `first`, then `second` on its output, unless `first` found an issue other than unknown keys. */
export function pipe<A, B, I>(first: Schema<A, I>, second: Schema<B, A>): Schema<B, I> {
  return schema((value) => {
    const left = first.check(value);
    if (left.issues.some((issue) => issue.code !== "unrecognized_keys")) {
      return { ...left, stopped: true };
    }
    const right = second.check(left.value);
    return { value: right.value, issues: [...left.issues, ...right.issues] };
  });
}
