/**
 * Secrets the manifests reference by name and the Pulumi program creates (or
 * copies). Both sides import these so a rename cannot leave a dangling
 * reference. Per-user password Secrets are `userSecretName()` in defaults.ts.
 */
import type { ClusterSpec, SecretKeyRef } from './types.js';

export type { SecretKeyRef };

/**
 * Key of the password inside each Kafka user's Secret (`userSecretName()`):
 * the key Strimzi's and Redpanda's `password.valueFrom.secretKeyRef` and the
 * Dapr components read.
 */
export const USER_PASSWORD_KEY = 'password';

/**
 * Key of the SASL username inside each Kafka user's Secret. Every flavor's
 * Secret has it; the manifests read it only where the username is not the
 * spec's user name (`saslUsernameInSecret`).
 */
export const USER_USERNAME_KEY = 'username';

/**
 * Whether clients must read their SASL username from the user's Secret
 * (`USER_USERNAME_KEY`) rather than know it from the spec: on Confluent Cloud
 * the username is the id of the API key the Pulumi program creates (the
 * secret is the password), which no manifest can know before `pulumi up`.
 * @see https://docs.confluent.io/cloud/current/client-apps/config-client.html
 */
export function saslUsernameInSecret(cluster: Pick<ClusterSpec, 'flavor'>): boolean {
  return cluster.flavor === 'confluent-cloud';
}

/**
 * PostgreSQL connection string of the services that set `database: true`,
 * in the apps namespace.
 */
export const DATABASE_SECRET: SecretKeyRef = { name: 'todo-database', key: 'url' };

/**
 * Redpanda only: the Secret the chart reads its SASL superusers from
 * (`auth.sasl.secretRef`), in the Kafka namespace. Its key `users.txt` holds one
 * `<user>:<password>:<mechanism>` line per superuser; the platform admin is the only one.
 * @see https://docs.redpanda.com/current/manage/kubernetes/security/authentication/k-authentication/
 */
export function redpandaSuperusersSecret(cluster: Pick<ClusterSpec, 'name'>): SecretKeyRef {
  return { name: `${cluster.name}-superusers`, key: 'users.txt' };
}

/**
 * The CA certificate clients need to verify an in-cluster TLS listener: `source`
 * is the Secret the operator writes in the Kafka namespace, `copy` the Secret
 * the Pulumi program mirrors it into in the apps namespace (Dapr components and
 * pods can only read Secrets of their own namespace). Undefined when the
 * listener has no TLS or the cluster is external (public CAs, trusted by default).
 * @see https://strimzi.io/docs/operators/latest/deploying#con-common-configuration-trusted-certificates-reference
 */
export function clusterCaSecret(
  cluster: Pick<ClusterSpec, 'flavor' | 'name' | 'tls'>,
): { readonly source: SecretKeyRef; readonly copy: SecretKeyRef } | undefined {
  if (!cluster.tls) return undefined;
  const copy: SecretKeyRef = { name: `${cluster.name}-cluster-ca`, key: 'ca.crt' };
  switch (cluster.flavor) {
    case 'strimzi':
      return { source: { name: `${cluster.name}-cluster-ca-cert`, key: 'ca.crt' }, copy };
    case 'redpanda':
      // The chart's default certificate ("default"), issued by its cert-manager root CA.
      return { source: { name: `${cluster.name}-default-root-certificate`, key: 'ca.crt' }, copy };
    case 'external':
    case 'confluent-cloud':
      return undefined;
  }
}
