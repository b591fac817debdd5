package am

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

// Environment the yarn backend gives the AM container (besides YARN's own
// and launcher.EnvWebHDFS/EnvCluster/EnvUser, which the nodes get too).
const (
	EnvScheduler  = "MLCTL_RM_SCHEDULER"   // host:port of the RM's scheduler (AMRM protocol); comma-separated, one per RM, under RM HA
	EnvBinaryURL  = "MLCTL_BINARY_URL"     // hdfs:// URL of the staged mlctl binary
	EnvBinarySize = "MLCTL_BINARY_SIZE"    // its exact size
	EnvBinaryTime = "MLCTL_BINARY_MTIME"   // its modification time in ms
	EnvRecord     = "MLCTL_RECORD"         // HDFS path of the cluster record to write
	EnvQOP        = "MLCTL_RPC_PROTECTION" // the lowest QOP to accept (hadoop.rpc.protection)
	// EnvNodeEnv is extra environment for every node container (the
	// cluster's limits, engine/limits, and the profile's env): a JSON
	// object, base64url-encoded, since YARN's launch script would break on
	// its quotes (see EncodeNodeEnv).
	EnvNodeEnv = "MLCTL_NODE_ENV"
)

// PathEnd is where a leader that ends the cloud by itself (a limit) tells
// the AM why, before the nodes stop (POST, gob limits.End, bearer token).
const PathEnd = "/api/v1/am/end"

// Config is what the AM needs beyond its container's environment.
type Config struct {
	Nodes      int
	MemoryMB   int64
	VCores     int32
	Scheduler  string
	BinaryURL  string
	BinarySize int64
	BinaryTime int64
	RecordPath string
	QOP        string
	NodeEnv    map[string]string
}

// FromEnv fills the parts of c that come from the environment.
func (c *Config) FromEnv() error {
	c.Scheduler = os.Getenv(EnvScheduler)
	c.BinaryURL = os.Getenv(EnvBinaryURL)
	c.RecordPath = os.Getenv(EnvRecord)
	c.QOP = os.Getenv(EnvQOP)
	if v := os.Getenv(EnvNodeEnv); v != "" {
		var err error
		if c.NodeEnv, err = DecodeNodeEnv(v); err != nil {
			return err
		}
	}
	var err error
	if c.BinarySize, err = strconv.ParseInt(os.Getenv(EnvBinarySize), 10, 64); err != nil {
		return fmt.Errorf("%s: %w", EnvBinarySize, err)
	}
	if c.BinaryTime, err = strconv.ParseInt(os.Getenv(EnvBinaryTime), 10, 64); err != nil {
		return fmt.Errorf("%s: %w", EnvBinaryTime, err)
	}
	if c.Scheduler == "" || c.BinaryURL == "" {
		return fmt.Errorf("%s and %s must be set (the yarn backend sets them)", EnvScheduler, EnvBinaryURL)
	}
	if c.Nodes < 1 || c.MemoryMB < 1 || c.VCores < 1 {
		return fmt.Errorf("need --nodes, --memory-mb and --vcores of at least 1")
	}
	return nil
}

// EncodeNodeEnv is env as EnvNodeEnv carries it.
func EncodeNodeEnv(env map[string]string) (string, error) {
	b, err := json.Marshal(env)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DecodeNodeEnv reads what EncodeNodeEnv wrote.
func DecodeNodeEnv(v string) (map[string]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvNodeEnv, err)
	}
	var env map[string]string
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%s: %w", EnvNodeEnv, err)
	}
	return env, nil
}
