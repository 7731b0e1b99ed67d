/**
 * The one mapping between legacy `kuma.io/service` values and MeshServices.
 * Generation records, per MeshService port, the `kuma.io/service` value the
 * same workload carries; rewriting resolves legacy names through this module.
 *
 * @module
 */

/** A legacy `kuma.io/service` value split into its parts. */
export interface LegacyServiceName {
  /** Service (or workload) name. */
  name: string;
  /** Kubernetes namespace. */
  namespace: string;
  /** Service port, absent for service-less workloads (`<workload>_<ns>_svc`). */
  port?: number;
}

/**
 * The `kuma.io/service` tag Kuma gives inbounds created for a Kubernetes
 * Service port: `<service>_<namespace>_svc_<port>` (port is the Service port,
 * not the target port).
 */
export function kubernetesServiceTag(service: string, namespace: string, port: number): string {
  return `${service}_${namespace}_svc_${port}`;
}

/** The tag of a Pod selected by no Service: `<workload>_<namespace>_svc`. */
export function servicelessTag(workload: string, namespace: string): string {
  return `${workload}_${namespace}_svc`;
}

/**
 * Splits a legacy name the way Kuma 2.x translates `targetRef` names: four
 * `_`-separated parts with a 32-bit integer last, or three parts. The third
 * part is not checked (Kuma does not check it either). Any other shape is not
 * a legacy Kubernetes name and yields `undefined`.
 */
export function parseLegacyServiceName(value: string): LegacyServiceName | undefined {
  const parts = value.split("_");
  if (parts.length === 3) {
    const [name = "", namespace = ""] = parts;
    return { name, namespace };
  }
  if (parts.length === 4) {
    const [name = "", namespace = "", , port = ""] = parts;
    if (!/^-?\d+$/.test(port)) return undefined;
    const number = Number(port);
    if (number < -2147483648 || number > 2147483647) return undefined;
    return { name, namespace, port: number };
  }
  return undefined;
}

/** One MeshService port a legacy `kuma.io/service` value stands for. */
export interface LegacyTarget {
  /** The legacy value. */
  legacy: string;
  mesh: string;
  /** Zone the MeshService is created in. */
  zone: string;
  /** MeshService `metadata.name` where it is created. */
  name: string;
  /** Kubernetes namespace; absent on Universal. */
  namespace?: string;
  /** `kuma.io/display-name`. */
  displayName: string;
  /** Port number. */
  port: number;
  /** Section name of the port: its name, else its number. */
  section: string;
}

/** Legacy values to the MeshService ports generation produced for them. */
export interface LegacyIndex {
  /** By mesh and legacy value. */
  readonly targets: ReadonlyMap<string, readonly LegacyTarget[]>;
}

/** A generated MeshService as the index needs it. */
export interface LegacySource {
  zone: string;
  mesh: string;
  name: string;
  namespace?: string;
  displayName: string;
  ports: readonly { name?: string; port: number }[];
  /** `kuma.io/service` value per port, same order as `ports` (empty in workload mode). */
  legacyServices: readonly string[];
}

/** The section name of a port: Kuma's `GetName()` (the name, else the number). */
export function sectionOf(port: { name?: string; port: number }): string {
  return port.name !== undefined && port.name !== "" ? port.name : String(port.port);
}

function indexKey(mesh: string, legacy: string): string {
  return `${mesh}\u0000${legacy}`;
}

/**
 * Indexes what generation produced: each port of each MeshService under the
 * `kuma.io/service` value its workloads carry today.
 */
export function buildLegacyIndex(sources: readonly LegacySource[]): LegacyIndex {
  const targets = new Map<string, LegacyTarget[]>();
  for (const source of sources) {
    source.ports.forEach((port, i) => {
      const legacy = source.legacyServices[i];
      if (legacy === undefined || legacy === "") return;
      const target: LegacyTarget = {
        legacy,
        mesh: source.mesh,
        zone: source.zone,
        name: source.name,
        displayName: source.displayName,
        port: port.port,
        section: sectionOf(port),
      };
      if (source.namespace !== undefined) target.namespace = source.namespace;
      const key = indexKey(source.mesh, legacy);
      const list = targets.get(key);
      if (list) list.push(target);
      else targets.set(key, [target]);
    });
  }
  return { targets };
}

/** The MeshService ports a legacy value of `mesh` stands for, in generation order. */
export function legacyTargetsOf(
  index: LegacyIndex,
  mesh: string,
  legacy: string,
): readonly LegacyTarget[] {
  return index.targets.get(indexKey(mesh, legacy)) ?? [];
}
