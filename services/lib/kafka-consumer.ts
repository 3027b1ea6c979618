/**
 * Direct Kafka consumption: a consumer group member that fetches batches,
 * hands them to the `MessageProcessor`, and commits each partition's offset
 * only after every message before it is handled or dead-lettered. Nothing is
 * committed automatically. When the stream or the group membership fails
 * (broker away, a failed rejoin, which the client reports as an `error`
 * event, a commit that does not land) the session is closed and, after a
 * capped backoff, a new one resumes from the committed offsets: messages are
 * redelivered, never skipped, so handlers must be idempotent. The process
 * never exits for it; `/readyz` is false until a new session has joined.
 *
 * Rebalances: records of partitions this member no longer owns are dropped
 * unhandled, records fetched again after a join are not handled twice, and
 * no commit names a partition the member lost (`PartitionTracker`).
 *
 * Batches are pipelined, with a fixed bound on what is in flight: while the
 * handler works on one batch, the stream fetches ahead (up to `highWaterMark`
 * records plus one fetch of at most `maxFetchBytes`), the next batch is read
 * and decoded, and the offsets of finished batches are committed. Handler
 * calls stay strictly one after the other, in partition order, unless the
 * handler allows several at once (`concurrentBatches`, for a handler that
 * needs no order); either way an offset is committed only after the handler
 * calls of its batch and of every batch read before it finished.
 */
import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import { classify } from './classify.js';
import type { ServiceConfig, KafkaConnectionConfig } from './config.js';
import type { DependencyHealth } from './dependency-health.js';
import { TransientError } from './errors.js';
import { loadKafkaClient } from './kafka-client.js';
import { toRawMessage } from './kafka-raw-message.js';
import { kafkaClientOptions } from './kafka-options.js';
import type { Logger } from './logger.js';
import { InFlightBatches } from './in-flight-batches.js';
import type { MessageProcessor } from './message-processor.js';
import type { ServiceMetrics } from './metrics.js';
import { PartitionTracker } from './partition-tracker.js';
import { backoffDelayMs, sleep, SPEC_RETRY_POLICY, type RetryPolicy } from './retry.js';

/** Knobs of the consumer; the defaults suit the platform's topics. */
export interface KafkaConsumerTuning {
  /**
   * Most messages handed to the processor at once. Two batches are in memory
   * at a time (one handled, the next decoded), so this bounds the decoded
   * events held as much as it sizes the handler's writes. @default 500
   */
  readonly maxBatch: number;
  /**
   * The one bound on bytes fetched and held: the most record bytes one fetch
   * asks for, in total and per partition (`fetch.max.bytes` and
   * `max.partition.fetch.bytes` in the Java client's terms), and the most
   * value bytes in one batch handed to the processor. The client's own
   * default (50 MiB per fetch) let a backlog put 50 MiB of records, and the
   * objects decoded from them, in memory at once: 540 MiB peak for the audit
   * service against 190 MiB at 1 MiB, at the same throughput. The broker
   * still returns a record batch larger than this when it is the next one.
   * @default 1 MiB
   */
  readonly maxFetchBytes: number;
  /** Longest the broker holds an empty fetch open, in ms. @default 500 */
  readonly maxWaitMs: number;
  /** Group session timeout, in ms. @default 30000 */
  readonly sessionTimeoutMs: number;
  /** Group heartbeat interval, in ms. @default 3000 */
  readonly heartbeatIntervalMs: number;
  /**
   * Records buffered ahead of the handler; fetching pauses above it. With
   * `maxFetchBytes` it bounds what is read ahead: at most this many records
   * plus one fetch. @default 1024
   */
  readonly highWaterMark: number;
  /** How often the lag gauge is refreshed, in ms. @default 10000 */
  readonly lagIntervalMs: number;
  /**
   * Handler calls running at once. More than one only suits a handler that
   * needs no order (its records are admitted when read, and a later batch may
   * finish first); offsets are still committed only up to the finished
   * prefix. @default the handler's `concurrentBatches`, else 1
   */
  readonly concurrentBatches?: number;
  /**
   * Longest wait for an offset commit, in ms. A commit that does not land by
   * then ends the session: the batch is redelivered instead of the consumer
   * waiting forever. @default 30000
   */
  readonly commitTimeoutMs: number;
  /**
   * Least time between two offset commits while a handler call is still
   * running (`InFlightBatches`): batches finishing meanwhile go out in one
   * commit; with none running a commit goes at once, so an idle consumer or
   * one with one call at a time commits as soon as a batch is done. Each
   * commit costs the broker a write to `__consumer_offsets` and the service
   * a request: the audit service committed 265 times for the bench's 150,000
   * events; with 200 ms, 36,251 / 37,441 / 38,298 events/s against 35,477 /
   * 33,532 / 36,495 (three rounds of `npm run bench:audit-rounds`). What a
   * crash leaves to redeliver grows by at most this much work, which the
   * handlers' idempotence absorbs as before. @default 200
   */
  readonly commitIntervalMs: number;
}

