/**
 * Whole-process benchmark of the KRM function against an identity baseline.
 *
 * `deno task bench` (add `--quick` for N = 1,000 only). For each synthetic
 * ResourceList it times, interleaved, (a) `deno run --no-prompt mod.ts` and
 * (b) `deno run --no-prompt tests/bench/identity.ts` (js-yaml load + dump with
 * the function's options), stdin and stdout redirected to files. It reports
 * the median wall time, the ratio a/b and the peak RSS of each, then the cold
 * start on a one-item list, and checks the targets. Exits 1 when a target
 * fails.
 *
 * @module
 */

import { dump } from "js-yaml";
import { join } from "node:path";
import { DENO, MOD_TS, REPO_ROOT } from "../e2e_support.ts";

const QUICK = Deno.args.includes("--quick");
const SIZES = QUICK ? [1000] : [1000, 5000, 20000];
const IDENTITY_TS = join(REPO_ROOT, "tests", "bench", "identity.ts");
const DENO_FLAGS = ["run", "--no-prompt"];
const COLD_RUNS = 11;
const TARGET_RATIO_1000 = 1.5;
const TARGET_COLD_MS = 80;

/** Runs per size: more where a target applies, fewer for big inputs (whole bench about 2 minutes). */
function runsFor(n: number): number {
  return n >= 20000 ? 3 : n <= 1000 ? 7 : 5;
}

// ---------------------------------------------------------------- inputs

type Obj = Record<string, unknown>;

const TEAMS = ["payments", "checkout", "search", "identity", "platform"];
const PROTOCOLS = ["http", "grpc", "tcp", "http2", undefined];

/** N Services in N/50 injected namespaces, with kpt's annotations. */
export function kubernetesList(n: number): Obj {
  const namespaces = Math.max(1, Math.ceil(n / 50));
  const items: Obj[] = [];
  for (let i = 0; i < namespaces; i++) {
    items.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: `team-${i}`,
        labels: {
          "kuma.io/sidecar-injection": "enabled",
          "kubernetes.io/metadata.name": `team-${i}`,
        },
        annotations: kptAnnotations(`namespaces/team-${i}.yaml`, 0),
      },
    });
  }
  for (let i = 0; i < n; i++) {
    const namespace = `team-${i % namespaces}`;
    const name = `svc-${i}`;
    const team = TEAMS[i % TEAMS.length]!;
    const portCount = 1 + (i % 3);
    const ports = [];
    for (let p = 0; p < portCount; p++) {
      const appProtocol = PROTOCOLS[(i + p) % PROTOCOLS.length];
      ports.push({
        name: ["http", "grpc", "metrics"][p],
        port: [80, 9090, 9100][p],
        targetPort: p === 0 ? 8080 : p === 1 ? "grpc" : 9100,
        protocol: "TCP",
        ...(appProtocol ? { appProtocol } : {}),
      });
    }
    items.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name,
        namespace,
        labels: {
          app: name,
          "app.kubernetes.io/name": name,
          "app.kubernetes.io/part-of": `shop-${team}`,
          "app.kubernetes.io/managed-by": "kustomize",
          team,
        },
        annotations: {
          "prometheus.io/scrape": "true",
          "prometheus.io/port": "9100",
          "description":
            `Service ${name} of team ${team}, generated for the meshservice-krm benchmark`,
          ...kptAnnotations(`apps/${namespace}/${name}.yaml`, 1),
        },
      },
      spec: {
        type: "ClusterIP",
        clusterIP: `10.${96 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        selector: { app: name, "app.kubernetes.io/name": name },
        ports,
        sessionAffinity: "None",
      },
    });
  }
  return { apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items };
}

/** {@link kubernetesList} plus N/2 MeshHTTPRoutes naming two Services each by kuma.io/service (rewritten). */
export function kubernetesWithRoutes(n: number): Obj {
  const list = kubernetesList(n);
  const items = list.items as Obj[];
  const namespaces = Math.max(1, Math.ceil(n / 50));
  const legacy = (i: number) => `svc-${i}_team-${i % namespaces}_svc_80`;
  for (let r = 0; r < n / 2; r++) {
    const i = (2 * r) % n;
    const namespace = `team-${i % namespaces}`;
    items.push({
      apiVersion: "kuma.io/v1alpha1",
      kind: "MeshHTTPRoute",
      metadata: {
        name: `route-${r}`,
        namespace,
        labels: { "kuma.io/mesh": "default" },
        annotations: kptAnnotations(`routes/${namespace}/route-${r}.yaml`, 0),
      },
      spec: {
        targetRef: { kind: "Mesh" },
        to: [{
          targetRef: { kind: "MeshService", name: legacy(i) },
          rules: [{
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            default: {
              backendRefs: [
                { kind: "MeshService", name: legacy(i), weight: 90 },
                { kind: "MeshService", name: legacy((i + 1) % n), weight: 10 },
              ],
            },
          }],
        }],
      },
    });
  }
  return list;
}

/** N Universal Dataplanes (CRD form, two per kuma.io/service), environment universal. */
export function universalList(n: number): Obj {
  const items: Obj[] = [];
  for (let i = 0; i < n; i++) {
    const service = `svc-${Math.floor(i / 2)}`; // two replicas per service
    const team = TEAMS[i % TEAMS.length]!;
    items.push({
      apiVersion: "kuma.io/v1alpha1",
      kind: "Dataplane",
      mesh: "default",
      metadata: {
        name: `${service}-${i % 2}`,
        labels: { team, "kuma.io/zone": "default" },
        annotations: kptAnnotations(`dataplanes/${service}-${i % 2}.yaml`, 0),
      },
      spec: {
        networking: {
          address: `10.${Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
          inbound: [{
            port: 8080,
            servicePort: 80,
            tags: {
              "kuma.io/service": service,
              "kuma.io/protocol": i % 3 === 0 ? "grpc" : "http",
              version: `v${1 + (i % 2)}`,
              team,
            },
          }],
          outbound: [{
            port: 10001,
            tags: { "kuma.io/service": `svc-${(i + 1) % Math.max(1, n / 2)}` },
          }],
        },
      },
    });
  }
  return {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items,
    functionConfig: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "render-mesh-services" },
      data: { environment: "universal" },
    },
  };
}

