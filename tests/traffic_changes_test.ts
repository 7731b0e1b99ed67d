/**
 * The silent-change detector and config `fixAppProtocol` end to end: the
 * directory CLI edits the Service port (or Universal inbound) in place and a
 * second run changes nothing; the report and the Markdown summary list the
 * traffic changes. The golden cases `traffic-protocol-annotation`,
 * `top-level-port-selection`, `proxy-patch-legacy-cluster` and
 * `subset-existing-service` hold the per-version outputs.
 *
 * @module
 */

import assert from "node:assert/strict";
import { render } from "../src/transform.ts";
import { reportMarkdown } from "../src/report_markdown.ts";
import type { KubeObject } from "../src/model/krm.ts";
import { INBOUND_SECTION_KINDS } from "../src/steps/top_level_sections.ts";
import { parseYaml } from "../src/io/yaml.ts";
import { CRD_ROOT, crdsAvailable } from "./_crd.ts";
import {
  DENO,
  describeRun,
  MOD_TS,
  run,
  type RunOutput,
  snapshotTree,
  withTempTree,
} from "./e2e_support.ts";

const DEMO_APP = `# Kuma's demo app, protocol by annotation only.
apiVersion: v1
kind: Service
metadata:
  name: demo-app
  namespace: kuma-demo
  annotations:
    5000.service.kuma.io/protocol: http # read by kuma.io/service only
spec:
  selector:
    app: demo-app
  ports:
    - name: http
      port: 5000 # the app
      targetPort: 5000
`;

const CONFIG = `apiVersion: meshservice-krm/v1alpha1
kind: RenderMeshServices
metadata:
  name: zone-east
  annotations:
    config.kubernetes.io/local-config: "true"
kumaVersion: "2.14"
zone: east
fixAppProtocol: true
`;

function cli(args: string[], dir: string): Promise<RunOutput> {
  return run(DENO, ["run", "--no-prompt", `-R=${dir}`, `-W=${dir}`, MOD_TS, ...args], {
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1" },
  });
}

function withRepo(
  files: Record<string, string>,
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  return withTempTree("meshservice-krm-traffic-", files, fn);
}

Deno.test("fixAppProtocol: render --out adds appProtocol to the Service port in place, and a rerun changes nothing", async () => {
  await withRepo({ "demo-app.yaml": DEMO_APP, "meshservice-krm.yaml": CONFIG }, async (dir) => {
    const first = await cli(["render", dir, "--out", dir], dir);
    assert.equal(first.code, 0, describeRun(first));
    const after = await snapshotTree(dir);
    assert.equal(
      after.get("demo-app.yaml"),
      DEMO_APP.replace(
        "      targetPort: 5000\n",
        "      targetPort: 5000\n      appProtocol: http\n",
      ),
      "only the one field is added; comments and the rest stay byte for byte",
    );
    const generated = [...after.entries()].find(([path]) => path.includes("meshservice_demo-app"));
    assert.ok(generated, `no generated MeshService in ${[...after.keys()].join(", ")}`);
    assert.match(generated[1], /appProtocol: http/);
    const second = await cli(["render", dir, "--out", dir], dir);
    assert.equal(second.code, 0, describeRun(second));
    assert.deepEqual(await snapshotTree(dir), after, "a second render changes nothing");
  });
});

Deno.test("without fixAppProtocol the annotated port is a tcp MeshService with a TrafficChange warning, and the file stays", async () => {
  const config = CONFIG.replace("fixAppProtocol: true\n", "");
  await withRepo({ "demo-app.yaml": DEMO_APP, "meshservice-krm.yaml": config }, async (dir) => {
    const output = await cli(["render", dir, "--out", dir], dir);
    assert.equal(output.code, 0, describeRun(output));
    assert.match(
      output.stderr,
      /\[warning\] Service kuma-demo\/demo-app spec\.ports\[0\]\.appProtocol: .*annotation 5000\.service\.kuma\.io\/protocol: http.*reads appProtocol only/,
    );
    const after = await snapshotTree(dir);
    assert.equal(after.get("demo-app.yaml"), DEMO_APP);
  });
});

const UNIVERSAL_DATAPLANE = `type: Dataplane
mesh: default
name: demo-app-1
labels:
  kuma.io/workload: demo-app # workload mode
networking:
  address: 10.0.0.5
  inbound:
    - port: 5000
      tags:
        kuma.io/service: demo-app
        kuma.io/protocol: http # ignored by the 3.0 generator
`;

Deno.test("fixAppProtocol on 3.0 Universal adds protocol to the inbound whose kuma.io/protocol tag the generator ignores", async () => {
  const config = CONFIG.replace('kumaVersion: "2.14"', 'kumaVersion: "3.0"');
  await withRepo(
    { "dataplanes.yaml": UNIVERSAL_DATAPLANE, "meshservice-krm.yaml": config },
    async (dir) => {
      const output = await cli(["render", dir, "--out", dir], dir);
      assert.equal(output.code, 0, describeRun(output));
      const after = await snapshotTree(dir);
      assert.equal(
        after.get("dataplanes.yaml"),
        UNIVERSAL_DATAPLANE.replace(
          "        kuma.io/protocol: http # ignored by the 3.0 generator\n",
          "        kuma.io/protocol: http # ignored by the 3.0 generator\n      protocol: http\n",
        ),
      );
      const again = await cli(["render", dir, "--out", dir], dir);
      assert.equal(again.code, 0, describeRun(again));
      assert.deepEqual(await snapshotTree(dir), after);
    },
  );
});

