/**
 * Rewriting many documents of one file costs time linear in the file: the
 * edited file is parsed to plan the splices and once more to check them, and
 * the text `render` prints for each rewritten document is cut from that
 * second parse. Asking for each document's text by parsing the file again
 * made a file of N rewritten routes cost N parses of the whole file
 * (measured: a 250-file repo of 4,000 Services and 2,000 routes took 12-16 s
 * to render, 3.6 s after).
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runDirectory } from "../src/io/directory.ts";

/** A repo of `n` Services and one file of `n` MeshHTTPRoutes naming them by `kuma.io/service`. */
async function repo(base: string, n: number): Promise<string> {
  const dir = join(base, `repo-${n}`);
  await Deno.mkdir(dir, { recursive: true });
  const services: string[] = [];
  const routes: string[] = [];
  for (let i = 0; i < n; i++) {
    services.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: shop\nspec:\n  selector:\n    app: svc-${i}\n  ports:\n    - port: 80\n      appProtocol: http\n`,
    );
    routes.push(
      `# Route ${i}: all traffic to svc-${i}.\napiVersion: kuma.io/v1alpha1\nkind: MeshHTTPRoute\nmetadata:\n  name: route-${i}\n  namespace: shop\n  labels:\n    kuma.io/mesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: MeshService\n        name: svc-${i}_shop_svc_80\n      rules:\n        - matches:\n            - path:\n                type: PathPrefix\n                value: /\n          default:\n            backendRefs:\n              - kind: MeshService\n                name: svc-${i}_shop_svc_80\n                weight: 100\n`,
    );
  }
  await Deno.writeTextFile(join(dir, "services.yaml"), services.join("---\n"));
  await Deno.writeTextFile(join(dir, "routes.yaml"), routes.join("---\n"));
  return dir;
}

/** Renders `dir` into a new folder; returns the time taken and the rewritten routes file. */
async function render(
  temp: string,
  dir: string,
  run: number,
): Promise<{ ms: number; routes: string }> {
  const out = join(temp, `out-${run}`);
  const started = performance.now();
  const result = await runDirectory({
    command: "render",
    dir,
    out,
    format: "yaml",
    workspace: temp,
    progress: () => Promise.resolve(),
  });
  const ms = performance.now() - started;
  assert.equal(result.exitCode, 0);
  return { ms, routes: await Deno.readTextFile(join(out, "routes.yaml")) };
}

Deno.test("directory render: a file of many rewritten routes costs time linear in its size", async () => {
  const temp = await Deno.makeTempDir({ prefix: "directory-edit-scaling-" });
  try {
    const small = await repo(temp, 150);
    const large = await repo(temp, 300);
    let run = 0;
    await render(temp, small, run++); // warm-up: the editor's modules are loaded lazily
    const times = { small: Infinity, large: Infinity };
    for (let round = 0; round < 2; round++) {
      times.small = Math.min(times.small, (await render(temp, small, run++)).ms);
      const done = await render(temp, large, run++);
      times.large = Math.min(times.large, done.ms);
      // Every route rewritten, its comment kept.
      assert.equal(done.routes.match(/^ {8}name: svc-\d+$/gm)?.length, 300);
      assert.equal(done.routes.match(/_shop_svc_80/g), null);
      assert.equal(done.routes.match(/^# Route \d+: all traffic/gm)?.length, 300);
    }
    // Twice the documents: about twice the time (a parse of the whole file per
    // document made it about four times).
    const ratio = times.large / times.small;
    assert.ok(
      ratio < 2.8,
      `300 routes took ${Math.round(times.large)} ms, 150 took ${Math.round(times.small)} ms (${
        ratio.toFixed(2)
      }x)`,
    );
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
});
