/**
 * The full YAML reader: any YAML that js-yaml's parser accepts (anchors,
 * flow collections, tags, block scalars, directives), composed into JSON
 * values the way Kubernetes composes them (`sigs.k8s.io/yaml.YAMLToJSON` over
 * go-yaml v2): scalars resolve by {@link resolvePlain}, explicit tags are
 * checked as go-yaml v2 checks them, and merge keys (`<<:`, also kpt's
 * `!!merge <<:`) merge in go-yaml v2's order: a merge overwrites the keys
 * before it, keys after it win, and of a merged list the earlier maps win.
 *
 * Deliberate differences from Kubernetes, all errors where Kubernetes reads
 * something: a key given twice in one map (Kubernetes keeps the last; kpt and
 * kustomize refuse it), and a stream of several documents where one is
 * expected (Kubernetes reads the first).
 *
 * @module
 */

import { type Event, getScalarValue, parseEvents, SCALAR_STYLE, type ScalarEvent } from "js-yaml";
import { jsonValue, keyString, type Resolved, resolvePlain, ScalarError } from "./yaml_scalars.ts";

/** Nesting limit of the parser: deeper text fails to read. */
export const PARSER_MAX_DEPTH = 100;

/** A problem at a place in the text. */
export class ReadError extends Error {
  /** Offset into the text, when known. */
  readonly offset: number | undefined;
  /** Creates the error. */
  constructor(message: string, offset?: number) {
    super(message);
    this.name = "ReadError";
    this.offset = offset;
  }
}

const TAG_PREFIX = "tag:yaml.org,2002:";
const EV_DOCUMENT = 1;
const EV_SEQUENCE = 2;
const EV_MAPPING = 3;
const EV_SCALAR = 4;
const EV_ALIAS = 5;

/** Escapes js-yaml reads in double-quoted scalars that go-yaml v2 rejects (and `\u` surrogates). */
const REJECTED_ESCAPES = new Set(["/"]);

interface Anchored {
  value: unknown;
  /** Set for scalars: what they resolved to (an alias can be a map key). */
  resolved?: Resolved;
}

/** Defines `key` on `target` as an own enumerable property (safe for `__proto__`). */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else target[key] = value;
}

/** Reads every document of `text`, empty ones as `null`. */
export function readAllFull(text: string): unknown[] {
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: PARSER_MAX_DEPTH });
  } catch (error) {
    const mark = (error as { mark?: { position?: number } }).mark;
    const reason = (error as { reason?: string }).reason ??
      (error instanceof Error ? error.message.split("\n")[0]! : String(error));
    throw new ReadError(reason, mark?.position);
  }
  return new Composer(text, events).documents();
}

class Composer {
  readonly #text: string;
  readonly #events: Event[];
  #at = 0;
  #anchors = new Map<string, Anchored>();
  #handles = new Map<string, string>();
  #budget: number;

  constructor(text: string, events: Event[]) {
    this.#text = text;
    this.#events = events;
    this.#budget = text.length * 4 + 10_000;
  }

