/**
 * The Strimzi API this package writes. Strimzi 1.x serves `kafka.strimzi.io/v1`
 * only (v1beta2 was removed in 1.0).
 * @see https://strimzi.io/docs/operators/latest/configuring
 */
export const STRIMZI_API_VERSION = 'kafka.strimzi.io/v1';

/** Label tying node pools, topics and users to their `Kafka` resource. */
export const STRIMZI_CLUSTER_LABEL = 'strimzi.io/cluster';
