import assert from "node:assert/strict";
import { loadAll } from "js-yaml";
import { readYaml } from "./yaml.ts";
import {
  applyChanges,
  type Change,
  diffValues,
  documentSource,
  editDocument,
  editDocuments,
  editDocumentsWithSources,
  jsonEqual,
  type PathSegment,
  YamlEditError,
} from "./yaml_edit.ts";

/** Parses with the directory reader's parser (js-yaml), empty documents dropped. */
function docs(text: string): unknown[] {
  return loadAll(text).filter((doc) => doc !== null && doc !== undefined);
}

/** `set("spec.to.0.targetRef", value)`: a change by dotted path (numbers are list indices). */
function set(path: string, value: unknown): Change {
  return { op: "set", path: segments(path), value };
}

/** `del("spec.tags.b")`: removes a key. */
function del(path: string): Change {
  return { op: "delete", path: segments(path) };
}

function segments(path: string): PathSegment[] {
  return path.split(".").map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
}

/** Edits document `index` with `changes` applied to its value; checks the round trip. */
function edit(text: string, index: number, ...changes: Change[]): string {
  const before = docs(text)[index];
  const after = applyChanges(before, changes);
  const out = editDocument(text, { index, before, after });
  const reread = docs(out);
  assert.deepEqual(reread[index], after, `document ${index} must read back as the new value`);
  assert.equal(reread.length, docs(text).length, "same number of documents");
  return out;
}

const ROUTE = `# Route from the frontend to the backend.
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: frontend-to-backend
  namespace: kuma-demo # where the route lives
spec:
  targetRef:
    kind: Mesh

  to:
    # The destination, still by its kuma.io/service name.
    - targetRef: # rewritten by meshservice-krm
        kind: MeshService
        name: backend_kuma-demo_svc_8080 # legacy name
      rules:
        - matches:
            - path: {type: PathPrefix, value: '/api'}
          default:
            backendRefs:
              # all traffic
              - kind: MeshService
                name: "backend_kuma-demo_svc_8080"
                weight: 100
`;

const NEW_REF = {
  kind: "MeshService",
  name: "backend",
  namespace: "kuma-demo",
  sectionName: "http",
};

Deno.test("yaml_edit: a rewritten targetRef keeps every comment, blank line and key order", () => {
  const out = edit(
    ROUTE,
    0,
    set("spec.to.0.targetRef", NEW_REF),
    set("spec.to.0.rules.0.default.backendRefs.0", {
      kind: "MeshService",
      name: "backend",
      namespace: "kuma-demo",
      port: 8080,
      weight: 100,
    }),
  );
  assert.equal(
    out,
    ROUTE
      .replace(
        "name: backend_kuma-demo_svc_8080 # legacy name\n",
        "name: backend # legacy name\n        namespace: kuma-demo\n        sectionName: http\n",
      )
      .replace(
        `name: "backend_kuma-demo_svc_8080"\n                weight: 100\n`,
        `name: "backend"\n                weight: 100\n                namespace: kuma-demo\n                port: 8080\n`,
      ),
  );
});

Deno.test("yaml_edit: a key removed and two added", () => {
  const text = `spec:
  to:
  - targetRef:
      kind: MeshService
      # the old tags
      tags:
        kuma.io/service: backend_kuma-demo_svc_8080
    default: {}
`;
  const out = edit(
    text,
    0,
    set("spec.to.0.targetRef", { kind: "MeshService", name: "backend", namespace: "kuma-demo" }),
  );
  assert.equal(
    out,
    `spec:
  to:
  - targetRef:
      kind: MeshService
      # the old tags
      name: backend
      namespace: kuma-demo
    default: {}
`,
  );
});

Deno.test("yaml_edit: an array element replaced, and a longer array replaced whole", () => {
  const text = `refs:
  - backend_kuma-demo_svc_8080 # first
  - kind: MeshService
    name: web
ports: [80, 443]
list:
  - a
`;
  const out = edit(
    text,
    0,
    set("refs.0", { kind: "MeshService", name: "backend" }),
    set("ports.1", 8443),
    set("list", ["a", "b"]),
  );
  assert.equal(
    out,
    `refs:
  - kind: MeshService
    name: backend # first
  - kind: MeshService
    name: web
ports: [80, 8443]
list:
  - a
  - b
`,
  );
});

