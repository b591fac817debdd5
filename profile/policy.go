package profile

import "time"

// DefaultPath is where the policy lives on a gateway.
const DefaultPath = "/etc/mlctl/policy.yaml"

// EnvPolicy names the environment variable that overrides DefaultPath.
const EnvPolicy = "MLCTL_POLICY"

// APIVersion and Kind are the only values the header may take today.
const (
	APIVersion = "mlctl/v1"
	Kind       = "Policy"
)

// EmbeddedSource is Policy.Source for the built-in default policy.
const EmbeddedSource = "embedded default"

// Policy is one parsed and validated policy file.
type Policy struct {
	APIVersion string `json:"api_version" yaml:"apiVersion"`
	Kind       string `json:"kind" yaml:"kind"`
	// Source is the file the policy was read from, or EmbeddedSource.
	Source string `json:"source" yaml:"-"`
	// Contact says who administers the policy, for denial messages. Empty
	// means: the admin role's users and groups.
	Contact  string   `json:"contact,omitempty" yaml:"contact,omitempty"`
	Backends Backends `json:"backends" yaml:"backends"`
	Engines  Engines  `json:"engines" yaml:"engines"`
	Roles    Roles    `json:"roles" yaml:"roles"`
	// GroupMapping, when set, replaces the operating system's groups: user →
	// groups. A user it does not list has no groups.
	GroupMapping map[string][]string `json:"group_mapping,omitempty" yaml:"group_mapping,omitempty"`
	Profiles     []Profile           `json:"profiles" yaml:"profiles"`
	Naming       Naming              `json:"naming" yaml:"naming"`

	pos positions // where each value was in the file, by path
}

// Backends says where clusters may run and how to reach Hadoop.
type Backends struct {
	Yarn     Yarn     `json:"yarn" yaml:"yarn"`
	HDFS     HDFS     `json:"hdfs" yaml:"hdfs"`
	Kerberos Kerberos `json:"kerberos" yaml:"kerberos"`
	Local    Local    `json:"local" yaml:"local"`
}

// Yarn is the YARN backend. Enabled is true when the policy has a yarn
// section (unless it says enabled: false).
type Yarn struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
	// RMAddresses lists the ResourceManagers' web addresses (host:port), more
	// than one for HA. Empty means: read them from HadoopConfDir.
	RMAddresses []string `json:"rm_addresses,omitempty" yaml:"rm_addresses,omitempty"`
	// HadoopConfDir is the directory of yarn-site.xml etc.; empty means
	// $HADOOP_CONF_DIR.
	HadoopConfDir string `json:"hadoop_conf_dir,omitempty" yaml:"hadoop_conf_dir,omitempty"`
}

// HDFS names the file system clusters read from and save to.
type HDFS struct {
	Nameservice string `json:"nameservice,omitempty" yaml:"nameservice,omitempty"`
}

// Kerberos holds the realm and the principal-to-user rules.
type Kerberos struct {
	Realm    string `json:"realm,omitempty" yaml:"realm,omitempty"`
	Krb5Conf string `json:"krb5_conf,omitempty" yaml:"krb5_conf,omitempty"`
	// AuthToLocal holds rules in the syntax of Hadoop's
	// hadoop.security.auth_to_local, one rule per entry ("RULE:[1:$1](.*)s/x/y/",
	// "DEFAULT"). Empty means DEFAULT.
	AuthToLocal []string `json:"auth_to_local,omitempty" yaml:"auth_to_local,omitempty"`
}

// Local is the local backend (engine nodes as child processes).
type Local struct {
	Enabled bool `json:"enabled" yaml:"enabled"`
}

// Engines are the engine builds users may run, side by side.
type Engines struct {
	// Default is the Name of the version used when the user names none; empty
	// means: stage this mlctl binary, as without a policy.
	Default  string   `json:"default,omitempty" yaml:"default,omitempty"`
	Versions []Engine `json:"versions,omitempty" yaml:"versions,omitempty"`
}

