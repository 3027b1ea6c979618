/**
 * The loop that turns due rows of `reminder_schedule` into `reminders`
 * events. Each round claims a batch (`FOR UPDATE SKIP LOCKED`), publishes it
 * in one request, and marks it sent in the same transaction: a crash between
 * publish and commit leaves the rows pending, and the next round publishes
 * them again with the same `event_id`s, which the notification service
 * deduplicates. A reminder reached only after its task was due is marked
 * `expired` instead of being sent.
 *
 * The same loop keeps the tables bounded: at most once per `pruneIntervalMs`
 * it deletes settled reminders, task positions and handled completions older
 * than `retentionMs` (`pruneRecurringState`).
 */
import type { Pool } from 'pg';
import type { ReminderEvent } from '../lib/events.js';
import type { Logger } from '../lib/logger.js';
import { sleep } from '../lib/retry.js';
import {
  claimDueReminders,
  markReminders,
  pruneRecurringState,
  reminderEvent,
  type DueReminder,
  type PruneResult,
} from './reminder-store.js';
import { withTransaction } from './transaction.js';

/** Options of the scheduler; defaults in `SCHEDULER_DEFAULTS`. */
export interface ReminderSchedulerOptions {
  /** Pause between rounds that found less than a full batch, in ms. @default 1000 */
  readonly pollIntervalMs: number;
  /** Most reminders claimed and published per round. @default 100 */
  readonly batchSize: number;
  /** Pause after a failed round, in ms. @default 5000 */
  readonly errorBackoffMs: number;
  /**
   * Age after which settled state is deleted, in ms. It must exceed the
   * longest an event can come back: the retention of `task-events` (7 days)
   * plus that of the dead-letter topic it can be replayed from (14 days).
   * @default 30 days
   */
  readonly retentionMs: number;
  /** Time between two prunings, in ms. @default 1 hour */
  readonly pruneIntervalMs: number;
}

const DAY_MS = 86_400_000;

export const SCHEDULER_DEFAULTS: ReminderSchedulerOptions = {
  pollIntervalMs: 1000,
  batchSize: 100,
  errorBackoffMs: 5000,
  retentionMs: 30 * DAY_MS,
  pruneIntervalMs: 3_600_000,
};

/** What one round did. */
export interface RoundResult {
  readonly sent: number;
  readonly expired: number;
}

/** Where the scheduler reports what it did (metrics). */
export interface SchedulerObserver {
  sent?(count: number): void;
  expired?(count: number): void;
  failed?(error: unknown): void;
  /** Called after every round with whether it succeeded (database and broker answered). */
  roundFinished?(ok: boolean): void;
  /** Called after each pruning with what it deleted. */
  pruned?(result: PruneResult): void;
}

export class ReminderScheduler {
  private readonly options: ReminderSchedulerOptions;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  /** When the last pruning ran (ms since the epoch); the first round prunes. */
  private prunedAt = -Infinity;

  constructor(
    private readonly pool: Pool,
    private readonly publish: (events: readonly ReminderEvent[]) => Promise<unknown>,
    private readonly log: Logger,
    options: Partial<ReminderSchedulerOptions> = {},
    private readonly observer: SchedulerObserver = {},
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.options = { ...SCHEDULER_DEFAULTS, ...options };
  }

  /** Claims, publishes and marks one batch of due reminders. */
  async runOnce(): Promise<RoundResult> {
    return withTransaction(this.pool, async (client) => {
      const now = this.clock();
      const due = await claimDueReminders(client, now, this.options.batchSize);
      const expired: DueReminder[] = [];
      const toSend: DueReminder[] = [];
      for (const reminder of due) (reminder.dueAt.getTime() <= now.getTime() ? expired : toSend).push(reminder);
      if (toSend.length > 0) await this.publish(toSend.map((reminder) => reminderEvent(reminder, now)));
      await markReminders(client, toSend, 'sent');
      await markReminders(client, expired, 'expired');
      return { sent: toSend.length, expired: expired.length };
    });
  }

  /** Deletes settled state older than the retention (see `pruneRecurringState`). */
  async prune(): Promise<PruneResult> {
    const cutoff = new Date(this.clock().getTime() - this.options.retentionMs);
    const result = await pruneRecurringState(this.pool, cutoff);
    this.observer.pruned?.(result);
    if (result.reminders + result.positions + result.occurrences > 0) this.log.info({ ...result, cutoff }, 'old reminder state deleted');
    return result;
  }

  /** Starts the loop; calling it again does nothing. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the round in progress; idempotent. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let pause = this.options.pollIntervalMs;
      try {
        const { sent, expired } = await this.runOnce();
        this.observer.roundFinished?.(true);
        if (sent > 0) this.observer.sent?.(sent);
        if (expired > 0) this.observer.expired?.(expired);
        if (sent + expired > 0) this.log.info({ sent, expired }, 'reminders published');
        // A full batch means more may be waiting: go again at once.
        if (sent + expired >= this.options.batchSize) pause = 0;
        const now = this.clock().getTime();
        if (now - this.prunedAt >= this.options.pruneIntervalMs) {
          this.prunedAt = now;
          await this.prune();
        }
      } catch (err) {
        this.observer.roundFinished?.(false);
        this.observer.failed?.(err);
        this.log.error({ err }, 'reminder round failed; the reminders stay pending');
        pause = this.options.errorBackoffMs;
      }
      await sleep(pause, signal);
    }
  }
}
