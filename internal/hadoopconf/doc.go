// Package hadoopconf reads a Hadoop client configuration — core-site.xml,
// hdfs-site.xml and yarn-site.xml from HADOOP_CONF_DIR or a given directory —
// and answers the questions mlctl asks of it: where the ResourceManagers and
// NameNodes are (HA included), which Kerberos principals they run as, how
// the cluster is secured, and which trust store its HTTPS clients use
// (ssl-client.xml, named by hadoop.ssl.client.conf).
//
// It owns only the parsing and the address/principal rules, so that yarn,
// hdfs and the launcher agree on them. It imports the standard library only
// and must not import cobra, the engine, or any client package.
package hadoopconf
