/**
 * What the `confluent-cloud` flavor accepts, as data and small checks: the
 * shape of Confluent's ids and endpoints, and the settings Confluent Cloud
 * decides itself (TLS, SASL/PLAIN, three replicas per topic). The validator
 * (validate-rules.ts) reports each problem with its path, value and fix.
 */
import type { ClusterConfig, PlatformConfig } from './config.js';
import { PROJECT } from './defaults.js';
import type { ClusterFlavor, ClusterSpec, PlatformSpec, ScramSaslMechanism, UserSpec } from './types.js';
import { show } from './suggest.js';

/** The flavors whose cluster runs outside Kubernetes and is given by its address (no operator, no Service to derive it from). */
export const MANAGED_FLAVORS: readonly ClusterFlavor[] = ['external', 'confluent-cloud'];

/** Whether `flavor` is a cluster outside Kubernetes, reached at `cluster.bootstrapServers`. */
export function isManagedFlavor(flavor: unknown): boolean {
  return MANAGED_FLAVORS.includes(flavor as ClusterFlavor);
}

/**
 * The SCRAM mechanism of a cluster whose users are SCRAM users (every flavor
 * but `confluent-cloud`, where validation refuses PLAIN). Throws for a PLAIN
 * cluster: nothing may create a SCRAM credential there.
 */
export function scramMechanismOf(cluster: Pick<ClusterSpec, 'flavor' | 'saslMechanism'>): ScramSaslMechanism {
  if (cluster.saslMechanism === 'PLAIN') {
    throw new Error(`a ${cluster.flavor} cluster authenticating with PLAIN has no SCRAM users; only confluent-cloud uses PLAIN (API keys)`);
  }
  return cluster.saslMechanism;
}

/**
 * Confluent Cloud keeps three replicas of every partition: its
 * `default.replication.factor` is 3 and not editable, and
 * `confluentcloud.KafkaTopic` has no replication factor to set.
 * @see https://docs.confluent.io/cloud/current/topics/manage.html
 */
export const CONFLUENT_REPLICATION_FACTOR = 3;

/**
 * What every service account name of a stack starts with: `todo-events-<stack>-`.
 * Service accounts are organization-wide, so the name carries project and stack.
 */
export function serviceAccountPrefix(spec: Pick<PlatformSpec, 'stack'>): string {
  return `${PROJECT}-${spec.stack}-`;
}

/**
 * The display name of a user's service account, `todo-events-<stack>-<user>`: the
 * program creates it (infra/confluent-cloud.ts), and `npm run drift` finds the
 * account, and with it the ACL principal `User:<its id>`, by it.
 */
export function serviceAccountName(spec: Pick<PlatformSpec, 'stack'>, user: Pick<UserSpec, 'name'>): string {
  return `${serviceAccountPrefix(spec)}${user.name}`;
}

/** The description the program gives a user's service account; it names the stack (see `serviceAccountStack`). */
export function serviceAccountDescription(spec: Pick<PlatformSpec, 'stack'>, user: Pick<UserSpec, 'name' | 'kind'>): string {
  return `Kafka user ${user.name} (${user.kind}) of stack ${spec.stack}, managed by Pulumi (${PROJECT})`;
}

const DESCRIBED_STACK = new RegExp(` of stack (\\S+), managed by Pulumi \\(${PROJECT}\\)$`);

/**
 * The stack named in the description of an account the program made, else
 * undefined. Names alone can be ambiguous: stack `pr`'s prefix `todo-events-pr-`
 * also begins the accounts of stack `pr-7`.
 */
export function serviceAccountStack(description: string | undefined): string | undefined {
  return description === undefined ? undefined : DESCRIBED_STACK.exec(description)?.[1];
}

/** Resource ids as Confluent Cloud prints them (`env-abc123`, `lkc-abc123`). */
const ID_PATTERNS = {
  environmentId: { pattern: /^env-[a-z0-9]+$/, example: 'env-a1b2c3', what: 'an environment id' },
  clusterId: { pattern: /^lkc-[a-z0-9]+$/, example: 'lkc-a1b2c3', what: 'a Kafka cluster id' },
} as const;

/** The REST endpoint of a cluster: an https URL of a host, with an optional port and no path. */
const REST_ENDPOINT = /^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/;

type Report = (path: string, message: string, fix: string) => void;

/**
 * Every problem of the Confluent Cloud settings of a config merged over
 * DEFAULTS (and the flavor's own defaults, `FLAVOR_CLUSTER_DEFAULTS`): a
 * `cluster.confluent` block on another flavor, a missing or malformed id or
 * endpoint, and settings Confluent Cloud does not offer.
 */
