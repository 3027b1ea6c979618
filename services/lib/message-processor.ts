/**
 * Handles the messages of one fetched batch (Kafka mode): decode and validate
 * each, hand the valid ones to the handler (as a batch when it can), retry
 * retryable failures per the policy, and collect a dead letter for every
 * message given up on. It never skips a message silently: each one ends as
 * `success` or `dead_letter`, or the batch stops early at shutdown and the
 * caller commits only the completed prefix.
 */
import { canRetry, ServiceError } from './errors.js';
import { parseEvent } from './event-validation.js';
import type { AnyEvent, EventKind } from './events.js';
import { eventKindOfTopic } from './event-topics.js';
import { deadLetterEnvelope, type DeadLetterEnvelope, type RawMessage } from './dead-letter.js';
import type { EventContext, EventHandler, ReceivedEvent } from './handler.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { retry, type RetryPolicy } from './retry.js';

/** Thrown out of a handler call when shutdown cut its retries short; the message stays uncommitted. */
export class ShutdownInterruptedError extends ServiceError {
  constructor(cause: unknown) {
    super('SHUTDOWN_INTERRUPTED', 'shutdown began while the message was being retried', true, { cause });
  }
}

export interface MessageProcessorOptions {
  /** App id written into dead letters and the `service` label. */
  readonly service: string;
  readonly handler: EventHandler;
  readonly retry: RetryPolicy;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  /** Aborted at shutdown: retry waits end and the batch stops after the call in flight. */
  readonly signal: AbortSignal;
  /** Writes dead letters durably; must throw when it could not. */
  readonly deadLetter: (letters: readonly DeadLetterEnvelope[]) => Promise<void>;
  /** Event type of a topic. @default `eventKindOfTopic` */
  readonly eventKindOf?: (topic: string) => EventKind;
}

/** How far a batch got. */
export interface BatchOutcome {
  /** Messages at the front of the batch that are finished (handled or dead-lettered): commit up to here. */
  readonly completed: number;
  readonly succeeded: number;
  readonly deadLettered: number;
}

interface Item {
  readonly message: RawMessage;
  event?: AnyEvent;
  done: boolean;
  /** Set when the message was given up on. */
  letter?: DeadLetterEnvelope;
  /** Why it was given up on. */
  error?: unknown;
}

const PREPARED = Symbol('prepared');

/** A batch decoded and validated by `MessageProcessor.prepare`, for its `handle`. Opaque. */
export interface PreparedBatch {
  readonly [PREPARED]: { readonly items: Item[]; readonly valid: Item[] };
}

export class MessageProcessor {
  private readonly kindOf: (topic: string) => EventKind;

  constructor(private readonly options: MessageProcessorOptions) {
    this.kindOf = options.eventKindOf ?? eventKindOfTopic;
  }

  /** Processes `messages` in order; writes their dead letters before resolving. */
  process(messages: readonly RawMessage[]): Promise<BatchOutcome> {
    return this.handle(this.prepare(messages));
  }

