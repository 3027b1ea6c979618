/**
 * Every Secret the manifests of a stack reference, where and with which keys,
 * and what it holds: what `pulumi up` creates (infra/credentials.ts), for
 * people who apply `dist/<stack>/` without Pulumi. The ExternalSecrets chart
 * renders one `ExternalSecret` per entry and synth's README lists them; a test
 * walks every reference of the rendered manifests and finds its entry.
 */
import {
  clusterCaSecret,
  DATABASE_SECRET,
  redpandaSuperusersSecret,
  saslUsernameInSecret,
  USER_PASSWORD_KEY,
  USER_USERNAME_KEY,
  type PlatformSpec,
} from '../../platform/index.js';

/** One Secret in one namespace. */
export interface ManifestSecret {
  readonly namespace: string;
  readonly name: string;
  /** The keys read from it, sorted. */
  readonly keys: readonly string[];
  /** What it holds and who reads it, for the README of `dist/<stack>/`. */
  readonly holds: string;
}

/** The Secrets of `spec`'s manifests, sorted by namespace and name. */
export function manifestSecrets(spec: PlatformSpec): ManifestSecret[] {
  const found = new Map<string, { namespace: string; name: string; keys: Set<string>; holds: string }>();
  const add = (namespace: string, name: string, keys: readonly string[], holds: string) => {
    const id = `${namespace}/${name}`;
    const entry = found.get(id) ?? { namespace, name, keys: new Set<string>(), holds };
    for (const key of keys) entry.keys.add(key);
    found.set(id, entry);
  };
  const { cluster, namespaces } = spec;
  const operator = cluster.flavor === 'strimzi' || cluster.flavor === 'redpanda';
  for (const user of spec.users) {
    // The operator sets each user's SCRAM password from here; Redpanda's admin comes from the superusers file instead.
    if (operator && !(cluster.flavor === 'redpanda' && user.kind === 'admin')) {
      add(
        namespaces.kafka,
        user.secretName,
        [USER_PASSWORD_KEY],
        `the password of Kafka user ${user.name}, which the ${cluster.flavor} operator sets`,
      );
    }
    // Services, producers, Dapr components, the exporter and the console read theirs in the apps namespace; nothing there acts as the admin.
    if (user.kind !== 'admin') {
      const keys = saslUsernameInSecret(cluster) ? [USER_PASSWORD_KEY, USER_USERNAME_KEY] : [USER_PASSWORD_KEY];
      const same = operator ? ' (the same value as in the Kafka namespace)' : '';
      add(namespaces.apps, user.secretName, keys, `the password of Kafka user ${user.name}${same}`);
    }
  }
  if (cluster.flavor === 'redpanda') {
    const superusers = redpandaSuperusersSecret(cluster);
    add(
      namespaces.kafka,
      superusers.name,
      [superusers.key],
      "Redpanda's superusers: one line <user>:<password>:<mechanism>, for the admin",
    );
  }
  if (spec.services.some((s) => s.database)) {
    add(
      namespaces.apps,
      DATABASE_SECRET.name,
      [DATABASE_SECRET.key],
      'the PostgreSQL connection string (postgres://…) of the services with a database',
    );
  }
  for (const service of spec.services) {
    for (const [variable, ref] of Object.entries(service.secretEnv)) {
      add(namespaces.apps, ref.name, [ref.key], `a random key of 32 or more bytes (${variable} of the services using it)`);
    }
  }
  const ca = operator ? clusterCaSecret(cluster) : undefined;
  if (ca) {
    add(
      namespaces.apps,
      ca.copy.name,
      [ca.copy.key],
      `the cluster CA certificate: a copy of ${namespaces.kafka}/${ca.source.name}, which the operator writes`,
    );
  }
  return [...found.values()]
    .map((e) => ({ namespace: e.namespace, name: e.name, keys: [...e.keys].sort(), holds: e.holds }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
