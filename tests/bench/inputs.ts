/**
 * The bench's inputs: ResourceLists of Kubernetes Services, Universal
 * Dataplanes, routes and the large multizone repo, with kpt's annotations.
 *
 * @module
 */

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
    items.push(
      httpRoute({
        name: `route-${r}`,
        namespace,
        first: legacy(i),
        second: legacy((i + 1) % n),
        metadata: { annotations: kptAnnotations(`routes/${namespace}/route-${r}.yaml`, 0) },
      }),
    );
  }
  return list;
}

/** A MeshHTTPRoute sending 90% of traffic to `first` and 10% to `second` (legacy names). */
function httpRoute(
  route: { name: string; namespace: string; first: string; second: string; metadata?: Obj },
): Obj {
  const { name, namespace, first, second, metadata = {} } = route;
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshHTTPRoute",
    metadata: { name, namespace, labels: { "kuma.io/mesh": "default" }, ...metadata },
    spec: {
      targetRef: { kind: "Mesh" },
      to: [{
        targetRef: { kind: "MeshService", name: first },
        rules: [{
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          default: {
            backendRefs: [
              { kind: "MeshService", name: first, weight: 90 },
              { kind: "MeshService", name: second, weight: 10 },
            ],
          },
        }],
      }],
    },
  };
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

/** Number of MeshServices and references the large repo of scale N must produce. */
export function largeRepoExpected(n: number): { meshServices: number; references: number } {
  // N Services (east) and N/2 universal services (two Dataplanes each, west);
  // N/4 routes of three references each and N/4 policies of one.
  return { meshServices: n + n / 2, references: n };
}

/**
 * The multizone repo of scale N (N divisible by 8): zone `east` (kubernetes)
 * holds N Services in N/50 injected namespaces under `east/`, zone `west`
 * (universal) N Dataplanes (two per `kuma.io/service`) under `west/`; N/8
 * MeshHTTPRoutes in east and N/8 MeshTCPRoutes in west name their zone's
 * services by legacy `kuma.io/service` (`<svc>_<ns>_svc_<port>` in east, the
 * plain tag in west); N/4 global MeshTimeouts and MeshRetries (`global/`) name
 * one service each, alternating zones. N = 20,000 is the repo.
 */
export function largeRepo(n: number): Obj {
  const namespaces = Math.max(1, Math.ceil(n / 50));
  const names: LegacyNames = {
    k8s: (i: number) => `svc-${i % n}_team-${(i % n) % namespaces}_svc_80`,
    universal: (k: number) => `usvc-${k % (n / 2)}`,
  };
  const items: Obj[] = [];
  const place = (item: Obj, path: string) => {
    const metadata = item.metadata as Obj;
    metadata.annotations = { ...(metadata.annotations as Obj ?? {}), ...kptAnnotations(path, 0) };
    items.push(item);
  };
  // east: Namespaces and Services, as in kubernetesList.
  for (const item of kubernetesList(n).items as Obj[]) {
    const metadata = item.metadata as Obj;
    const annotations = metadata.annotations as Record<string, string>;
    place(item, `east/${annotations["config.kubernetes.io/path"]}`);
  }
  for (let i = 0; i < n; i++) place(...westDataplane(i, names));
  for (let r = 0; r < n / 8; r++) {
    for (const placed of largeRoutes(r, { names, namespaces })) place(...placed);
  }
  for (let p = 0; p < n / 4; p++) place(...largePolicy(p, names));
  return {
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items,
    functionConfig: {
      apiVersion: "meshservice-krm/v1alpha1",
      kind: "RenderMeshServices",
      metadata: { name: "render-mesh-services" },
      zones: [
        { name: "east", environment: "kubernetes", paths: ["east"] },
        { name: "west", environment: "universal", paths: ["west"] },
      ],
    },
  };
}

/** The legacy `kuma.io/service` names of the large repo's services, by index. */
interface LegacyNames {
  k8s(i: number): string;
  universal(k: number): string;
}

/** An item and its path in the package. */
type Placed = [Obj, string];

