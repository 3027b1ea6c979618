/**
 * Settings of the recurring-task service beyond the library's `ServiceConfig`:
 * the pace of the reminder scheduler and the database pool. All optional.
 */
import { EnvReader, type Env } from '../lib/env-reader.js';
import { SCHEDULER_DEFAULTS, type ReminderSchedulerOptions } from './reminder-scheduler.js';

export const RECURRING_TASK_ENV = {
  pollIntervalMs: 'REMINDER_POLL_INTERVAL_MS',
  batchSize: 'REMINDER_BATCH_SIZE',
  databasePoolSize: 'DATABASE_POOL_SIZE',
} as const;

/**
 * Connections in the pool: the consumer holds one per event in flight (one
 * partition at a time) and the scheduler one per round. @default 4
 */
export const DEFAULT_POOL_SIZE = 4;

export interface RecurringTaskSettings {
  readonly scheduler: Pick<ReminderSchedulerOptions, 'pollIntervalMs' | 'batchSize'>;
  readonly poolSize: number;
}

/** Reads the settings; throws one `ServiceConfigError` listing every malformed variable. */
export function loadRecurringTaskSettings(env: Env = process.env): RecurringTaskSettings {
  const read = new EnvReader(env);
  const pollIntervalMs = read.integer(RECURRING_TASK_ENV.pollIntervalMs, {
    default: SCHEDULER_DEFAULTS.pollIntervalMs,
    min: 10,
    max: 60_000,
  });
  const batchSize = read.integer(RECURRING_TASK_ENV.batchSize, { default: SCHEDULER_DEFAULTS.batchSize, min: 1, max: 10_000 });
  const poolSize = read.integer(RECURRING_TASK_ENV.databasePoolSize, { default: DEFAULT_POOL_SIZE, min: 2, max: 100 });
  read.throwIfInvalid('recurring-task');
  return { scheduler: { pollIntervalMs: pollIntervalMs!, batchSize: batchSize! }, poolSize: poolSize! };
}