  documents(): unknown[] {
    const out: unknown[] = [];
    while (this.#at < this.#events.length) {
      const event = this.#events[this.#at++]!;
      if (event.type !== EV_DOCUMENT) throw new ReadError("Unexpected parser event");
      this.#anchors = new Map();
      this.#handles = new Map([["!", "!"], ["!!", TAG_PREFIX]]);
      for (const directive of event.directives) {
        if (directive.kind === "yaml" && directive.version !== "1.1") {
          throw new ReadError(
            `YAML version ${directive.version} is not read by Kubernetes (go-yaml v2 reads 1.1): remove the %YAML directive`,
          );
        }
        if (directive.kind === "tag") this.#handles.set(directive.handle, directive.prefix);
      }
      const next = this.#events[this.#at];
      if (next === undefined || next.type === 6) {
        out.push(null);
      } else {
        out.push(this.#node(0).value);
      }
      this.#at++; // the document's POP
    }
    return out;
  }

  #node(depth: number): Anchored {
    const event = this.#events[this.#at++]!;
    if (--this.#budget < 0) {
      throw new ReadError("Excessive alias expansion indicates a resource exhaustion attack");
    }
    switch (event.type) {
      case EV_SCALAR:
        return this.#anchor(event, this.#scalar(event));
      case EV_ALIAS: {
        const name = this.#text.slice(event.anchorStart, event.anchorEnd);
        const target = this.#anchors.get(name);
        if (!target) throw new ReadError(`Unknown anchor "${name}"`, event.anchorStart);
        return {
          value: this.#copy(target.value),
          ...(target.resolved ? { resolved: target.resolved } : {}),
        };
      }
      case EV_SEQUENCE: {
        const items: unknown[] = [];
        const anchored = this.#anchor(event, { value: items });
        while (this.#events[this.#at]!.type !== 6) items.push(this.#node(depth + 1).value);
        this.#at++;
        return anchored;
      }
      case EV_MAPPING: {
        const map: Record<string, unknown> = {};
        const anchored = this.#anchor(event, { value: map });
        this.#mapping(map, event.start);
        return anchored;
      }
      default:
        throw new ReadError("Unexpected parser event");
    }
  }

  #anchor(event: { anchorStart: number; anchorEnd: number }, node: Anchored): Anchored {
    if (event.anchorStart >= 0) {
      this.#anchors.set(this.#text.slice(event.anchorStart, event.anchorEnd), node);
    }
    return node;
  }

