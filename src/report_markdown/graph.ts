/**
 * The Mermaid graphs of the Markdown report: one `flowchart LR` per zone (the
 * zone whose control plane evaluates the references), from each referencing
 * object to what it resolves to in that zone's store.
 *
 * - **Merged edges.** All references from one object to one target are one
 *   edge (a route's `to[].targetRef` and its backendRefs to the same
 *   MeshService, two rules to the same backend). Its label lists the
 *   statuses, port sections (`§http`) and backendRef weights (`w=90`) once
 *   each, and `×N` when it stands for N references.
 * - **Problems look like problems.** An edge with an `unresolved`,
 *   `ambiguous`, `needsDecision` or `unsupported` reference is dashed and red
 *   (`linkStyle`); `unresolved` references and references without a target
 *   end at the zone's `unresolved` / `no target` node; a reference that is no
 *   problem and has no destination (a top-level Dataplane targetRef selects
 *   proxies) ends at a plain `no destination (selects proxies)` node.
 * - **Synced copies sit where they are held.** Every target is drawn in the
 *   graph of the zone whose store holds it; `(from Z)` marks a copy created in
 *   zone Z.
 * - **Size cap.** At most {@link MAX_EDGES} edges per graph, problems first;
 *   the rest is one `… and N more references` node.
 *
 * Node ids are `n1`, `n2`, ... by first appearance; labels are quoted and
 * escaped, so any name renders. The graph depends on the references' content
 * only, not on their order.
 *
 * @module
 */

import type { ReferenceStatus, ReportReference } from "../report.ts";
import {
  canonicalOrder,
  resourceNotation,
  sortedTargets,
  targetNotation,
  value,
  zoneOrder,
} from "./notation.ts";
import { mermaidLabel } from "./text.ts";

/** Most edges drawn per zone graph. */
export const MAX_EDGES = 40;

/** Statuses that need a human. */
export const PROBLEM_STATUSES: ReadonlySet<ReferenceStatus> = new Set([
  "unresolved",
  "ambiguous",
  "needsDecision",
  "unsupported",
]);

/** One zone's graph. */
export interface ZoneGraph {
  zone: string;
  /** References evaluated in the zone. */
  references: number;
  /** Edges drawn, and edges in all (before the cap). */
  drawn: number;
  edges: number;
  /** The Mermaid source, without the code fence. */
  mermaid: string;
}

interface Node {
  label: string;
  problem: boolean;
}

interface Edge {
  from: string;
  to: string;
  statuses: Set<string>;
  sections: Set<string>;
  weights: Set<string>;
  count: number;
  problem: boolean;
}

/** One graph per zone that evaluates references, `global` first. */
export function zoneGraphs(references: readonly ReportReference[]): ZoneGraph[] {
  const zones = [...new Set(references.map((r) => r.zone))].sort(zoneOrder);
  return zones.map((zone) => zoneGraph(zone, references.filter((r) => r.zone === zone)));
}

function zoneGraph(zone: string, references: readonly ReportReference[]): ZoneGraph {
  const nodes = new Map<string, Node>();
  const edges = new Map<string, Edge>();
  const node = (key: unknown[], value: Node): string => {
    const id = JSON.stringify(key);
    if (!nodes.has(id)) nodes.set(id, value);
    return id;
  };
  for (const ref of canonicalOrder(references)) {
    const { kind, name, namespace, mesh } = ref.resource;
    const source = node(["source", mesh, kind, namespace ?? "", name], {
      label: resourceNotation(ref.resource) + (mesh === "default" ? "" : ` (mesh ${mesh})`),
      problem: false,
    });
    const weight = ref.role === "backendRef"
      ? (ref.after?.["weight"] ?? ref.before["weight"])
      : undefined;
    const problem = PROBLEM_STATUSES.has(ref.status);
    const add = (to: string, section: string | undefined) =>
      addEdge(edges, { from: source, to, status: ref.status, section, weight, problem });
    if (ref.status === "unresolved" || ref.targets.length === 0) {
      // A problem without a target is red; a reference that selects proxies (a top-level
      // Dataplane targetRef) resolves to no destination, and that is not a problem.
      const label = ref.status === "unresolved"
        ? "unresolved"
        : problem
        ? "no target"
        : "no destination (selects proxies)";
      add(node(["sink", label], { label, problem }), undefined);
      continue;
    }
    for (const target of sortedTargets(ref.targets)) {
      const key = ["target", target.zone, target.createdIn, target.kind, target.namespace ?? ""];
      const to = node([...key, target.name], {
        label: targetNotation({ ...target, section: undefined }) +
          (target.zone === target.createdIn ? "" : ` (from ${target.createdIn})`) +
          (target.zone === zone ? "" : ` (in ${target.zone})`),
        problem: false,
      });
      add(to, target.section);
    }
  }
  return render({ zone, references: references.length, nodes, edges: [...edges.values()] });
}

