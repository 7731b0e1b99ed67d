/**
 * Directory mode's fast paths keep the slow paths' results: a file is read
 * with one lenient call, yet a byte order mark is still dropped and invalid
 * UTF-8 is still an error (the CLI as a subprocess under real permissions);
 * the tree view skips re-checking folders it has seen, yet still refuses a
 * symlinked folder.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DENO, describeRun, MOD_TS, run, type RunOutput, snapshotTree } from "./e2e_support.ts";
import { TreeView } from "../src/io/file_writes.ts";

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: backend
  namespace: kuma-demo
spec:
  selector:
    app: backend
  ports:
    - name: http
      port: 8080
      appProtocol: http
`;

const ROUTE = `# Traffic to the backend.
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: to-backend
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: backend_kuma-demo_svc_8080 # legacy name
`;

function cli(args: string[], dir: string, write = true): Promise<RunOutput> {
  return run(
    DENO,
    ["run", "--no-prompt", `-R=${dir}`, ...(write ? [`-W=${dir}`] : []), MOD_TS, ...args],
    { env: { NO_COLOR: "1" } },
  );
}

async function withFiles(
  files: Record<string, string | Uint8Array>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "msk-fast-" });
  try {
    for (const [path, content] of Object.entries(files)) {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(join(dir, path), content);
      else await Deno.writeFile(join(dir, path), content);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("directory fast paths: a byte order mark is dropped from a rewritten file, as without one", async () => {
  const rendered: Map<string, string>[] = [];
  for (const bom of ["", "\ufeff"]) {
    await withFiles(
      { "apps/backend.yaml": SERVICE, "routes/to-backend.yaml": bom + ROUTE },
      async (dir) => {
        const output = await cli(["render", dir, "--out", dir, "-q"], dir);
        assert.equal(output.code, 0, describeRun(output));
        const tree = await snapshotTree(dir);
        assert.match(
          tree.get("routes/to-backend.yaml") ?? "",
          /^# Traffic/,
          "no byte order mark written",
        );
        rendered.push(tree);
        const checked = await cli(["check", dir, "-q"], dir, false);
        assert.equal(checked.code, 0, describeRun(checked));
      },
    );
  }
  assert.deepEqual(rendered[1], rendered[0]);
  assert.match(rendered[0]!.get("routes/to-backend.yaml")!, /name: backend # legacy name/);
});

Deno.test("directory fast paths: check reports a generated file with a byte order mark as stale, since render writes it again", async () => {
  await withFiles({ "apps/backend.yaml": SERVICE }, async (dir) => {
    const rendered = await cli(["render", dir, "--out", dir, "-q"], dir);
    assert.equal(rendered.code, 0, describeRun(rendered));
    const [generated] = [...(await snapshotTree(dir)).keys()].filter((p) =>
      p.includes("meshservice_")
    );
    assert.ok(generated, "a MeshService file");
    const text = await Deno.readTextFile(join(dir, generated));
    await Deno.writeTextFile(join(dir, generated), "\ufeff" + text);
    // Up to date but for the mark: check and render agree that the file changes.
    const checked = await cli(["check", dir, "-q"], dir, false);
    assert.equal(checked.code, 1, describeRun(checked));
    assert.match(checked.stderr, /1 rendered file\(s\) in .* are stale/);
    assert.match(checked.stdout, new RegExp(`^--- a/${generated}`, "m"));
    const again = await cli(["render", dir, "--out", dir, "-q"], dir);
    assert.match(again.stderr, /Wrote 1 file\(s\)/, describeRun(again));
    assert.equal(await Deno.readTextFile(join(dir, generated)), text);
    const now = await cli(["check", dir, "-q"], dir, false);
    assert.equal(now.code, 0, describeRun(now));
  });
});

Deno.test("directory fast paths: a file that is not valid UTF-8 is an error, not read with replacement characters", async () => {
  const bytes = new Uint8Array([...new TextEncoder().encode(SERVICE + "# "), 0xff, 0xfe, 0x0a]);
  await withFiles({ "apps/backend.yaml": bytes }, async (dir) => {
    const output = await cli(["render", dir, "-q"], dir, false);
    assert.equal(output.code, 1, describeRun(output));
    assert.match(
      output.stderr,
      /\[error\] Cannot read "apps\/backend\.yaml": it is not valid UTF-8/,
    );
    assert.equal(output.stdout, "");
  });
  // A file that holds U+FFFD as written is valid UTF-8 and read as it is.
  await withFiles({
    "apps/backend.yaml": SERVICE.replace(
      "backend\n  namespace",
      'backend\n  labels:\n    note: "\ufffd"\n  namespace',
    ),
  }, async (dir) => {
    const output = await cli(["render", dir, "-q"], dir, false);
    assert.equal(output.code, 0, describeRun(output));
    assert.match(output.stdout, /note: "\ufffd"/);
  });
});

Deno.test("directory fast paths: the tree view remembers checked folders, yet still refuses a symlinked one", async () => {
  const base = await Deno.makeTempDir({ prefix: "msk-fast-view-" });
  try {
    const root = join(base, "out");
    await Deno.mkdir(join(root, "gen", "team-a"), { recursive: true });
    await Deno.mkdir(join(base, "outside"));
    await Deno.writeTextFile(join(base, "outside", "x.yaml"), "outside: true\n");
    await Deno.writeTextFile(join(root, "gen", "team-a", "x.yaml"), "inside: true\n");
    await Deno.symlink(join(base, "outside"), join(root, "gen", "team-b"));
    const view = new TreeView(root);
    assert.equal(view.read("gen/team-a/x.yaml"), "inside: true\n");
    assert.deepEqual(
      view.missingFolders("gen/team-a/y.yaml"),
      [],
      "a checked folder is not missing",
    );
    assert.throws(() => view.read("gen/team-b/x.yaml"), /"gen\/team-b" is a symlink/);
    assert.match(view.problem("gen/team-b/x.yaml") ?? "", /"gen\/team-b" is a symlink/);
    assert.deepEqual(view.missingFolders("gen/team-c/d/z.yaml"), ["gen/team-c", "gen/team-c/d"]);
    view.created("gen/team-c");
    view.created("gen/team-c/d");
    assert.deepEqual(view.missingFolders("gen/team-c/d/z.yaml"), []);
    assert.equal(view.read("gen/team-c/d/z.yaml"), undefined);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("directory fast paths: a Flux placeholder is still reported when a file holds one, written plainly or as an escape", async () => {
  const plain = SERVICE.replace("  namespace: kuma-demo\n", "  namespace: ${TEAM}\n");
  const escaped = SERVICE.replace("  namespace: kuma-demo\n", '  namespace: "\\u0024{TEAM}"\n');
  for (const text of [plain, escaped]) {
    await withFiles({ "apps/backend.yaml": text }, async (dir) => {
      const output = await cli(["render", dir, "-q"], dir, false);
      assert.equal(output.code, 0, describeRun(output));
      assert.match(
        output.stderr,
        /\[warning\] .*Flux post-build placeholders in metadata\.namespace "\$\{TEAM\}"/,
      );
    });
  }
  await withFiles({ "apps/backend.yaml": SERVICE }, async (dir) => {
    const output = await cli(["render", dir, "-q"], dir, false);
    assert.equal(output.code, 0, describeRun(output));
    assert.doesNotMatch(output.stderr, /Flux/);
  });
});

Deno.test("directory fast paths: Helm charts are found from the folder listing, also when .krmignore leaves them out", async () => {
  const template = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n";
  await withFiles({
    ".krmignore": "ignored/\nignored-chart/\n",
    "apps/backend.yaml": SERVICE,
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    "charts/web/templates/service.yaml": template,
    "ignored-chart/Chart.yaml": "apiVersion: v2\nname: other\nversion: 1.0.0\n",
    "ignored-chart/templates/service.yaml": template,
    "ignored/broken.yaml": "a: [unclosed\n",
    "nested/deeper/service.yaml": SERVICE.replaceAll("backend", "deeper"),
  }, async (dir) => {
    const output = await cli(["render", dir, "-q"], dir, false);
    assert.equal(output.code, 0, describeRun(output));
    assert.match(output.stderr, /\[info\] Skipped Helm chart "charts\/web"/);
    assert.match(output.stderr, /\[info\] Skipped Helm chart "ignored-chart"/);
    assert.match(output.stderr, /\[info\] Skipped "ignored\/": \.krmignore "ignored\/"/);
    assert.doesNotMatch(
      output.stderr,
      /\.krmignore "ignored-chart\/"/,
      "a chart is named once, as a chart",
    );
    assert.match(output.stdout, /^# Source: nested\/deeper\/service\.yaml$/m);
    assert.doesNotMatch(output.stdout, /Release\.Name/);
  });
});
