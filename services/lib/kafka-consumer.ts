/**
 * Direct Kafka consumption: a consumer group member that fetches batches,
 * hands them to the `MessageProcessor`, and commits each partition's offset
 * only after every message before it is handled or dead-lettered. Nothing is
 * committed automatically. When the stream fails (broker away, rebalance
 * during a commit, dead-letter topic unwritable) the session is closed and a
 * new one resumes from the committed offsets: messages are redelivered, never
 * skipped, so handlers must be idempotent.
 */
import { Consumer, type Message, type MessagesStream } from '@platformatic/kafka';
import type { ServiceConfig, KafkaConnectionConfig } from './config.js';
import { TransientError } from './errors.js';
import type { RawMessage } from './dead-letter.js';
import { kafkaClientOptions } from './kafka-options.js';
import type { Logger } from './logger.js';
import type { MessageProcessor } from './message-processor.js';
import type { ServiceMetrics } from './metrics.js';
import { backoffDelayMs, sleep, SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** Knobs of the consumer; the defaults suit the platform's topics. */
export interface KafkaConsumerTuning {
  /** Most messages handed to the processor at once. @default 1000 */
  readonly maxBatch: number;
  /** Longest the broker holds an empty fetch open, in ms. @default 500 */
  readonly maxWaitMs: number;
  /** Group session timeout, in ms. @default 30000 */
  readonly sessionTimeoutMs: number;
  /** Group heartbeat interval, in ms. @default 3000 */
  readonly heartbeatIntervalMs: number;
  /** Records buffered ahead of the handler (bounds memory). @default 2048 */
  readonly highWaterMark: number;
  /** How often the lag gauge is refreshed, in ms. @default 10000 */
  readonly lagIntervalMs: number;
  /**
   * Longest wait for an offset commit, in ms. A commit that does not land by
   * then ends the session: the batch is redelivered instead of the consumer
   * waiting forever. @default 30000
   */
  readonly commitTimeoutMs: number;
}

export const DEFAULT_CONSUMER_TUNING: KafkaConsumerTuning = {
  maxBatch: 1000,
  maxWaitMs: 500,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  highWaterMark: 2048,
  lagIntervalMs: 10_000,
  commitTimeoutMs: 30_000,
};

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

export interface KafkaConsumerRunnerOptions {
  readonly config: ServiceConfig;
  readonly processor: MessageProcessor;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly retry?: RetryPolicy;
  readonly tuning?: Partial<KafkaConsumerTuning>;
}

export class KafkaConsumerRunner {
  private readonly kafka: KafkaConnectionConfig;
  private readonly tuning: KafkaConsumerTuning;
  private readonly retry: RetryPolicy;
  private readonly stopController = new AbortController();
  private consumer: Consumer<Buffer, Buffer, Buffer, Buffer> | undefined;
  private stream: Stream | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: KafkaConsumerRunnerOptions) {
    if (options.config.kafka === null) throw new Error('kafka mode needs KAFKA_BOOTSTRAP_SERVERS');
    this.kafka = options.config.kafka;
    this.tuning = { ...DEFAULT_CONSUMER_TUNING, ...options.tuning };
    this.retry = options.retry ?? SPEC_RETRY_POLICY;
  }

  /** Starts consuming in the background; sessions are retried with backoff until `stop`. */
  start(): void {
    this.loop ??= this.run();
  }

  /** True while a group member with an open stream is connected. */
  isReady(): boolean {
    const { consumer, stream } = this;
    return (
      !this.stopController.signal.aborted && !!consumer && !!stream && !stream.destroyed && consumer.isActive() && consumer.isConnected()
    );
  }

  /** Stops fetching, lets the batch in flight finish and commit, then leaves the group. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopController.abort();
      await this.loop;
    })();
    return this.stopping;
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    const signal = this.stopController.signal;
    for (let failures = 0; !signal.aborted;) {
      try {
        await this.session();
        failures = 0;
      } catch (err) {
        failures++;
        const delayMs = backoffDelayMs(this.retry, failures);
        log.error({ err, delayMs }, 'consumer session failed; resuming from committed offsets');
        await sleep(delayMs, signal);
      } finally {
        await this.closeSession();
      }
    }
  }

  /** One group membership: consume until stopped or the stream fails. */
  private async session(): Promise<void> {
    const { config, processor, log } = this.options;
    const signal = this.stopController.signal;
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...kafkaClientOptions(this.kafka, config.appId, this.retry),
      groupId: config.consumerGroup,
      sessionTimeout: this.tuning.sessionTimeoutMs,
      heartbeatInterval: this.tuning.heartbeatIntervalMs,
      rebalanceTimeout: this.tuning.sessionTimeoutMs,
      maxWaitTime: this.tuning.maxWaitMs,
      highWaterMark: this.tuning.highWaterMark,
    });
    this.consumer = consumer;
    const stream = await consumer.consume({
      topics: [...config.topics],
      autocommit: false,
      // A new group starts at the beginning, like the specification's `auto_offset_reset="earliest"`.
      mode: 'committed',
      fallbackMode: 'earliest',
    });
    this.stream = stream;
    // Keep the stream in pull mode for its whole life. @platformatic/kafka skips a fetch while
    // `readableFlowing` is null, which Node sets when readBatch removes its last 'readable'
    // listener between two batches; the skipped fetch never pushes, so Node never calls _read
    // again and the partition stalls after a message or two.
    stream.on('readable', () => {});
    let streamError: unknown;
    stream.on('error', (err) => {
      streamError = err;
    });
    consumer.on('consumer:lag', (lag) => this.reportLag(lag));
    consumer.startLagMonitoring({ topics: [...config.topics] }, this.tuning.lagIntervalMs);
    log.info({ group: config.consumerGroup, topics: config.topics }, 'consumer joined its group');

    while (!signal.aborted) {
      const batch = await readBatch(stream, this.tuning.maxBatch, signal);
      if (batch === null) break;
      const outcome = await processor.process(batch.map(toRawMessage));
      log.debug({ messages: batch.length, ...outcome }, 'batch processed');
      await commitPrefix(batch, outcome.completed, this.tuning.commitTimeoutMs);
      log.debug({ messages: outcome.completed }, 'batch committed');
      if (outcome.completed < batch.length) break;
    }
    if (streamError !== undefined && !signal.aborted) throw streamError;
  }

  private reportLag(lag: Map<string, bigint[]>): void {
    const rows: Array<{ topic: string; partition: number; lag: number }> = [];
    for (const [topic, partitions] of lag) {
      partitions.forEach((value, partition) => {
        if (value >= 0n) rows.push({ topic, partition, lag: Number(value) });
      });
    }
    this.options.metrics.setLag(rows);
  }

  private async closeSession(): Promise<void> {
    const { consumer, stream } = this;
    this.stream = undefined;
    this.consumer = undefined;
    if (!consumer) return;
    consumer.stopLagMonitoring();
    try {
      if (stream && !stream.destroyed) await stream.close();
    } catch (err) {
      this.options.log.warn({ err }, 'closing the message stream failed');
    }
    try {
      await consumer.close(true);
    } catch (err) {
      this.options.log.warn({ err }, 'closing the consumer failed');
    }
  }
}

