import assert from "node:assert/strict";
import { render } from "../src/transform.ts";
import type { KubeObject, Result } from "../src/model/krm.ts";

function generator(name: string, template: string): KubeObject {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "HostnameGenerator",
    metadata: { name, namespace: "kuma-system" },
    spec: { selector: { meshService: {} }, template },
  };
}

const service: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "apps" },
  spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
};

const HOSTILE: Record<string, string> = {
  "deep nesting": "{{if 1}}".repeat(10_000) + "x" + "{{end}}".repeat(10_000),
  "huge printf width": '{{ printf "%099999999d" 1 }}.mesh',
  "100k-character template": `${"a".repeat(100_000)}.mesh`,
  "endless range": "{{ range 1000000000 }}x{{ end }}.mesh",
  "recursive template": '{{ define "t" }}{{ template "t" }}{{ end }}{{ template "t" }}.mesh',
  "string doubling":
    '{{ $x := "aaaaaaaa" }}{{ range 60 }}{{ $x = printf "%s%s" $x $x }}{{ end }}{{ $x }}.mesh',
  "print doubling":
    "{{ $x := .DisplayName }}{{ range 40 }}{{ $x = print $x $x }}{{ end }}{{ len $x }}.mesh",
  "nested ranges": "{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}x.mesh",
  "huge zero-padded width": '{{ printf "%0999999999s" "x" }}.mesh',
};

for (const version of ["2.13", "2.14"]) {
  Deno.test(`render() rejects hostile HostnameGenerator templates quickly with a clear result (Kuma ${version})`, () => {
    const items = [
      service,
      ...Object.values(HOSTILE).map((t, i) => generator(`g${i}`, t)),
    ];
    const rssBefore = Deno.memoryUsage().rss;
    const started = performance.now();
    const { resourceList } = render({
      apiVersion: "config.kubernetes.io/v1",
      kind: "ResourceList",
      items,
      functionConfig: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c" },
        data: { kumaVersion: version },
      },
    });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2_000, `took ${elapsed.toFixed(0)} ms`);
    const grown = (Deno.memoryUsage().rss - rssBefore) / 1e6;
    assert.ok(grown < 200, `memory grew by ${grown.toFixed(0)} MB`);
    const results = resourceList.results ?? [];
    Object.keys(HOSTILE).forEach((what, i) => {
      const about: Result[] = results.filter((r) =>
        r.severity === "error" &&
        (r.resourceRef?.name === `g${i}` || r.message.includes(`HostnameGenerator "g${i}"`))
      );
      assert.ok(about.length > 0, `${what}: expected an error result about g${i}`);
      assert.match(
        about.map((r) => r.message).join("\n"),
        /cannot evaluate this template|exceeds|limit|too/i,
        `${what}: the result must say why`,
      );
    });
    // No hostname came out of any hostile template.
    const web = resourceList.items.find((i) => i.kind === "MeshService");
    assert.equal((web?.status as { addresses?: unknown[] } | undefined)?.addresses, undefined);
  });
}
