import assert from "node:assert/strict";

/** Old spellings: `spec.ports.2.protocol` (an index after a dot) and `labels.kuma.io/zone` (a bare key). */
const OLD_FORMS = [/\.\d+(?:[.[]|$)/, /\.(?:labels|annotations|tags|matchLabels)\.[A-Za-z0-9]/];

function* files(dir: URL): Generator<URL> {
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory) yield* files(url);
    else if (/^expected.*\.yaml$/.test(entry.name)) yield url;
  }
}

Deno.test("every result field path in the goldens uses Kuma's form: indexes and map keys in brackets", () => {
  let checked = 0;
  for (const file of files(new URL("./golden/", import.meta.url))) {
    const lines = Deno.readTextFileSync(file).split("\n");
    for (const [i, line] of lines.entries()) {
      const path = /^\s+path: (.+)$/.exec(line)?.[1];
      if (path === undefined || !/^\s*field:$/.test(lines[i - 1] ?? "")) continue;
      checked++;
      for (const old of OLD_FORMS) assert.doesNotMatch(path, old, `${file.pathname}: ${path}`);
    }
  }
  assert.ok(checked > 50, `only ${checked} field paths found`);
});
