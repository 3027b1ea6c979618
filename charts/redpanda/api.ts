/**
 * The Redpanda operator API this package writes (operator and chart 26.2.x).
 * @see https://docs.redpanda.com/current/reference/k-crd/
 */
export const REDPANDA_API_VERSION = 'cluster.redpanda.com/v1alpha2';

/** `spec.cluster` of Topic and User resources: the Redpanda resource in the same namespace. */
export function clusterRef(clusterName: string): { clusterRef: { name: string } } {
  return { clusterRef: { name: clusterName } };
}
