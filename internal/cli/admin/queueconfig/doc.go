// Package queueconfig is `mlctl admin yarn-queue-config`: the
// capacity-scheduler properties that make YARN itself enforce the policy
// (who may submit to each queue, application lifetimes, container maxima),
// each explained in a comment, as XML or a properties file.
package queueconfig
