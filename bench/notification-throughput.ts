/**
 * The notification service over a block of `reminders`, delivering each one
 * to a loopback webhook that answers 204 at once: its sustained rate (bounded
 * by one delivery at a time on the single-partition topic) and peak RSS.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { ReminderEvent } from '../services/lib/events.js';
import { DELIVERED_TABLE } from '../services/notification/index.js';
import { publisherAs } from '../test/services/lib/broker-support.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { progress } from './stats.js';
import type { MeasuredUse } from './resources.js';
import { measuredUse, produceBlock, serviceOverBlock } from './topic-block.js';

export interface NotificationThroughputOptions {
  /** Reminders produced. @default 5000 */
  readonly reminders: number;
  /** Longest the service may take for them, in seconds. @default 60 */
  readonly timeoutSeconds: number;
}

export const NOTIFICATION_THROUGHPUT_DEFAULTS: NotificationThroughputOptions = { reminders: 5000, timeoutSeconds: 60 };

export interface NotificationThroughputResult {
  readonly rate: number;
  readonly peakRssMiB: number;
  /** Idle and draining the reminders. */
  readonly use: MeasuredUse;
  /** Requests the webhook received. */
  readonly delivered: number;
}

function benchReminder(run: string, i: number): ReminderEvent {
  const dueAt = new Date(Date.now() + 3_600_000);
  return {
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    task_id: i + 1,
    user_id: `bench-notify-${run}-${i % 100}`,
    title: `Buy groceries ${i}`,
    due_at: dueAt.toISOString(),
    remind_at: new Date(dueAt.getTime() - 3_600_000).toISOString(),
    reminder_type: '1_hour_before',
  };
}

export async function measureNotificationThroughput(
  options: NotificationThroughputOptions = NOTIFICATION_THROUGHPUT_DEFAULTS,
): Promise<NotificationThroughputResult> {
  const run = randomUUID().slice(0, 8);
  let delivered = 0;
  const webhook = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      delivered++;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  // The recurring-task service's user is the one allowed to write reminders.
  const scheduler = publisherAs('recurring-task-service');
  try {
    progress(`notification: producing ${options.reminders} reminders`);
    const block = await produceBlock('reminders', async () => {
      for (let i = 0; i < options.reminders; i += 500) {
        await scheduler.publishAll(
          'reminders',
          Array.from({ length: Math.min(500, options.reminders - i) }, (_, k) => benchReminder(run, i + k)),
        );
      }
    });
    progress('notification: delivering them to a loopback webhook');
    const result = await serviceOverBlock('notification', block, options.timeoutSeconds * 1000, {
      NOTIFIER: 'webhook',
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/reminders`,
    });
    return { rate: result.rate, peakRssMiB: result.peakRssMiB, use: measuredUse(result), delivered };
  } finally {
    await scheduler.close();
    webhook.closeAllConnections();
    await new Promise((resolve) => webhook.close(resolve));
    const pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 1 });
    await pool.query(`DELETE FROM ${DELIVERED_TABLE} WHERE user_id LIKE $1`, [`bench-notify-${run}-%`]).finally(() => pool.end());
  }
}
