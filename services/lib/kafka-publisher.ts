/**
 * Publishes events straight to Kafka with the guarantees the specification
 * asks of its producer: `acks=all`, idempotence (a retried request is not
 * written twice), the key from the topic's key field and the Java client's
 * murmur2 partitioning, so the same `user_id` lands on the same partition as
 * from the Python producer. Retries run inside the client (`retries` with
 * exponential waits, see `kafkaClientOptions`), where an idempotent resend
 * keeps its sequence numbers.
 */
import type { Producer } from '@platformatic/kafka';
import type { PlatformSpec } from '../../platform/index.js';
import type { KafkaConnectionConfig } from './config.js';
import { classify } from './classify.js';
import { PermanentError, TransientError } from './errors.js';
import { kafkaClient, loadKafkaClient } from './kafka-client.js';
import { assertValidEvent } from './event-validation.js';
import { topicKeyField } from './event-topics.js';
import type { AnyEvent } from './events.js';
import { kafkaClientOptions } from './kafka-options.js';
import { javaCompatiblePartitioner } from './partitioner.js';
import { platformDefaults } from './platform-defaults.js';
import type { EventPublisher, PublishOptions, PublishResult } from './publisher.js';
import { eventKey } from './publisher.js';
import { SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** A record to produce as is (no schema), e.g. a dead-letter envelope. */
export interface RawRecord {
  readonly topic: string;
  readonly key?: string;
  readonly value: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export type KafkaProducer = Producer<string, Buffer, string, string>;

/**
 * A producer with the specification's settings. Exposed for code that sends
 * records outside the event schemas (dead letters, benchmarks). The Kafka
 * client must be loaded first (`await loadKafkaClient()`, see kafka-client.ts).
 */
export function createKafkaProducer(kafka: KafkaConnectionConfig, clientId: string, retry: RetryPolicy = SPEC_RETRY_POLICY): KafkaProducer {
  const { Producer, ProduceAcks } = kafkaClient();
  return new Producer({
    ...kafkaClientOptions(kafka, clientId, retry),
    acks: ProduceAcks.ALL,
    idempotent: true,
    partitioner: javaCompatiblePartitioner,
    serializers: {
      key: (key?: string) => (key === undefined ? undefined : Buffer.from(key, 'utf8')),
      value: (value?: Buffer) => value,
      headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key, 'utf8')),
      headerValue: (value?: string) => (value === undefined ? undefined : Buffer.from(value, 'utf8')),
    },
  });
}

/**
 * Publishes events with the specification's guarantees. The producer (and the
 * Kafka client module) is created on the first send, so a service that holds
 * a publisher it never uses neither loads the client nor connects.
 */
export class KafkaEventPublisher implements EventPublisher {
  private producer: Promise<KafkaProducer> | undefined;
  private closing: Promise<void> | undefined;

  /**
   * @param kafka connection settings (`ServiceConfig.kafka`)
   * @param clientId Kafka client id, usually the app id
   * @param spec the platform spec the topic keys come from. @default the platform defaults
   */
  constructor(
    private readonly kafka: KafkaConnectionConfig,
    private readonly clientId: string,
    private readonly spec: PlatformSpec = platformDefaults(),
    private readonly retry: RetryPolicy = SPEC_RETRY_POLICY,
  ) {}

  private started(): Promise<KafkaProducer> {
    if (this.closing) return Promise.reject(new Error(`publisher ${this.clientId} is closed`));
    this.producer ??= loadKafkaClient().then(() => createKafkaProducer(this.kafka, this.clientId, this.retry));
    return this.producer;
  }

  async publish(topic: string, event: AnyEvent, options: PublishOptions = {}): Promise<PublishResult> {
    const [result] = await this.publishAll(topic, [event], options);
    return result!;
  }

  async publishAll(topic: string, events: readonly AnyEvent[], options: PublishOptions = {}): Promise<PublishResult[]> {
    for (const event of events) assertValidEvent(topic, event);
    const keyField = topicKeyField(topic, this.spec);
    return this.sendRaw(
      events.map((event) => ({ topic, key: eventKey(event, keyField), value: JSON.stringify(event), headers: options.headers })),
    );
  }

  /** Sends records as they are (no validation), with the same guarantees. */
  async sendRaw(records: readonly RawRecord[]): Promise<PublishResult[]> {
    if (records.length === 0) return [];
    try {
      const producer = await this.started();
      const result = await producer.send({
        messages: records.map((r) => ({
          topic: r.topic,
          key: r.key,
          value: typeof r.value === 'string' ? Buffer.from(r.value, 'utf8') : r.value,
          headers: r.headers ? { ...r.headers } : undefined,
        })),
      });
      // The client reports one base offset per partition written.
      return records.map((r) => {
        const written = result.offsets?.filter((o) => o.topic === r.topic);
        return written?.length === 1 ? { topic: r.topic, partition: written[0]!.partition } : { topic: r.topic };
      });
    } catch (error) {
      const topics = [...new Set(records.map((r) => r.topic))].join(', ');
      // A record the broker refuses for itself (too large, invalid) is the message's fault and never
      // heals; anything else (broker away, NOT_ENOUGH_REPLICAS, timeouts, refused credentials or ACLs)
      // is the broker's: held and retried until it takes the records.
      const failure = classify(error);
      // Only a refusal the client or broker states (`KAFKA_MESSAGE_ERRORS`); an unknown error here is more
      // likely the client's state (closed at shutdown) than the record, so it is held like a broker failure.
      if (failure.kind === 'message' && failure.rule !== 'unrecognised') {
        throw new PermanentError(`producing to ${topics} was refused: ${(error as Error).message}`, {
          code: 'KAFKA_RECORD_REFUSED',
          cause: error,
        });
      }
      throw new TransientError(`producing to ${topics} failed: ${(error as Error).message}`, {
        code: 'KAFKA_PRODUCE_FAILED',
        cause: error,
        dependency: 'kafka',
      });
    }
  }

  /** Closes the producer, if one was started. Idempotent. */
  close(): Promise<void> {
    const producer = this.producer;
    this.closing ??= producer ? producer.then((p) => p.close()) : Promise.resolve();
    return this.closing;
  }
}
