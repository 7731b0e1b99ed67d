import assert from "node:assert/strict";
import type { Result } from "./model/krm.ts";
import {
  REFERENCE_STATUSES,
  type ReferenceStatus,
  type Report,
  REPORT_API_VERSION,
  type ReportReference,
} from "./report.ts";
import { reportMarkdown } from "./report_markdown.ts";
import { mdWrap } from "./report_markdown/text.ts";

/** A minimal valid report; `summary.references` is counted from `references`. */
function makeReport(overrides: Partial<Omit<Report, "summary">> = {}): Report {
  const references = overrides.references ?? [];
  const results = overrides.results ?? [];
  const counts = Object.fromEntries(
    REFERENCE_STATUSES.map((s) => [s, references.filter((r) => r.status === s).length]),
  ) as Record<ReferenceStatus, number>;
  return {
    apiVersion: REPORT_API_VERSION,
    kumaVersion: "2.14",
    zone: "east",
    environment: "kubernetes",
    meshServiceOutput: "preview",
    zones: [{ name: "east", environment: "kubernetes", meshServiceOutput: "preview" }],
    meshServices: [],
    meshMultiZoneServices: [],
    meshExternalServices: [],
    hostnameGenerators: [],
    migration: {
      stage: null,
      referenceStyle: "name",
      meshes: [],
      reachableBackends: [],
      complete: true,
      remaining: 0,
    },
    trafficChanges: [],
    ...overrides,
    references,
    results,
    summary: {
      meshServices: 0,
      hostnames: 0,
      hostnameProblems: 0,
      meshMultiZoneServices: 0,
      references: { total: references.length, ...counts },
      errors: results.filter((r) => r.severity === "error").length,
      warnings: results.filter((r) => r.severity === "warning").length,
      infos: results.filter((r) => r.severity === "info").length,
    },
  };
}

/** A reference from MeshHTTPRoute kuma-demo/`name` in zone east to MeshService kuma-demo/backend. */
function makeRef(overrides: Partial<ReportReference> & { name?: string } = {}): ReportReference {
  const { name = "web", ...rest } = overrides;
  return {
    resource: { kind: "MeshHTTPRoute", name, namespace: "kuma-demo", mesh: "default" },
    path: "routes.yaml",
    zone: "east",
    field: "spec.to[0].rules[0].default.backendRefs[0]",
    role: "backendRef",
    before: { kind: "MeshService", name: "backend", namespace: "kuma-demo", port: 8080 },
    status: "migrated",
    targets: [{
      kind: "MeshService",
      name: "backend",
      namespace: "kuma-demo",
      zone: "east",
      createdIn: "east",
      section: "8080",
    }],
    ...rest,
  };
}

function withoutPath({ path: _path, ...reference }: ReportReference): ReportReference {
  return reference;
}

/** The body rows of the table that follows `marker`. */
function tableRows(markdown: string, marker: string): string[] {
  const section = markdown.split(marker)[1] ?? "";
  const lines = section.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| "));
  if (start < 0) return [];
  const rows: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("| ")) break;
    rows.push(line);
  }
  return rows;
}

const referenceRows = (markdown: string) => tableRows(markdown, "All references (");
const reviewRows = (markdown: string) => tableRows(markdown, "### Needs review (");

