package profile

import "fmt"

// ShortName maps a Kerberos principal to a user name with the policy's
// auth_to_local rules (backends.kerberos.auth_to_local).
func (p *Policy) ShortName(principal string) (string, error) {
	return "", fmt.Errorf("not yet")
}
