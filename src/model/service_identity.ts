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