/** Table cells, split on pipes not escaped by a backslash (as GFM does); `<wbr>` removed. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim().replaceAll("<wbr>", ""));
}

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

Deno.test("the verdict says blocked, not ready or complete, with version, zones and stage", () => {
  const migration = (complete: boolean, remaining: number) => ({
    stage: "ReachableBackends" as const,
    referenceStyle: "name" as const,
    meshes: [],
    reachableBackends: [],
    complete,
    remaining,
  });
  const zones = [
    { name: "east", environment: "kubernetes" as const, meshServiceOutput: "preview" as const },
    { name: "west", environment: "universal" as const, meshServiceOutput: "preview" as const },
  ];
  const errors: Result[] = [{ severity: "error", message: "e" }, {
    severity: "warning",
    message: "w",
  }];
  const lines = (report: Report, title?: string) =>
    reportMarkdown(report, title ? { title } : {}).split("\n");
  const blocked = lines(
    makeReport({ zones, migration: migration(false, 3), results: errors }),
    "K | m",
  );
  assert.equal(blocked[0], "## K \\| m");
  assert.equal(
    blocked[2],
    "❌ **Blocked**: 1 error to fix · Kuma 2.14 · zones east, west · stage ReachableBackends  ",
  );
  assert.equal(blocked[3], "0 MeshServices · 0 references · 1 error · 1 warning");
  const notReady = lines(makeReport({ migration: migration(false, 3) }));
  assert.equal(
    notReady[2],
    "⚠️ **Not ready for Exclusive / Kuma 3.0**: 3 references still block · Kuma 2.14 · zone east · " +
      "stage ReachableBackends  ",
  );
  const done = lines(makeReport({ kumaVersion: null }));
  assert.equal(
    done[2],
    "✅ **Migration complete**: no legacy or unresolved reference remains · Kuma version unknown · " +
      "zone east  ",
  );
});

Deno.test("the counts line lists non-zero statuses, problems in bold", () => {
  const markdown = reportMarkdown(makeReport({
    references: [
      makeRef({ status: "rewritten" }),
      makeRef({ status: "rewritten" }),
      makeRef({ status: "unresolved", targets: [] }),
    ],
  }));
  assert.equal(
    markdown.split("\n")[3],
    "0 MeshServices · 3 references (**1 unresolved**, 2 rewritten) · 0 errors · 0 warnings",
  );
});

Deno.test("a rewritten backendRef shows where, before, after and what it resolves to", () => {
  const markdown = reportMarkdown(makeReport({
    references: [makeRef({
      status: "rewritten",
      before: { kind: "MeshService", name: "backend_kuma-demo_svc_8080", weight: 90 },
      after: {
        kind: "MeshService",
        name: "backend",
        namespace: "kuma-demo",
        port: 8080,
        weight: 90,
      },
    })],
  }));
  const [row, ...others] = referenceRows(markdown);
  assert.equal(others.length, 0);
  assert.deepEqual(cells(row!), [
    "MeshHTTPRoute kuma-demo/web<br>spec.to\\[0\\].rules\\[0\\].default.backendRefs\\[0\\]" +
    "<br><sub>routes.yaml</sub>",
    "MeshService backend_kuma-demo_svc_8080 w=90<br>→ MeshService kuma-demo/backend :8080 w=90" +
    "<br><sub>resolves to MeshService kuma-demo/backend §8080</sub>",
    "rewritten",
  ]);
  assert.ok(markdown.includes("Nothing needs review"));
});

Deno.test("the notation covers labels, sections, tags and other keys; targets name other zones", () => {
  const markdown = reportMarkdown(makeReport({
    references: [withoutPath(makeRef({
      zone: "global",
      role: "to",
      status: "rewritten",
      before: { kind: "MeshServiceSubset", name: "backend_kuma-demo_svc_8080", tags: { v: "1" } },
      after: {
        kind: "MeshService",
        labels: { "kuma.io/display-name": "backend", "k8s.kuma.io/namespace": "kuma-demo" },
        sectionName: "http",
        proxyTypes: ["Sidecar"],
      },
      targets: [
        {
          kind: "MeshService",
          name: "backend-x1",
          zone: "west",
          createdIn: "east",
          section: "http",
        },
        { kind: "MeshMultiZoneService", name: "backend", zone: "global", createdIn: "global" },
      ],
    }))],
  }));
  const change = cells(referenceRows(markdown)[0]!)[1]!;
  assert.equal(
    change,
    "MeshServiceSubset backend_kuma-demo_svc_8080 tags{v=1}" +
      "<br>→ MeshService {k8s.kuma.io/namespace=kuma-demo, kuma.io/display-name=backend} §http " +
      "proxyTypes=\\[Sidecar\\]" +
      "<br><sub>resolves to MeshService backend-x1 §http (in west, from east), " +
      "MeshMultiZoneService backend</sub>",
  );
});

Deno.test("all references list problems first, then rewritten, kept, migrated; report order within", () => {
  const order: [string, ReferenceStatus][] = [
    ["a", "migrated"],
    ["b", "rewritten"],
    ["c", "kept"],
    ["d", "unresolved"],
    ["e", "unsupported"],
    ["f", "needsDecision"],
    ["g", "ambiguous"],
    ["h", "unresolved"],
    ["i", "rewritten"],
  ];
  const markdown = reportMarkdown(makeReport({
    references: order.map(([name, status]) => makeRef({ name, status })),
  }));
  const names = (rows: string[]) =>
    rows.map((row) => cells(row)[0]!.split("<br>")[0]!.split("/")[1]);
  assert.deepEqual(names(referenceRows(markdown)), ["d", "h", "g", "f", "e", "b", "i", "c", "a"]);
  assert.deepEqual(names(reviewRows(markdown)), ["d", "h", "g", "f", "e"]);
});

Deno.test("needs review: errors first, a result about a problem reference's field joins its row", () => {
  const ref = makeRef({
    name: "web",
    status: "unresolved",
    targets: [],
    message: "no destination",
  });
  const results: Result[] = [
    { severity: "warning", message: "a warning", file: { path: "a.yaml" } },
    {
      severity: "warning",
      message: "Cannot rewrite backendRef",
      resourceRef: {
        apiVersion: "kuma.io/v1alpha1",
        kind: "MeshHTTPRoute",
        name: "web",
        namespace: "kuma-demo",
      },
      field: { path: "spec.to[0].rules[0].default.backendRefs[0]" },
    },
    {
      severity: "error",
      message: "bad port",
      resourceRef: { apiVersion: "v1", kind: "Service", name: "s", namespace: "ns" },
      field: { path: "spec.ports[0]" },
    },
    { severity: "info", message: "an info" },
  ];
  const markdown = reportMarkdown(makeReport({ references: [ref], results }));
  assert.deepEqual(reviewRows(markdown).map(cells), [
    ["Service ns/s<br>spec.ports\\[0\\]", "**error**", "bad port"],
    [
      "MeshHTTPRoute kuma-demo/web<br>spec.to\\[0\\].rules\\[0\\].default.backendRefs\\[0\\]" +
      "<br><sub>routes.yaml</sub>",
      "**unresolved**",
      "MeshService kuma-demo/backend :8080: no destination<br>Cannot rewrite backendRef",
    ],
    ["a.yaml", "warning", "a warning"],
  ]);
  assert.ok(markdown.includes("### Needs review (3)"));
  assert.deepEqual(tableRows(markdown, "Infos (1)").map(cells), [["–", "an info"]]);
});

Deno.test("hostile names cannot break a table, inject HTML or break a Mermaid label", () => {
  const hostile = 'evil|`x`<script>alert("@you")</script>\n| | |';
  const markdown = reportMarkdown(makeReport({
    references: [
      makeRef({ name: hostile, status: "unresolved", targets: [], message: `no ${hostile}` }),
    ],
  }));
  assert.ok(!markdown.includes("<script"), "raw HTML");
  assert.ok(!markdown.replace(/```mermaid[\s\S]*```/, "").includes("@you"), "a mention");
  const escaped = 'evil\\|\\`x\\`&lt;script&gt;alert("@\u2060you")&lt;/script&gt;\\\\n\\| \\| \\|';
  for (const rows of [referenceRows(markdown), reviewRows(markdown)]) {
    assert.equal(rows.length, 1, "the newline ended the row");
    const row = cells(rows[0]!);
    assert.equal(row.length, 3);
    assert.ok(row[0]!.startsWith(`MeshHTTPRoute kuma-demo/${escaped}<br>`), row[0]);
  }
  assert.ok(cells(reviewRows(markdown)[0]!)[2]!.endsWith(`: no ${escaped}`));
  const graph = mermaidBlocks(markdown)[0]!;
  const label = graph.split("\n").find((line) => line.includes("MeshHTTPRoute"))!;
  assert.equal(
    label,
    '  n1["MeshHTTPRoute kuma-demo/evil#124;#96;x#96;#lt;script#gt;alert(#quot;@you#quot;)' +
      '#lt;/script#gt;#92;n#124; #124; #124;"]',
  );
  assert.ok(!graph.includes("`"), "a backtick could close the fence");
});

Deno.test("maxRows caps every table and says how many rows were left out", () => {
  const references = ["a", "b", "c", "d", "e"].map((name) => makeRef({ name }));
  const markdown = reportMarkdown(makeReport({ references }), { maxRows: 2 });
  assert.equal(referenceRows(markdown).length, 2);
  assert.ok(
    markdown.includes(
      "_3 more references not shown (2 of 5); the full list is in the JSON report._",
    ),
  );
  assert.ok(!reportMarkdown(makeReport({ references })).includes("not shown"));
  const problems = references.map((r) => ({ ...r, status: "unresolved" as const, targets: [] }));
  assert.equal(
    reviewRows(reportMarkdown(makeReport({ references: problems }), { maxRows: 2 })).length,
    2,
  );
  assert.throws(() => reportMarkdown(makeReport(), { maxRows: -1 }), RangeError);
  assert.throws(() => reportMarkdown(makeReport(), { maxRows: 1.5 }), RangeError);
});

Deno.test("one graph per zone; problem edges are dashed, red and end at the zone's sink", () => {
  const markdown = reportMarkdown(makeReport({
    references: [
      makeRef({ name: "a", status: "rewritten" }),
      makeRef({ name: "b", zone: "west", status: "unresolved", targets: [] }),
      makeRef({
        name: "c",
        zone: "west",
        status: "rewritten",
        targets: [{ kind: "MeshMultiZoneService", name: "m", zone: "west", createdIn: "global" }],
      }),
      makeRef({ name: "d", zone: "west", status: "ambiguous" }),
    ],
  }));
  assert.ok(markdown.includes("<details><summary><b>Graph: zone east</b> (1 reference)</summary>"));
  assert.ok(
    markdown.includes("<details><summary><b>Graph: zone west</b> (3 references)</summary>"),
  );
  const [east, west] = mermaidBlocks(markdown);
  assert.ok(east!.includes('  n1 -->|"rewritten §8080"| n2'), east);
  assert.deepEqual(west!.split("\n").slice(0, 10), [
    "flowchart LR",
    '  n1["MeshHTTPRoute kuma-demo/b"]',
    '  n2["unresolved"]:::problem',
    '  n3["MeshHTTPRoute kuma-demo/d"]',
    '  n4["MeshService kuma-demo/backend (in east)"]',
    '  n5["MeshHTTPRoute kuma-demo/c"]',
    '  n6["MeshMultiZoneService m (from global)"]',
    '  n1 -.->|"unresolved"| n2',
    '  n3 -.->|"ambiguous §8080"| n4',
    '  n5 -->|"rewritten"| n6',
  ]);
  assert.ok(west!.includes("  linkStyle 0,1 stroke:#c33,stroke-width:2px"), west);
  assert.ok(markdown.includes("Legend: `§name` port section"));
});

Deno.test("a route's targetRef and backendRefs to one MeshService are one edge; graphs are capped", () => {
  const merged = reportMarkdown(makeReport({
    references: [
      makeRef({ field: "spec.to[0].targetRef", role: "to", status: "rewritten" }),
      makeRef({ field: "spec.to[0].rules[0].default.backendRefs[0]", status: "rewritten" }),
    ],
  }));
  assert.ok(mermaidBlocks(merged)[0]!.includes('n1 -->|"rewritten §8080 ×2"| n2'));

  const references = Array.from({ length: 45 }, (_, i) => makeRef({ name: `r${i}` }));
  const markdown = reportMarkdown(makeReport({ references }));
  const graph = mermaidBlocks(markdown)[0]!;
  assert.equal(graph.split("\n").filter((line) => line.includes("-->")).length, 40);
  assert.ok(graph.includes('  more["… and 5 more references"]:::more'));
  assert.ok(markdown.includes("(45 references, 40 of 45 edges drawn)"));
});

Deno.test("the output is deterministic and the graphs do not depend on the report's order", () => {
  const references = [
    makeRef({ name: "a", status: "rewritten" }),
    makeRef({ name: "b", zone: "west", status: "unresolved", targets: [] }),
    makeRef({ name: "c", status: "kept", role: "to" }),
    makeRef({ name: "d", status: "ambiguous" }),
  ];
  const report = makeReport({ references });
  assert.equal(reportMarkdown(report), reportMarkdown(structuredClone(report)));
  assert.equal(
    reportMarkdown(makeReport({ references: [...references].reverse() })),
    reportMarkdown(report),
  );
  const same = [
    makeRef({ name: "x", status: "rewritten" }),
    makeRef({ name: "y", status: "rewritten" }),
  ];
  const forward = reportMarkdown(makeReport({ references: [...references, ...same] }));
  const backward = reportMarkdown(makeReport({ references: [...same, ...references].reverse() }));
  assert.notEqual(forward, backward);
  assert.deepEqual(mermaidBlocks(forward), mermaidBlocks(backward));
  assert.deepEqual(referenceRows(forward).toSorted(), referenceRows(backward).toSorted());
});

Deno.test("an empty report says so and draws no graph", () => {
  const markdown = reportMarkdown(makeReport());
  assert.ok(
    markdown.includes("No references: no route or policy in the input refers to a destination."),
  );
  assert.ok(markdown.includes("Nothing needs review: no error, warning or problem reference."));
  assert.ok(!markdown.includes("```"));
  assert.ok(!markdown.includes("<details"));
  assert.ok(markdown.endsWith(".\n") && !markdown.endsWith("\n\n"));
});

Deno.test("Meshes and reachable backends are listed, collapsed, when the report has some", () => {
  const markdown = reportMarkdown(makeReport({
    migration: {
      stage: "Exclusive",
      referenceStyle: "labels",
      meshes: [
        { name: "default", modeBefore: "Disabled", modeAfter: "Exclusive", path: "mesh.yaml" },
        { name: "other", modeBefore: null, modeAfter: null },
      ],
      reachableBackends: [{
        kind: "Deployment",
        name: "web",
        namespace: "kuma-demo",
        refs: [
          { kind: "MeshService", name: "backend", namespace: "kuma-demo", port: 8080 },
          { kind: "MeshExternalService", name: "httpbin" },
        ],
      }],
      complete: true,
      remaining: 0,
    },
  }));
  assert.deepEqual(tableRows(markdown, "<b>Meshes (2)</b>").map(cells), [
    ["default", "Disabled → Exclusive", "mesh.yaml"],
    ["other", "– → –", "–"],
  ]);
  assert.deepEqual(tableRows(markdown, "<b>Reachable backends (1)</b>").map(cells), [
    [
      "Deployment kuma-demo/web",
      "MeshService kuma-demo/backend :8080<br>MeshExternalService httpbin",
    ],
  ]);
});

Deno.test("changes from the base branch: MeshServices, references and problems", () => {
  const meshService = (name: string) =>
    ({
      name,
      namespace: "kuma-demo",
      mesh: "default",
      zone: "east",
      output: "preview" as const,
      source: { kind: "Service" as const, service: name },
      ports: [],
      selector: {},
      vips: [],
      legacyServices: [],
      hostnames: [],
      views: [],
    }) as unknown as Report["meshServices"][number];
  const base = makeReport({
    meshServices: [meshService("old"), meshService("kept")],
    references: [makeRef({ name: "web", status: "rewritten" }), makeRef({ name: "gone" })],
  });
  const head = makeReport({
    meshServices: [meshService("kept"), meshService("new")],
    references: [
      makeRef({ name: "web", status: "unresolved", targets: [] }),
      makeRef({ name: "api" }),
    ],
  });
  const markdown = reportMarkdown(head, { base });
  const section = markdown.split("### Changes from the base branch\n\n")[1]!.split("\n\n")[0]!;
  assert.equal(
    section.replaceAll("<wbr>", ""),
    [
      "- MeshServices: 1 added (kuma-demo/new (east)), 1 removed (kuma-demo/old (east))",
      "- References: 1 new, 1 removed, 1 status change",
      "  - MeshHTTPRoute kuma-demo/web spec.to\\[0\\].rules\\[0\\].default.backendRefs\\[0\\]: " +
      "rewritten → **unresolved**",
      "- Problems: **1 new**, 0 fixed",
      "  - new: unresolved: MeshHTTPRoute kuma-demo/web spec.to\\[0\\].rules\\[0\\].default.backendRefs\\[0\\]",
    ].join("\n"),
  );
  assert.ok(
    reportMarkdown(head, { base: head }).includes(
      "No change in MeshServices, references or problems.",
    ),
  );
  assert.ok(!reportMarkdown(head).includes("Changes from the base branch"));
});

Deno.test("long names get break opportunities that add no character", () => {
  const name = "backend-with-a-long-name_kuma-demo-namespace_svc_8080";
  const wrapped = mdWrap(name);
  assert.ok(wrapped.split("<wbr>").length >= 3, wrapped);
  assert.ok(wrapped.split("<wbr>").every((piece) => piece.length <= 30), wrapped);
  assert.equal(wrapped.replaceAll("<wbr>", "").replaceAll("\\_", "_"), name);
  assert.equal(mdWrap("short-name"), "short-name");
});

Deno.test("a rewritten reference without a destination is not drawn as a problem", () => {
  const markdown = reportMarkdown(makeReport({
    references: [makeRef({
      name: "mtls",
      field: "spec.targetRef",
      role: "targetRef",
      status: "rewritten",
      after: { kind: "Dataplane", labels: { app: "backend" } },
      targets: [],
    })],
  }));
  const graph = mermaidBlocks(markdown)[0]!;
  assert.ok(graph.includes('  n2["no destination (selects proxies)"]\n'), graph);
  assert.ok(graph.includes('  n1 -->|"rewritten"| n2'), graph);
  assert.ok(!graph.includes("linkStyle"), graph);
});
