/**
 * Corpus helpers shared by the reader tests: every YAML file under a folder,
 * and line-level mutations of a text.
 *
 * @module
 */

/** The text of every `.yaml`/`.yml` file under `dir`, recursively. */
export async function yamlFiles(dir: URL, out: string[] = []): Promise<string[]> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) await yamlFiles(url, out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(await Deno.readTextFile(url));
  }
  return out;
}

/**
 * `text` with line-level mutations, two `choices` each: insert one of
 * `lines`, drop a line, duplicate a line, or indent a line by one space.
 */
export function mutateLines(text: string, choices: number[], lines: readonly string[]): string {
  const out = text.split("\n");
  for (let i = 0; i + 1 < choices.length; i += 2) {
    const at = choices[i]! % (out.length + 1);
    const what = choices[i + 1]!;
    if (what % 4 === 0) out.splice(at, 0, lines[what % lines.length]!);
    else if (what % 4 === 1) out.splice(at, 1);
    else if (what % 4 === 2 && at < out.length) out.splice(at, 0, out[at]!);
    else if (at < out.length) out[at] = ` ${out[at]}`;
  }
  return out.join("\n");
}
