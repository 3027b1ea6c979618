/**
 * Stacks of one test on the shared local broker: a stack file in a temporary
 * folder whose topics, services and producers carry a prefix of their own, so
 * a test can create, change and delete what they name without touching the
 * objects of `npm run local:up` or of other test files, and remove all of it
 * afterwards (shared objects, such as the exporter's grants, only when it was
 * the test that created them).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Acl, Admin } from '@platformatic/kafka';
import { stringify } from 'yaml';
import { scramCredentialProvider, type ScramCredentialInputs } from '../../infra/scram-credential-provider.js';
import { PLATFORM_CONFIG_KEY, type AclOperation, type PlatformSpec, type ScramSaslMechanism } from '../../platform/index.js';
import { aclBindings } from '../../scripts/local/acl-bindings.js';
import { createTopics, localTopics } from '../../scripts/local/topics.js';
import { kafkaClientConfig, type LocalEnv } from './local-env.js';

/** A name prefix unique to this run, e.g. `drift-m1x2k3-4242-`. */
export function runPrefix(label: string): string {
  return `${label}-${Date.now().toString(36)}-${process.pid}-`;
}

/** Writes `Pulumi.<stack>.yaml` with `platform` as its `todo-events:platform` into a new temporary folder. */
export function writeStackDir(stack: string, platform: unknown, comment = 'a test stack'): string {
  const dir = mkdtempSync(join(tmpdir(), `${stack}-stack-`));
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), `# ${comment}\n${stringify({ config: { [PLATFORM_CONFIG_KEY]: platform } })}`);
  return dir;
}

/** The default topics, services and producers removed, so a stack names only the test's own. */
export const WITHOUT_DEFAULTS = {
  topics: { 'task-events': null, reminders: null, 'task-updates': null, 'task-events-dlq': null },
  services: { audit: null, 'recurring-task': null, notification: null, websocket: null },
  producers: { 'todo-api': null },
} as const;

/**
 * The topics, service and producer of a test's stack in place of the defaults,
 * each named under `prefix`: `<prefix>events` (3 partitions, 7 days, keyed by
 * `user_id`), which service `<prefix>a` consumes with its dead-letter topic
 * `<prefix>dlq` (1 partition, 14 days), and `<prefix><other>` (1 partition,
 * 1 day), which app `<prefix>api` produces to besides `<prefix>events`.
 */
export function prefixedApps(prefix: string, other: string) {
  const [events, dlq] = [`${prefix}events`, `${prefix}dlq`];
  return {
    topics: {
      ...WITHOUT_DEFAULTS.topics,
      [events]: { partitions: 3, retention: '7d', key: 'user_id' },
      [dlq]: { partitions: 1, retention: '14d', role: 'dead-letter' },
      [`${prefix}${other}`]: { partitions: 1, retention: '1d' },
    },
    services: { ...WITHOUT_DEFAULTS.services, [`${prefix}a`]: { consumes: [events], deadLetterTopic: dlq } },
    producers: { ...WITHOUT_DEFAULTS.producers, [`${prefix}api`]: { produces: [events, `${prefix}${other}`] } },
  };
}

/** A grant as a person makes it by hand: `operation` on the literal topic `topic` to `user`, from any host. */
export function topicGrant(user: string, operation: AclOperation, topic: string): Acl {
  return aclBindings({ name: user, acls: [{ resourceType: 'topic', name: topic, patternType: 'literal', operations: [operation] }] })[0]!;
}

/** An Admin client of the broker's superuser. Close it. */
export async function superuserAdmin(local: LocalEnv, clientId: string): Promise<Admin> {
  const { Admin } = await import('@platformatic/kafka');
  return new Admin({ ...kafkaClientConfig(local.admin, clientId), retries: 0 });
}

/** The inputs of the SCRAM credential provider for `username` on the local broker. */
export function localCredential(local: LocalEnv, username: string, mechanism: ScramSaslMechanism): ScramCredentialInputs {
  return {
    bootstrapServers: local.bootstrapServers.split(','),
    adminUsername: local.admin.username,
    adminPassword: local.admin.password,
    tls: false,
    saslMechanism: local.saslMechanism as ScramSaslMechanism,
    username,
    scramMechanism: mechanism,
    password: randomBytes(16).toString('hex'),
    iterations: 8192,
  };
}

const bindingKey = (a: Acl) =>
  [a.principal, a.host, a.operation, a.permissionType, a.resourceType, a.resourceName, a.resourcePatternType].join('|');

/** Every ACL binding on the broker. */
export async function liveBindings(admin: Admin): Promise<Acl[]> {
  const kafka = await import('@platformatic/kafka');
  const resources = await admin.describeAcls({
    filter: {
      resourceType: kafka.ResourceTypes.ANY,
      resourceName: null,
      resourcePatternType: kafka.ResourcePatternTypes.ANY,
      principal: null,
      host: null,
      operation: kafka.AclOperations.ANY,
      permissionType: kafka.AclPermissionTypes.ANY,
    },
  });
  return resources.flatMap((r) =>
    r.acls.map((a) => ({ ...a, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType })),
  );
}

/** What a test created on the broker, to remove again. */
export class BrokerLeftovers {
  readonly topics = new Set<string>();
  readonly bindings: Acl[] = [];
  readonly credentials: ScramCredentialInputs[] = [];

  /** Creates `spec`'s topics as the local broker holds them (`localTopics`), to remove on cleanup. */
  async createTopics(admin: Admin, spec: PlatformSpec): Promise<void> {
    const topics = localTopics(spec);
    topics.forEach((t) => this.topics.add(t.name));
    await createTopics(admin, topics);
  }

  /** Creates `bindings` (grants made by hand), to remove on cleanup. */
  async createBindings(admin: Admin, bindings: readonly Acl[]): Promise<void> {
    await admin.createAcls({ creations: [...bindings] });
    this.bindings.push(...bindings);
  }

  /** Creates the bindings of `spec`'s users that the broker lacks; removes only those on cleanup. */
  async addMissingBindings(admin: Admin, spec: PlatformSpec): Promise<void> {
    const present = new Set((await liveBindings(admin)).map(bindingKey));
    const missing = spec.users.flatMap(aclBindings).filter((b) => !present.has(bindingKey(b)));
    if (missing.length > 0) await admin.createAcls({ creations: missing });
    this.bindings.push(...missing);
  }

  /** Creates SCRAM credentials for `spec`'s users (the admin aside) that have none. */
  async addMissingCredentials(local: LocalEnv, spec: PlatformSpec, existing: ReadonlySet<string>): Promise<void> {
    for (const user of spec.users.filter((u) => u.kind !== 'admin' && !existing.has(u.name))) {
      const inputs = localCredential(local, user.name, spec.cluster.saslMechanism as ScramSaslMechanism);
      await scramCredentialProvider.create(inputs);
      this.credentials.push(inputs);
    }
  }

  /** Removes everything recorded; errors are collected, not thrown, so the rest still goes. */
  async remove(admin: Admin): Promise<void> {
    const topics = [...this.topics];
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    if (this.bindings.length > 0) {
      await admin
        .deleteAcls({
          filters: this.bindings.map((b) => ({ ...b })),
        })
        .catch(() => undefined);
    }
    for (const credential of this.credentials) await scramCredentialProvider.delete!('', credential).catch(() => undefined);
  }
}

/** Polls `read` until `done` holds of its value (the broker applies metadata changes a moment later). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/** Removes a temporary stack folder. */
export function removeStackDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
