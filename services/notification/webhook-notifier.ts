/**
 * Delivers reminders by POSTing them as JSON to a webhook. The reminder's
 * `event_id` goes in the `Idempotency-Key` header: delivery is at least once
 * (a crash between the POST and recording it repeats the POST), and the
 * header lets the receiver drop the repeat.
 *
 * Answers: 2xx delivered. An answer blames the reminder itself only when it
 * says the request is bad (`WEBHOOK_MESSAGE_STATUSES`: 400, 410, 413, 415,
 * 422): dead-lettered at once. Every other answer is the webhook's own state
 * (5xx, 429, 408, a rotated credential's 401/403, a moved endpoint's 404 or
 * 3xx), and so is no answer within the timeout: the reminder is held and
 * retried until the webhook takes it, never dead-lettered, so a credential
 * rotation or an outage loses no reminder.
 *
 * Posts with `httpPost` (node:http) rather than the global `fetch`, whose
 * undici costs the process about 13 MiB of resident memory. Unlike `fetch`,
 * redirects are not followed: a 3xx is a non-retryable answer.
 */
import { httpPost, PermanentError, TransientError, type HttpPostResponse, type ReminderEvent } from '../lib/index.js';
import type { Notifier } from './notifier.js';

/** Wait for the webhook's answer. @default 5 s */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Statuses that reject the reminder itself, whatever the webhook's health. */
export const WEBHOOK_MESSAGE_STATUSES: ReadonlySet<number> = new Set([400, 410, 413, 415, 422]);

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
    let response: HttpPostResponse;
    try {
      response = await untilAborted(signal, () =>
        httpPost(this.options.url, JSON.stringify(reminder), {
          headers: { ...this.options.headers, 'content-type': 'application/json', 'idempotency-key': reminder.event_id },
          timeoutMs: this.timeoutMs,
        }),
      );
    } catch (error) {
      // httpPost's only abort signal is its timeout, so an abort cause means it timed out.
      const timedOut = ((error as Error).cause as Error | undefined)?.name === 'AbortError';
      throw new TransientError(
        timedOut ? `webhook did not answer within ${this.timeoutMs} ms` : `webhook unreachable: ${(error as Error).message}`,
        { code: timedOut ? 'WEBHOOK_TIMEOUT' : 'WEBHOOK_UNREACHABLE', cause: error, dependency: 'webhook' },
      );
    }
    if (response.status >= 200 && response.status < 300) return;
    const text = response.body.slice(0, 300);
    const message = `webhook answered ${response.status}${text ? `: ${text}` : ''}`;
    const code = `WEBHOOK_${response.status}`;
    if (WEBHOOK_MESSAGE_STATUSES.has(response.status)) throw new PermanentError(message, { code });
    throw new TransientError(message, { code, dependency: 'webhook' });
  }
}

/**
 * Settles like `start()`, or rejects with the signal's reason once `signal`
 * aborts (e.g. on shutdown), as `fetch` did; an already aborted signal starts
 * nothing. httpPost takes no signal, so a started request runs on until it
 * answers or its own timeout ends it.
 */
function untilAborted<T>(signal: AbortSignal, start: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    start()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
