// Package nm owns the ApplicationMaster's side of YARN's
// ContainerManagementProtocol
// (org.apache.hadoop.yarn.api.ContainerManagementProtocolPB): starting,
// querying and stopping containers on NodeManagers, one authenticated
// connection per NodeManager, each with the NMToken the RM handed out for
// that node (sent once per node: the Client caches it). Launch contexts
// (local resources, the worker's credentials, environment, command) are
// hand-encoded with protowire from apache/hadoop's yarn_protos.proto and
// yarn_service_protos.proto field numbers.
//
// This package must not import cobra or the engine.
package nm
