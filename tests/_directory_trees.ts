/**
 * Generated trees for directory mode tests of large runs.
 *
 * @module
 */

import { join } from "node:path";

/** A tree of `n` Service files in folders of 50, the Namespaces in one file. */
export async function servicesTree(dir: string, n: number): Promise<void> {
  const namespaces: string[] = [];
  for (let folder = 0; folder * 50 < n; folder++) {
    const ns = `team-${folder}`;
    namespaces.push(
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    kuma.io/sidecar-injection: enabled\n`,
    );
    await Deno.mkdir(join(dir, "apps", ns), { recursive: true });
    for (let i = folder * 50; i < Math.min(n, (folder + 1) * 50); i++) {
      await Deno.writeTextFile(
        join(dir, "apps", ns, `svc-${i}.yaml`),
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\n  namespace: ${ns}\nspec:\n  selector:\n    app: svc-${i}\n  ports:\n    - port: 80\n`,
      );
    }
  }
  await Deno.writeTextFile(join(dir, "namespaces.yaml"), namespaces.join("---\n"));
}
