// Package amrm owns the ApplicationMaster side of YARN's
// ApplicationMasterProtocol (org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB)
// over Hadoop IPC: register, allocate heartbeats with responseId
// bookkeeping, finish (repeated until the RM confirms), and the AMRMToken
// roll; plus the YARN records they carry (application, attempt and
// container ids with Hadoop's string forms, node ids, resources,
// containers, container statuses, NM tokens), hand-encoded with protowire
// from the field numbers of apache/hadoop's yarn_protos.proto and
// yarn_service_protos.proto.
//
// yarn/nm uses these records to start containers. This package must not
// import cobra or the engine.
package amrm
