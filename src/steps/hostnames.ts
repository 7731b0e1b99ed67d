/**
 * Hostnames one zone's control plane would assign: Kuma's
 * `hostnamegenerator/hostname/generator.go` `generateHostnames`, run offline.
 *
 * Per destination kind (MeshExternalService, MeshService, MeshMultiZoneService),
 * generators in precedence order (zone-created first, then creation time,
 * then core name) are tried against targets in creation-time order; the
 * first target to claim a hostname in a mesh keeps it and later ones get a
 * `Collision` condition. Creation times are mostly unknown offline: when the
 * winner of a collision depends on one, neither target is given the hostname
 * and the outcome is `Contested`, never a guess.
 *
 * @module
 */

import {
  type GeneratorView,
  matchesLabels,
  SELECTOR_OF,
  TARGET_KINDS,
  type TargetKind,
  type TargetView,
} from "../model/hostname_generator.ts";
import { compareStrings } from "../model/krm.ts";
import { ORIGIN } from "../model/kuma.ts";
import { groupDigits } from "../results.ts";

/** Evaluates a generator's template for a target (Kuma's `EvaluateTemplate`). */
export type TemplateEvaluator = (
  template: string,
  target: TargetView,
  localZone: string,
) => { ok: true; hostname: string } | { ok: false; message: string };

/** What one generator did for one target. */
export interface HostnameOutcome {
  /** Generator core name (`hostnameGeneratorRef.coreName`). */
  generator: string;
  /** `Generated`, Kuma's `TemplateError` or `Collision`, or `Contested` (depends on unknown creation times). */
  reason: "Generated" | "TemplateError" | "Collision" | "Contested";
  /** The hostname produced (also for collisions, to say which one). */
  hostname?: string;
  /** Kuma's condition message; for `Contested`, ours. */
  message: string;
  /**
   * Core names of the other targets claiming the same hostname (for a
   * collision: the winner), at most {@link MAX_CONTENDERS}.
   */
  contenders?: string[];
  /** How many other targets claim it, when more than {@link contenders} lists. */
  contenderCount?: number;
}

/** Most contenders an outcome lists; the rest are counted ({@link HostnameOutcome.contenderCount}). */
export const MAX_CONTENDERS = 10;

/** Most names a `Contested` message quotes before "and N more". */
export const MAX_NAMED_CONTENDERS = 3;

/** One target with the outcomes of every generator that matched it. */
export interface TargetHostnames<T> {
  target: TargetView;
  /** Caller's handle for the target. */
  ref: T;
  /** Outcomes in Kuma's status order (generator core name). */
  outcomes: HostnameOutcome[];
}

/** Inputs of {@link assignHostnames}. */
export interface ZoneHostnameInput<T> {
  zone: string;
  generators: readonly GeneratorView[];
  targets: readonly { target: TargetView; ref: T }[];
  evaluate: TemplateEvaluator;
}

interface Claim {
  generator: number;
  target: number;
  hostname: string;
}

/** Runs the generators of a zone over its targets. */
export function assignHostnames<T>(input: ZoneHostnameInput<T>): TargetHostnames<T>[] {
  const generators = [...input.generators].sort(compareGenerators);
  const out: TargetHostnames<T>[] = [];
  for (const kind of TARGET_KINDS) {
    const targets = input.targets.filter((t) => t.target.kind === kind)
      .sort((a, b) => compareTargets(a.target, b.target));
    out.push(...assignKind(kind, generators, { targets, input }));
  }
  return out;
}

/** One destination kind's run in a zone. */
interface KindRun<T> {
  kind: TargetKind;
  generators: readonly GeneratorView[];
  targets: readonly { target: TargetView; ref: T }[];
  input: ZoneHostnameInput<T>;
  /** The outcomes of a target, by generator core name. */
  outcomesOf: (target: number) => Outcomes;
}

