// Package leader is the elected node's extra duties: the public HTTPS API
// (JSON, bearer token), the cloud's health from heartbeats, jobs, and the
// drivers of distributed work — import (plan byte ranges, parse on the nodes,
// check the record chain, unify categorical domains, commit), summary and
// split. Frames' metadata lives here; their chunks live on the nodes.
//
// It must not import cobra, the launcher or the yarn package.
package leader
