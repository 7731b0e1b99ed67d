/**
 * Text helpers of the Markdown report: escaping for GFM and Mermaid labels,
 * break opportunities in long names, tables and collapsed sections.
 *
 * @module
 */

const BACKSLASHED = new Set(["\\", "`", "*", "~", "[", "]", "|", "#", "$"]);
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** Tokens longer than this get `<wbr>` break opportunities, so a table cell can wrap. */
const LONG_TOKEN = 24;
/** Shortest piece between two break opportunities. */
const MIN_PIECE = 12;
/** Characters after which a long token may break. */
const BREAK_AFTER = new Set([".", "/", "_", "-", "]", ",", "="]);

/**
 * Text as inline Markdown that renders as itself: Markdown punctuation
 * backslash-escaped, `&`, `<`, `>` as entities, `@` followed by a word joiner
 * (no mentions), control and bidirectional characters made visible.
 */
export function md(text: string): string {
  const s = visible(text);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (BACKSLASHED.has(c)) out += `\\${c}`;
    else if (ENTITIES[c] !== undefined) out += ENTITIES[c];
    else if (c === "_") out += isAlnum(s[i - 1]) && isAlnum(s[i + 1]) ? "_" : "\\_";
    else if (c === "@") out += "@\u2060";
    else out += c;
  }
  // GitHub links bare URLs (`https://…`, `www.…`): a word joiner breaks the autolink.
  return out.replace(/:(?=\/\/)/g, ":\u2060").replace(/(www)(?=\.)/gi, "$1\u2060");
}

/**
 * Like {@link md}, with `<wbr>` break opportunities after `.`, `/`, `_`, `-`,
 * `]`, `,` and `=` (at most one per 12 characters) inside words longer than
 * 24 characters, so long field
 * paths and legacy service names wrap inside a narrow table column. `<wbr>`
 * adds no character: a copied name stays the same.
 */
export function mdWrap(text: string): string {
  return text.split(/( +)/).map((word) => word.length > LONG_TOKEN ? breakable(word) : md(word))
    .join("");
}

function breakable(word: string): string {
  const pieces: string[] = [];
  let run = "";
  for (const c of word) {
    run += c;
    if (BREAK_AFTER.has(c) && run.length >= MIN_PIECE) {
      pieces.push(run);
      run = "";
    }
  }
  if (run !== "") pieces.push(run);
  return pieces.map(md).join("<wbr>");
}

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9]$/.test(c);
}

const MERMAID_ENTITIES: Record<string, string> = {
  "#": "#35;",
  '"': "#quot;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
  "|": "#124;",
  "\\": "#92;",
  "%": "#37;",
};

/** Text for a quoted Mermaid label. */
export function mermaidLabel(text: string): string {
  let out = "";
  for (const c of visible(text)) out += MERMAID_ENTITIES[c] ?? c;
  return out;
}

const NAMED_CONTROLS: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Control, line-separator and bidirectional formatting characters as `\n`, `\uXXXX`. */
export function visible(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.codePointAt(0)!;
    const hidden = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x200e ||
      code === 0x200f || code === 0x2028 || code === 0x2029 ||
      (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    out += hidden ? NAMED_CONTROLS[c] ?? `\\u${code.toString(16).padStart(4, "0")}` : c;
  }
  return out;
}

/** A GFM table; cells are already Markdown. */
export function table(
  header: readonly string[],
  rows: readonly string[][],
  align?: readonly string[],
): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(align ?? header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A collapsed `<details>` block; `summary` is already Markdown-safe inline HTML. */
export function details(summary: string, body: string, open = false): string {
  return [
    `<details${open ? " open" : ""}><summary>${summary}</summary>`,
    "",
    body,
    "",
    "</details>",
  ]
    .join("\n");
}

/** The line under a capped table; `nouns` names one row and many (`["row", "rows"]`). */
export function leftOut(
  total: number,
  shown: number,
  nouns: readonly [one: string, many: string],
): string[] {
  const [one, many] = nouns;
  const rest = total - shown;
  if (rest <= 0) return [];
  return [
    "",
    `_${plural(rest, `more ${one}`, `more ${many}`)} not shown (${shown} of ${total}); ` +
    "the full list is in the JSON report._",
  ];
}

/** `1 error`, `2 errors`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
