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

/** The lines of the References table body. */
function referenceRows(markdown: string): string[] {
  const section = markdown.split("### References\n")[1] ?? "";
  return section.split("\n").filter((line) => line.startsWith("| ")).slice(2);
}

/** Table cells, split on pipes not escaped by a backslash (as GFM does). */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
}

function mermaidBlock(markdown: string): string | undefined {
  return /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
}

Deno.test("the counts table lists every status, zeros included", () => {
  const markdown = reportMarkdown(makeReport({
    references: [makeRef({ status: "rewritten" }), makeRef({ status: "rewritten" })],
  }));
  const section = markdown.split("### References by status\n\n")[1]!.split("\n\n")[0]!;
  const rows = new Map(
    section.split("\n").slice(2).map((line) => {
      const [status, count] = cells(line);
      return [status!.replaceAll("*", ""), count];
    }),
  );
  assert.equal(rows.size, REFERENCE_STATUSES.length + 1);
  for (const status of REFERENCE_STATUSES) {
    assert.equal(rows.get(status), status === "rewritten" ? "2" : "0", status);
  }
  assert.equal(rows.get("total"), "2");
});

Deno.test("a rewritten backendRef row shows the reference before and after", () => {
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
    "MeshHTTPRoute kuma-demo/web",
    "routes.yaml",
    "spec.to\\[0\\].rules\\[0\\].default.backendRefs\\[0\\]",
    "MeshService backend_kuma-demo_svc_8080 w=90",
    "MeshService kuma-demo/backend :8080 w=90",
    "rewritten",
    "MeshService kuma-demo/backend §8080",
    "",
  ]);
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
  const row = cells(referenceRows(markdown)[0]!);
  assert.equal(row[1], "–");
  assert.equal(row[3], "MeshServiceSubset backend_kuma-demo_svc_8080 tags{v=1}");
  assert.equal(
    row[4],
    "MeshService {k8s.kuma.io/namespace=kuma-demo, kuma.io/display-name=backend} §http " +
      "proxyTypes=\\[Sidecar\\]",
  );
  assert.equal(
    row[6],
    "MeshService backend-x1 §http (in west, from east)<br>MeshMultiZoneService backend",
  );
});

Deno.test("rows list problems first, then rewritten, kept, migrated; report order within", () => {
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
  const names = referenceRows(markdown).map((row) => cells(row)[0]!.split("/")[1]);
  assert.deepEqual(names, ["d", "h", "g", "f", "e", "b", "i", "c", "a"]);
});

Deno.test("hostile names cannot break the table, inject HTML or break the Mermaid label", () => {
  const hostile = 'evil|`x`<script>alert("@you")</script>\n| | |';
  const markdown = reportMarkdown(makeReport({
    references: [makeRef({
      name: hostile,
      status: "unresolved",
      targets: [],
      message: `no ${hostile}`,
    })],
  }));
  assert.ok(!markdown.includes("<script"), "raw HTML");
  assert.ok(!markdown.replace(/```mermaid[\s\S]*```/, "").includes("@you"), "a mention");
  const rows = referenceRows(markdown);
  assert.equal(rows.length, 1, "the newline ended the row");
  const row = cells(rows[0]!);
  assert.equal(row.length, 8);
  const escaped = 'evil\\|\\`x\\`&lt;script&gt;alert("@\u2060you")&lt;/script&gt;\\\\n\\| \\| \\|';
  assert.equal(row[0], `MeshHTTPRoute kuma-demo/${escaped}`);
  assert.equal(row[7], `no ${escaped}`);

  const graph = mermaidBlock(markdown)!;
  const label = graph.split("\n").find((line) => line.includes("MeshHTTPRoute"))!;
  assert.equal(
    label,
    '    n1["MeshHTTPRoute kuma-demo/evil#124;#96;x#96;#lt;script#gt;alert(#quot;@you#quot;)' +
      '#lt;/script#gt;#92;n#124; #124; #124;"]',
  );
  assert.ok(!graph.includes("`"), "a backtick could close the fence");
});

Deno.test("maxRows caps the table and says how many rows were left out", () => {
  const references = ["a", "b", "c", "d", "e"].map((name) => makeRef({ name }));
  const markdown = reportMarkdown(makeReport({ references }), { maxRows: 2 });
  assert.equal(referenceRows(markdown).length, 2);
  assert.ok(
    markdown.includes(
      "_3 more references not shown (2 of 5); the full list is in the JSON report._",
    ),
  );
  assert.ok(!reportMarkdown(makeReport({ references })).includes("not shown"));
  assert.throws(() => reportMarkdown(makeReport(), { maxRows: -1 }), RangeError);
  assert.throws(() => reportMarkdown(makeReport(), { maxRows: 1.5 }), RangeError);
});

Deno.test("the graph has one subgraph per zone and a dashed edge to the zone's unresolved node", () => {
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
    ],
  }));
  assert.equal(
    mermaidBlock(markdown),
    [
      "flowchart LR",
      '  subgraph z1 ["global"]',
      '    n6["MeshMultiZoneService m (in west)"]',
      "  end",
      '  subgraph z2 ["zone east"]',
      '    n1["MeshHTTPRoute kuma-demo/a"]',
      '    n2["MeshService kuma-demo/backend"]',
      "  end",
      '  subgraph z3 ["zone west"]',
      '    n3["MeshHTTPRoute kuma-demo/b"]',
      '    n4["unresolved"]:::problem',
      '    n5["MeshHTTPRoute kuma-demo/c"]',
      "  end",
      '  n1 -->|"rewritten §8080"| n2',
      '  n3 -.->|"unresolved"| n4',
      '  n5 -->|"rewritten"| n6',
      "  classDef problem fill:#fee,stroke:#c33,color:#000",
    ].join("\n"),
  );
});

