package parse

// naSet tests tokens against the NA strings. The length mask rejects most
// tokens with one AND, since NA spellings are short.
type naSet struct {
	lenMask uint64
	tokens  []string
}

func newNASet(tokens []string) naSet {
	s := naSet{tokens: tokens}
	for _, t := range tokens {
		if len(t) < 64 {
			s.lenMask |= 1 << len(t)
		} else {
			s.lenMask |= 1 << 63 // long NA tokens: compare everything from 63 bytes on
		}
	}
	return s
}

func (s *naSet) has(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if s.lenMask&(1<<min(len(b), 63)) == 0 {
		return false
	}
	for _, t := range s.tokens {
		if string(b) == t {
			return true
		}
	}
	return false
}

func (s *naSet) any(f func(string) bool) bool {
	for _, t := range s.tokens {
		if t != "" && f(t) {
			return true
		}
	}
	return false
}
