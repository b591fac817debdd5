// Package predict implements `mlctl predict`: score a frame with a model on
// the cluster into a new frame, follow the job and print the frame. It
// imports cmdutil, errs, iostreams, job/shared (waiting, Ctrl-C),
// frame/shared (connect, the frame table) and engine/api (types only).
package predict
