package profile

import (
	_ "embed"
	"fmt"
)

//go:embed embedded.yaml
var embeddedYAML []byte

// Embedded is the policy in force when no file exists: the local backend,
// every authenticated user standard, one generous profile whose defaults are
// the cluster launch flags' (1 node, 1g per node, 1 vcore).
func Embedded() *Policy {
	p, err := Parse(EmbeddedSource, embeddedYAML)
	if err != nil {
		panic(fmt.Sprintf("profile: the embedded policy is invalid: %v", err))
	}
	return p
}