/**
 * A target's outcomes by generator core name, in first-set order (a later
 * outcome of a generator replaces its earlier one in place, as a Map's
 * `set` does): a target has one or a few, where a Map per target costs more.
 */
class Outcomes {
  readonly list: HostnameOutcome[] = [];
  readonly #generators: string[] = [];

  set(generator: string, outcome: HostnameOutcome): void {
    const at = this.#generators.indexOf(generator);
    if (at !== -1) this.list[at] = outcome;
    else {
      this.#generators.push(generator);
      this.list.push(outcome);
    }
  }
}

function assignKind<T>(
  kind: TargetKind,
  generators: readonly GeneratorView[],
  context: { targets: readonly { target: TargetView; ref: T }[]; input: ZoneHostnameInput<T> },
): TargetHostnames<T>[] {
  const { targets } = context;
  const outcomes: (Outcomes | undefined)[] = new Array(targets.length);
  const run: KindRun<T> = {
    kind,
    generators,
    targets,
    input: context.input,
    outcomesOf: (t) => (outcomes[t] ??= new Outcomes()),
  };
  for (const list of claimHostnames(run)) settleClaims(list, run);
  return targets.map(({ target, ref }, t) => ({
    target,
    ref,
    outcomes: outcomes[t]
      ? [...outcomes[t].list].sort((a, b) => compareStrings(a.generator, b.generator))
      : [],
  }));
}

/** Every generator over every target it selects: the claims per mesh and hostname, in Kuma's loop order. */
function claimHostnames<T>(run: KindRun<T>): Claim[][] {
  const selector = SELECTOR_OF[run.kind];
  const byMesh = new Map<string, Map<string, Claim[]>>();
  const lists: Claim[][] = [];
  run.generators.forEach((generator, g) => {
    if (generator.kind !== selector) return;
    run.targets.forEach(({ target }, t) => {
      if (!matchesLabels(generator.matchLabels, target.labels)) return;
      const evaluated = run.input.evaluate(generator.template, target, run.input.zone);
      if (!evaluated.ok) {
        run.outcomesOf(t).set(generator.coreName, {
          generator: generator.coreName,
          reason: "TemplateError",
          message: evaluated.message,
        });
        return;
      }
      if (evaluated.hostname === "") return; // Kuma records nothing for an empty result.
      let hostnames = byMesh.get(target.mesh);
      if (!hostnames) byMesh.set(target.mesh, hostnames = new Map());
      let list = hostnames.get(evaluated.hostname);
      if (!list) {
        hostnames.set(evaluated.hostname, list = []);
        lists.push(list);
      }
      list.push({ generator: g, target: t, hostname: evaluated.hostname });
      run.outcomesOf(t).set(generator.coreName, {
        generator: generator.coreName,
        reason: "Generated",
        hostname: evaluated.hostname,
        message: "",
      });
    });
  });
  return lists;
}

/** The first claim of a hostname keeps it; later ones collide, or are contested when the order is unknown. */
function settleClaims<T>(list: readonly Claim[], run: KindRun<T>): void {
  const { kind, generators, targets } = run;
  const winner = list[0]!;
  const others = list.filter((c) => c.target !== winner.target);
  if (others.length === 0) return;
  const contested = new Set(others.filter((c) => !certainlyBefore(winner, c, run)));
  for (const claim of others) {
    if (contested.has(claim)) continue;
    const name = targets[claim.target]!.target.coreName;
    const generator = generators[claim.generator]!.coreName;
    run.outcomesOf(claim.target).set(generator, {
      generator,
      reason: "Collision",
      hostname: claim.hostname,
      message: `Hostname collision with ${kind}: ${name}`,
      contenders: [targets[winner.target]!.target.coreName],
    });
  }
  if (contested.size === 0) return;
  const involved = [winner, ...contested];
  const names = [...new Set(involved.map((c) => targets[c.target]!.target.coreName))];
  // One message per hostname and mesh (every claim in the list shares both),
  // naming a fixed number of contenders: linear in the number of claims.
  const message = `Hostname "${winner.hostname}" is claimed by ${kind}s ${
    namedList(names)
  } in mesh "${
    targets[winner.target]!.target.mesh
  }"; Kuma gives it to the one created first, and creation times are unknown`;
  for (const claim of involved) {
    const name = targets[claim.target]!.target.coreName;
    const generator = generators[claim.generator]!.coreName;
    const contenders = firstOthers(names, name);
    run.outcomesOf(claim.target).set(generator, {
      generator,
      reason: "Contested",
      hostname: claim.hostname,
      message,
      contenders,
      ...(names.length - 1 > contenders.length ? { contenderCount: names.length - 1 } : {}),
    });
  }
}

