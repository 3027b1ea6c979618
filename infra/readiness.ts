/**
 * Makes `pulumi up` wait for the Kafka cluster itself, not just for its
 * custom resource to be accepted. @pulumi/kubernetes does not await custom
 * resources by default; the `pulumi.com/waitFor` annotation makes it wait for
 * a status condition. Topics, users, the CA copy and the services then start
 * against a running cluster, and a cluster that never becomes ready fails the
 * update instead of leaving consumers crash-looping.
 *
 * The annotation only means something to Pulumi, so it is added here rather
 * than in the charts (GitOps users of dist/ have their own health checks).
 * Supported (experimental) since @pulumi/kubernetes 4.18.0; see its CHANGELOG, "pulumi.com/waitFor".
 */

/** Kinds (apiVersion group and kind) that report a `Ready` condition once serving. */
export const READY_CONDITION_KINDS: readonly { group: string; kind: string }[] = [
  { group: 'kafka.strimzi.io', kind: 'Kafka' },
  { group: 'cluster.redpanda.com', kind: 'Redpanda' },
];

/**
 * How long a cluster may take to become ready: image pulls, volume binding
 * and a rolling start of several brokers.
 * @default 1800 seconds
 */
export const CLUSTER_READY_TIMEOUT_SECONDS = 1800;

export const AWAIT_ANNOTATIONS = {
  'pulumi.com/waitFor': 'condition=Ready',
  'pulumi.com/timeoutSeconds': String(CLUSTER_READY_TIMEOUT_SECONDS),
} as const;

function needsReadyWait(obj: Record<string, unknown>): boolean {
  const group = String(obj.apiVersion ?? '').split('/')[0];
  return READY_CONDITION_KINDS.some((k) => k.group === group && k.kind === obj.kind);
}

/**
 * The objects with the await annotations added to the cluster resources
 * (annotations already present win). Returns copies; the input is not changed.
 */
export function withReadinessWait(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return objects.map((obj) => {
    if (!needsReadyWait(obj)) return obj;
    const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
    const annotations = (metadata.annotations ?? {}) as Record<string, string>;
    return { ...obj, metadata: { ...metadata, annotations: { ...AWAIT_ANNOTATIONS, ...annotations } } };
  });
}