Deno.test("yaml_edit: in a multi-document file only the edited document changes", () => {
  const text = `%YAML 1.2
---
# zero
apiVersion: v1
kind: Service   # spaced comment
metadata: {name: a}
---

# one
apiVersion: kuma.io/v1alpha1
kind: Mesh
metadata:
  name: default
spec:
  meshServices:
    mode: Disabled
...
# between
---
# empty document above
---
apiVersion: v1
kind: ConfigMap
data:
  key: "value"
# trailing text
`;
  const out = edit(text, 1, set("spec.meshServices.mode", "Exclusive"));
  assert.equal(out, text.replace("mode: Disabled", "mode: Exclusive"));
  const added = edit(text, 1, set("spec.networking", { outbound: { passthrough: false } }));
  assert.equal(
    added,
    text.replace(
      "    mode: Disabled\n",
      "    mode: Disabled\n  networking:\n    outbound:\n      passthrough: false\n",
    ),
  );
  const last = edit(text, 2, set("data.other", "x"));
  assert.equal(last, text.replace(`  key: "value"\n`, `  key: "value"\n  other: x\n`));
});

Deno.test("yaml_edit: quoting styles are kept, a changed string keeps its quotes", () => {
  const text = `a: 'single'
b: "double"
c: plain
d: 'to change'
e: "to change"
f: to change
`;
  const out = edit(text, 0, set("d", "it's changed"), set("e", "changed"), set("f", "changed"));
  assert.equal(
    out,
    `a: 'single'
b: "double"
c: plain
d: 'it''s changed'
e: "changed"
f: changed
`,
  );
});

Deno.test("yaml_edit: strings YAML 1.1 or 1.2 would read as something else are quoted", () => {
  const out = edit(
    "a: x\n",
    0,
    set("a", "on"),
    set("yes", "no"),
    set("octal", "0o17"),
    set("date", "2024-01-01"),
    set("number", "8080"),
    set("empty", ""),
    set("colon", "a: b"),
  );
  assert.equal(
    out,
    `a: "on"\n"yes": "no"\noctal: "0o17"\ndate: "2024-01-01"\nnumber: "8080"\nempty: ""\ncolon: "a: b"\n`,
  );
});

Deno.test("yaml_edit: flow-style maps stay flow-style", () => {
  const text = `spec:
  targetRef: {kind: MeshService, name: backend_kuma-demo_svc_8080} # inline
  tags: { a: '1', b: '2', c: '3' }
  empty: {}
`;
  const out = edit(
    text,
    0,
    set("spec.targetRef", { kind: "MeshService", name: "backend", namespace: "kuma-demo" }),
    del("spec.tags.b"),
    set("spec.tags.d", "4"),
    set("spec.empty", { x: "y" }),
  );
  assert.equal(
    out,
    `spec:
  targetRef: {kind: MeshService, name: backend, namespace: kuma-demo} # inline
  tags: { a: '1', c: '3', d: '4' }
  empty:
    x: 'y'
`,
  );
});

Deno.test("yaml_edit: idempotent, and unchanged values return the very same text", () => {
  const before = docs(ROUTE)[0];
  const after = applyChanges(before, [set("spec.to.0.targetRef", NEW_REF)]);
  const once = editDocument(ROUTE, { index: 0, before, after });
  assert.notEqual(once, ROUTE);
  assert.equal(
    editDocument(once, { index: 0, before: after, after: structuredClone(after) }),
    once,
  );
  assert.deepEqual(diffValues(docs(once)[0], after), [], "the edited file reads as the new value");
  assert.equal(editDocument(ROUTE, { index: 0, before, after: structuredClone(before) }), ROUTE);
  assert.equal(editDocuments(ROUTE, []), ROUTE);
});

Deno.test("yaml_edit: round trip through the reader's parser on assorted shapes", () => {
  const text = `# head
list:
- kind: A # first key
  name: b
- x
literal: |
  hello
nested:
  deep:
    deeper: 1
last: |+
  kept

`;
  const cases: Change[] = [
    del("list.0.kind"),
    set("literal", "bye\nnow\n"),
    set("literal", 5),
    set("nested", "flat"),
    set("nested.deep", ["a", { b: [1, 2] }]),
    set("last", { a: 1 }),
    set("added", { map: { with: ["list", "of", "on"] } }),
    set("list.1", { now: "a map" }),
    set("list", []),
    del("nested"),
  ];
  for (const change of cases) {
    const out = edit(text, 0, change);
    assert.ok(out.startsWith("# head\nlist:"), out);
  }
});

