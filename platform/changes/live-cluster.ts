/**
 * What a live cluster holds, as plain data in the spec's spelling: what
 * `npm run drift` and `npm run adopt` read through the Kafka admin API
 * (scripts/changes/read-cluster.ts), and on Confluent Cloud the service
 * accounts from Confluent's IAM API, and compare with the spec.
 */
import type { SaslMechanism } from '../types.js';
import type { TopicFacts } from './topic-pairs.js';

export interface LiveTopic {
  readonly name: string;
  readonly partitions: number;
  /** Replicas per partition (the largest count, should partitions differ). */
  readonly replicationFactor: number;
  /**
   * Topic-level overrides only: configs whose source is DYNAMIC_TOPIC_CONFIG.
   * A broker default, even one changed on the cluster, is never an override.
   */
  readonly overrides: Readonly<Record<string, string>>;
  /** The value in effect of every config (override or default): what a missing override falls back to. */
  readonly effective: Readonly<Record<string, string>>;
}

/** One ACL binding, spelled as the spec spells ACLs (`topic`, `literal`, `Read`), permission `allow` or `deny`. */
export interface LiveAcl {
  readonly principal: string;
  readonly host: string;
  readonly operation: string;
  readonly permission: string;
  readonly resourceType: string;
  readonly resourceName: string;
  readonly patternType: string;
}

export interface LiveScramUser {
  readonly name: string;
  readonly mechanisms: readonly SaslMechanism[];
}

/** A Confluent Cloud service account, as Confluent's IAM API lists it (`iam/v2/service-accounts`). */
export interface LiveServiceAccount {
  /** `sa-…`: what ACLs name it by (`User:sa-…`). */
  readonly id: string;
  readonly displayName: string;
  readonly description?: string;
}

export interface LiveCluster {
  /** Topics other than the cluster's internal ones. */
  readonly topics: readonly LiveTopic[];
  readonly acls: readonly LiveAcl[];
  /** Null where SCRAM users cannot be listed: a cluster whose admin signs in with SASL/PLAIN (Confluent Cloud API keys). */
  readonly scramUsers: readonly LiveScramUser[] | null;
  /** The user the reading connection authenticated as: never reported as extra. */
  readonly connectedAs: string;
  /**
   * Confluent Cloud only (`confluent-cloud`), and required there: the organization's
   * service accounts. A user of such a stack is a service account named
   * `todo-events-<stack>-<user>`, and its ACLs name it `User:<service account id>`.
   * Elsewhere undefined: a user is its name, `User:<name>`.
   */
  readonly serviceAccounts?: readonly LiveServiceAccount[];
}

/** A live topic as the guard rails see an earlier state: the values in effect. */
export function liveTopicFacts(topic: LiveTopic): TopicFacts {
  const value = (key: string) => topic.overrides[key] ?? topic.effective[key];
  const retention = Number(value('retention.ms'));
  return {
    name: topic.name,
    partitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    retentionMs: Number.isFinite(retention) ? retention : -1,
    cleanupPolicy: value('cleanup.policy') ?? 'delete',
  };
}
