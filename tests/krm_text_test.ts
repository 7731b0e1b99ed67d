import assert from "node:assert/strict";
import { load } from "js-yaml";
import { processBytes } from "../src/io/krm_stdio.ts";
import { findItemSpans } from "../src/io/yaml_text/item_spans.ts";
import { parseYaml } from "../src/io/yaml.ts";
import { render } from "../src/transform.ts";

const golden = new URL("./golden/", import.meta.url);

async function inputs(dir: URL, prefix = ""): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory) continue;
    const sub = new URL(`${entry.name}/`, dir);
    try {
      out.push([`${prefix}${entry.name}`, await Deno.readTextFile(new URL("input.yaml", sub))]);
    } catch {
      // Not a case itself; its variants are below.
    }
    out.push(...await inputs(sub, `${prefix}${entry.name}/`));
  }
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

Deno.test("processBytes() output parses to exactly the rendered ResourceList for every golden input", async () => {
  const cases = await inputs(golden);
  assert.ok(cases.length >= 30, `expected the golden inputs, found ${cases.length}`);
  let spliced = 0;
  for (const [name, text] of cases) {
    const { text: output } = await processBytes(new TextEncoder().encode(text));
    const expected = render(await parseYaml(text)).resourceList;
    if (expected.results?.length === 0) delete expected.results; // An empty list is not written.
    assert.deepEqual(await parseYaml(output), expected, name);
    const items = (await parseYaml(text) as { items?: unknown[] }).items ?? [];
    if (
      items.length > 0 &&
      output.includes(text.slice(text.indexOf("\n- ") + 1, text.indexOf("\n- ") + 40))
    ) {
      spliced++;
    }
  }
  assert.ok(
    spliced > cases.length / 2,
    `only ${spliced} of ${cases.length} inputs kept their item text`,
  );
});

Deno.test("processBytes() keeps quoting, flow style and comments of pass-through items", async () => {
  const input = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: v1",
    "  kind: ConfigMap",
    "  metadata: {name: 'cfg', annotations: {a: \"yes\"}} # keep me",
    "  data:",
    "    script: |",
    "      - not an item",
    "",
  ].join("\n");
  const { text } = await processBytes(new TextEncoder().encode(input));
  assert.ok(
    text.includes("  metadata: {name: 'cfg', annotations: {a: \"yes\"}} # keep me\n"),
    text,
  );
  assert.ok(text.includes("    script: |\n      - not an item\n"), text);
});

Deno.test("processBytes() keeps pass-through items' text when values hold an & and a * (no anchors)", async () => {
  // A CRD's patterns and descriptions, a shell script: `&` and `*` in values
  // are not anchors or aliases, and every other item still passes through as
  // written (the whole list was re-serialized, comments lost).
  const input = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: v1",
    "  kind: ConfigMap",
    "  metadata:",
    "    name: cfg # keep me",
    "  data:",
    "    pattern: ^[a-z0-9!#$%&'*+.^_|~]+$",
    "    run: 'make && rm -f *.tmp'",
    "- apiVersion: v1",
    "  kind: Service",
    "  metadata:",
    "    name: web # and me",
    "    namespace: shop",
    "  spec:",
    "    selector:",
    "      app: web",
    "    ports:",
    "    - port: 80",
    "",
  ].join("\n");
  const { text } = await processBytes(new TextEncoder().encode(input));
  assert.ok(text.includes("    name: cfg # keep me\n"), text);
  assert.ok(text.includes("    run: 'make && rm -f *.tmp'\n"), text);
  assert.ok(text.includes("    name: web # and me\n"), text);
  assert.match(text, /kind: MeshService/);
});

Deno.test("processBytes(): a top-level line after the items that starts with a no-break space stays out of the last item", async () => {
  // YAML indents with spaces only: "\u00a0k: v" at column 0 is a top-level key, not a line of
  // the last item's text (it rode along into the output when its indent counted the U+00A0).
  const input =
    'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data: {x: "1"}\n\u00a0k: v\n';
  const { text } = await processBytes(new TextEncoder().encode(input));
  assert.deepEqual(Object.keys(load(text) as object), ["apiVersion", "kind", "items", "results"]);
  assert.ok(!text.includes("k: v"), text);
});

Deno.test("processBytes() keeps pass-through items' text when a value holds a tab (a Makefile)", async () => {
  const input = [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "- apiVersion: v1",
    "  kind: ConfigMap",
    "  metadata:",
    "    name: build # keep me",
    "  data:",
    "    Makefile: |",
    "      all:",
    "      \techo done",
    "- apiVersion: v1",
    "  kind: Service",
    "  metadata:",
    "    name: web # and me",
    "    namespace: shop",
    "  spec:",
    "    ports:",
    "    - port: 80",
    "",
  ].join("\n");
  const { text } = await processBytes(new TextEncoder().encode(input));
  assert.ok(text.includes("    name: build # keep me\n"), text);
  assert.ok(text.includes("      all:\n      \techo done\n"), text);
  assert.ok(text.includes("    name: web # and me\n"), text);
  assert.match(text, /kind: MeshService/);
});

Deno.test("findItemSpans() refuses shapes it does not understand", () => {
  const keys = ["apiVersion"];
  assert.equal(findItemSpans("items: [{apiVersion: v1}]\n", keys), undefined);
  assert.equal(findItemSpans("items:\n- apiVersion: v1\n", ["kind"]), undefined);
  assert.equal(findItemSpans("items:\n- apiVersion: v1\n- kind: x\n", keys), undefined);
  assert.equal(findItemSpans("items:\r\n- apiVersion: v1\r\n", keys), undefined);
  assert.equal(findItemSpans("a: &x 1\nitems:\n- apiVersion: *x\n", keys), undefined);
  assert.deepEqual(findItemSpans("items:\n  - apiVersion: v1\n    kind: A\nresults: []\n", keys), {
    spans: ["  - apiVersion: v1\n    kind: A\n"],
    indent: 2,
  });
});
