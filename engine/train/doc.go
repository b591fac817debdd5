// Package train runs one training request: it checks the request (learn),
// resolves the algorithm's parameters, trains (engine/gbm, engine/glm),
// cross-validates, computes metrics and variable importance, and returns
// the api.Model description with the scoring model. The leader runs it as a
// job and keeps the result in its model store.
//
// It must not import the leader, cobra, the launcher or the yarn package.
package train
