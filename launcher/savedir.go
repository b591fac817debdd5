package launcher

import "path/filepath"

// SaveDir is where a cluster's saves live (cluster stop --save writes
// them, cluster start restores the newest): on the local backend
// $MLCTL_HOME/clusters/NAME/saves, on yarn
// hdfs:///user/OWNER/.mlctl/clusters/NAME/saves, beside the cluster's
// record.
func SaveDir(rec *Record) string {
	if rec.Backend == "yarn" {
		return "hdfs:///user/" + rec.Owner + "/.mlctl/clusters/" + rec.Name + "/saves"
	}
	return filepath.Join(rec.Dir, "saves")
}
