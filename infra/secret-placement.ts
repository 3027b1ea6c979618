/**
 * Which Kubernetes Secret goes where. The manifests reference Secrets by name
 * and never contain them; this decides, from the spec alone, in which
 * namespaces each one must exist.
 */
import { isManagedFlavor, type PlatformSpec, type UserSpec } from '../platform/index.js';

/** One user's password Secret in one namespace. */
export interface UserSecretPlacement {
  readonly user: UserSpec;
  readonly namespace: string;
  /** Why it is there, for reviewers of `pulumi preview`. */
  readonly reason: 'operator' | 'apps';
}

/**
 * - Kafka namespace (`strimzi`, `redpanda`): every user, because the operator
 *   sets each KafkaUser/User password from `valueFrom.secretKeyRef` there.
 * - Apps namespace: every user but the admin, for the services, producers,
 *   Dapr components, the lag exporter (its own describe-only user) and the
 *   console (its own user, derived only where a console runs), which run
 *   there (charts/monitoring/monitoring-client.ts); on-call people read the
 *   exporter's Secret there too (docs/runbooks/README.md). The admin is a
 *   superuser and nothing in the apps namespace may act as one.
 * - `external`: no admin Secret at all; its credentials stay in Pulumi config
 *   and only the `@pulumi/kafka` provider uses them.
 * - `confluent-cloud`: no admin Secret either; the admin service account's
 *   API key stays in the Pulumi state (a secret) and only manages topics and
 *   ACLs (infra/confluent-cloud.ts).
 */
export function userSecretPlacements(spec: PlatformSpec): UserSecretPlacement[] {
  const placements: UserSecretPlacement[] = [];
  const operatorManaged = !isManagedFlavor(spec.cluster.flavor);
  for (const user of spec.users) {
    if (operatorManaged) placements.push({ user, namespace: spec.namespaces.kafka, reason: 'operator' });
    if (user.kind !== 'admin') placements.push({ user, namespace: spec.namespaces.apps, reason: 'apps' });
  }
  return placements;
}

/**
 * Users whose password the program generates: all but an external cluster's
 * admin, which exists already, and none on Confluent Cloud, where each user's
 * API key comes with a secret Confluent generates (infra/confluent-cloud.ts).
 */
export function usersWithGeneratedPasswords(spec: PlatformSpec): UserSpec[] {
  if (spec.cluster.flavor === 'confluent-cloud') return [];
  return spec.users.filter((u) => !(spec.cluster.flavor === 'external' && u.kind === 'admin'));
}

/**
 * The Redpanda superusers file: one `name:password:MECHANISM` line per
 * superuser, the format the Redpanda chart writes into `users.txt`. The
 * generated passwords are alphanumeric, so the `:` separator stays unambiguous.
 */
export function superusersFile(entries: readonly { name: string; password: string; mechanism: string }[]): string {
  for (const e of entries) {
    if (e.name.includes(':') || e.password.includes(':') || /\s/.test(e.password)) {
      throw new Error(`superuser "${e.name}": names and passwords in users.txt may not contain ":" or whitespace`);
    }
  }
  return entries.map((e) => `${e.name}:${e.password}:${e.mechanism}`).join('\n') + '\n';
}

/**
 * The Secrets the services read settings from (`secretEnv`), each with the keys
 * referenced, sorted: one generated value per Secret key, shared by every
 * service that names it. Among them the Dapr app API token
 * (`DAPR_APP_TOKEN_SECRET`, key `token`), which the spec derives into the
 * `secretEnv` of every Dapr-mode service: one per environment.
 */
export function serviceSecretKeys(spec: PlatformSpec): { name: string; keys: string[] }[] {
  const keys = new Map<string, Set<string>>();
  for (const service of spec.services) {
    for (const ref of Object.values(service.secretEnv)) keys.set(ref.name, (keys.get(ref.name) ?? new Set()).add(ref.key));
  }
  return [...keys.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, set]) => ({ name, keys: [...set].sort() }));
}
