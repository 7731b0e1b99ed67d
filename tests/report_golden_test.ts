/**
 * One golden Markdown report per report shape (`tests/report-golden/*.md`):
 * the rendering of chosen golden inputs and of the three-zone repository,
 * byte for byte. `UPDATE_GOLDEN=1` rewrites them; review the diff as a
 * reviewer would read the summary.
 *
 * @module
 */

import assert from "node:assert/strict";
import { render } from "../mod.ts";
import { reportMarkdown } from "../src/report_markdown.ts";
import { readResourceList, UPDATE_HINT, updating } from "./_golden.ts";
import { reportOf, threeZoneRepo } from "./_three_zone_repo.ts";

const ROOT = new URL("./report-golden/", import.meta.url);

/** Shape name → how to get its Markdown. */
const SHAPES: Record<string, () => Promise<string>> = {
  // No reference at all: the verdict, the counts, "Nothing needs review".
  "no-references": () => fromGolden("clusterip-service-basic"),
  // Routes rewritten, kept whole for a MeshServiceSubset, a policy-role warning.
  "routes-single-zone": () => fromGolden("references-routes/2.14"),
  // Open traffic changes, and the same with fixAppProtocol (fixed rows).
  "traffic-changes": () => fromGolden("traffic-protocol-annotation/2.14"),
  "traffic-changes-fixed": () => fromGolden("traffic-protocol-annotation/fix-2.14"),
  // A service in several zones waiting for crossZoneReferences.
  "multizone-needs-decision": () => fromGolden("multizone-references-undecided/2.14"),
  // Errors under Kuma 3.0's gate.
  "policies-3.0-gate": () => fromGolden("references-policies/3.0"),
  // Three zones, 30+ references, against a base branch.
  "three-zones-against-base": () =>
    Promise.resolve(
      reportMarkdown(reportOf(threeZoneRepo(1)), {
        title: "meshservice-krm check: zones",
        base: reportOf(threeZoneRepo(0)),
      }),
    ),
};

async function fromGolden(name: string): Promise<string> {
  const list = await readResourceList(new URL(`./golden/${name}/input.yaml`, import.meta.url));
  return reportMarkdown(render(list).report, { title: `meshservice-krm report: ${name}` });
}

for (const [shape, markdownOf] of Object.entries(SHAPES)) {
  Deno.test(`report golden: ${shape}`, async () => {
    const markdown = await markdownOf();
    const file = new URL(`${shape}.md`, ROOT);
    if (updating()) {
      await Deno.mkdir(ROOT, { recursive: true });
      await Deno.writeTextFile(file, markdown);
      return;
    }
    const expected = await Deno.readTextFile(file);
    assert.equal(markdown, expected, `${shape}.md differs: ${UPDATE_HINT}`);
  });
}