Deno.test("yaml_edit: a file without a final newline, and CRLF line ends", () => {
  assert.equal(edit("a: 1", 0, set("b", { c: [1] })), "a: 1\nb:\n  c:\n    - 1\n");
  assert.equal(
    edit("a:\r\n  b: 1 # c\r\nz: 2\r\n", 0, set("a.b", 2), set("a.c", "x")),
    "a:\r\n  b: 2 # c\r\n  c: x\r\nz: 2\r\n",
  );
});

Deno.test("yaml_edit: anchors, aliases and merge keys on a changed path are refused", () => {
  const refused = (text: string, change: Change, expected: { kind: string; message: RegExp }) => {
    const { kind, message: pattern } = expected;
    // Read as the tool reads it: merge keys merged (src/io/yaml.ts).
    const before = readYaml(text);
    const after = applyChanges(before, [change]);
    assert.throws(
      () => editDocument(text, { index: 0, before, after }),
      (error: unknown) => {
        assert.ok(error instanceof YamlEditError, String(error));
        assert.equal(error.kind, kind);
        assert.equal(error.index, 0);
        assert.match(error.message, pattern);
        return true;
      },
    );
  };
  const anchored = `defaults: &ref
  kind: MeshService
  name: backend_kuma-demo_svc_8080
spec:
  to:
    - targetRef: *ref
`;
  refused(
    anchored,
    set("spec.to.0.targetRef", NEW_REF),
    {
      kind: "alias",
      message: /at spec\.to\[0\]\.targetRef\.name: the changed path goes through the alias \*ref/,
    },
  );
  refused(
    anchored,
    set("defaults.name", "backend"),
    {
      kind: "anchor",
      message:
        /at defaults\.name: the changed path goes through the anchor &ref: .*remove the anchor/,
    },
  );
  // Merge keys are merged as Kubernetes merges them (src/io/yaml.ts): a
  // merged key is overridden by an explicit key after the merge.
  const merged = "base: &b {x: 1}\nspec:\n  <<: *b\n  y: 2\n";
  const mergedBefore = readYaml(merged);
  const mergedAfter = applyChanges(mergedBefore, [set("spec.x", 3)]);
  const mergedText = editDocument(merged, { index: 0, before: mergedBefore, after: mergedAfter });
  assert.deepEqual(readYaml(mergedText), mergedAfter);
  assert.ok(mergedText.startsWith("base: &b {x: 1}\nspec:\n  <<: *b\n  y: 2\n"), mergedText);
  refused(
    "spec:\n  to: &t [a]\n",
    del("spec.to"),
    { kind: "anchor", message: /anchor &t/ },
  );
  // Anchors away from the changed paths are fine.
  assert.equal(
    edit("base: &b {x: 1}\nuse: *b\nother: 1\n", 0, set("other", 2)),
    "base: &b {x: 1}\nuse: *b\nother: 2\n",
  );
});

