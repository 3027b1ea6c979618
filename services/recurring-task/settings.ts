/**
 * Settings of the recurring-task service beyond the library's `ServiceConfig`:
 * the pace of the reminder scheduler and the database pool. All optional.
 */
import { EnvReader, type Env } from '../lib/env-reader.js';
import { PG_POOL_DEFAULTS } from '../lib/postgres.js';
import { SCHEDULER_DEFAULTS, type ReminderSchedulerOptions } from './reminder-scheduler.js';

const DAY_MS = 86_400_000;

export const RECURRING_TASK_ENV = {
  pollIntervalMs: 'REMINDER_POLL_INTERVAL_MS',
  batchSize: 'REMINDER_BATCH_SIZE',
  databasePoolSize: 'DATABASE_POOL_SIZE',
  /** Days settled reminders, task positions and handled completions are kept (`ReminderSchedulerOptions.retentionMs`). */
  retentionDays: 'RECURRING_STATE_RETENTION_DAYS',
} as const;

export interface RecurringTaskSettings {
  readonly scheduler: Pick<ReminderSchedulerOptions, 'pollIntervalMs' | 'batchSize' | 'retentionMs'>;
  /**
   * Database connections: the consumer uses one per event in flight (one at a
   * time) and the scheduler one per round. @default 4 (`PG_POOL_DEFAULTS.max`)
   */
  readonly poolSize: number;
}

/** Reads the settings; throws one `ServiceConfigError` listing every malformed variable. */
export function loadRecurringTaskSettings(env: Env): RecurringTaskSettings {
  const read = new EnvReader(env);
  const pollIntervalMs = read.integer(RECURRING_TASK_ENV.pollIntervalMs, {
    default: SCHEDULER_DEFAULTS.pollIntervalMs,
    min: 10,
    max: 60_000,
  });
  const batchSize = read.integer(RECURRING_TASK_ENV.batchSize, { default: SCHEDULER_DEFAULTS.batchSize, min: 1, max: 10_000 });
  const poolSize = read.integer(RECURRING_TASK_ENV.databasePoolSize, { default: PG_POOL_DEFAULTS.max, min: 2, max: 100 });
  // Below 22 days an event could come back (7 days in task-events, then 14 in the dead-letter topic) after its state is gone.
  const retentionDays = read.integer(RECURRING_TASK_ENV.retentionDays, {
    default: SCHEDULER_DEFAULTS.retentionMs / DAY_MS,
    min: 1,
    max: 3650,
  });
  read.throwIfInvalid('recurring-task');
  return {
    scheduler: { pollIntervalMs: pollIntervalMs!, batchSize: batchSize!, retentionMs: retentionDays! * DAY_MS },
    poolSize: poolSize!,
  };
}