/** What kpt puts on every item it sends. */
function kptAnnotations(path: string, index: number): Record<string, string> {
  return {
    "config.kubernetes.io/index": String(index),
    "config.kubernetes.io/path": path,
    "internal.config.kubernetes.io/index": String(index),
    "internal.config.kubernetes.io/path": path,
  };
}

function oneItemList(): Obj {
  const list = kubernetesList(1);
  return { ...list, items: (list.items as Obj[]).filter((item) => item.kind === "Service") };
}

// ---------------------------------------------------------------- measuring

interface Sample {
  ms: number;
  rssKb: number | undefined;
}

const TIME_BIN = await findTimeBinary();

async function findTimeBinary(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%M", "true"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return probe.success && /^\d+\s*$/.test(new TextDecoder().decode(probe.stderr))
      ? "/usr/bin/time"
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `deno run --no-prompt script < input > output` once. Peak RSS comes
 * from GNU time (`%M`) when present, else from polling /proc/PID/status
 * VmHWM (`sh` execs deno, so the PID is deno's).
 */
async function runOnce(
  script: string,
  input: string,
  output: string,
  withRss: boolean,
): Promise<Sample> {
  const redirect = [
    "-c",
    'exec "$@" < "$BENCH_IN" > "$BENCH_OUT"',
    "sh",
    DENO,
    ...DENO_FLAGS,
    script,
  ];
  const env = { BENCH_IN: input, BENCH_OUT: output, NO_COLOR: "1" };
  const timeFile = withRss && TIME_BIN
    ? await Deno.makeTempFile({ prefix: "bench-time-" })
    : undefined;
  const [command, args] = timeFile
    ? [TIME_BIN!, ["-f", "%M", "-o", timeFile, "sh", ...redirect]]
    : ["sh", redirect];
  const start = performance.now();
  const child = new Deno.Command(command, {
    args,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let hwm: number | undefined;
  let polling = withRss && !timeFile;
  const poll = async () => {
    while (polling) {
      try {
        const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
        if (Number.isFinite(kb)) hwm = Math.max(hwm ?? 0, kb);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const poller = poll();
  const result = await child.output();
  const ms = performance.now() - start;
  polling = false;
  await poller;
  if (!result.success) {
    throw new Error(
      `${script} exited ${result.code}: ${new TextDecoder().decode(result.stderr).slice(0, 2000)}`,
    );
  }
  let rssKb = hwm;
  if (timeFile) {
    rssKb = Number((await Deno.readTextFile(timeFile)).trim().split("\n").at(-1));
    await Deno.remove(timeFile);
  }
  return { ms, rssKb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

// ---------------------------------------------------------------- main

interface Row {
  workload: string;
  n: number;
  inputMb: number;
  outputMb: number;
  runs: number;
  fnMs: number;
  baseMs: number;
  fnRssMb: number | undefined;
  baseRssMb: number | undefined;
}

if (import.meta.main) await main();

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "meshservice-krm-bench-" });
  const started = performance.now();
  const rows: Row[] = [];
  try {
    console.log(`deno: ${DENO}`);
    console.log(
      `peak RSS via: ${TIME_BIN ? "/usr/bin/time -f %M" : "/proc/<pid>/status VmHWM polling"}`,
    );
    console.log(`sizes: ${SIZES.join(", ")}${QUICK ? " (--quick)" : ""}\n`);

    const workloads = [
      { workload: "k8s Services", make: kubernetesList, expected: (n: number) => n },
      { workload: "universal Dataplanes", make: universalList, expected: (n: number) => n / 2 },
      {
        workload: "k8s Services + N/2 routes",
        make: kubernetesWithRoutes,
        expected: (n: number) => n,
      },
    ];
    for (const { workload, make, expected } of workloads) {
      for (const n of SIZES) {
        const tag = `${workload.replace(/[^A-Za-z0-9]+/g, "-")}-${n}`;
        const input = join(dir, `${tag}.yaml`);
        const text = dump(make(n), { lineWidth: -1, noRefs: true, quoteStyle: "double" });
        await Deno.writeTextFile(input, text);
        const fnOut = join(dir, `${tag}.fn.out`);
        const baseOut = join(dir, `${tag}.base.out`);

        // Warm-up (and V8 code cache); also checks the function did the work.
        await runOnce(MOD_TS, input, fnOut, false);
        await runOnce(IDENTITY_TS, input, baseOut, false);
        const generated = count(await Deno.readTextFile(fnOut), /^ {4}kind: MeshService$/gm);
        if (generated !== expected(n)) {
          throw new Error(
            `${tag}: expected ${expected(n)} MeshServices in the output, got ${generated}`,
          );
        }

        const runs = runsFor(n);
        const fn: Sample[] = [];
        const base: Sample[] = [];
        for (let r = 0; r < runs; r++) { // interleaved, so drift hits both alike
          fn.push(await runOnce(MOD_TS, input, fnOut, true));
          base.push(await runOnce(IDENTITY_TS, input, baseOut, true));
        }
        const rss = (samples: Sample[]) =>
          samples.every((s) => s.rssKb !== undefined)
            ? Math.max(...samples.map((s) => s.rssKb!)) / 1024
            : undefined;
        const row: Row = {
          workload,
          n,
          inputMb: new TextEncoder().encode(text).length / 1e6,
          outputMb: (await Deno.stat(fnOut)).size / 1e6,
          runs,
          fnMs: median(fn.map((s) => s.ms)),
          baseMs: median(base.map((s) => s.ms)),
          fnRssMb: rss(fn),
          baseRssMb: rss(base),
        };
        rows.push(row);
        console.log(
          `measured ${workload} N=${n}: fn ${row.fnMs.toFixed(0)} ms, baseline ${
            row.baseMs.toFixed(0)
          } ms`,
        );
      }
    }

    // Cold start: one Service, whole process, median of 11.
    const coldInput = join(dir, "one.yaml");
    await Deno.writeTextFile(coldInput, dump(oneItemList(), { lineWidth: -1 }));
    const coldOut = join(dir, "one.out");
    await runOnce(MOD_TS, coldInput, coldOut, false);
    await runOnce(IDENTITY_TS, coldInput, coldOut, false);
    const coldFn: number[] = [];
    const coldBase: number[] = [];
    for (let r = 0; r < COLD_RUNS; r++) {
      coldFn.push((await runOnce(MOD_TS, coldInput, coldOut, false)).ms);
      coldBase.push((await runOnce(IDENTITY_TS, coldInput, coldOut, false)).ms);
    }
    const coldMs = median(coldFn);
    const coldBaseMs = median(coldBase);

    // The release bundle (deno bundle of mod.ts): same cold start measure.
    const bundle = join(dir, "meshservice-krm.js");
    const built = await new Deno.Command(DENO, {
      args: ["bundle", "--quiet", "--platform", "deno", MOD_TS, "-o", bundle],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!built.success) throw new Error(new TextDecoder().decode(built.stderr));
    await runOnce(bundle, coldInput, coldOut, false);
    const coldBundle: number[] = [];
    for (let r = 0; r < COLD_RUNS; r++) {
      coldBundle.push((await runOnce(bundle, coldInput, coldOut, false)).ms);
    }
    const coldBundleMs = median(coldBundle);

    // ------------------------------------------------------------ report
    const mb = (v: number | undefined) => (v === undefined ? "n/a" : v.toFixed(0));
    const header = [
      "workload",
      "N",
      "in MB",
      "fn out MB",
      "runs",
      "fn ms",
      "baseline ms",
      "ratio",
      "fn RSS MB",
      "base RSS MB",
    ];
    const table = rows.map((r) => [
      r.workload,
      String(r.n),
      r.inputMb.toFixed(1),
      r.outputMb.toFixed(1),
      String(r.runs),
      r.fnMs.toFixed(0),
      r.baseMs.toFixed(0),
      `${(r.fnMs / r.baseMs).toFixed(2)}x`,
      mb(r.fnRssMb),
      mb(r.baseRssMb),
    ]);
    table.push([
      "cold start (1 Service)",
      "1",
      "-",
      "-",
      String(COLD_RUNS),
      coldMs.toFixed(0),
      coldBaseMs.toFixed(0),
      `${(coldMs / coldBaseMs).toFixed(2)}x`,
      "-",
      "-",
    ]);
    table.push([
      "cold start, bundle",
      "1",
      "-",
      "-",
      String(COLD_RUNS),
      coldBundleMs.toFixed(0),
      coldBaseMs.toFixed(0),
      `${(coldBundleMs / coldBaseMs).toFixed(2)}x`,
      "-",
      "-",
    ]);
    console.log();
    printTable(header, table);

    const k1000 = rows.find((r) => r.workload === "k8s Services" && r.n === 1000)!;
    const targets = [
      {
        target: `1,000 Services: fn / baseline < ${TARGET_RATIO_1000}x`,
        value: `${(k1000.fnMs / k1000.baseMs).toFixed(2)}x`,
        pass: k1000.fnMs / k1000.baseMs < TARGET_RATIO_1000,
      },
      {
        target: `cold start < ${TARGET_COLD_MS} ms`,
        value: `${coldMs.toFixed(0)} ms`,
        pass: coldMs < TARGET_COLD_MS,
      },
    ];
    console.log();
    printTable(
      ["target", "measured", "result"],
      targets.map((t) => [t.target, t.value, t.pass ? "PASS" : "FAIL"]),
    );
    console.log(`\ntotal bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (targets.some((t) => !t.pass)) Deno.exitCode = 1;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")
    } |`;
  console.log(line(header));
  console.log(
    `|${
      widths.map((w, i) => (i === 0 ? `${"-".repeat(w + 1)}-` : `${"-".repeat(w + 1)}:`)).join("|")
    }|`,
  );
  for (const row of body) console.log(line(row));
}
