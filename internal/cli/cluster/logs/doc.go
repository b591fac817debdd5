// Package logs implements `mlctl cluster logs`: copy one node's log, or all
// nodes' logs with a prefix per line, to stdout. It imports cmdutil,
// cluster/shared and the launcher interfaces only.
package logs
