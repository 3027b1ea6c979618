/**
 * Handles the messages of one fetched batch (Kafka mode): decode and validate
 * each, hand the valid ones to the handler (as a batch when it can), and
 * decide each failure by its kind (`classify`):
 *
 * - a message failure follows the specification: 3 attempts with exponential
 *   backoff (at once when `canRetry` is false), then a dead letter;
 * - a dependency failure never dead-letters: the same call is retried with
 *   backoff capped at `retry.maxDelayMs` for as long as it takes, the
 *   dependency is reported failing (readiness, the dependency gauge), and no
 *   later message is taken meanwhile, so nothing is committed past it.
 *
 * It never skips a message silently: each one ends as `success` or
 * `dead_letter`, or the batch stops early (shutdown) and the caller commits
 * only the completed prefix, or its partition is given up because a
 * rebalance moved it to another member while a dependency was down
 * (`abandoned`: never committed here, the new owner handles it).
 */
import { classify } from './classify.js';
import { ServiceError } from './errors.js';
import { parseEvent } from './event-validation.js';
import type { EventKind } from './events.js';
import { eventKindOfTopic } from './event-topics.js';
import { deadLetterEnvelope, type DeadLetterEnvelope, type RawMessage } from './dead-letter.js';
import type { DependencyHealth } from './dependency-health.js';
import type { AnyEventHandler, EventContext, ReceivedEvent } from './handler.js';
import type { Logger } from './logger.js';
import type { ServiceMetrics } from './metrics.js';
import { backoffDelayMs, sleep, type RetryPolicy } from './retry.js';

/** Thrown out of a handler call when shutdown cut its retries short; the message stays uncommitted. */
export class ShutdownInterruptedError extends ServiceError {
  constructor(cause: unknown) {
    super('SHUTDOWN_INTERRUPTED', 'shutdown began while the message was being retried', true, { cause }, 'dependency');
  }
}

export interface MessageProcessorOptions {
  /** App id written into dead letters and the `service` label. */
  readonly service: string;
  readonly handler: AnyEventHandler;
  /** Attempts and backoff of message failures; its `maxDelayMs` also caps the waits between dependency retries. */
  readonly retry: RetryPolicy;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  /** Aborted at shutdown: retry waits end and the batch stops after the call in flight. */
  readonly signal: AbortSignal;
  /** Writes dead letters durably; must throw when it could not. */
  readonly deadLetter: (letters: readonly DeadLetterEnvelope[]) => Promise<void>;
  /** Event type of a topic. @default `eventKindOfTopic` */
  readonly eventKindOf?: (topic: string) => EventKind;
  /** Where dependency failures and recoveries are reported. @default none */
  readonly health?: DependencyHealth;
}

/** Per-call options of `MessageProcessor.handle`. */
export interface HandleOptions {
  /**
   * Whether this member still owns a message's partition. Asked before each
   * retry of a dependency failure and before each message handled one by one,
   * so a batch held through a long outage is given up for the partitions a
   * rebalance moved away. @default always
   */
  readonly owns?: (topic: string, partition: number | null) => boolean;
}

/** How far a batch got. */
export interface BatchOutcome {
  /** Messages at the front of the batch that are finished (handled, dead-lettered or abandoned): commit up to here. */
  readonly completed: number;
  readonly succeeded: number;
  readonly deadLettered: number;
  /**
   * `topic:partition` keys whose messages were given up because the partition
   * was moved to another member: nothing of this batch may be committed for them.
   */
  readonly abandoned: ReadonlySet<string>;
}

/**
 * One message of a batch, from `prepare` until the batch is finished. Every
 * field is there from the start (`newItem`): an item lives as long as its
 * batch, so one that gained a field later would carry a second, out-of-object
 * block of properties and V8 would copy both into the old generation.
 */
interface Item {
  readonly message: RawMessage;
  /** The valid event, or what the handler keeps of it (`EventHandler.keep`). */
  event: unknown;
  done: boolean;
  /** Set when the message was given up on. */
  letter: DeadLetterEnvelope | undefined;
  /** Why it was given up on. */
  error: unknown;
  /** Set when its partition was moved away before it was handled. */
  abandoned: boolean;
}

function newItem(message: RawMessage): Item {
  return { message, event: undefined, done: false, letter: undefined, error: undefined, abandoned: false };
}

const PREPARED = Symbol('prepared');

/** A batch decoded and validated by `MessageProcessor.prepare`, for its `handle`. Opaque. */
export interface PreparedBatch {
  readonly [PREPARED]: { readonly items: Item[]; readonly valid: Item[] };
}

/** What trying one handler call came to. */
type Attempted =
  | { readonly outcome: 'done' }
  | { readonly outcome: 'abandoned' }
  | { readonly outcome: 'failed'; readonly error: unknown; readonly attempts: number };

