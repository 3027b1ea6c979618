/**
 * What each operator's release is called and what it names its Deployment.
 * The Pulumi program installs the releases; the alert rules watch the
 * Deployments. Chart sources and versions are spec settings (`operators`,
 * defaults in `DEFAULTS.operators`), never from here.
 */
export const OPERATOR_RELEASES = {
  /** The Strimzi chart names its Deployment `strimzi-cluster-operator` whatever the release. */
  strimzi: { releaseName: 'strimzi-kafka-operator', deployment: 'strimzi-cluster-operator' },
  /** The Redpanda `operator` chart names its Deployment after the release. */
  redpanda: { releaseName: 'redpanda-operator', deployment: 'redpanda-operator' },
  dapr: { releaseName: 'dapr', deployment: 'dapr-operator' },
} as const;