/** 1 MiB: see `KafkaConsumerTuning.maxFetchBytes`. */
export const MAX_FETCH_BYTES = 1_048_576;

export const DEFAULT_CONSUMER_TUNING: KafkaConsumerTuning = {
  maxBatch: 500,
  maxFetchBytes: MAX_FETCH_BYTES,
  maxWaitMs: 500,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  highWaterMark: 1024,
  lagIntervalMs: 10_000,
  commitTimeoutMs: 30_000,
  commitIntervalMs: 200,
};

/**
 * The fetch settings of a consumer with `tuning`, in @platformatic/kafka's
 * option names. The bench's bare consumer reads with these too, so both
 * fetch alike.
 */
export function consumerFetchOptions(tuning: KafkaConsumerTuning = DEFAULT_CONSUMER_TUNING): {
  maxBytes: number;
  maxBytesPerPartition: number;
  maxWaitTime: number;
  highWaterMark: number;
} {
  return {
    maxBytes: tuning.maxFetchBytes,
    maxBytesPerPartition: tuning.maxFetchBytes,
    maxWaitTime: tuning.maxWaitMs,
    highWaterMark: tuning.highWaterMark,
  };
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

export interface KafkaConsumerRunnerOptions {
  readonly config: ServiceConfig;
  readonly processor: MessageProcessor;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly retry?: RetryPolicy;
  readonly tuning?: Partial<KafkaConsumerTuning>;
  /** Where broker failures and recoveries are reported. @default none */
  readonly health?: DependencyHealth;
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
  /** Ownership and progress of the current session's partitions. */
  private readonly partitions = new PartitionTracker();
  /** Removes the current session's assignment listeners. */
  private detach: (() => void) | undefined;

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

  /** Whether this member owns a partition now (false between sessions). */
  owns(topic: string, partition: number | null): boolean {
    return this.partitions.owns(topic, partition);
  }

  private async run(): Promise<void> {
    const { log, health } = this.options;
    const signal = this.stopController.signal;
    for (let failures = 0; !signal.aborted;) {
      let failure: unknown;
      try {
        await this.session();
        failures = 0;
      } catch (err) {
        failure = err;
      } finally {
        await this.closeSession();
      }
      if (failure === undefined || signal.aborted) continue;
      failures++;
      // Backoff capped at the policy's longest wait: reconnects go on for as long as the broker is away.
      const delayMs = backoffDelayMs(this.retry, failures);
      const classified = classify(failure);
      if (classified.kind === 'dependency') health?.failed('kafka', failure);
      log.error({ err: failure, delayMs, failures }, 'consumer session failed; resuming from committed offsets');
      await sleep(delayMs, signal);
    }
  }

  /** One group membership: consume until stopped or the stream fails. */
  private async session(): Promise<void> {
    const { config, log } = this.options;
    const signal = this.stopController.signal;
    const { Consumer } = await loadKafkaClient();
    const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
      ...kafkaClientOptions(this.kafka, config.appId, this.retry),
      ...consumerFetchOptions(this.tuning),
      groupId: config.consumerGroup,
      sessionTimeout: this.tuning.sessionTimeoutMs,
      heartbeatInterval: this.tuning.heartbeatIntervalMs,
      rebalanceTimeout: this.tuning.sessionTimeoutMs,
    });
    this.consumer = consumer;
    let sessionError: unknown;
    // The client emits 'error' when a rejoin fails (coordinator failover, broker restart); without a
    // listener Node would throw it and end the process. End the session instead: it resumes from the
    // committed offsets after a backoff (`run`).
    consumer.on('error', (err: unknown) => {
      sessionError ??= err;
      log.warn({ err }, 'consumer group membership failed');
      this.stream?.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    const onAssignment = () => this.assignmentChanged(consumer);
    consumer.on('consumer:group:join', onAssignment);
    consumer.on('consumer:group:rebalance', onAssignment);
    consumer.on('consumer:group:leave', onAssignment);
    // Closing the session leaves the group; what it owned then no longer matters (the error listener stays).
    this.detach = () => {
      consumer.off('consumer:group:join', onAssignment);
      consumer.off('consumer:group:rebalance', onAssignment);
      consumer.off('consumer:group:leave', onAssignment);
    };
    // Joining can wait up to the rebalance timeout (the group waits for a crashed member's session to
    // expire); a shutdown meanwhile closes the consumer, which ends the join, instead of waiting it out.
    const abortJoin = () => void consumer.close(true).catch(() => {});
    signal.addEventListener('abort', abortJoin, { once: true });
    let stream: Stream;
    try {
      stream = await consumer.consume({
        topics: [...config.topics],
        autocommit: false,
        // A new group starts at the beginning, like the specification's `auto_offset_reset="earliest"`;
        // a fan-out replica's fresh group starts at the end (see ServiceConfig.startFrom).
        mode: 'committed',
        fallbackMode: config.startFrom,
      });
    } finally {
      signal.removeEventListener('abort', abortJoin);
    }
    this.stream = stream;
    if (signal.aborted) return;
    if (sessionError !== undefined) throw sessionError;
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
    log.info(
      { group: config.consumerGroup, topics: config.topics, partitions: this.partitions.ownedPartitions() },
      'consumer joined its group',
    );
    this.options.health?.recovered('kafka');

    await this.pipeline(stream, consumer, signal);
    if (!signal.aborted && (sessionError ?? streamError) !== undefined) throw sessionError ?? streamError;
  }

  /** Applies the member's current assignment (after a join, a rebalance or leaving). */
  private assignmentChanged(consumer: Consumer<Buffer, Buffer, Buffer, Buffer>): void {
    const change = this.partitions.assign(consumer.generationId, consumer.assignments);
    if (change.assigned.length > 0 || change.revoked.length > 0) {
      this.options.log.info(
        { generation: change.generation, assigned: change.assigned, revoked: change.revoked, kept: change.kept },
        'partition assignment changed',
      );
    }
  }

  /**
   * Reads, decodes, handles and commits batches until the stream ends or
   * stops early. While the handler works, the next batch is read and decoded;
   * up to `concurrentBatches` handler calls run at once (one unless the
   * handler allows more), and offsets are committed behind them, one commit
   * at a time, only up to the finished prefix (`InFlightBatches`), so an idle
   * partition is never left uncommitted. A batch that stops early (shutdown
   * during retries) ends the pipeline: the batch read behind it is dropped
   * unhandled and redelivered.
   *
   * Which records of a batch are handled is decided only when its turn comes
   * (with one call at a time: after the previous batch's handler call),
   * because a rebalance during that call changes what this member owns: see
   * `PartitionTracker.admit`.
   */
  private async pipeline(stream: Stream, consumer: Consumer<Buffer, Buffer, Buffer, Buffer>, signal: AbortSignal): Promise<void> {
    const { processor, log } = this.options;
    const { maxBatch, maxFetchBytes, commitTimeoutMs, commitIntervalMs } = this.tuning;
    const owns = (topic: string, partition: number | null) => this.partitions.owns(topic, partition);
    const window = new InFlightBatches(
      this.tuning.concurrentBatches ?? processor.concurrentBatches,
      (targets, abandoned) => this.commit(consumer, targets, abandoned, commitTimeoutMs),
      {
        processed: ({ messages, outcome: { completed, succeeded, deadLettered, abandoned } }) =>
          log.debug({ messages, completed, succeeded, deadLettered, abandoned: abandoned.size }, 'batch processed'),
        committed: ({ batches, messages }) => log.debug({ batches, messages }, 'batch committed'),
      },
      commitIntervalMs,
    );
    try {
      while (!signal.aborted) {
        const batch = await readBatch(stream, maxBatch, maxFetchBytes, signal);
        if (batch === null) break;
        // Decoded while earlier batches are handled; redone below in the rare case a rebalance removes records.
        let prepared = processor.prepare(batch.map(toRawMessage));
        if (!(await window.slot())) break;
        const { admitted, dropped } = this.partitions.admit(batch);
        if (admitted.length < batch.length) {
          log.info({ ...dropped, admitted: admitted.length }, 'records dropped after a rebalance: revoked, stale or already handled');
          if (admitted.length === 0) continue;
          prepared = processor.prepare(admitted.map(toRawMessage));
        }
        window.add(admitted, processor.handle(prepared, { owns }));
      }
      await window.drain();
    } finally {
      // A failure above leaves work in flight: let it settle before the session closes the stream.
      await window.settle();
    }
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

  /**
   * Commits the offset after each of `targets`, except for partitions this
   * member no longer owns or gave up (`abandoned`); fails with a retryable
   * error after `timeoutMs`. Commits go straight to the group coordinator
   * (`Consumer#commit`), not through the stream's queue, which keeps a failed
   * commit and flushes it again after the next join, whatever was revoked.
   */
  private async commit(
    consumer: Consumer<Buffer, Buffer, Buffer, Buffer>,
    targets: readonly KafkaMessage[],
    abandoned: ReadonlySet<string>,
    timeoutMs: number,
  ): Promise<void> {
    const offsets = this.partitions.commitOffsets(targets, abandoned);
    if (offsets.length === 0) return;
    let succeeded = false;
    try {
      await withTimeout(consumer.commit({ offsets }), timeoutMs);
      succeeded = true;
    } finally {
      this.partitions.settled(offsets, succeeded);
    }
  }

  private async closeSession(): Promise<void> {
    const { consumer, stream } = this;
    this.stream = undefined;
    this.consumer = undefined;
    this.detach?.();
    this.detach = undefined;
    this.partitions.reset();
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

/** `commit`, or a retryable `KAFKA_COMMIT_TIMEOUT` after `timeoutMs`. */
async function withTimeout(commit: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TransientError(`offset commit did not complete within ${timeoutMs} ms`, {
            code: 'KAFKA_COMMIT_TIMEOUT',
            dependency: 'kafka',
          }),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([commit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Up to `max` buffered messages, stopping after the one that brings their
 * values to `maxBytes` (so a batch always holds at least one), waiting for the next fetch when none is buffered.
 * Resolves null when the stream ends, fails or `signal` aborts.
 */
function readBatch(stream: Stream, max: number, maxBytes: number, signal: AbortSignal): Promise<KafkaMessage[] | null> {
  const take = () => {
    const batch: KafkaMessage[] = [];
    let bytes = 0;
    for (
      let message: KafkaMessage | null;
      batch.length < max && bytes < maxBytes && (message = stream.read() as KafkaMessage | null) !== null;
    ) {
      batch.push(message);
      bytes += message.value?.length ?? 0;
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
