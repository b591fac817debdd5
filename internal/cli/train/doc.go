// Package train implements `mlctl train gbm`, `mlctl train glm` and
// `mlctl train --spec FILE`: gather the parameters from flags and an
// optional YAML spec (flags win), check them here so that a bad range is a
// usage error naming the flag or the file and line, start the training job
// and, with --wait, follow it to the model and print that.
//
// It imports cmdutil, errs, iostreams, job/shared (waiting, Ctrl-C),
// model/shared (the model summary), frame/shared (to connect), engine/api
// (types only) and gopkg.in/yaml.v3; never engine internals or a backend.
package train
