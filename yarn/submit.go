package yarn

import (
	"encoding/base64"
	"sort"
	"time"
)

// SubmitRequest is an application for POST /ws/v1/cluster/apps.
type SubmitRequest struct {
	ID             string // from Apps().New; required
	Name           string
	Type           string // application-type, e.g. "MLCTL"
	Queue          string // "" lets the RM pick (usually "default")
	Priority       int
	MaxAppAttempts int // 0 leaves the RM's default (yarn.resourcemanager.am.max-attempts)
	Tags           []string
	// KeepContainers keeps node containers running across AM attempts:
	// a later attempt's registration lists them (work-preserving AM restart).
	KeepContainers bool
	// AttemptFailuresValidity counts only the AM failures of this last
	// span towards MaxAppAttempts (attempt-failures-validity-interval);
	// 0 leaves the RM's default, which counts every failure.
	AttemptFailuresValidity time.Duration
	// AMResource is the AM container's size.
	AMResource Resource
	AM         ContainerSpec
}

// ContainerSpec is the AM's container launch context.
type ContainerSpec struct {
	LocalResources map[string]LocalResource // link name → resource
	Environment    map[string]string
	// Commands run in order in the container's launch script (the RM accepts
	// a list; verified on 3.4.1).
	Commands []string
	// Tokens maps an alias to a token in Hadoop's URL-safe base64 "url
	// string" form (Token.encodeToUrlString of the Writable token).
	Tokens map[string]string
	// Secrets maps an alias to raw bytes; they reach the AM's token file.
	Secrets map[string][]byte
}

// LocalResource is a file the NodeManager localizes before the container
// starts. Size and Timestamp must be the file's exact length and
// modification time in ms: one ms off fails localization with "changed on
// src filesystem".
type LocalResource struct {
	URL        string // full URL, e.g. hdfs://nn:8020/user/alice/.mlctl/mlctl
	Type       string // FILE (default), ARCHIVE, PATTERN
	Visibility string // APPLICATION (default), PRIVATE, PUBLIC
	Size       int64
	Timestamp  int64
}

// The wire shapes. Every map-valued field is an {"entry":[{key,value}]}
// list and tags are {"tag":[...]}: verified on 3.4.1, a plain JSON map or a
// plain array is silently dropped.

type entry[V any] struct {
	Key   string `json:"key"`
	Value V      `json:"value"`
}

type entries[V any] struct {
	Entry []entry[V] `json:"entry"`
}

func toEntries[V, W any](m map[string]V, f func(V) W) *entries[W] {
	if len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // a stable body, for tests and for reading logs
	out := &entries[W]{}
	for _, k := range keys {
		out.Entry = append(out.Entry, entry[W]{Key: k, Value: f(m[k])})
	}
	return out
}

type wireLocalResource struct {
	Resource   string `json:"resource"`
	Type       string `json:"type"`
	Visibility string `json:"visibility"`
	Size       int64  `json:"size"`
	Timestamp  int64  `json:"timestamp"`
}

type wireCredentials struct {
	Tokens  *entries[string] `json:"tokens,omitempty"`
	Secrets *entries[string] `json:"secrets,omitempty"`
}

type wireContainerSpec struct {
	LocalResources *entries[wireLocalResource] `json:"local-resources,omitempty"`
	Environment    *entries[string]            `json:"environment,omitempty"`
	Commands       *struct {
		Command []string `json:"command"`
	} `json:"commands,omitempty"`
	Credentials *wireCredentials `json:"credentials,omitempty"`
}

type wireSubmit struct {
	ID             string `json:"application-id"`
	Name           string `json:"application-name,omitempty"`
	Type           string `json:"application-type,omitempty"`
	Queue          string `json:"queue,omitempty"`
	Priority       int    `json:"priority"`
	MaxAppAttempts int    `json:"max-app-attempts,omitempty"`
	Tags           *struct {
		Tag []string `json:"tag"`
	} `json:"application-tags,omitempty"`
	KeepContainers bool `json:"keep-containers-across-application-attempts"`
	// In ms; omitted (the RM's -1: count every failure) when 0.
	AttemptFailuresValidity int64             `json:"attempt-failures-validity-interval,omitempty"`
	Resource                Resource          `json:"resource"`
	AM                      wireContainerSpec `json:"am-container-spec"`
}

func (r *SubmitRequest) wire() *wireSubmit {
	w := &wireSubmit{ID: r.ID, Name: r.Name, Type: r.Type, Queue: r.Queue, Priority: r.Priority,
		MaxAppAttempts: r.MaxAppAttempts, KeepContainers: r.KeepContainers, Resource: r.AMResource,
		AttemptFailuresValidity: r.AttemptFailuresValidity.Milliseconds()}
	if len(r.Tags) > 0 {
		w.Tags = &struct {
			Tag []string `json:"tag"`
		}{Tag: r.Tags}
	}
	s := r.AM
	w.AM.LocalResources = toEntries(s.LocalResources, func(l LocalResource) wireLocalResource {
		return wireLocalResource{Resource: l.URL, Type: or(l.Type, "FILE"), Visibility: or(l.Visibility, "APPLICATION"),
			Size: l.Size, Timestamp: l.Timestamp}
	})
	w.AM.Environment = toEntries(s.Environment, func(v string) string { return v })
	if len(s.Commands) > 0 {
		w.AM.Commands = &struct {
			Command []string `json:"command"`
		}{Command: s.Commands}
	}
	if len(s.Tokens) > 0 || len(s.Secrets) > 0 {
		w.AM.Credentials = &wireCredentials{
			Tokens: toEntries(s.Tokens, func(v string) string { return v }),
			// The RM decodes secrets with commons-codec, which reads the
			// URL-safe alphabet (verified).
			Secrets: toEntries(s.Secrets, func(v []byte) string { return base64.URLEncoding.EncodeToString(v) }),
		}
	}
	return w
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
