package am

import "time"

// Status is what the AM tells the gateway at GET /api/v1/am (JSON; stable
// names). The gateway finds the AM at the application's amRPCAddress.
type Status struct {
	Cluster    string          `json:"cluster"`
	Attempt    string          `json:"attempt"`
	Wanted     int             `json:"wanted"`
	Started    time.Time       `json:"started"`
	Joined     int             `json:"joined"`
	Adopted    int             `json:"adopted"` // nodes this attempt took over from an earlier one
	Leader     string          `json:"leader"`  // host:port of the leader API once the cloud formed
	Problem    string          `json:"problem"`
	Containers []ContainerInfo `json:"containers"`
}

// ContainerInfo is one engine node's container.
type ContainerInfo struct {
	Index       int    `json:"index"`
	ID          string `json:"id"`
	Node        string `json:"node"`      // NodeManager host:port
	NodeHTTP    string `json:"node_http"` // NodeManager web address (logs)
	State       string `json:"state"`     // requested | running | exited | lost (gone while no AM ran)
	ExitStatus  int32  `json:"exit_status"`
	Diagnostics string `json:"diagnostics,omitempty"`
}
