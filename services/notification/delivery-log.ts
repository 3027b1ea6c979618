/**
 * Which reminders were already delivered, by `event_id`: a redelivered
 * reminder (consumer restart, rebalance, Dapr retry) is not sent twice.
 *
 * `PgDeliveryLog` is durable and shared by all replicas. `MemoryDeliveryLog`
 * is the fallback when the service has no database: it remembers the last
 * `capacity` ids of this process only, so a restart or a partition moving to
 * another replica can repeat a reminder whose commit had not landed (the
 * webhook's `Idempotency-Key` is then the last line of defence).
 */
import type pg from 'pg';
import type { ReminderEvent } from '../lib/index.js';
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

export class PgDeliveryLog implements DeliveryLog {
  readonly kind = 'durable';

  constructor(private readonly pool: pg.Pool) {}

  async init(): Promise<void> {
    try {
      await this.pool.query(`CREATE TABLE IF NOT EXISTS ${DELIVERED_TABLE} (
        event_id      uuid PRIMARY KEY,
        user_id       text NOT NULL,
        task_id       bigint NOT NULL,
        reminder_type text NOT NULL,
        delivered_at  timestamptz NOT NULL DEFAULT now()
      )`);
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