/** Headers as a plain string map (values UTF-8 decoded). */
function headersOf(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of message.headers) headers[key.toString('utf8')] = value?.toString('utf8') ?? '';
  return headers;
}

export function toRawMessage(message: KafkaMessage): RawMessage {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key === undefined || message.key === null ? null : message.key.toString('utf8'),
    headers: headersOf(message),
    value: message.value ?? undefined,
    timestamp: new Date(Number(message.timestamp)),
  };
}

/** Commits, per partition, the offset after the last of the first `completed` messages. */
async function commitPrefix(batch: readonly KafkaMessage[], completed: number, timeoutMs: number): Promise<void> {
  const last = new Map<string, KafkaMessage>();
  for (const message of batch.slice(0, completed)) last.set(`${message.topic}:${message.partition}`, message);
  if (last.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TransientError(`offset commit did not complete within ${timeoutMs} ms`, { code: 'KAFKA_COMMIT_TIMEOUT' })),
      timeoutMs,
    );
  });
  try {
    await Promise.race([Promise.all([...last.values()].map((message) => message.commit())), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Up to `max` buffered messages, waiting for the next fetch when none is
 * buffered. Resolves null when the stream ends, fails or `signal` aborts.
 */
function readBatch(stream: Stream, max: number, signal: AbortSignal): Promise<KafkaMessage[] | null> {
  const take = () => {
    const batch: KafkaMessage[] = [];
    for (let message: KafkaMessage | null; batch.length < max && (message = stream.read() as KafkaMessage | null) !== null;) {
      batch.push(message);
    }
    return batch;
  };
  const first = take();
  if (first.length > 0) return Promise.resolve(first);
  if (signal.aborted || stream.destroyed || stream.readableEnded) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onReadable = () => {
      const batch = take();
      if (batch.length > 0) finish(batch);
    };
    const onEnd = () => finish(null);
    const finish = (result: KafkaMessage[] | null) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onEnd);
      signal.removeEventListener('abort', onEnd);
      resolve(result);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onEnd);
    signal.addEventListener('abort', onEnd, { once: true });
  });
}