// Engine is one engine build on HDFS.
type Engine struct {
	Name   string `json:"name" yaml:"name"`
	Path   string `json:"path" yaml:"path"`     // hdfs:///apps/mlctl/engines/3.46/mlctl
	SHA256 string `json:"sha256" yaml:"sha256"` // 64 hex digits
}

// Roles assigns the admin and standard roles. A disabled user has no role.
type Roles struct {
	Admin    Subjects `json:"admin" yaml:"admin"`
	Standard Subjects `json:"standard" yaml:"standard"`
	Disabled []string `json:"disabled,omitempty" yaml:"disabled,omitempty"`
}

// Subjects are groups and users; "*" in either means every authenticated user.
type Subjects struct {
	Groups []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	Users  []string `json:"users,omitempty" yaml:"users,omitempty"`
}

// Everyone is the subject that matches every authenticated user.
const Everyone = "*"

// Profile bounds what the users it applies to may launch.
type Profile struct {
	Name   string   `json:"name" yaml:"name"`
	Groups []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	Users  []string `json:"users,omitempty" yaml:"users,omitempty"`
	// Priority decides between several matching profiles: higher wins.
	Priority int `json:"priority" yaml:"priority"`
	// ClusterLimit is the number of live clusters a user may have at once;
	// 0 means no limit.
	ClusterLimit  int       `json:"cluster_limit" yaml:"cluster_limit"`
	Nodes         IntRange  `json:"nodes" yaml:"nodes"`
	MemoryPerNode ByteRange `json:"memory_per_node" yaml:"memory_per_node"`
	VCoresPerNode IntMax    `json:"vcores_per_node" yaml:"vcores_per_node"`
	// MaxIdle and MaxUptime: 0 means no limit.
	MaxIdle      time.Duration     `json:"max_idle" yaml:"max_idle"`
	MaxUptime    time.Duration     `json:"max_uptime" yaml:"max_uptime"`
	ClusterSave  bool              `json:"cluster_save" yaml:"cluster_save"`
	Queues       []string          `json:"queues,omitempty" yaml:"queues,omitempty"`
	DefaultQueue string            `json:"default_queue,omitempty" yaml:"default_queue,omitempty"`
	Engines      []string          `json:"engines,omitempty" yaml:"engines,omitempty"` // empty = all
	Env          map[string]string `json:"env,omitempty" yaml:"env,omitempty"`
}

// IntRange bounds a count. Max 0 means no upper bound.
type IntRange struct {
	Min     int `json:"min" yaml:"min"`
	Max     int `json:"max" yaml:"max"`
	Default int `json:"default" yaml:"default"`
}

// ByteRange bounds a size in bytes. Max 0 means no upper bound. In YAML and
// JSON the sizes are written with binary units ("512Mi", "1Gi").
type ByteRange struct {
	Max     int64 `json:"max" yaml:"max"`
	Default int64 `json:"default" yaml:"default"`
}

// IntMax bounds a count from above. Max 0 means no upper bound.
type IntMax struct {
	Max     int `json:"max" yaml:"max"`
	Default int `json:"default" yaml:"default"`
}

// Naming holds names and paths the tool derives from the policy.
type Naming struct {
	// AppPrefix is put in front of the cluster name to make the YARN
	// application name.
	AppPrefix string `json:"app_prefix" yaml:"app_prefix"`
	// AuditLog is the audit log path; "$MLCTL_HOME/audit.log" by default
	// ($MLCTL_HOME is expanded by the caller).
	AuditLog string `json:"audit_log" yaml:"audit_log"`
}

// DefaultAuditLog is Naming.AuditLog when the policy names none.
const DefaultAuditLog = "$MLCTL_HOME/audit.log"

// DefaultAppPrefix is Naming.AppPrefix when the policy names none.
const DefaultAppPrefix = "mlctl-"
