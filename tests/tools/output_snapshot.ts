/**
 * Records what the CLI prints for every golden case, the example repo and the real-repo fixture, so a
 * refactor can be shown to change no byte of output:
 *
 *     deno run -A tests/tools/output_snapshot.ts /tmp/before   # on the old commit
 *     deno run -A tests/tools/output_snapshot.ts /tmp/after    # on the new commit
 *     diff -r /tmp/before /tmp/after                           # no output = byte-identical
 *
 * For each run it writes stdout, stderr (the results and logs) and the exit code; directory runs with
 * `--out` also keep every written file, the JSON report and the Markdown summary.
 *
 * @module
 */

const root = new URL("../../", import.meta.url).pathname;
const out = Deno.args[0];
if (out === undefined) {
  console.error("usage: output_snapshot.ts OUT_DIR");
  Deno.exit(2);
}
await Deno.remove(out, { recursive: true }).catch(() => {});
Deno.mkdirSync(out, { recursive: true });

interface Run {
  name: string;
  args: string[];
  stdin?: string;
  cwd?: string;
  /** Files to keep after the run (relative to cwd). */
  keep?: string;
}

async function run(job: Run): Promise<void> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "-A", `${root}mod.ts`, ...job.args],
    cwd: job.cwd ?? root,
    stdin: job.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const child = command.spawn();
  if (job.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(Deno.readFileSync(job.stdin));
    await writer.close();
  }
  const result = await child.output();
  const dir = `${out}/${job.name}`;
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeFileSync(`${dir}/stdout`, result.stdout);
  // Temporary directory names and the checkout's own path differ between runs and worktrees; they
  // are the only things normalised.
  const stderr = new TextDecoder().decode(result.stderr).replaceAll(job.cwd ?? "\0", "<tmp>")
    .replaceAll(root, "<root>/");
  Deno.writeTextFileSync(`${dir}/stderr`, stderr);
  Deno.writeTextFileSync(`${dir}/exit`, `${result.code}\n`);
  if (job.keep !== undefined) copyTree(`${job.cwd}/${job.keep}`, `${dir}/files`);
}

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of [...Deno.readDirSync(from)].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (entry.isDirectory) copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

function tempCopy(dir: string): string {
  const tmp = Deno.makeTempDirSync({ prefix: "snapshot-" });
  copyTree(dir, `${tmp}/repo`);
  return tmp;
}

const jobs: Run[] = [];
function goldenCases(dir: string, prefix: string): void {
  const entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name < b.name ? -1 : 1);
  if (entries.some((e) => e.isFile && e.name === "input.yaml")) {
    jobs.push({ name: `golden/${prefix}`, args: [], stdin: `${dir}/input.yaml` });
  }
  for (const e of entries) {
    if (e.isDirectory) goldenCases(`${dir}/${e.name}`, `${prefix}/${e.name}`);
  }
}
goldenCases(`${root}tests/golden`, "");
const repos: Record<string, string> = {
  "example-kubernetes": `${root}templates/example-repo/kubernetes`,
  "example-universal": `${root}templates/example-repo/universal`,
  "real-repo": `${root}tests/fixtures/real-repo`,
};
for (const [name, dir] of Object.entries(repos)) {
  jobs.push({ name: `${name}/render`, args: ["render", dir] });
  jobs.push({
    name: `${name}/render-resourcelist`,
    args: ["render", dir, "--format", "resourcelist"],
  });
  jobs.push({ name: `${name}/check`, args: ["check", dir] });
  jobs.push({ name: `${name}/generate`, args: ["generate", dir] });
  const tmp = tempCopy(dir);
  jobs.push({
    name: `${name}/render-out`,
    args: ["render", "repo", "--out", "repo", "--report", "report.json", "--summary", "summary.md"],
    cwd: tmp,
    keep: ".",
  });
}
for (
  const command of ["", "render", "check", "generate", "kustomize-plugin", "helm-post-renderer"]
) {
  jobs.push({
    name: `help/${command || "overview"}`,
    args: command ? [command, "--help"] : ["--help"],
  });
}
jobs.push({ name: "usage/unknown-flag", args: ["render", "--bogus"] });
jobs.push({ name: "usage/version", args: ["--version"] });
jobs.push({
  name: "kustomize-plugin/example",
  args: ["kustomize-plugin", `${root}templates/example-repo/kubernetes/meshservice-krm.yaml`],
  stdin: `${root}templates/example-repo/kubernetes/demo-app.yaml`,
});
jobs.push({
  name: "helm-post-renderer/example",
  args: ["helm-post-renderer"],
  stdin: `${root}templates/example-repo/kubernetes/demo-app.yaml`,
});

// Two at a time (the machine has two cores).
let next = 0;
await Promise.all([0, 1].map(async () => {
  while (next < jobs.length) await run(jobs[next++]!);
}));
console.error(`${jobs.length} runs recorded in ${out}`);