Deno.test("yaml_edit: alias bombs and stale documents are refused", () => {
  const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: 1
`;
  assert.throws(
    () => editDocument(bomb, { index: 0, before: { e: 1 }, after: { e: 2 } }),
    (error: unknown) => error instanceof YamlEditError && /cannot be read/.test(error.message),
  );
  assert.throws(
    () => editDocument("a: 1\n", { index: 0, before: { a: 2 }, after: { a: 3 } }),
    (error: unknown) => error instanceof YamlEditError && error.kind === "mismatch",
  );
  assert.throws(
    () => editDocument("a: 1\n", { index: 1, before: { a: 1 }, after: { a: 3 } }),
    (error: unknown) => error instanceof YamlEditError && error.kind === "mismatch",
  );
});

Deno.test("yaml_edit: documentSource is a document's text without markers", () => {
  const text = "# head\na: 1\n--- # marker comment\n# one\nb: 2\n...\n---\n---\nc: 3";
  assert.equal(documentSource(text, 0), "# head\na: 1\n");
  assert.equal(documentSource(text, 1), "# marker comment\n# one\nb: 2\n");
  assert.equal(documentSource(text, 2), "c: 3\n");
  assert.throws(() => documentSource(text, 3), YamlEditError);
});

Deno.test("yaml_edit: editDocumentsWithSources gives editDocuments' text and each document's source in it", () => {
  const text =
    "%YAML 1.1\n---\n# head\na: 1\n--- # marker comment\n# one\nb: {x: 2}\n...\n---\n---\nc: [3]\n# tail";
  const edits = [
    { index: 0, before: { a: 1 }, after: { a: 1, note: "new" } },
    { index: 2, before: { c: [3] }, after: { c: [4] } },
  ];
  const expected = editDocuments(text, edits);
  const done = editDocumentsWithSources(text, edits, [2, 0, 1]);
  assert.equal(done.text, expected);
  assert.deepEqual([...done.sources.keys()], [2, 0, 1]);
  for (const index of [0, 1, 2]) {
    assert.equal(done.sources.get(index), documentSource(expected, index), `document ${index}`);
  }
  assert.match(done.sources.get(0)!, /^note: new$/m);
  // No edit: the file's own text and sources.
  const same = editDocumentsWithSources(text, [{
    index: 1,
    before: { b: { x: 2 } },
    after: { b: { x: 2 } },
  }], [1]);
  assert.equal(same.text, text);
  assert.equal(same.sources.get(1), documentSource(text, 1));
  assert.throws(() => editDocumentsWithSources(text, edits, [3]), YamlEditError);
});

Deno.test("yaml_edit: diffValues, applyChanges and jsonEqual", () => {
  const before = { a: 1, b: { c: [1, 2], d: "x" }, gone: true };
  const after = { b: { c: [1, 3], d: "x", e: null }, a: 1, z: [] };
  const changes = diffValues(before, after);
  assert.deepEqual(changes, [
    { op: "delete", path: ["gone"] },
    { op: "set", path: ["b", "c", 1], value: 3 },
    { op: "set", path: ["b", "e"], value: null },
    { op: "set", path: ["z"], value: [] },
  ]);
  assert.ok(jsonEqual(applyChanges(before, changes), after));
  assert.deepEqual(before.b.c, [1, 2], "applyChanges copies");
  assert.deepEqual(diffValues({ a: 1 }, { b: 1 }), [{ op: "set", path: [], value: { b: 1 } }]);
  assert.deepEqual(diffValues([1], [1, 2]), [{ op: "set", path: [], value: [1, 2] }]);
  assert.ok(jsonEqual({ a: 1, b: undefined }, { a: 1 }));
  assert.ok(!jsonEqual({ a: [1] }, { a: { 0: 1 } }));
  assert.deepEqual(applyChanges({}, [{ op: "set", path: ["x", "y"], value: 1 }]), { x: { y: 1 } });
});

Deno.test("yaml_edit: a multi-line string before an inline comment is written quoted on one line", () => {
  assert.equal(
    edit("a: v1 # keep\nb: 1\n", 0, set("a", { to: "multi\nline\n" })),
    `a:\n  to: "multi\\nline\\n" # keep\nb: 1\n`,
  );
  assert.equal(
    edit("a: v1 # keep\n", 0, set("a", "two\nlines")),
    `a: "two\\nlines" # keep\n`,
  );
});

Deno.test("yaml_edit: removing neighbouring keys of compact and flow maps", () => {
  assert.equal(
    edit("l:\n  - a: 1 # one\n    b: 2\n    c: 3\n", 0, del("l.0.a"), del("l.0.b")),
    "l:\n  -\n    c: 3\n",
  );
  assert.equal(
    edit("m: {a: 1, b: 2, c: 3, d: 4}\n", 0, del("m.c"), del("m.d")),
    "m: {a: 1, b: 2}\n",
  );
  assert.equal(
    edit("m: {a: 1, b: 2, c: 3}\n", 0, del("m.b"), del("m.c"), set("m.e", 5)),
    "m: {a: 1, e: 5}\n",
  );
});

Deno.test("yaml_edit: keys added to a nested map and its parent at the same place land in the right maps", () => {
  assert.equal(
    edit(
      "spec:\n  inner:\n    a: 1\n  gone: x\n",
      0,
      set("spec.outer", true),
      set("spec.inner.b", 2),
      del("spec.gone"),
    ),
    "spec:\n  inner:\n    a: 1\n    b: 2\n  outer: true\n",
  );
  assert.equal(
    edit("spec:\n  inner:\n    a: 1", 0, set("top", 1), set("spec.inner.b", 2), set("spec.c", 3)),
    "spec:\n  inner:\n    a: 1\n    b: 2\n  c: 3\ntop: 1\n",
  );
});
