/**
 * Mirrors the CA certificate of an in-cluster TLS listener into the apps
 * namespace: the operator writes it in the Kafka namespace, and pods and Dapr
 * components can only read Secrets of their own namespace.
 *
 * The copy is taken at `pulumi up` time. When the operator renews its CA
 * (Strimzi: a year's validity, renewed 30 days before expiry by default), run
 * `pulumi up` again so the copy follows; clients trust the old and the new CA
 * during Strimzi's renewal window.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { clusterCaSecret, type PlatformSpec } from '../platform/index.js';

export interface ClusterCaCopyArgs {
  readonly spec: PlatformSpec;
  /**
   * The cluster's ConfigGroup, which completes once the cluster is Ready
   * (readiness.ts). Until then the operator's CA Secret may not exist, so the
   * read waits for the group's `resources`; in the first preview they are
   * unknown and the read is skipped instead of failing on a missing Secret.
   */
  readonly cluster: k8s.yaml.v2.ConfigGroup;
}

/** Copies `clusterCaSecret(spec.cluster).source` to `.copy`. Only for TLS listeners of operator-run clusters. */
export class ClusterCaCopy extends pulumi.ComponentResource {
  readonly secret: k8s.core.v1.Secret;

  constructor(name: string, args: ClusterCaCopyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:credentials:ClusterCaCopy', name, {}, opts);
    const ca = clusterCaSecret(args.spec.cluster);
    if (!ca)
      throw new Error(`cluster "${args.spec.cluster.name}" (${args.spec.cluster.flavor}, tls ${args.spec.cluster.tls}) has no CA to copy`);
    const sourceId = args.cluster.resources.apply(() => `${args.spec.namespaces.kafka}/${ca.source.name}`);
    const source = k8s.core.v1.Secret.get(`${name}-source`, sourceId, { parent: this, dependsOn: [args.cluster] });
    const certificate = source.data.apply((data) => {
      const value = data?.[ca.source.key];
      if (!value) throw new Error(`Secret ${args.spec.namespaces.kafka}/${ca.source.name} has no key "${ca.source.key}"`);
      return value;
    });
    this.secret = new k8s.core.v1.Secret(
      `${name}-copy`,
      {
        metadata: {
          name: ca.copy.name,
          namespace: args.spec.namespaces.apps,
          labels: { 'app.kubernetes.io/managed-by': 'pulumi', 'app.kubernetes.io/part-of': 'todo-events' },
          annotations: { 'todo-events/copied-from': `${args.spec.namespaces.kafka}/${ca.source.name}` },
        },
        type: 'Opaque',
        // `data` is already base64: copy it byte for byte.
        data: { [ca.copy.key]: certificate },
      },
      { parent: this, deleteBeforeReplace: true },
    );
    this.registerOutputs({ secretName: this.secret.metadata.name });
  }
}
