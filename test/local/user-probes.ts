/**
 * One user's clients on the SASL listener and the operations the ACL tests
 * try with them. Every probe either succeeds or is refused by the broker;
 * none changes a spec topic (alters are `validateOnly`, the probe topic is
 * not a spec topic and is deleted by the admin if it was wrongly created).
 */
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  IncrementalAlterConfigOperationTypes,
  ListOffsetTimestamps,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import { kafkaClientConfig, type KafkaUserEnv } from '../support/local-env.js';
import { outcomeOf, type Outcome } from './kafka-outcome.js';

/** What only the superuser can look up for the probes: node id, topic ids, log start offsets. */
export interface BrokerView {
  readonly nodeId: number;
  readonly topicIds: ReadonlyMap<string, string>;
  /** First offset still in partition 0 (records may have been deleted). */
  logStart(topic: string): Promise<bigint>;
}

/** Client options shared by the probes: no retries, so a refusal is reported at once. */
const PROBE = { retries: 0, timeout: 10_000, connectTimeout: 5_000 } as const;

export class UserProbes {
  readonly admin: Admin;
  readonly producer: Producer<string, string, string, string>;

  constructor(
    readonly env: KafkaUserEnv,
    private readonly view: BrokerView,
  ) {
    this.admin = new Admin(this.options('admin'));
    this.producer = new Producer({ ...this.options('producer'), serializers: stringSerializers });
  }

  private options(role: string) {
    return { ...kafkaClientConfig(this.env, `acl-test-${this.env.username}-${role}`), ...PROBE };
  }

  /** Produce one record (acks=leader, not idempotent: the refusal is then about the topic alone). */
  produce(topic: string): Promise<Outcome> {
    return outcomeOf(() =>
      this.producer.send({ messages: [{ topic, key: 'acl-test', value: JSON.stringify({ probe: this.env.username }) }] }),
    );
  }

  /**
   * Fetch partition 0 from its first offset (Kafka checks topic Read). A fresh
   * consumer each time: a client keeps an incremental fetch session per
   * broker, and a refused topic in it would taint the next probe.
   */
  fetch(topic: string): Promise<Outcome> {
    return outcomeOf(() => this.fetchPartition0(topic));
  }

  /** The values of the records in partition 0, as this user fetches them; throws when the broker refuses. */
  async fetchValues(topic: string): Promise<string[]> {
    const response = await this.fetchPartition0(topic);
    const batches = response.responses.flatMap((t) => t.partitions.flatMap((p) => p.records ?? []));
    return batches.flatMap((batch) => batch.records.map((record) => record.value?.toString('utf8') ?? ''));
  }

  private async fetchPartition0(topic: string) {
    const topicId = this.view.topicIds.get(topic);
    if (!topicId) throw new Error(`no topic id for ${topic}`);
    const fetchOffset = await this.view.logStart(topic);
    // Fetch needs no group; the group id is never used by `fetch`.
    const fetcher = new Consumer({
      ...this.options('fetcher'),
      groupId: `acl-test-${this.env.username}-unused`,
      deserializers: stringDeserializers,
    });
    try {
      return await fetcher.fetch({
        node: this.view.nodeId,
        maxWaitTime: 10,
        topics: [
          {
            topicId,
            partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset, lastFetchedEpoch: -1, partitionMaxBytes: 65536 }],
          },
        ],
      });
    } finally {
      await fetcher.close(true).catch(() => undefined);
    }
  }

  /** Topic metadata (Kafka checks topic Describe). */
  describeTopic(topic: string): Promise<Outcome> {
    return outcomeOf(() => this.admin.metadata({ topics: [topic], forceUpdate: true }));
  }

  describeTopicConfigs(topic: string): Promise<Outcome> {
    return outcomeOf(() => this.admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }] }));
  }

  /** Validate-only: checked like a real change, applied never. */
  alterTopicConfigs(topic: string): Promise<Outcome> {
    return outcomeOf(() =>
      this.admin.incrementalAlterConfigs({
        validateOnly: true,
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configs: [{ name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '1000' }],
          },
        ],
      }),
    );
  }

  createTopic(name: string): Promise<Outcome> {
    return outcomeOf(() => this.admin.createTopics({ topics: [name], partitions: 1, replicas: 1 }));
  }

  describeClusterConfigs(): Promise<Outcome> {
    return outcomeOf(() =>
      this.admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: String(this.view.nodeId) }] }),
    );
  }

  alterClusterConfigs(): Promise<Outcome> {
    return outcomeOf(() =>
      this.admin.incrementalAlterConfigs({
        validateOnly: true,
        resources: [
          {
            resourceType: ConfigResourceTypes.BROKER,
            resourceName: String(this.view.nodeId),
            configs: [{ name: 'log.cleaner.threads', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '2' }],
          },
        ],
      }),
    );
  }

  describeGroup(group: string): Promise<Outcome> {
    return outcomeOf(() => this.admin.describeGroups({ groups: [group] }));
  }

  /** Committed offsets of a group (Kafka checks group Describe and topic Describe). */
  groupOffsets(group: string, topic: string): Promise<Outcome> {
    return outcomeOf(() =>
      this.admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: [0] }] }] }),
    );
  }

  /**
   * Joins `group` subscribed to `topic` and leaves again (Kafka checks group
   * Read to join, topic Read to be assigned).
   */
  async joinGroup(group: string, topic: string): Promise<Outcome> {
    const consumer = new Consumer({
      ...this.options('join'),
      groupId: group,
      deserializers: stringDeserializers,
    });
    try {
      return await outcomeOf(async () => {
        const stream = await consumer.consume({ topics: [topic], autocommit: false, maxWaitTime: 100 });
        await stream.close();
      });
    } finally {
      await consumer.close(true).catch(() => undefined);
    }
  }

  /** An idempotent, acks=all producer like the services use (KIP-679: topic Write suffices). */
  async produceIdempotent(topic: string): Promise<Outcome> {
    const producer = new Producer({
      ...this.options('idempotent'),
      idempotent: true,
      serializers: stringSerializers,
    });
    try {
      return await outcomeOf(() => producer.send({ messages: [{ topic, key: 'acl-test', value: '{}' }] }));
    } finally {
      await producer.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.admin.close(), this.producer.close()].map((p) => p.catch(() => undefined)));
  }
}

/**
 * The superuser's view on the PLAINTEXT listener, open for a whole suite;
 * `close` it in `afterAll`.
 */
export async function openBrokerView(
  plaintextBootstrap: string,
  topics: readonly string[],
): Promise<BrokerView & { close(): Promise<void> }> {
  const admin = new Admin({ clientId: 'acl-test-view', bootstrapBrokers: [plaintextBootstrap] });
  const metadata = await admin.metadata({ topics: [...topics] });
  const [nodeId] = metadata.brokers.keys();
  if (nodeId === undefined) throw new Error('the broker reported no node');
  return {
    nodeId,
    topicIds: new Map(topics.map((t) => [t, metadata.topics.get(t)?.id ?? ''])),
    async logStart(topic) {
      const [listed] = await admin.listOffsets({
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: ListOffsetTimestamps.EARLIEST }] }],
      });
      return listed!.partitions[0]!.offset;
    },
    close: () => admin.close(),
  };
}