function demoItems(): KubeObject[] {
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "kuma-demo", labels: { "kuma.io/sidecar-injection": "enabled" } },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "demo-app",
        namespace: "kuma-demo",
        annotations: { "5000.service.kuma.io/protocol": "http" },
      },
      spec: { selector: { app: "demo-app" }, ports: [{ name: "http", port: 5000 }] },
    },
  ];
}

Deno.test("report: trafficChanges lists the protocol change; the Markdown summary has a Traffic changes table", () => {
  const { report } = render(demoItems(), { kumaVersion: "2.14", zone: "east" });
  assert.equal(report.trafficChanges.length, 1);
  const change = report.trafficChanges[0]!;
  assert.equal(change.kind, "protocol");
  assert.equal(change.before, "http");
  assert.equal(change.after, "tcp");
  assert.equal(change.fixed, false);
  assert.equal(change.field, "spec.ports[0].appProtocol");
  const markdown = reportMarkdown(report);
  assert.match(markdown, /### Traffic changes \(1 open, 0 fixed\)\n/);
  assert.match(markdown, /· \*\*1 traffic change open\*\*\n/);
  assert.match(markdown, /reads appProtocol only/);
  assert.match(
    markdown,
    /\| Service kuma-demo\/demo-app<br>spec\.ports\\\[0\\\]<wbr>\.appProtocol \| \*\*open\*\* · protocol<br>http → tcp \|/,
  );
  // The TrafficChange warning is in the Traffic changes table, not repeated under Needs review.
  assert.doesNotMatch(markdown.split("### Traffic changes")[0]!, /reads appProtocol only/);
});

Deno.test("report: with fixAppProtocol the change is listed as fixed and no warning remains", () => {
  const { report, resourceList } = render(demoItems(), {
    kumaVersion: "2.14",
    zone: "east",
    fixAppProtocol: true,
  });
  assert.deepEqual(report.trafficChanges.map((c) => [c.kind, c.after, c.fixed]), [
    ["protocol", "http", true],
  ]);
  assert.ok(!(resourceList.results ?? []).some((r) => r.tags?.reason === "TrafficChange"));
  const service = resourceList.items.find((i) => i.kind === "Service");
  assert.deepEqual((service?.spec as { ports: unknown[] }).ports, [
    { name: "http", port: 5000, appProtocol: "http" },
  ]);
  assert.match(reportMarkdown(report), /\| fixed · protocol<br>http → http \|/);
});

Deno.test("report: a run without traffic changes has no Traffic changes section", () => {
  const items = demoItems();
  (items[1]!.spec as { ports: Record<string, unknown>[] }).ports[0]!.appProtocol = "http";
  const { report } = render(items, { kumaVersion: "2.14", zone: "east" });
  assert.deepEqual(report.trafficChanges, []);
  assert.doesNotMatch(reportMarkdown(report), /Traffic changes/);
});

const PLURALS: Record<string, string> = {
  MeshAccessLog: "meshaccesslogs",
  MeshCircuitBreaker: "meshcircuitbreakers",
  MeshFaultInjection: "meshfaultinjections",
  MeshRateLimit: "meshratelimits",
  MeshTimeout: "meshtimeouts",
  MeshTLS: "meshtlses",
  MeshTrafficPermission: "meshtrafficpermissions",
};

/** The top-level targetRef schema of a policy CRD. */
async function topLevelTargetRef(
  dir: string,
  kind: string,
): Promise<{ fields: string[]; kinds: string[] }> {
  const text = await Deno.readTextFile(new URL(`${dir}/kuma.io_${PLURALS[kind]}.yaml`, CRD_ROOT));
  const crd = await parseYaml(text) as {
    spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: Schema } } } }[] };
  };
  const targetRef = crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties!
    .targetRef!;
  return {
    fields: Object.keys(targetRef.properties ?? {}),
    kinds: (targetRef.properties?.kind?.enum ?? []) as string[],
  };
}

interface Schema {
  properties?: Record<string, Schema>;
  enum?: unknown[];
}

Deno.test("Kuma's CRDs let the inbound policy kinds carry sectionName on a top-level Dataplane from 2.10 (2.14 set) and on 3.0, and 2.9 has no top-level Dataplane", async () => {
  if (!(await crdsAvailable())) {
    if (Deno.env.get("CI") === "true") assert.fail("../shared/kuma/crds is missing");
    return;
  }
  assert.deepEqual([...INBOUND_SECTION_KINDS].sort(), Object.keys(PLURALS).sort());
  for (const kind of INBOUND_SECTION_KINDS) {
    for (const dir of ["2.14", "3.0-dev"]) {
      const schema = await topLevelTargetRef(dir, kind);
      assert.ok(schema.fields.includes("sectionName"), `${dir} ${kind}: ${schema.fields}`);
      assert.ok(schema.kinds.includes("Dataplane"), `${dir} ${kind}: ${schema.kinds}`);
    }
    const old = await topLevelTargetRef("2.9", kind);
    assert.ok(!old.kinds.includes("Dataplane"), `2.9 ${kind} allows Dataplane: ${old.kinds}`);
  }
});