/** west: Dataplane `i`, two per service. */
function westDataplane(i: number, names: LegacyNames): Placed {
  const k = Math.floor(i / 2);
  const team = TEAMS[i % TEAMS.length]!;
  return [{
    apiVersion: "kuma.io/v1alpha1",
    kind: "Dataplane",
    mesh: "default",
    metadata: { name: `usvc-${k}-${i % 2}`, labels: { team } },
    spec: {
      networking: {
        address: `10.${128 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        inbound: [{
          port: 8080,
          servicePort: 80,
          tags: {
            "kuma.io/service": `usvc-${k}`,
            "kuma.io/protocol": k % 3 === 0 ? "tcp" : "http",
            version: `v${1 + (i % 2)}`,
            team,
          },
        }],
        outbound: [{ port: 10001, tags: { "kuma.io/service": names.universal(k + 1) } }],
      },
    },
  }, `west/dataplanes/usvc-${k}-${i % 2}.yaml`];
}

/** Routes `r`: one MeshHTTPRoute in east, one MeshTCPRoute in west, three references each. */
function largeRoutes(r: number, at: { names: LegacyNames; namespaces: number }): Placed[] {
  const { names, namespaces } = at;
  const i = 8 * r;
  const namespace = `team-${i % namespaces}`;
  const k = 4 * r;
  return [[
    httpRoute({ name: `route-${r}`, namespace, first: names.k8s(i), second: names.k8s(i + 1) }),
    `east/routes/${namespace}/route-${r}.yaml`,
  ], [{
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshTCPRoute",
    mesh: "default",
    metadata: { name: `tcp-route-${r}` },
    spec: {
      targetRef: { kind: "Mesh" },
      to: [{
        targetRef: { kind: "MeshService", name: names.universal(k) },
        rules: [{
          default: {
            backendRefs: [
              { kind: "MeshService", name: names.universal(k), weight: 90 },
              { kind: "MeshService", name: names.universal(k + 1), weight: 10 },
            ],
          },
        }],
      }],
    },
  }, `west/routes/tcp-route-${r}.yaml`]];
}

/** Global policy `p`: a MeshTimeout or MeshRetry naming one service, alternating zones. */
function largePolicy(p: number, names: LegacyNames): Placed {
  const timeout = p % 2 === 0;
  const name = p % 4 < 2 ? names.k8s(4 * p + 3) : names.universal(2 * p + 1);
  return [{
    apiVersion: "kuma.io/v1alpha1",
    kind: timeout ? "MeshTimeout" : "MeshRetry",
    metadata: {
      name: `policy-${p}`,
      namespace: "kuma-system",
      labels: { "kuma.io/mesh": "default" },
    },
    spec: {
      targetRef: { kind: "Mesh" },
      to: [{
        targetRef: { kind: "MeshService", name },
        default: timeout
          ? { idleTimeout: "30s", http: { requestTimeout: "5s" } }
          : { http: { numRetries: 3, retryOn: ["5xx"] } },
      }],
    },
  }, `global/policies/policy-${p}.yaml`];
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

/** A list of one Service, for the cold start. */
export function oneItemList(): Obj {
  const list = kubernetesList(1);
  return { ...list, items: (list.items as Obj[]).filter((item) => item.kind === "Service") };
}

/**
 * Item entries (text, at the `  - ` indent of a dumped list) to append to
 * {@link kubernetesList}'s items: what real repos pass through that the
 * fast reader leaves to the full reader, as kpt sends it (styles kept): per
 * 100 Services a Deployment with flow lists (`args: ["--port", "80"]`) and a
 * ConfigMap with a folded scalar and a Makefile holding a tab, per 200 a
 * CRD-like item whose descriptions hold `&` and `*`.
 */
export function realShapesEntries(n: number): string {
  const entries: string[] = [];
  for (let i = 0; i < n / 100; i++) {
    const path = `apps/extra-${i}.yaml`;
    const annotations = (index: number) =>
      `      annotations:\n        config.kubernetes.io/index: '${index}'\n        config.kubernetes.io/path: '${path}'\n        internal.config.kubernetes.io/index: '${index}'\n        internal.config.kubernetes.io/path: '${path}'\n`;
    entries.push(
      `  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: worker-${i}\n      namespace: team-0\n      labels: {app: worker-${i}, tier: batch}\n${
        annotations(0)
      }    spec:\n      selector:\n        matchLabels: {app: worker-${i}}\n      template:\n        metadata:\n          labels: {app: worker-${i}}\n        spec:\n          containers:\n            - name: worker\n              image: "registry.example.com/worker:1.${i}"\n              command: ["/bin/sh", "-c"]\n              args: ["--port", "8080", "--queue=jobs-${i}"]\n              ports: [{containerPort: 8080, name: http}]\n`,
      `  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: worker-${i}-config\n      namespace: team-0\n${
        annotations(1)
      }    data:\n      description: >\n        Settings of worker ${i}, read at start-up\n        and on every reload.\n      Makefile: |\n        all:\n        \techo building worker ${i}\n`,
    );
    if (i % 2 === 0) {
      entries.push(
        `  - apiVersion: apiextensions.k8s.io/v1\n    kind: CustomResourceDefinition\n    metadata:\n      name: widgets${i}.example.com\n${
          annotations(2)
        }    spec:\n      group: example.com\n      names:\n        kind: Widget${i}\n        plural: widgets${i}\n      scope: Namespaced\n      versions:\n        - name: v1\n          served: true\n          storage: true\n          schema:\n            openAPIV3Schema:\n              type: object\n              properties:\n                host:\n                  description: Host to match, e.g. *.example.com; empty matches all & every port.\n                  type: string\n                  pattern: ^[a-z0-9!#$%&'*+.^_|~-]+$\n                weight:\n                  description: Share of traffic & retries, 0-100.\n                  type: integer\n`,
      );
    }
  }
  return entries.join("");
}