/** `"a" and "b"`, or `"a", "b", "c" and 8,998 more`: at most {@link MAX_NAMED_CONTENDERS} names. */
function namedList(names: readonly string[]): string {
  const quoted = names.slice(0, MAX_NAMED_CONTENDERS).map((n) => `"${n}"`);
  const rest = names.length - quoted.length;
  if (rest > 0) return `${quoted.join(", ")} and ${groupDigits(rest)} more`;
  return quoted.join(" and ");
}

/** Up to {@link MAX_CONTENDERS} of `names` other than `self`, in order, without scanning the rest. */
function firstOthers(names: readonly string[], self: string): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (out.length === MAX_CONTENDERS) break;
    if (name !== self) out.push(name);
  }
  return out;
}

/** Kuma's generator order: zone-created first, then creation time, then core name. */
export function compareGenerators(a: GeneratorView, b: GeneratorView): number {
  const origin = originRank(a) - originRank(b);
  if (origin !== 0) return origin;
  const time = timeRank(a) - timeRank(b);
  if (time !== 0) return time;
  if (a.defaultRank !== undefined && b.defaultRank !== undefined) {
    return a.defaultRank - b.defaultRank;
  }
  if (a.creationTime !== undefined && b.creationTime !== undefined) {
    const byTime = compareTimes(a.creationTime, b.creationTime);
    if (byTime !== 0) return byTime;
  }
  return compareStrings(a.coreName, b.coreName);
}

/** Kuma's target order: creation time, then core name (unknown times sort first, like Go's zero time). */
function compareTargets(a: TargetView, b: TargetView): number {
  const byTime = compareTimes(a.creationTime ?? "", b.creationTime ?? "");
  return byTime !== 0 ? byTime : compareStrings(a.coreName, b.coreName);
}

function originRank(g: GeneratorView): number {
  return g.origin === ORIGIN.zone ? 0 : 1;
}

/** Kuma's defaults exist from control-plane start; then generators with a known time; then unknown. */
function timeRank(g: GeneratorView): number {
  if (g.defaultRank !== undefined) return 0;
  return g.creationTime !== undefined ? 1 : 2;
}

function compareTimes(a: string, b: string): number {
  const ta = a === "" ? Number.NEGATIVE_INFINITY : Date.parse(a);
  const tb = b === "" ? Number.NEGATIVE_INFINITY : Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return compareStrings(a, b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** True when `first` precedes `later` in Kuma's loop order whatever the unknown creation times are. */
function certainlyBefore(
  first: Claim,
  later: Claim,
  run: { generators: readonly GeneratorView[]; targets: readonly { target: TargetView }[] },
): boolean {
  const { generators, targets } = run;
  if (first.generator !== later.generator) {
    const a = generators[first.generator]!;
    const b = generators[later.generator]!;
    if (originRank(a) !== originRank(b)) return true;
    if (a.defaultRank !== undefined) return true; // Defaults predate every user generator.
    return a.creationTime !== undefined && b.creationTime !== undefined &&
      compareTimes(a.creationTime, b.creationTime) !== 0;
  }
  const a = targets[first.target]!.target.creationTime;
  const b = targets[later.target]!.target.creationTime;
  return a !== undefined && b !== undefined;
}
