/**
 * Where each operator's Helm chart comes from and what it names its
 * Deployment. The Pulumi program installs the releases; the alert rules watch
 * the Deployments. Versions come from the spec, never from here.
 */
export const OPERATOR_CHARTS = {
  /** The Strimzi chart names its Deployment `strimzi-cluster-operator` whatever the release. */
  strimzi: {
    releaseName: 'strimzi-kafka-operator',
    chart: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator',
    deployment: 'strimzi-cluster-operator',
  },
  /** The Redpanda `operator` chart names its Deployment after the release. */
  redpanda: {
    releaseName: 'redpanda-operator',
    chart: 'operator',
    repo: 'https://charts.redpanda.com',
    deployment: 'redpanda-operator',
  },
  dapr: { releaseName: 'dapr', chart: 'dapr', repo: 'https://dapr.github.io/helm-charts/', deployment: 'dapr-operator' },
} as const;
