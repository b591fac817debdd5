// Package shared holds what the cluster verbs have in common: the --backend
// flag, the cluster-name rule, the colours of cluster states and the record
// table. It may import cmdutil, iostreams and launcher; it must not import
// the verb packages (they import it) or any concrete backend.
package shared
