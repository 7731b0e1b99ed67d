import { editDocument } from "./yaml_edit.ts";
import { load } from "js-yaml";
function show(label: string, text: string, mutate: (v: any) => void) {
  const before = load(text) as any;
  const after = structuredClone(before);
  mutate(after);
  try {
    const out = editDocument(text, 0, before, after);
    console.log(`== ${label}\n${JSON.stringify(out)}\n${out}`);
  } catch (e) {
    console.log(`== ${label} ERROR ${(e as Error).message}`);
  }
}
show("compact first delete", "items:\n- kind: A\n  name: b\n- x\n", (v) => {
  delete v.items[0].kind;
});
show("block scalar last + add", "a:\n  lit: |\n    hello\n\nb: 1\n", (v) => {
  v.a.added = "x";
});
show("block scalar keep last + add", "a:\n  lit: |+\n    hello\n\n", (v) => {
  v.a.added = "x";
});
show("eof no newline", "a: 1", (v) => {
  v.b = { c: [1, 2] };
});
show("crlf", "a:\r\n  b: 1 # c\r\nz: 2\r\n", (v) => {
  v.a.c = { d: 1 };
  v.a.b = 2;
});
show("anchor", "a: &x\n  b: 1\nc: *x\n", (v) => {
  v.a.b = 2;
});
show("alias", "a: &x\n  b: 1\nc: *x\n", (v) => {
  v.c.b = 2;
});
show("anchor elsewhere", "a: &x\n  b: 1\nc: *x\nd: 1\n", (v) => {
  v.d = 2;
});
show("merge", "a:\n  <<: {b: 1}\n  c: 2\n", (v) => {
  v.a.c = 3;
});
show("null value", "a:\nb: 1\n", (v) => {
  v.a = { x: 1 };
});
show("null value scalar", "a:\nb: 1\n", (v) => {
  v.a = "x";
});
show("seq length change", "a:\n  - 1 # one\n  - 2\nb: 1\n", (v) => {
  v.a = [1, 2, 3];
});
show("indentless seq", "a:\n- 1\n- 2\nb: 1\n", (v) => {
  v.a = [1, 2, 3];
  v.c = ["x"];
});
show("map to scalar", "a:\n  x: 1\n  y: 2 # c\nb: 1\n", (v) => {
  v.a = 5;
});
show("scalar to map", "a: 5 # c\nb: 1\n", (v) => {
  v.a = { x: 1 };
});
show("empty flow to map", "meta:\n  annotations: {}\n", (v) => {
  v.meta.annotations = { "kuma.io/x": "a,b" };
});
show("seq item replace", "l:\n  - a\n  - {k: v}\n  - b: 1\n    c: 2\n", (v) => {
  v.l[0] = { n: 1, m: 2 };
  v.l[1] = { k: "w", z: 1 };
  v.l[2] = "s";
});
show("ambiguous", "a: x\n", (v) => {
  v.a = "yes";
  v.b = "0o17";
  v.c = "2024-01-01";
  v.d = "1.0";
  v.e = "";
  v.f = "a: b";
  v.g = "multi\nline";
});
show("quoted keep", "a: 'x'\nb: \"y\"\nc: z\n", (v) => {
  v.a = "it's";
  v.b = 'q"q';
  v.c = "true";
});
show("delete last and add", "t:\n  kind: A\n  tags:\n    x: y\n", (v) => {
  delete v.t.tags;
  v.t.name = "n";
  v.t.ns = "m";
});
show("delete middle", "t:\n  a: 1\n  # about b\n  b: 2\n  c: 3\n", (v) => {
  delete v.t.b;
});
show("flow delete", "t: {a: 1, b: 2, c: 3}\n", (v) => {
  delete v.t.c;
  delete v.t.a;
});
show("top doc marker", "--- # c\na: 1\n...\n", (v) => {
  v.b = 2;
});
show("long string", "a: x\n", (v) => {
  v.a = "x".repeat(200) + " y ".repeat(50);
});
show("tagged", "a: !!str 5\n", (v) => {
  v.a = "6";
});
