/**
 * Delivers reminders by POSTing them as JSON to a webhook. The reminder's
 * `event_id` goes in the `Idempotency-Key` header: delivery is at least once
 * (a crash between the POST and recording it repeats the POST), and the
 * header lets the receiver drop the repeat.
 *
 * Answers: 2xx delivered; 408, 425, 429 and 5xx may heal (retried, then
 * dead-lettered); any other 4xx will not (dead-lettered at once). No answer
 * within the timeout counts as retryable.
 */
import { PermanentError, TransientError, type ReminderEvent } from '../lib/index.js';
import type { Notifier } from './notifier.js';

/** Wait for the webhook's answer. @default 5 s */
export const WEBHOOK_TIMEOUT_MS = 5_000;

const RETRYABLE_4XX = new Set([408, 425, 429]);

export interface HttpWebhookNotifierOptions {
  /** Absolute http(s) URL. */
  readonly url: string;
  /** @default WEBHOOK_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Extra request headers, e.g. an authorization header from a Secret. */
  readonly headers?: Readonly<Record<string, string>>;
}

export class HttpWebhookNotifier implements Notifier {
  readonly kind = 'webhook';
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpWebhookNotifierOptions) {
    this.timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  }

  async notify(reminder: ReminderEvent, signal: AbortSignal): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json', 'idempotency-key': reminder.event_id },
        body: JSON.stringify(reminder),
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new TransientError(
        timedOut ? `webhook did not answer within ${this.timeoutMs} ms` : `webhook unreachable: ${(error as Error).message}`,
        { code: timedOut ? 'WEBHOOK_TIMEOUT' : 'WEBHOOK_UNREACHABLE', cause: error },
      );
    }
    // Drain the body so the connection can be reused.
    const text = (await response.text().catch(() => '')).slice(0, 300);
    if (response.ok) return;
    const message = `webhook answered ${response.status}${text ? `: ${text}` : ''}`;
    const code = `WEBHOOK_${response.status}`;
    if (response.status >= 500 || RETRYABLE_4XX.has(response.status)) throw new TransientError(message, { code });
    throw new PermanentError(message, { code });
  }
}
