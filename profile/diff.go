package profile

// Diff says who gains or loses what between two policies, one sentence per
// change, sorted.
func Diff(old, new *Policy) []string {
	return nil
}
