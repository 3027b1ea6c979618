/**
 * Which reminders were already delivered, by `event_id`: a redelivered
 * reminder (consumer restart, rebalance, Dapr retry) is not sent twice.
 *
 * `PgDeliveryLog` is durable and shared by all replicas. `MemoryDeliveryLog`
 * is the fallback when the service has no database: it remembers the last
 * `capacity` ids of this process only, so a restart or a partition moving to
 * another replica can repeat a reminder whose commit had not landed (the
 * webhook's `Idempotency-Key` is then the last line of defence).
 *
 * `PgDeliveryLog` keeps ids for `retentionMs` (30 days by default): at most
 * once per `pruneIntervalMs`, recording a delivery also deletes the ids older
 * than that, so the table holds about a month of reminders instead of growing
 * for ever. A reminder older than the retention cannot come back: `reminders`
 * keeps messages 1 day, the dead-letter topic 14.
 */
import type pg from 'pg';
import type { Logger, ReminderEvent } from '../lib/index.js';
import { pgError } from '../lib/index.js';

export interface DeliveryLog {
  /** `durable` survives restarts and is shared; `memory` does not and is not. */
  readonly kind: 'durable' | 'memory';
  /** Creates what it needs (tables); idempotent. */
  init(): Promise<void>;
  /** Whether `eventId` was delivered. */
  wasDelivered(eventId: string): Promise<boolean>;
  /** Records `reminder` as delivered. */
  record(reminder: ReminderEvent): Promise<void>;
}

export const DELIVERED_TABLE = 'delivered_notifications';

/** How long `PgDeliveryLog` keeps delivered ids, and how often it prunes. */
export interface DeliveryLogRetention {
  /** Age after which a delivered id is deleted, in ms. @default 30 days */
  readonly retentionMs: number;
  /** Time between two prunings, in ms. @default 1 hour */
  readonly pruneIntervalMs: number;
  /** Where a failed pruning is reported (it is tried again at the next interval). */
  readonly log?: Logger;
  /** @default the system clock */
  readonly clock?: () => Date;
}

export const DELIVERY_LOG_RETENTION_DEFAULTS: DeliveryLogRetention = { retentionMs: 30 * 86_400_000, pruneIntervalMs: 3_600_000 };

/** Rows deleted per statement while pruning. @default 5000 */
export const PRUNE_BATCH_ROWS = 5_000;

export class PgDeliveryLog implements DeliveryLog {
  readonly kind = 'durable';
  private readonly retention: DeliveryLogRetention;
  private prunedAt = -Infinity;
  private pruning: Promise<unknown> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    retention: Partial<DeliveryLogRetention> = {},
  ) {
    this.retention = { ...DELIVERY_LOG_RETENTION_DEFAULTS, ...retention };
  }

  async init(): Promise<void> {
    try {
      await this.pool.query(`CREATE TABLE IF NOT EXISTS ${DELIVERED_TABLE} (
        event_id      uuid PRIMARY KEY,
        user_id       text NOT NULL,
        task_id       bigint NOT NULL,
        reminder_type text NOT NULL,
        delivered_at  timestamptz NOT NULL DEFAULT now()
      )`);
      await this.pool.query(`CREATE INDEX IF NOT EXISTS ${DELIVERED_TABLE}_delivered_at_idx ON ${DELIVERED_TABLE} (delivered_at)`);
    } catch (error) {
      throw pgError(error, `creating ${DELIVERED_TABLE}`);
    }
  }

  async wasDelivered(eventId: string): Promise<boolean> {
    try {
      const result = await this.pool.query(`SELECT 1 FROM ${DELIVERED_TABLE} WHERE event_id = $1`, [eventId]);
      return (result.rowCount ?? 0) > 0;
    } catch (error) {
      throw pgError(error, 'reading the delivery log');
    }
  }

  async record(reminder: ReminderEvent): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO ${DELIVERED_TABLE} (event_id, user_id, task_id, reminder_type) VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING`,
        [reminder.event_id, reminder.user_id, reminder.task_id, reminder.reminder_type],
      );
    } catch (error) {
      throw pgError(error, 'recording a delivery');
    }
    this.maybePrune();
  }

  /** Deletes the ids delivered before `cutoff` (default: the retention ago); returns how many. */
  async prune(cutoff = new Date(this.now().getTime() - this.retention.retentionMs)): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await this.pool.query(
        `DELETE FROM ${DELIVERED_TABLE} WHERE ctid IN (SELECT ctid FROM ${DELIVERED_TABLE} WHERE delivered_at < $1 LIMIT ${PRUNE_BATCH_ROWS})`,
        [cutoff],
      );
      const deleted = result.rowCount ?? 0;
      total += deleted;
      if (deleted < PRUNE_BATCH_ROWS) return total;
    }
  }

  /** Waits for a pruning in progress, if any (tests, shutdown). */
  async settled(): Promise<void> {
    await this.pruning;
  }

  private now(): Date {
    return this.retention.clock?.() ?? new Date();
  }

  /** Starts a pruning in the background when the interval has passed; a delivery never waits for it. */
  private maybePrune(): void {
    const now = this.now().getTime();
    if (this.pruning || now - this.prunedAt < this.retention.pruneIntervalMs) return;
    this.prunedAt = now;
    this.pruning = this.prune()
      .then(
        (deleted) => {
          if (deleted > 0) this.retention.log?.info({ deleted, table: DELIVERED_TABLE }, 'old delivery records deleted');
        },
        (err: unknown) => this.retention.log?.warn({ err, table: DELIVERED_TABLE }, 'pruning the delivery log failed; trying again later'),
      )
      .finally(() => (this.pruning = undefined));
  }
}

/** Ids remembered by the in-memory log. @default 100000 (about 10 MB) */
export const MEMORY_DELIVERY_LOG_CAPACITY = 100_000;

export class MemoryDeliveryLog implements DeliveryLog {
  readonly kind = 'memory';
  // A Map iterates in insertion order: the first key is the oldest.
  private readonly ids = new Map<string, true>();

  constructor(private readonly capacity = MEMORY_DELIVERY_LOG_CAPACITY) {}

  async init(): Promise<void> {}

  async wasDelivered(eventId: string): Promise<boolean> {
    return this.ids.has(eventId);
  }

  async record(reminder: ReminderEvent): Promise<void> {
    this.ids.set(reminder.event_id, true);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value!);
  }
}