  /**
   * Decodes and validates `messages` (CPU only: nothing is handled, logged,
   * counted or written yet), so the consumer can prepare the next batch while
   * the handler still works on this one. A prepared batch that is never
   * handled has had no effect.
   */
  prepare(messages: readonly RawMessage[]): PreparedBatch {
    const items: Item[] = new Array(messages.length);
    const valid: Item[] = [];
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      const item: Item = { message, done: false };
      items[i] = item;
      try {
        item.event = parseEvent(message.topic, message.value, this.kindOf(message.topic));
        valid.push(item);
      } catch (error) {
        item.done = true;
        item.letter = deadLetterEnvelope(message, error, this.options.service, 0);
        item.error = error;
      }
    }
    return { [PREPARED]: { items, valid } };
  }

  /** Handles a batch from `prepare`, in order; writes its dead letters before resolving. */
  async handle(prepared: PreparedBatch): Promise<BatchOutcome> {
    const { items, valid } = prepared[PREPARED];
    let succeeded = 0;
    for (const item of items) if (item.letter) this.logDeadLetter(item, 0);

    const giveUp = (item: Item, error: unknown, attempts: number) => {
      item.done = true;
      item.letter = deadLetterEnvelope(item.message, error, this.options.service, attempts);
      item.error = error;
      this.logDeadLetter(item, attempts);
    };

    const handleBatch = this.options.handler.handleBatch?.bind(this.options.handler);
    let batchDone = false;
    if (handleBatch && valid.length > 1) {
      try {
        await this.attempt(valid, (received) => handleBatch(received));
        for (const item of valid) item.done = true;
        succeeded += valid.length;
        batchDone = true;
      } catch (error) {
        if (error instanceof ShutdownInterruptedError) return this.finish(items, succeeded);
        this.options.log.warn({ err: error, messages: valid.length }, 'batch failed; handling its events one by one');
      }
    }
    if (!batchDone) {
      for (const item of valid) {
        try {
          await this.attempt([item], (received) =>
            handleBatch ? handleBatch(received) : this.options.handler.handle(received[0]!.event, received[0]!.context),
          );
          item.done = true;
          succeeded++;
        } catch (error) {
          if (error instanceof ShutdownInterruptedError) break;
          giveUp(item, error, (error as { attempts?: number }).attempts ?? this.options.retry.attempts);
        }
      }
    }
    return this.finish(items, succeeded);
  }

  private logDeadLetter(item: Item, attempts: number): void {
    const { topic, partition, offset } = item.message;
    this.options.log.warn({ err: item.error, topic, partition, offset, attempts }, 'message dead-lettered');
  }

  /** Calls `call` with retries; counts retries and success; rethrows the final error with `attempts`. */
  private async attempt(items: readonly Item[], call: (received: readonly ReceivedEvent[]) => Promise<void>): Promise<void> {
    const { metrics, signal } = this.options;
    const topicCounts = countByTopic(items);
    let attempts = 0;
    try {
      await retry(
        this.options.retry,
        async (attempt) => {
          attempts = attempt;
          const started = performance.now();
          await call(items.map((item) => ({ event: item.event!, context: this.context(item.message, attempt) })));
          const seconds = (performance.now() - started) / 1000;
          for (const [topic, count] of topicCounts) {
            metrics.observeHandling(topic, seconds, count);
            metrics.processed(topic, 'success', count);
          }
        },
        {
          signal,
          onRetry: ({ error, attempt, delayMs }) => {
            for (const [topic, count] of topicCounts) metrics.processed(topic, 'retry', count);
            this.options.log.warn({ err: error, attempt, delayMs, messages: items.length }, 'handling failed; retrying');
          },
        },
      );
    } catch (error) {
      if (signal.aborted && canRetry(error)) throw new ShutdownInterruptedError(error);
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { attempts });
    }
  }

  private context(message: RawMessage, attempt: number): EventContext {
    return {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      headers: message.headers,
      value: message.value,
      attempt,
      signal: this.options.signal,
    };
  }

  private async finish(items: readonly Item[], succeeded: number): Promise<BatchOutcome> {
    let completed = 0;
    while (completed < items.length && items[completed]!.done) completed++;
    // Only dead letters inside the committed prefix are written; the rest are redelivered and judged again.
    const toWrite = items.slice(0, completed).flatMap((item) => (item.letter ? [item.letter] : []));
    if (toWrite.length > 0) {
      try {
        await this.options.deadLetter(toWrite);
      } catch (error) {
        for (const letter of toWrite) this.options.metrics.processed(letter.source.topic, 'error');
        throw error;
      }
      for (const letter of toWrite) this.options.metrics.processed(letter.source.topic, 'dead_letter');
    }
    return { completed, succeeded, deadLettered: toWrite.length };
  }
}

function countByTopic(items: readonly Item[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.message.topic, (counts.get(item.message.topic) ?? 0) + 1);
  return counts;
}
