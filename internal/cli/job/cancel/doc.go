// Package cancel implements `mlctl job cancel`: stop a running job on a
// cluster. A job that has already ended is not an error. It imports
// cmdutil, job/shared, frame/shared (to connect) and engine/api (types only).
package cancel
