package profile

import (
	_ "embed"
	"fmt"
)

//go:embed embedded.yaml
var embeddedYAML []byte

// Embedded is the policy in force when no file exists. It sets no limits,
// so mlctl without a policy works as before (make demo, the local backend,
// YARN from $HADOOP_CONF_DIR): every authenticated user is standard, and one
// profile without maxima has the cluster launch flags' defaults (1 node, 1g
// per node, 1 vcore). Each call returns a fresh copy.
func Embedded() *Policy {
	p, err := Parse(EmbeddedSource, embeddedYAML)
	if err != nil {
		panic(fmt.Sprintf("profile: the embedded policy is invalid: %v", err))
	}
	return p
}
