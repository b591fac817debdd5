//go:build !unix

package profile

import "io/fs"

// ownerUID: file owners are not checked where there are no Unix uids.
func ownerUID(fs.FileInfo) (uint32, bool) { return 0, false }
