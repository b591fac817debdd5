// Package show implements `mlctl model show`: one model's summary, or the
// whole model as JSON/YAML. It imports cmdutil, model/shared, frame/shared
// (to connect) and engine/api (types only).
package show
