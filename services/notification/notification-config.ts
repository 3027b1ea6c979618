/**
 * Settings of the notification service beyond the shared ones: which
 * notifier, where the webhook is, how long to wait for it.
 */
import { EnvReader, type Env } from '../lib/index.js';
import { DELIVERY_LOG_RETENTION_DEFAULTS } from './delivery-log.js';
import { WEBHOOK_TIMEOUT_MS } from './webhook-notifier.js';

const DAY_MS = 86_400_000;

export const NOTIFICATION_ENV = {
  /** `webhook` (default) or `log` (development). */
  notifier: 'NOTIFIER',
  webhookUrl: 'NOTIFY_WEBHOOK_URL',
  /** Milliseconds to wait for the webhook. */
  webhookTimeoutMs: 'NOTIFY_WEBHOOK_TIMEOUT_MS',
  /** Optional `Authorization` header value for the webhook, from a Secret. */
  webhookAuthorization: 'NOTIFY_WEBHOOK_AUTHORIZATION',
  /** Days delivered reminder ids are kept for deduplication (delivery-log.ts). */
  deliveryLogRetentionDays: 'DELIVERY_LOG_RETENTION_DAYS',
} as const;

export const NOTIFIER_KINDS = ['webhook', 'log'] as const;
export type NotifierKind = (typeof NOTIFIER_KINDS)[number];

export interface NotificationSettings {
  /** @default 'webhook' */
  readonly notifier: NotifierKind;
  /** Required for `webhook`. */
  readonly webhookUrl: string | null;
  /** @default 5000 */
  readonly webhookTimeoutMs: number;
  readonly webhookAuthorization: string | null;
  /** @default 30 days (`DELIVERY_LOG_RETENTION_DEFAULTS`), in ms */
  readonly deliveryLogRetentionMs: number;
}

/** Reads the notification settings; the `EnvReader` collects problems for one error. */
export function readNotificationSettings(read: EnvReader): NotificationSettings {
  const notifier = read.oneOf(NOTIFICATION_ENV.notifier, NOTIFIER_KINDS, { default: 'webhook' });
  const webhookUrl =
    notifier === 'webhook'
      ? read.url(NOTIFICATION_ENV.webhookUrl, {
          hint: `set it to the webhook's http(s) URL, or set ${NOTIFICATION_ENV.notifier}=log to log reminders during development`,
        })
      : read.url(NOTIFICATION_ENV.webhookUrl, { default: '' });
  const webhookTimeoutMs = read.integer(NOTIFICATION_ENV.webhookTimeoutMs, { default: WEBHOOK_TIMEOUT_MS, min: 100, max: 60_000 });
  const webhookAuthorization = read.secret(NOTIFICATION_ENV.webhookAuthorization, { optional: true });
  const retentionDays = read.integer(NOTIFICATION_ENV.deliveryLogRetentionDays, {
    default: DELIVERY_LOG_RETENTION_DEFAULTS.retentionMs / DAY_MS,
    min: 1,
    max: 3650,
  });
  return {
    notifier: notifier ?? 'webhook',
    webhookUrl: webhookUrl ? webhookUrl : null,
    webhookTimeoutMs: webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS,
    webhookAuthorization: webhookAuthorization ?? null,
    deliveryLogRetentionMs: (retentionDays ?? DELIVERY_LOG_RETENTION_DEFAULTS.retentionMs / DAY_MS) * DAY_MS,
  };
}

/** Reads and checks the settings from `env`; throws one `ServiceConfigError` listing every problem. */
export function loadNotificationSettings(env: Env, service: string): NotificationSettings {
  const read = new EnvReader(env);
  const settings = readNotificationSettings(read);
  read.throwIfInvalid(service);
  return settings;
}