  #mapping(map: Record<string, unknown>, start: number): void {
    const explicit = new Set<string>();
    while (this.#events[this.#at]!.type !== 6) {
      const keyEvent = this.#events[this.#at]!;
      if (this.#isMerge(keyEvent)) {
        this.#at++;
        const offset = this.#offsetOf(this.#events[this.#at]!);
        this.#merge(map, this.#node(1).value, offset);
        continue;
      }
      const key = this.#key();
      const value = this.#node(1).value;
      if (explicit.has(key)) {
        throw new ReadError(`Duplicated mapping key "${key}"`, start);
      }
      explicit.add(key);
      setKey(map, key, value);
    }
    this.#at++;
  }

  #isMerge(event: Event): boolean {
    if (event.type !== EV_SCALAR) return false;
    if (getScalarValue(this.#text, event) !== "<<") return false;
    if (event.tagStart >= 0) return this.#tagOf(event) === `${TAG_PREFIX}merge`;
    return event.style === SCALAR_STYLE.PLAIN;
  }

  /** go-yaml v2's merge: a map, or a list of maps applied last to first. */
  #merge(map: Record<string, unknown>, value: unknown, offset: number | undefined): void {
    const fail = () => {
      throw new ReadError("Map merge requires a map or a list of maps as the value", offset);
    };
    const apply = (source: unknown) => {
      if (!isMap(source)) fail();
      for (const key of Object.keys(source as object)) {
        setKey(map, key, (source as Record<string, unknown>)[key]);
      }
    };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) apply(value[i]);
    } else apply(value);
  }

  #key(): string {
    const event = this.#events[this.#at]!;
    const offset = this.#offsetOf(event);
    const node = this.#node(1);
    if (node.resolved === undefined) {
      throw new ReadError("A map key must be a scalar for Kubernetes", offset);
    }
    try {
      return keyString(node.resolved);
    } catch (error) {
      throw new ReadError((error as Error).message, offset);
    }
  }

  #scalar(event: ScalarEvent): Anchored {
    const text = getScalarValue(this.#text, event);
    if (event.style === SCALAR_STYLE.DOUBLE_QUOTED) this.#checkEscapes(event);
    const resolved = event.tagStart >= 0
      ? this.#tagged(text, this.#tagOf(event), event)
      : event.style === SCALAR_STYLE.PLAIN
      ? resolvePlain(text)
      : { kind: "str" as const, value: text };
    return { value: jsonValue(resolved), resolved };
  }

  #tagged(text: string, tag: string, event: ScalarEvent): Resolved {
    const short = tag.startsWith(TAG_PREFIX) ? tag.slice(TAG_PREFIX.length) : undefined;
    if (short === "binary") return { kind: "str", value: decodeBase64(text, event.valueStart) };
    if (
      short !== "bool" && short !== "int" && short !== "float" && short !== "null" &&
      short !== "timestamp"
    ) {
      return { kind: "str", value: text };
    }
    if (short === "timestamp") {
      if (GO_TIMESTAMP.test(text)) return { kind: "str", value: text };
      throw new ReadError(`Cannot read "${text}" as a !!timestamp`, event.valueStart);
    }
    const resolved = resolvePlain(text);
    if (resolved.kind === short) return resolved;
    if (short === "float" && (resolved.kind === "int")) {
      return { kind: "float", value: Number(resolved.value) };
    }
    throw new ReadError(`Cannot read "${text}" as a !!${short}`, event.valueStart);
  }

  #tagOf(event: { tagStart: number; tagEnd: number }): string {
    const raw = this.#text.slice(event.tagStart, event.tagEnd);
    if (raw.startsWith("!<")) return raw.slice(2, -1);
    if (raw === "!") return "!";
    const second = raw.indexOf("!", 1);
    const handle = second === -1 ? "!" : raw.slice(0, second + 1);
    const prefix = this.#handles.get(handle);
    if (prefix === undefined) {
      throw new ReadError(`Undeclared tag handle "${handle}"`, event.tagStart);
    }
    return prefix + raw.slice(handle.length);
  }

  #checkEscapes(event: ScalarEvent): void {
    const raw = this.#text.slice(event.valueStart, event.valueEnd);
    for (let i = raw.indexOf("\\"); i !== -1; i = raw.indexOf("\\", i + 2)) {
      const kind = raw[i + 1]!;
      const code = kind === "u"
        ? parseInt(raw.slice(i + 2, i + 6), 16)
        : kind === "U"
        ? parseInt(raw.slice(i + 2, i + 10), 16)
        : NaN;
      if (REJECTED_ESCAPES.has(kind) || (code >= 0xd800 && code <= 0xdfff)) {
        throw new ReadError(
          `Unknown escape "\\${raw[i + 1]}" (Kubernetes cannot read it)`,
          event.valueStart + i,
        );
      }
    }
  }

  #offsetOf(event: Event): number | undefined {
    if (event.type === EV_SCALAR) return event.valueStart;
    if (event.type === EV_SEQUENCE || event.type === EV_MAPPING) return event.start;
    if (event.type === EV_ALIAS) return event.anchorStart;
    return undefined;
  }

  /** A deep copy of an anchored value, charged to the expansion budget. */
  #copy(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    // Every copied entry counts, scalars included: the work stays linear in the text.
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    this.#budget -= 1 + (keys ? keys.length : (value as unknown[]).length);
    if (this.#budget < 0) {
      throw new ReadError("Excessive alias expansion indicates a resource exhaustion attack");
    }
    if (!keys) return (value as unknown[]).map((item) => this.#copy(item));
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      setKey(out, key, this.#copy((value as Record<string, unknown>)[key]));
    }
    return out;
  }
}

/** go-yaml v2's timestamp forms (date, date and time with zone, date and time). */
const GO_TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$/;

function isMap(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeBase64(text: string, offset: number): string {
  try {
    const bytes = Uint8Array.from(atob(text.replace(/[\s]/g, "")), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    throw new ReadError("Cannot read a !!binary value: it is not base64", offset);
  }
}

/** Rethrows a scalar problem as a read error. */
export function asReadError(error: unknown, offset?: number): ReadError {
  if (error instanceof ReadError) return error;
  if (error instanceof ScalarError) return new ReadError(error.message, offset);
  return new ReadError(error instanceof Error ? error.message : String(error), offset);
}
