/**
 * kustomize's legacy exec plugin protocol, the form `kubectl kustomize
 * --enable-alpha-plugins` can run (it has no `--enable-exec`): kustomize
 * calls the executable found at
 * `$KUSTOMIZE_PLUGIN_HOME/meshservice-krm/v1alpha1/rendermeshservices/RenderMeshServices`
 * with the path of a file holding the transformer's config, writes every
 * resource to stdin as multi-document YAML (each with its
 * `kustomize.config.k8s.io/id` annotation) and reads the transformed
 * resources from stdout.
 *
 * @module
 */

import { isObject, type KubeObject, RESOURCE_LIST_API_VERSION } from "../model/krm.ts";
import { exitCodeOf } from "../results.ts";
import { render } from "../transform.ts";
import { writeAll } from "./krm_stdio.ts";
import { escapeText } from "./terminal.ts";
import { formatResultsCapped } from "./stderr_results.ts";
import { parseYaml, parseYamlStream, stringifyYaml } from "./yaml.ts";

/** Runs one legacy-plugin transform; returns the exit code. */
export async function runKustomizePlugin(
  configPath: string,
  options: { colour: boolean },
): Promise<number> {
  const stderr = (text: string) => writeAll(Deno.stderr.writable, escapeText(text));
  let config: unknown;
  let documents: unknown[];
  try {
    config = await parseYaml(await Deno.readTextFile(configPath));
  } catch (error) {
    await stderr(`Cannot read the plugin config "${configPath}": ${(error as Error).message}\n`);
    return 1;
  }
  if (!isObject(config)) {
    // kustomize always passes a map; anything else must not fall back to the defaults silently.
    await stderr(
      `Cannot use the plugin config "${configPath}": expected a RenderMeshServices map, got ${
        describeValue(config)
      }; give the transformer's config file\n`,
    );
    return 1;
  }
  try {
    documents = await parseYamlStream(await new Response(Deno.stdin.readable).text());
  } catch (error) {
    await stderr(`Cannot read resources from stdin: ${(error as Error).message}\n`);
    return 1;
  }
  const items = documents.filter((doc) => doc !== null && doc !== undefined);
  const { resourceList } = render({
    apiVersion: RESOURCE_LIST_API_VERSION,
    kind: "ResourceList",
    items,
    functionConfig: config as KubeObject,
  });
  const results = resourceList.results ?? [];
  await writeAll(
    Deno.stderr.writable,
    formatResultsCapped(results.filter((r) => r.severity !== "info"), {
      ...options,
      hint: "run the function on a ResourceList (or render DIR --report) to list them all",
    }),
  );
  if (exitCodeOf(results) !== 0) return 1;
  await writeAll(
    Deno.stdout.writable,
    resourceList.items.map((item) => stringifyYaml(item)).join("---\n"),
  );
  return 0;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