export function checkConfluentCloud(config: PlatformConfig, report: Report): void {
  const c: ClusterConfig = config.cluster ?? {};
  if (c.flavor !== 'confluent-cloud') {
    if (c.confluent !== undefined) {
      report(
        'cluster.confluent',
        `only applies to confluent-cloud, not ${show(c.flavor)}`,
        'remove it, or write cluster.flavor: confluent-cloud',
      );
    }
    if (c.saslMechanism === 'PLAIN') {
      report(
        'cluster.saslMechanism',
        `"PLAIN" is for Confluent Cloud API keys only; ${show(c.flavor)} users are SCRAM users`,
        'write SCRAM-SHA-512 (or SCRAM-SHA-256 where the cluster supports it)',
      );
    }
    return;
  }
  const settings = c.confluent;
  if (settings === undefined) {
    report(
      'cluster.confluent',
      'is missing; a confluent-cloud stack names its cluster',
      'write { environmentId: env-…, clusterId: lkc-…, restEndpoint: https://… } from the cluster\'s "Cluster settings" page',
    );
  } else if (typeof settings === 'object' && settings !== null) {
    for (const [key, rule] of Object.entries(ID_PATTERNS) as [keyof typeof ID_PATTERNS, (typeof ID_PATTERNS)[keyof typeof ID_PATTERNS]][]) {
      const value = settings[key];
      if (value === undefined) report(`cluster.confluent.${key}`, 'is missing', `write ${rule.what} such as ${rule.example}`);
      else if (typeof value === 'string' && !rule.pattern.test(value)) {
        report(
          `cluster.confluent.${key}`,
          `${show(value)} is not ${rule.what}`,
          `write the id as Confluent Cloud shows it, such as ${rule.example}`,
        );
      }
    }
    const rest = settings.restEndpoint;
    if (rest === undefined) {
      report(
        'cluster.confluent.restEndpoint',
        'is missing',
        'write the REST endpoint from "Cluster settings", such as https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
      );
    } else if (typeof rest === 'string' && !REST_ENDPOINT.test(rest)) {
      report(
        'cluster.confluent.restEndpoint',
        `${show(rest)} is not an https URL of a host`,
        'write the REST endpoint from "Cluster settings", such as https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
      );
    }
  }
  if (c.tls === false) {
    report('cluster.tls', 'false is not possible: Confluent Cloud accepts TLS connections only', 'remove it (confluent-cloud uses TLS)');
  }
  if (c.saslMechanism !== undefined && c.saslMechanism !== 'PLAIN') {
    report(
      'cluster.saslMechanism',
      `${show(c.saslMechanism)} is not offered by Confluent Cloud, whose API keys authenticate with SASL/PLAIN`,
      'remove it (confluent-cloud uses PLAIN)',
    );
  }
  if (typeof c.brokers === 'number' && c.brokers !== CONFLUENT_REPLICATION_FACTOR) {
    report('cluster.brokers', `${c.brokers} has no effect: Confluent Cloud runs and scales its own brokers`, 'remove it');
  }
  if (c.version !== undefined) report('cluster.version', `${show(c.version)} has no effect on a Confluent Cloud cluster`, 'remove it');
}

/**
 * A topic's replication settings on Confluent Cloud: always three replicas,
 * and `min.insync.replicas` of 1 or 2. Confluent's topic reference lists
 * `min.insync.replicas` as editable with a default of 2; the upper bound is
 * this platform's rule: with 3 of 3, every `acks=all` write would fail while
 * Confluent restarts one broker for maintenance.
 * @see https://docs.confluent.io/cloud/current/topics/manage.html
 */
export function checkConfluentTopicReplication(
  replicationFactor: { readonly value: unknown; readonly path: string },
  minInsyncReplicas: { readonly value: unknown; readonly path: string },
  report: Report,
): void {
  if (typeof replicationFactor.value === 'number' && replicationFactor.value !== CONFLUENT_REPLICATION_FACTOR) {
    report(
      replicationFactor.path,
      `${replicationFactor.value} cannot be set: Confluent Cloud keeps ${CONFLUENT_REPLICATION_FACTOR} replicas of every topic`,
      'remove it',
    );
  }
  const minIsr = minInsyncReplicas.value;
  if (typeof minIsr === 'number' && (minIsr < 1 || minIsr > CONFLUENT_REPLICATION_FACTOR - 1)) {
    report(
      minInsyncReplicas.path,
      `${minIsr} is outside 1..${CONFLUENT_REPLICATION_FACTOR - 1}`,
      'write 2 (the default) or 1; with 3, every acks=all write fails while Confluent restarts a broker',
    );
  }
}
