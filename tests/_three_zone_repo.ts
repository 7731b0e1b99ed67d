/**
 * A three-zone repository (east, west, north, plus global policies) with long,
 * realistic names and a few problems: 30+ references, for the report's render
 * and golden tests. `extraRoutes` adds routes per zone, so two sizes give a
 * base branch and a pull request.
 *
 * @module
 */

import { render } from "../mod.ts";
import type { KubeObject } from "../src/model/krm.ts";
import type { Report } from "../src/report.ts";

type Obj = Record<string, unknown>;

const at = (path: string) => ({
  "config.kubernetes.io/path": path,
  "internal.config.kubernetes.io/path": path,
});

/** Where an item lives: its namespace and the zone directory it is filed under. */
interface Place {
  namespace: string;
  zone: string;
}

function service(name: string, { namespace, zone }: Place, ports: number[]): Obj {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace, annotations: at(`${zone}/${namespace}/${name}.yaml`) },
    spec: {
      selector: { app: name },
      ports: ports.map((port) => ({ name: `http-${port}`, port, appProtocol: "http" })),
    },
  };
}

function namespace(name: string, zone: string): Obj {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: { "kuma.io/sidecar-injection": "enabled" },
      annotations: at(`${zone}/${name}/namespace.yaml`),
    },
  };
}

function route(name: string, { namespace: ns, zone }: Place, backends: string[]): Obj {
  return {
    apiVersion: "kuma.io/v1alpha1",
    kind: "MeshHTTPRoute",
    metadata: {
      name,
      namespace: ns,
      labels: { "kuma.io/mesh": "default" },
      annotations: at(`${zone}/${ns}/routes/${name}.yaml`),
    },
    spec: {
      targetRef: { kind: "Mesh" },
      to: [{
        targetRef: { kind: "MeshService", name: backends[0] },
        rules: [{
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          default: {
            backendRefs: backends.map((b, i) => ({
              kind: "MeshService",
              name: b,
              weight: i === 0 ? 90 : 10,
            })),
          },
        }],
      }],
    },
  };
}

/** Three Kubernetes-style zones plus global policies; long, realistic names; a few problems. */
export function threeZoneRepo(extraRoutes: number): { items: Obj[]; functionConfig: Obj } {
  const items: Obj[] = [];
  const apps = ["checkout-frontend", "payments-processor-api", "inventory-reservations"];
  for (const zone of ["east", "west", "north"]) {
    for (const ns of ["commerce-production", "platform-shared-services"]) {
      items.push(namespace(ns, zone));
      for (const app of apps) {
        items.push(service(`${app}-${zone}`, { namespace: ns, zone }, [8080, 9090]));
      }
    }
  }
  const legacy = (
    app: string,
    zone: string,
    { ns = "commerce-production", port = 8080 }: { ns?: string; port?: number } = {},
  ) => `${app}-${zone}_${ns}_svc_${port}`;
  for (const zone of ["east", "west", "north"]) {
    for (let r = 0; r < 3 + extraRoutes; r++) {
      const app = apps[r % apps.length]!;
      const backends = [
        legacy(app, zone),
        legacy(apps[(r + 1) % apps.length]!, zone, { ns: "platform-shared-services", port: 9090 }),
      ];
      if (r === 2) backends.push(`decommissioned-legacy-billing_commerce-production_svc_8080`);
      items.push(route(`route-${app}-${r}`, { namespace: "commerce-production", zone }, backends));
    }
  }
  for (let p = 0; p < 3; p++) {
    items.push({
      apiVersion: "kuma.io/v1alpha1",
      kind: "MeshTimeout",
      metadata: {
        name: `global-timeout-${p}`,
        namespace: "kuma-system",
        labels: { "kuma.io/mesh": "default" },
        annotations: at(`global/policies/timeout-${p}.yaml`),
      },
      spec: {
        targetRef: { kind: "Mesh" },
        to: [{
          targetRef: { kind: "MeshService", name: legacy(apps[p]!, ["east", "west", "north"][p]!) },
          default: { idleTimeout: "30s", http: { requestTimeout: "5s" } },
        }],
      },
    });
  }
  return {
    items,
    functionConfig: {
      apiVersion: "meshservice-krm/v1alpha1",
      kind: "RenderMeshServices",
      metadata: { name: "render-mesh-services" },
      kumaVersion: "2.14",
      zones: ["east", "west", "north"].map((name) => ({
        name,
        environment: "kubernetes",
        paths: [name],
      })),
    },
  };
}

/** The report of rendering `repo`. */
export function reportOf(repo: { items: Obj[]; functionConfig: Obj }): Report {
  return render({
    apiVersion: "config.kubernetes.io/v1",
    kind: "ResourceList",
    items: repo.items as KubeObject[],
    functionConfig: repo.functionConfig,
  }).report;
}