function addEdge(
  edges: Map<string, Edge>,
  e: {
    from: string;
    to: string;
    status: string;
    section: string | undefined;
    weight: unknown;
    problem: boolean;
  },
): void {
  const id = JSON.stringify([e.from, e.to]);
  const edge = edges.get(id) ?? {
    from: e.from,
    to: e.to,
    statuses: new Set<string>(),
    sections: new Set<string>(),
    weights: new Set<string>(),
    count: 0,
    problem: false,
  };
  edge.statuses.add(e.status);
  if (e.section !== undefined) edge.sections.add(e.section);
  if (e.weight !== undefined) edge.weights.add(value(e.weight));
  edge.count++;
  edge.problem ||= e.problem;
  edges.set(id, edge);
}

/** A zone's collected graph, before drawing: its nodes and edges, and how many references made it. */
interface CollectedGraph {
  zone: string;
  references: number;
  nodes: Map<string, Node>;
  edges: Edge[];
}

function render({ zone, references, nodes, edges: all }: CollectedGraph): ZoneGraph {
  // Problems first, then the canonical order the edges were built in.
  const ordered = [...all.filter((e) => e.problem), ...all.filter((e) => !e.problem)];
  const drawn = ordered.slice(0, MAX_EDGES);
  const ids = new Map<string, string>();
  for (const { from, to } of drawn) {
    for (const key of [from, to]) if (!ids.has(key)) ids.set(key, `n${ids.size + 1}`);
  }
  const lines = ["flowchart LR"];
  for (const [key, id] of ids) {
    const n = nodes.get(key)!;
    lines.push(`  ${id}["${mermaidLabel(n.label)}"]${n.problem ? ":::problem" : ""}`);
  }
  const problemLinks: number[] = [];
  drawn.forEach((e, index) => {
    const label = [
      [...e.statuses].sort().join(", "),
      ...[...e.sections].sort().map((s) => `§${s}`),
      ...[...e.weights].sort().map((w) => `w=${w}`),
      ...(e.count > 1 ? [`×${e.count}`] : []),
    ].join(" ");
    if (e.problem) problemLinks.push(index);
    const arrow = e.problem ? "-.->" : "-->";
    lines.push(`  ${ids.get(e.from)} ${arrow}|"${mermaidLabel(label)}"| ${ids.get(e.to)}`);
  });
  const rest = ordered.slice(MAX_EDGES).reduce((sum, e) => sum + e.count, 0);
  if (rest > 0) lines.push(`  more["${mermaidLabel(`… and ${rest} more references`)}"]:::more`);
  if (problemLinks.length > 0) {
    lines.push(`  linkStyle ${problemLinks.join(",")} stroke:#c33,stroke-width:2px`);
  }
  lines.push(
    "  classDef problem fill:#fee,stroke:#c33,color:#000",
    "  classDef more fill:#eee,stroke:#999,color:#000,stroke-dasharray:3 3",
  );
  return { zone, references, drawn: drawn.length, edges: all.length, mermaid: lines.join("\n") };
}
