/**
 * Makes `pulumi up` wait for what the operators do, not just for their custom
 * resources to be accepted. @pulumi/kubernetes does not await custom resources
 * by default; the `pulumi.com/waitFor` annotation makes it wait for a status
 * condition (experimental since @pulumi/kubernetes 4.18.0; see its CHANGELOG,
 * "pulumi.com/waitFor"). So topics and users start against a running cluster,
 * and the services start only once their topics exist and their users can log
 * in; a resource the operator refuses fails the update instead of leaving
 * consumers crash-looping.
 *
 * Which condition each operator sets when it has done its work:
 * - Strimzi: every custom resource reports `Ready` (Kafka once the brokers
 *   serve; KafkaTopic once the topic operator reconciled the topic, `False` with
 *   reason `NotSupported` for a partition decrease; KafkaUser once the user
 *   operator wrote the credentials and ACLs).
 * - Redpanda (cluster.redpanda.com/v1alpha2): `Redpanda` and `Topic` report
 *   `Ready`; `User` reports `Synced` (its CRD's printer column and status
 *   default, ../shared/crds/redpanda/cluster.redpanda.com_users.yaml: the
 *   condition starts as `Synced: Unknown`, "Waiting for controller").
 *
 * The annotations only mean something to Pulumi, so they are added here
 * rather than in the charts (GitOps users of dist/ have their own health checks).
 */

/** One kind the program waits for: its API group, kind, condition and how long it may take. */
export interface AwaitedKind {
  readonly group: string;
  readonly kind: string;
  readonly condition: 'Ready' | 'Synced';
  readonly timeoutSeconds: number;
}

/**
 * How long a cluster may take to become ready: image pulls, volume binding
 * and a rolling start of several brokers.
 * @default 1800 seconds
 */
export const CLUSTER_READY_TIMEOUT_SECONDS = 1800;

/**
 * How long an operator may take to reconcile one topic or user once the
 * cluster is ready (the operators reconcile every resource within their
 * periodic interval, two minutes by default for Strimzi's entity operator).
 * @default 600 seconds
 */
export const ENTITY_READY_TIMEOUT_SECONDS = 600;

export const AWAITED_KINDS: readonly AwaitedKind[] = [
  { group: 'kafka.strimzi.io', kind: 'Kafka', condition: 'Ready', timeoutSeconds: CLUSTER_READY_TIMEOUT_SECONDS },
  { group: 'kafka.strimzi.io', kind: 'KafkaTopic', condition: 'Ready', timeoutSeconds: ENTITY_READY_TIMEOUT_SECONDS },
  { group: 'kafka.strimzi.io', kind: 'KafkaUser', condition: 'Ready', timeoutSeconds: ENTITY_READY_TIMEOUT_SECONDS },
  { group: 'cluster.redpanda.com', kind: 'Redpanda', condition: 'Ready', timeoutSeconds: CLUSTER_READY_TIMEOUT_SECONDS },
  { group: 'cluster.redpanda.com', kind: 'Topic', condition: 'Ready', timeoutSeconds: ENTITY_READY_TIMEOUT_SECONDS },
  { group: 'cluster.redpanda.com', kind: 'User', condition: 'Synced', timeoutSeconds: ENTITY_READY_TIMEOUT_SECONDS },
];

/** The annotations that make Pulumi wait for one kind. */
export function awaitAnnotations(kind: AwaitedKind): Record<string, string> {
  return { 'pulumi.com/waitFor': `condition=${kind.condition}`, 'pulumi.com/timeoutSeconds': String(kind.timeoutSeconds) };
}

/** The kind's await rule, or undefined for objects Pulumi's own await logic covers. */
export function awaitedKind(obj: Record<string, unknown>): AwaitedKind | undefined {
  const group = String(obj.apiVersion ?? '').split('/')[0];
  return AWAITED_KINDS.find((k) => k.group === group && k.kind === obj.kind);
}

/**
 * The objects with the await annotations added to the operator-managed
 * resources (annotations already present win). Returns copies; the input is
 * not changed.
 */
export function withReadinessWait(objects: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return objects.map((obj) => {
    const kind = awaitedKind(obj);
    if (!kind) return obj;
    const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
    const annotations = (metadata.annotations ?? {}) as Record<string, string>;
    return { ...obj, metadata: { ...metadata, annotations: { ...awaitAnnotations(kind), ...annotations } } };
  });
}
