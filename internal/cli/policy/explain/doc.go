// Package explain is `mlctl policy explain`: for a user (the caller by
// default) and an optional launch request, the role, the profile chosen and
// why (the rule that matched, the profiles it shadowed), every limit, and
// whether the launch would be allowed, with the reasons.
package explain
