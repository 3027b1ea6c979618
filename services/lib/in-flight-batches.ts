/**
 * The batches a consumer has handed to its handler and not yet committed, in
 * the order they were read, and the commits that follow them: the part of
 * the consumer runner that decides what may be committed when.
 *
 * Up to `concurrency` handler calls run at once. Whatever order they finish
 * in, offsets are committed only up to the finished prefix (every batch read
 * before is finished too), so an offset is never committed past a record
 * still being handled. One commit is in flight at a time; batches that
 * finish meanwhile wait behind it and go out together in the next commit,
 * one offset per partition (the newest), which is what the broker keeps
 * anyway. Under load the commits are paced (`commitIntervalMs`): while a
 * handler call is still running, a commit waits until that long after the
 * previous one, so the batches finishing meanwhile go out together; once
 * none is running (an idle consumer, a shutdown) it goes at once. A batch
 * that stops early (shutdown) is committed up to its completed prefix and
 * ends the window: nothing read after it is committed.
 * A failed handler call or commit ends it too, and is thrown from `slot` and
 * `drain`; what was not committed is redelivered.
 */
import type { Message } from '@platformatic/kafka';
import type { BatchOutcome } from './message-processor.js';
import { partitionKeyOf } from './message-processor.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Commits the offset after each of `targets`, skipping the partitions in `abandoned`. */
export type CommitFunction = (targets: readonly KafkaMessage[], abandoned: ReadonlySet<string>) => Promise<void>;

/** What the window reports of each batch and commit (the runner logs it at debug level). */
export interface InFlightBatchEvents {
  processed?(batch: { readonly messages: number; readonly outcome: BatchOutcome }): void;
  committed?(commit: { readonly batches: number; readonly messages: number }): void;
}

interface Entry {
  /** Until its handler call finished; then only the (at most one per partition) messages to commit. */
  messages: readonly KafkaMessage[];
  outcome?: BatchOutcome;
  /** Its handler call finished before the end of the batch (shutdown). */
  stopped?: boolean;
}

export class InFlightBatches {
  /** Read order; the head is the oldest batch not yet committed. */
  private readonly queue: Entry[] = [];
  private handlingCount = 0;
  private committing: Promise<void> | undefined;
  /** Set by the first failed handler call or commit. */
  private failure: { readonly error: unknown } | undefined;
  /** Set once a batch stopped early: no more batches are taken. */
  private halted = false;
  /** Set once the commits reached that batch: nothing after it is committed. */
  private sealed = false;
  /** When the last commit started (`performance.now()`), for the pacing. */
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  /** The paced commit waiting for its time. */
  private pacedCommit: NodeJS.Timeout | undefined;
  /** Woken whenever a handler call or a commit settles. */
  private wake: (() => void) | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly concurrency: number,
    private readonly commit: CommitFunction,
    private readonly events: InFlightBatchEvents = {},
    /** Least time between two commits while a handler call runs, in ms (see the module comment). @default 0 */
    private readonly commitIntervalMs = 0,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency: ${concurrency} is not allowed; use 1 or more`);
  }

  /** Handler calls running now. */
  get handling(): number {
    return this.handlingCount;
  }

  /**
   * Waits until another batch may be handed to the handler: fewer than
   * `concurrency` are being handled, and no more than `concurrency` finished
   * ones wait behind the commit in flight (which bounds what a slow commit
   * leaves to be redelivered). Throws the first failure. Resolves false when
   * the window is closed (a batch stopped early).
   */
  async slot(): Promise<boolean> {
    for (;;) {
      this.throwFailure();
      if (this.halted) return false;
      const waitingForCommit = this.committing ? this.finishedAhead() : 0;
      if (this.handlingCount < this.concurrency && waitingForCommit < this.concurrency) return true;
      await this.nextChange();
    }
  }

  /** Hands on a batch whose handler call is `outcome`; `messages` are its admitted records, in order. */
  add(messages: readonly KafkaMessage[], outcome: Promise<BatchOutcome>): void {
    const entry: Entry = { messages };
    this.queue.push(entry);
    this.handlingCount++;
    this.track(
      outcome.then(
        (result) => {
          entry.stopped = result.completed < messages.length;
          if (entry.stopped) this.halted = true;
          entry.outcome = result;
          entry.messages = commitTargets(entry.messages, result.completed);
          this.events.processed?.({ messages: messages.length, outcome: result });
        },
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
      () => {
        this.handlingCount--;
        this.pump();
      },
    );
  }

  /** Waits for every handler call and the commits of what finished; throws the first failure. */
  async drain(): Promise<void> {
    for (;;) {
      this.throwFailure();
      if (this.handlingCount === 0 && this.committing === undefined && (this.sealed || this.finishedAhead() === 0)) return;
      await this.nextChange();
    }
  }

  /** Waits until nothing is in flight any more, failed or not (before the session closes the stream). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Starts a commit of the finished prefix, unless one is in flight or there is nothing to commit. */
  private pump(): void {
    if (this.committing || this.failure !== undefined) return;
    if (this.pacedCommit) {
      if (this.handlingCount > 0) return;
      // Nothing left running: what waited goes now.
      clearTimeout(this.pacedCommit);
      this.pacedCommit = undefined;
    }
    const wait = this.lastCommitAt + this.commitIntervalMs - performance.now();
    if (wait > 0 && this.handlingCount > 0 && this.queue[0]?.outcome !== undefined) {
      this.pacedCommit = setTimeout(() => {
        this.pacedCommit = undefined;
        this.pump();
      }, wait);
      // A consumer that is closing does not wait for it: the last handler call to finish commits at once.
      this.pacedCommit.unref();
      return;
    }
    const last = new Map<string, KafkaMessage>();
    const abandoned = new Set<string>();
    let batches = 0;
    let messages = 0;
    while (!this.sealed && this.queue[0]?.outcome !== undefined) {
      const { messages: targets, outcome, stopped } = this.queue.shift()! as Required<Entry>;
      batches++;
      messages += outcome.completed;
      for (const message of targets) last.set(partitionKeyOf(message.topic, message.partition), message);
      for (const key of outcome.abandoned) abandoned.add(key);
      if (stopped) this.sealed = true;
    }
    if (batches === 0) return;
    this.lastCommitAt = performance.now();
    this.committing = this.commit([...last.values()], abandoned);
    this.track(
      this.committing.then(
        () => this.events.committed?.({ batches, messages }),
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
      () => {
        this.committing = undefined;
        this.pump();
      },
    );
  }

  /** Finished batches at the head of the queue, ready for the next commit. */
  private finishedAhead(): number {
    let count = 0;
    while (count < this.queue.length && this.queue[count]!.outcome !== undefined) count++;
    return count;
  }

  private track(work: Promise<void>, after: () => void): void {
    const settled = work.finally(() => {
      this.pending.delete(settled);
      after();
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    });
    this.pending.add(settled);
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}

/** Per partition, the last of the first `completed` messages: committing it commits everything before it. */
function commitTargets(batch: readonly KafkaMessage[], completed: number): KafkaMessage[] {
  // From the end, with a linear search of the few partitions seen so far: no key string per message.
  const targets: KafkaMessage[] = [];
  for (let i = completed - 1; i >= 0; i--) {
    const message = batch[i]!;
    let seen = false;
    for (let t = 0; t < targets.length && !seen; t++)
      seen = targets[t]!.partition === message.partition && targets[t]!.topic === message.topic;
    if (!seen) targets.push(message);
  }
  return targets.reverse();
}
