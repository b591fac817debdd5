package profile

// validate checks what the schema cannot: ranges, references between
// sections, reachability and ambiguity of profiles.
func (d *decoder) validate(p *Policy) {
	d.checkProfiles(p)
}

func (d *decoder) checkProfiles(p *Policy) {
}