Deno.test("the graph draws identical edges once and stops at 150 edges", () => {
  const twice = reportMarkdown(makeReport({
    references: [makeRef({ field: "spec.to[0]" }), makeRef({ field: "spec.to[1]" })],
  }));
  assert.ok(mermaidBlock(twice)!.includes('n1 -->|"migrated §8080 ×2"| n2'));

  const references = Array.from({ length: 151 }, (_, i) => makeRef({ name: `r${i}` }));
  const markdown = reportMarkdown(makeReport({ references }));
  const edges = mermaidBlock(markdown)!.split("\n").filter((line) => line.includes("-->"));
  assert.equal(edges.length, 150);
  assert.ok(markdown.includes("_Graph cut at 150 of 151 edges;"));
});

Deno.test("the output is deterministic; only rows of one status follow the report's order", () => {
  const references = [
    makeRef({ name: "a", status: "rewritten" }),
    makeRef({ name: "b", zone: "west", status: "unresolved", targets: [] }),
    makeRef({ name: "c", status: "kept", role: "to" }),
    makeRef({ name: "d", status: "ambiguous" }),
  ];
  const report = makeReport({ references });
  assert.equal(reportMarkdown(report), reportMarkdown(structuredClone(report)));
  // One reference per status: the whole output is independent of the order.
  assert.equal(
    reportMarkdown(makeReport({ references: [...references].reverse() })),
    reportMarkdown(report),
  );

  // Two of one status: their rows follow the report, everything else is the same.
  const same = [
    makeRef({ name: "x", status: "rewritten" }),
    makeRef({ name: "y", zone: "west", status: "rewritten" }),
  ];
  const forward = reportMarkdown(makeReport({ references: [...references, ...same] }));
  const backward = reportMarkdown(
    makeReport({ references: [...same, ...references].reverse() }),
  );
  assert.notEqual(forward, backward);
  assert.equal(mermaidBlock(forward), mermaidBlock(backward));
  assert.deepEqual(
    referenceRows(forward).toSorted(),
    referenceRows(backward).toSorted(),
  );
  const names = (md: string) => referenceRows(md).map((row) => cells(row)[0]!.split("/")[1]);
  assert.deepEqual(names(forward), ["b", "d", "a", "x", "y", "c"]);
  assert.deepEqual(names(backward), ["b", "d", "a", "y", "x", "c"]);
});

Deno.test("an empty report says so and draws no graph", () => {
  const markdown = reportMarkdown(makeReport());
  assert.ok(
    markdown.includes(
      "No references: no route or policy in the input refers to a destination.",
    ),
  );
  assert.ok(!markdown.includes("```"));
  assert.ok(!markdown.includes("### Meshes"));
  assert.ok(!markdown.includes("### Reachable backends"));
  assert.ok(markdown.includes("No errors or warnings."));
  assert.ok(markdown.endsWith(".\n") && !markdown.endsWith("\n\n"));
});

Deno.test("the verdict gives the blocking count, version, zones, stage and result counts", () => {
  const results: Result[] = [
    { severity: "warning", message: "w" },
    { severity: "error", message: "e" },
    { severity: "warning", message: "w2" },
  ];
  const blocked = reportMarkdown(
    makeReport({
      zones: [
        { name: "east", environment: "kubernetes", meshServiceOutput: "preview" },
        { name: "west", environment: "universal", meshServiceOutput: "preview" },
      ],
      migration: {
        stage: "ReachableBackends",
        referenceStyle: "name",
        meshes: [],
        reachableBackends: [],
        complete: false,
        remaining: 3,
      },
      results,
    }),
    { title: "Kuma | migration" },
  );
  const [title, , verdict] = blocked.split("\n");
  assert.equal(title, "## Kuma \\| migration");
  assert.equal(
    verdict,
    "⚠️ **3 references still block Exclusive / Kuma 3.0** · Kuma 2.14 · zones east, west · " +
      "stage ReachableBackends · 1 error · 2 warnings",
  );
  const done = reportMarkdown(makeReport({ kumaVersion: null }));
  assert.equal(
    done.split("\n")[2],
    "✅ **Migration complete**: no legacy or unresolved reference remains · " +
      "Kuma version unknown · zone east · 0 errors · 0 warnings",
  );
});

Deno.test("Meshes and reachable backends are listed when the report has some", () => {
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
  assert.ok(markdown.includes(
    "| default | Disabled → Exclusive | mesh.yaml |\n| other | – → – | – |",
  ));
  assert.ok(markdown.includes(
    "| Deployment kuma-demo/web | – | " +
      "MeshService kuma-demo/backend :8080<br>MeshExternalService httpbin |",
  ));
});

Deno.test("results list errors, then warnings, capped; infos are only counted", () => {
  const results: Result[] = [
    { severity: "info", message: "i" },
    { severity: "warning", message: "w1", file: { path: "a.yaml" } },
    {
      severity: "error",
      message: "e1",
      resourceRef: { apiVersion: "v1", kind: "Service", name: "s", namespace: "ns" },
      field: { path: "spec.ports[0]" },
    },
    { severity: "warning", message: "w2" },
  ];
  const markdown = reportMarkdown(makeReport({ results }), { maxRows: 2 });
  const section = markdown.split("### Results\n")[1]!;
  assert.equal(
    section,
    [
      "",
      "| Severity | Resource | Field | Message |",
      "| --- | --- | --- | --- |",
      "| **error** | Service ns/s | spec.ports\\[0\\] | e1 |",
      "| warning | a.yaml | – | w1 |",
      "",
      "_1 more error or warning not shown (2 of 3); the full list is in the JSON report._",
      "",
      "Infos are not listed (1 info in the JSON report).",
      "",
    ].join("\n"),
  );
});
