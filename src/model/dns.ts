/**
 * The DNS name rules Kubernetes and Kuma apply to names, in one place:
 * k8s.io/apimachinery `pkg/util/validation/validation.go` (`IsDNS1123Label`,
 * `IsDNS1123Subdomain`, `IsDNS1035Label`). Kuma uses the same functions
 * (zone names: `pkg/config/multizone/multicluster.go`; MeshService and
 * hostname checks: `pkg/core/resources/apis/*`).
 *
 * @module
 */

/** Longest DNS-1123 / DNS-1035 label (and Kubernetes label value): 63 characters. */
export const DNS_LABEL_MAX_LENGTH = 63;

/** Longest DNS-1123 subdomain: 253 characters. */
export const DNS_SUBDOMAIN_MAX_LENGTH = 253;

/** The shape of a DNS-1123 label, without its length limit. */
export const DNS1123_LABEL_SHAPE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The shape of a DNS-1035 label (starts with a letter), without its length limit. */
export const DNS1035_LABEL_SHAPE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** apimachinery's `dns1123SubdomainFmt`, quoted as is in its error message. */
const DNS1123_SUBDOMAIN_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

/** The shape of a DNS-1123 subdomain, without its length limit. */
export const DNS1123_SUBDOMAIN_SHAPE: RegExp = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/**
 * DNS-1123 label: lowercase alphanumerics and `-`, starting and ending with an
 * alphanumeric, at most 63 characters (Kubernetes namespaces, Kuma zone names).
 */
export function isDns1123Label(value: string): boolean {
  return value.length <= DNS_LABEL_MAX_LENGTH && DNS1123_LABEL_SHAPE.test(value);
}

/** DNS-1035 label: a DNS-1123 label that starts with a letter (Kubernetes Service names). */
export function isDns1035Label(value: string): boolean {
  return value.length <= DNS_LABEL_MAX_LENGTH && DNS1035_LABEL_SHAPE.test(value);
}

/** DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters (object names). */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= DNS_SUBDOMAIN_MAX_LENGTH && DNS1123_SUBDOMAIN_SHAPE.test(value);
}

/**
 * apimachinery's `IsDNS1123Subdomain`: its violation messages, empty when the
 * value is valid (the length is counted in bytes, as Go does).
 */
export function dns1123SubdomainViolations(value: string): string[] {
  const violations: string[] = [];
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short values need no encoding.
  const long = value.length * 3 > DNS_SUBDOMAIN_MAX_LENGTH &&
    new TextEncoder().encode(value).length > DNS_SUBDOMAIN_MAX_LENGTH;
  if (long) {
    violations.push(`must be no more than ${DNS_SUBDOMAIN_MAX_LENGTH} characters`);
  }
  if (!DNS1123_SUBDOMAIN_SHAPE.test(value)) {
    violations.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`,
    );
  }
  return violations;
}
