/**
 * The Markdown report as a reviewer sees it: a three-zone repository with 30+
 * references is rendered by the real pipeline, its summary is turned into
 * HTML with GFM (npm `marked`) and GitHub's CSS (npm `github-markdown-css`)
 * in GitHub's 948 px column, and Debian's Chromium lays it out with every
 * `<details>` open and runs the real Mermaid (npm `mermaid`, the browser
 * build) on every graph. The test fails when a table needs horizontal
 * scrolling, when a graph does not parse, or when one grows past a sane size.
 *
 * Chromium is required with CI=true (`.ci/run` installs it) and skipped
 * locally when missing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { marked } from "marked";
import { reportMarkdown } from "../src/report_markdown.ts";
import { reportOf, threeZoneRepo } from "./_three_zone_repo.ts";
import { describeRun, findTool, REPO_ROOT, run, testsNeeding } from "./e2e_support.ts";

/** GitHub's Markdown column in comments and job summaries. */
const COLUMN_PX = 948;
/** Debian's `chromium` (what `.ci/run` installs), else a Chrome a CI image ships. */
const CHROMIUM = await firstTool(["chromium", "chromium-browser", "google-chrome"]);

async function firstTool(names: string[]) {
  let found = await findTool(names[0]!, ["--version"]);
  for (const name of names.slice(1)) {
    if (found.ok) break;
    const next = await findTool(name, ["--version"]);
    if (next.ok) found = next;
  }
  return found;
}

Deno.test("report render: the three-zone example has 30+ references, problems and a base diff", () => {
  const report = reportOf(threeZoneRepo(1));
  assert.equal(report.zones.length, 3);
  assert.ok(report.references.length >= 30, String(report.references.length));
  assert.ok(report.summary.references.unresolved > 0);
  const markdown = reportMarkdown(report, { base: reportOf(threeZoneRepo(0)) });
  assert.match(markdown, /### Changes from the base branch/);
  assert.match(markdown, /### Needs review/);
  assert.equal((markdown.match(/```mermaid/g) ?? []).length, 4, "global and three zones");
});

/** The page Chromium lays out: GitHub's CSS, the column, Mermaid and a measuring script. */
function page(markdownHtml: string, css: string, mermaidJs: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; } .markdown-body { box-sizing: content-box; width: ${COLUMN_PX}px; padding: 0; }
</style><script src="${mermaidJs}"></script></head>
<body><article class="markdown-body">${markdownHtml}</article><pre id="result"></pre>
<script>
(async () => {
  const out = { tables: [], graphs: [], page: 0, error: null };
  try {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    for (const d of document.querySelectorAll("details")) d.open = true;
    let i = 0;
    for (const code of document.querySelectorAll("code.language-mermaid")) {
      const text = code.textContent;
      const entry = { parsed: false, error: null, width: 0, height: 0 };
      try {
        await mermaid.parse(text);
        entry.parsed = true;
        const { svg } = await mermaid.render("g" + i++, text);
        const holder = document.createElement("div");
        holder.innerHTML = svg;
        code.parentElement.replaceWith(holder);
        const box = holder.querySelector("svg").getBoundingClientRect();
        entry.width = Math.round(box.width);
        entry.height = Math.round(box.height);
      } catch (e) { entry.error = String(e && e.message || e).slice(0, 300); }
      out.graphs.push(entry);
    }
    for (const t of document.querySelectorAll(".markdown-body table")) {
      out.tables.push({ scroll: t.scrollWidth, client: t.clientWidth, head: t.rows[0].innerText.slice(0, 60) });
    }
    out.page = document.querySelector(".markdown-body").scrollWidth;
  } catch (e) { out.error = String(e); }
  document.getElementById("result").textContent = JSON.stringify(out);
})();
</script></body></html>`;
}

interface Layout {
  tables: { scroll: number; client: number; head: string }[];
  graphs: { parsed: boolean; error: string | null; width: number; height: number }[];
  page: number;
  error: string | null;
}

async function layout(markdown: string): Promise<Layout> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-render-" });
  try {
    const css = await Deno.readTextFile(
      join(REPO_ROOT, "node_modules", "github-markdown-css", "github-markdown-light.css"),
    );
    const mermaidJs = `file://${
      join(REPO_ROOT, "node_modules", "mermaid", "dist", "mermaid.min.js")
    }`;
    const html = await marked.parse(markdown, { gfm: true });
    const file = join(dir, "page.html");
    await Deno.writeTextFile(file, page(html, css, mermaidJs));
    const output = await run(CHROMIUM.ok ? CHROMIUM.path : "chromium", [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${join(dir, "profile")}`,
      `--window-size=${COLUMN_PX + 40},2000`,
      "--allow-file-access-from-files",
      "--virtual-time-budget=20000",
      "--dump-dom",
      `file://${file}`,
    ], { env: { ...Deno.env.toObject(), HOME: dir } });
    assert.equal(output.code, 0, describeRun(output));
    const json = output.stdout.match(/<pre id="result">([^<]*)<\/pre>/)?.[1];
    assert.ok(
      json,
      `no result in the page:\n${output.stdout.slice(-2000)}\n${output.stderr.slice(-2000)}`,
    );
    return JSON.parse(
      json.replaceAll("&quot;", '"').replaceAll("&amp;", "&").replaceAll("&lt;", "<").replaceAll(
        "&gt;",
        ">",
      ),
    ) as Layout;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

testsNeeding(CHROMIUM, "chromium", () => {
  Deno.test({
    name: "report render: the three-zone summary fits GitHub's column and every graph parses",
    sanitizeResources: false,
    async fn() {
      const report = reportOf(threeZoneRepo(1));
      const markdown = reportMarkdown(report, { base: reportOf(threeZoneRepo(0)) });
      const result = await layout(markdown);
      if (Deno.env.get("DEBUG_RENDER")) console.log(JSON.stringify(result), markdown.length);
      assert.equal(result.error, null);
      assert.ok(result.tables.length >= 3, JSON.stringify(result.tables));
      for (const t of result.tables) {
        assert.ok(t.scroll <= t.client, `table "${t.head}" scrolls: ${t.scroll} > ${t.client} px`);
      }
      assert.ok(result.page <= COLUMN_PX, `page is ${result.page} px wide`);
      assert.equal(result.graphs.length, 4);
      for (const g of result.graphs) {
        assert.ok(g.parsed, g.error ?? "");
        assert.equal(g.error, null);
        assert.ok(g.height > 0 && g.height < 4000, `graph is ${g.width}×${g.height} px`);
      }
    },
  });

  Deno.test({
    name: "report render: the check catches a wide table and a broken graph",
    sanitizeResources: false,
    async fn() {
      const wide = `| a | b |\n| --- | --- |\n| ${"x".repeat(400)} | y |\n\n` +
        '```mermaid\nflowchart LR\n  n1 -->|"broken| n2\n```\n';
      const result = await layout(wide);
      assert.ok(result.tables[0]!.scroll > result.tables[0]!.client, JSON.stringify(result.tables));
      assert.equal(result.graphs[0]!.parsed, false);
      assert.ok(result.graphs[0]!.error);
    },
  });
});