/** `topic:partition`, the key of a partition. */
export function partitionKeyOf(topic: string, partition: number | null): string {
  return `${topic}:${partition}`;
}

const ALWAYS_OWNED = () => true;

export class MessageProcessor {
  private readonly kindOf: (topic: string) => EventKind;
  /** Dependencies this processor reported failing; a successful call clears them. */
  private readonly failingDependencies = new Set<string>();

  constructor(private readonly options: MessageProcessorOptions) {
    this.kindOf = options.eventKindOf ?? eventKindOfTopic;
  }

  /** Handler calls the handler takes at once (`EventHandler.concurrentBatches`). */
  get concurrentBatches(): number {
    return this.options.handler.concurrentBatches ?? 1;
  }

  /** Processes `messages` in order; writes their dead letters before resolving. */
  process(messages: readonly RawMessage[], options: HandleOptions = {}): Promise<BatchOutcome> {
    return this.handle(this.prepare(messages), options);
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
    const { handler } = this.options;
    const keep = handler.keep?.bind(handler);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      const item = newItem(message);
      items[i] = item;
      try {
        const event = parseEvent(message.topic, message.value, this.kindOf(message.topic));
        item.event = keep ? keep(event, message.value) : event;
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
  async handle(prepared: PreparedBatch, options: HandleOptions = {}): Promise<BatchOutcome> {
    const { items, valid } = prepared[PREPARED];
    const owns = options.owns ?? ALWAYS_OWNED;
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
    try {
      if (handleBatch && valid.length > 1) {
        const attempted = await this.attempt(valid, (received) => handleBatch(received), true, owns);
        if (attempted.outcome === 'failed') {
          this.options.log.warn({ err: attempted.error, messages: valid.length }, 'batch failed; handling its events one by one');
        } else {
          for (const item of valid) item.done = true;
          succeeded += valid.filter((item) => !item.abandoned).length;
          batchDone = true;
        }
      }
      if (!batchDone) {
        for (const item of valid) {
          if (item.done) continue;
          if (!owns(item.message.topic, item.message.partition)) {
            this.abandon(item);
            continue;
          }
          const attempted = await this.attempt(
            [item],
            (received) => (handleBatch ? handleBatch(received) : this.options.handler.handle(received[0]!.event, received[0]!.context)),
            false,
            owns,
          );
          if (attempted.outcome === 'done') {
            item.done = true;
            succeeded++;
          } else if (attempted.outcome === 'failed') {
            giveUp(item, attempted.error, attempted.attempts);
          }
        }
      }
    } catch (error) {
      if (!(error instanceof ShutdownInterruptedError)) throw error;
    }
    return this.finish(items, succeeded);
  }

  private abandon(item: Item): void {
    item.done = true;
    item.abandoned = true;
  }

  private logDeadLetter(item: Item, attempts: number): void {
    const { topic, partition, offset } = item.message;
    this.options.log.warn({ err: item.error, topic, partition, offset, attempts }, 'message dead-lettered');
  }

  /**
   * Calls `call` until it succeeds, retrying dependency failures for ever and
   * message failures per the policy (a batch call returns at its first message
   * failure, to be split). Counts retries and successes; throws
   * `ShutdownInterruptedError` when shutdown ends a wait.
   */
  private async attempt(
    items: readonly Item[],
    call: (received: readonly ReceivedEvent<unknown>[]) => Promise<void>,
    batch: boolean,
    owns: NonNullable<HandleOptions['owns']>,
  ): Promise<Attempted> {
    const { metrics, log, retry: policy, health } = this.options;
    let current = items;
    let messageAttempts = 0;
    let dependencyFailures = 0;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        await call(current.map((item) => ({ event: item.event, context: this.context(item.message, attempt) })));
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'dependency') {
          dependencyFailures++;
          const dependency = failure.dependency ?? 'unknown';
          this.failingDependencies.add(dependency);
          health?.failed(dependency, error);
          for (const [topic, count] of countByTopic(current)) metrics.processed(topic, 'retry', count);
          const delayMs = backoffDelayMs(policy, dependencyFailures);
          log.warn(
            { err: error, dependency, attempt, delayMs, messages: current.length },
            'a dependency failed; holding the messages and retrying',
          );
          await this.wait(delayMs, error);
          // A rebalance during the outage may have moved partitions away: their new owner handles them.
          const kept = current.filter((item) => owns(item.message.topic, item.message.partition));
          if (kept.length < current.length) {
            for (const item of current) if (!kept.includes(item)) this.abandon(item);
            log.info(
              { abandoned: current.length - kept.length, kept: kept.length },
              'partitions moved away while held; giving up their messages',
            );
            if (kept.length === 0) return { outcome: 'abandoned' };
            current = kept;
          }
          continue;
        }
        messageAttempts++;
        if (batch || !failure.canRetry || messageAttempts >= policy.attempts)
          return { outcome: 'failed', error, attempts: messageAttempts };
        for (const [topic, count] of countByTopic(current)) metrics.processed(topic, 'retry', count);
        const delayMs = backoffDelayMs(policy, messageAttempts);
        log.warn({ err: error, attempt, delayMs, messages: current.length }, 'handling failed; retrying');
        await this.wait(delayMs, error);
        continue;
      }
      const seconds = (performance.now() - started) / 1000;
      for (const [topic, count] of countByTopic(current)) {
        metrics.observeHandling(topic, seconds, count);
        metrics.processed(topic, 'success', count);
      }
      if (this.failingDependencies.size > 0) {
        for (const dependency of this.failingDependencies) health?.recovered(dependency);
        this.failingDependencies.clear();
      }
      return { outcome: 'done' };
    }
  }

  /** Waits `delayMs` before another attempt; at shutdown, ends the batch instead. */
  private async wait(delayMs: number, error: unknown): Promise<void> {
    const { signal } = this.options;
    if (!signal.aborted) await sleep(delayMs, signal);
    if (signal.aborted) throw new ShutdownInterruptedError(error);
  }

  private context(message: RawMessage, attempt: number): EventContext {
    return messageContext(message, attempt, this.options.signal);
  }

  /**
   * Writes the dead letters inside the completed prefix (the rest are
   * redelivered and judged again; those of abandoned partitions are their new
   * owner's). A dependency failure of the write is retried like any other;
   * at shutdown, or when the write fails for a message reason, it throws and
   * the batch is not committed.
   */
  private async finish(items: readonly Item[], succeeded: number): Promise<BatchOutcome> {
    let completed = 0;
    while (completed < items.length && items[completed]!.done) completed++;
    const abandoned = new Set<string>();
    for (const item of items) if (item.abandoned) abandoned.add(partitionKeyOf(item.message.topic, item.message.partition));
    const toWrite = items
      .slice(0, completed)
      .flatMap((item) => (item.letter && !abandoned.has(partitionKeyOf(item.message.topic, item.message.partition)) ? [item.letter] : []));
    if (toWrite.length > 0) await this.writeDeadLetters(toWrite);
    return { completed, succeeded, deadLettered: toWrite.length, abandoned };
  }

  private async writeDeadLetters(letters: readonly DeadLetterEnvelope[]): Promise<void> {
    const { metrics, log, retry: policy, health, signal } = this.options;
    for (let failures = 1; ; failures++) {
      try {
        await this.options.deadLetter(letters);
        break;
      } catch (error) {
        const failure = classify(error);
        if (failure.kind !== 'dependency' || signal.aborted) {
          for (const letter of letters) metrics.processed(letter.source.topic, 'error');
          throw error;
        }
        const dependency = failure.dependency ?? 'unknown';
        this.failingDependencies.add(dependency);
        health?.failed(dependency, error);
        const delayMs = backoffDelayMs(policy, failures);
        log.warn({ err: error, dependency, letters: letters.length, delayMs }, 'writing dead letters failed; retrying');
        await sleep(delayMs, signal);
      }
    }
    if (this.failingDependencies.size > 0) {
      for (const dependency of this.failingDependencies) health?.recovered(dependency);
      this.failingDependencies.clear();
    }
    for (const letter of letters) metrics.processed(letter.source.topic, 'dead_letter');
  }
}

/**
 * The `EventContext` of one message: a view of it, so its key and headers
 * are decoded only if the handler reads them (see kafka-raw-message.ts).
 * Made by `messageContext` as an object literal with this prototype, so V8
 * can allocate the contexts of a batch that waits for its write straight into
 * the old generation (allocation-site pretenuring, which `new` does not get;
 * see kafka-raw-message.ts).
 */
class MessageContext implements EventContext {
  declare readonly message: RawMessage;
  declare readonly attempt: number;
  declare readonly signal: AbortSignal;

  get topic(): string {
    return this.message.topic;
  }

  get partition(): number | null {
    return this.message.partition;
  }

  get offset(): bigint | null {
    return this.message.offset;
  }

  get key(): string | null {
    return this.message.key;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.message.headers;
  }

  get value(): Buffer | undefined {
    return this.message.value;
  }
}

function messageContext(message: RawMessage, attempt: number, signal: AbortSignal): EventContext {
  return { __proto__: MessageContext.prototype, message, attempt, signal } as unknown as MessageContext;
}

function countByTopic(items: readonly Item[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.message.topic, (counts.get(item.message.topic) ?? 0) + 1);
  return counts;
}
