// Package am is mlctl's YARN ApplicationMaster (`mlctl engine am`): a small Go
// process in the AM container that registers with the ResourceManager,
// requests one container per engine node, starts `mlctl engine node` in each
// through the NodeManagers, runs the rendezvous the nodes form their cloud
// through, writes the cluster record to the user's HDFS home once the leader
// is known, and unregisters with the right final status when the nodes end.
// A later attempt (after the AM failed; the nodes keep running) adopts the
// node containers YARN kept, matching them to the nodes through that
// record, and carries on (adopt.go).
//
// It imports the yarn protocol packages and the engine's cloud package; it
// must not import cobra.
package am
