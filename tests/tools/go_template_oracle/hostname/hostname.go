// Package hostname holds the dot type of the oracle, so that Go prints its
// type as `hostname.meshedName`, exactly like Kuma's HostnameGenerator.
package hostname

type meshedName struct {
	Name        string
	DisplayName string
	Namespace   string
	Mesh        string
	Zone        string
}

// New returns a meshedName value (not a pointer), as Kuma passes it to Execute.
func New(name, displayName, namespace, mesh, zone string) any {
	return meshedName{Name: name, DisplayName: displayName, Namespace: namespace, Mesh: mesh, Zone: zone}
}
