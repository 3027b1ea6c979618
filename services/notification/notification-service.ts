/**
 * The notification service: consumes `reminders` in order (one partition)
 * and delivers each reminder once through its notifier. "Once" is the
 * delivery log: a reminder already delivered is skipped. A reminder the
 * webhook cannot take now (down, 5xx, 429, a rotated credential's 401/403)
 * or whose delivery log is unreachable is held and retried with capped
 * backoff until it goes through, never dead-lettered; one the webhook
 * rejects for itself (400, 422…) is dead-lettered at once. Delivery is
 * recorded after the notifier succeeds, so a crash in between repeats a
 * delivery rather than losing one; the `Idempotency-Key` header lets the
 * webhook drop the repeat.
 */
import type pg from 'pg';
import type { Logger, ReminderEvent, ServiceDefinition, ServiceHandler } from '../lib/index.js';
import { createPgPool } from '../lib/index.js';
import { MemoryDeliveryLog, PgDeliveryLog, type DeliveryLog } from './delivery-log.js';
import { loadNotificationSettings, type NotificationSettings } from './notification-config.js';
import { LogNotifier, type Notifier } from './notifier.js';
import { HttpWebhookNotifier } from './webhook-notifier.js';

export interface NotificationServiceOptions {
  /** A notifier to use instead of the configured one (tests, other channels). */
  readonly notifier?: Notifier;
}

function buildNotifier(settings: NotificationSettings, log: Logger): Notifier {
  if (settings.notifier === 'log') return new LogNotifier(log);
  return new HttpWebhookNotifier({
    url: settings.webhookUrl!,
    timeoutMs: settings.webhookTimeoutMs,
    headers: settings.webhookAuthorization ? { authorization: settings.webhookAuthorization } : undefined,
  });
}

/** The service definition, with its notifier chosen from the environment unless given. */
export function notificationService(options: NotificationServiceOptions = {}): ServiceDefinition<ReminderEvent> {
  return {
    name: 'notification',
    async start({ config, env, log }): Promise<ServiceHandler<ReminderEvent>> {
      const settings = loadNotificationSettings(env, config.name);
      const notifier = options.notifier ?? buildNotifier(settings, log);
      let pool: pg.Pool | undefined;
      let deliveries: DeliveryLog;
      if (config.databaseUrl !== null) {
        pool = createPgPool(config.databaseUrl, config.appId);
        deliveries = new PgDeliveryLog(pool, { retentionMs: settings.deliveryLogRetentionMs, log });
      } else {
        deliveries = new MemoryDeliveryLog();
        log.warn('DATABASE_URL is not set: deduplication remembers this process only; a restart may repeat recent reminders');
      }
      await deliveries.init();
      log.info(
        { notifier: notifier.kind, webhook: settings.webhookUrl && new URL(settings.webhookUrl).origin, deliveryLog: deliveries.kind },
        'notifier ready',
      );
      return {
        async handle(reminder, context) {
          if (await deliveries.wasDelivered(reminder.event_id)) {
            log.debug({ eventId: reminder.event_id }, 'reminder already delivered; skipped');
            return;
          }
          await notifier.notify(reminder, context.signal);
          await deliveries.record(reminder);
        },
        close: async () => {
          await pool?.end();
        },
      };
    },
  };
}
