// Package hadoopconf reads a Hadoop client configuration — core-site.xml,
// hdfs-site.xml and yarn-site.xml from HADOOP_CONF_DIR or a given directory —
// and answers the questions mlctl asks of it: where the ResourceManagers and
// NameNodes are (HA included), which Kerberos principals they run as, and how
// the cluster is secured.
//
// It owns only the parsing and the address/principal rules, so that yarn,
// hdfs and the launcher agree on them. It imports the standard library only
// and must not import cobra, the engine, or any client package.
package hadoopconf
