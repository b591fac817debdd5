// Package snapshot is the on-disk form of a saved cluster: where saves live
// (a local directory or an HDFS directory, behind one Storage), the
// manifest that lists a save's frames, chunk files and models with their
// sizes and SHA-256 sums, the chunk file layout, and current.json, the
// pointer that is replaced atomically once a save is complete, so a save cut
// short never damages the previous one.
//
// A saves directory holds:
//
//	current.json                    {"save": NAME, "manifest_sha256": ...}
//	NAME/manifest.json              the Manifest (written last)
//	NAME/frames/FRAME/000000.chunk  one file per row chunk, all columns
//	NAME/models/MODEL.json          the engine's model (api.ModelExport)
//
// NAME is the UTC time of the save and a random suffix. The leader (package
// leader) decides what to save and the nodes write their own chunks; this
// package only knows files.
package snapshot
