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
import { escapeText } from "./terminal.ts";
import { formatResultsCapped } from "./stderr_results.ts";
import { type Print, runStream, type StreamIo, type StreamOutcome } from "./stream_adapter.ts";
import { readDocuments, readYaml, stringifyYaml } from "./yaml.ts";

/** Runs one legacy-plugin transform; returns the exit code. */
export function runKustomizePlugin(
  configPath: string,
  options: { colour: boolean; io?: StreamIo },
): Promise<number> {
  let config: KubeObject;
  return runStream({
    async prepare() {
      let read: unknown;
      try {
        read = readYaml(await Deno.readTextFile(configPath));
      } catch (error) {
        return failure(
          `Cannot read the plugin config "${configPath}": ${(error as Error).message}\n`,
        );
      }
      if (!isObject(read)) {
        // kustomize always passes a map; anything else must not fall back to the defaults silently.
        return failure(
          `Cannot use the plugin config "${configPath}": expected a RenderMeshServices map, got ${
            describeValue(read)
          }; give the transformer's config file\n`,
        );
      }
      config = read as KubeObject;
      return undefined;
    },
    render: (input) => transformed(input, config, options.colour),
  }, options.io);
}

/** The transform of kustomize's resources: results on stderr, then the documents (none on an error). */
function transformed(input: Uint8Array, config: KubeObject, colour: boolean): StreamOutcome {
  let documents: unknown[];
  try {
    documents = readDocuments(new TextDecoder().decode(input));
  } catch (error) {
    return failure(`Cannot read resources from stdin: ${(error as Error).message}\n`);
  }
  const items = documents.filter((doc) => doc !== null && doc !== undefined);
  const { resourceList } = render({
    apiVersion: RESOURCE_LIST_API_VERSION,
    kind: "ResourceList",
    items,
    functionConfig: config,
  });
  const results = resourceList.results ?? [];
  const prints: Print[] = [{
    to: "stderr",
    text: formatResultsCapped(results.filter((r) => r.severity !== "info"), {
      colour,
      hint: "run the function on a ResourceList (or render DIR --report) to list them all",
    }),
  }];
  if (exitCodeOf(results) !== 0) return { prints, code: 1 };
  prints.push({ to: "stdout", text: separated(resourceList.items) });
  return { prints, code: 0 };
}

/** Each item serialized, `---` lines between them. */
function* separated(items: readonly unknown[]): Generator<string> {
  for (const [i, item] of items.entries()) {
    if (i > 0) yield "---\n";
    yield stringifyYaml(item);
  }
}

function failure(message: string): StreamOutcome {
  return { prints: [{ to: "stderr", text: escapeText(message) }], code: 1 };
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}
