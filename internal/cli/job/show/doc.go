// Package show implements `mlctl job show`: every field of one job. It
// imports cmdutil, job/shared, frame/shared (to connect) and engine/api
// (types only).
package show
