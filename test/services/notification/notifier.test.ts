import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classify } from '../../../services/lib/classify.js';
import { ServiceConfigError } from '../../../services/lib/errors.js';
import type { ReminderEvent } from '../../../services/lib/events.js';
import { HttpWebhookNotifier, loadNotificationSettings, MemoryDeliveryLog } from '../../../services/notification/index.js';
import { specReminder } from '../../support/spec-events.js';

const reminder = (): ReminderEvent => specReminder();

describe('HttpWebhookNotifier', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; delayMs?: number } = { status: 200 };
  let authorization: string | undefined;
  let received: { idempotencyKey?: string; contentType?: string; body: string } = { body: '' };

  beforeAll(async () => {
    server = createServer((request, response) => {
      authorization = request.headers.authorization;
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received = {
          idempotencyKey: request.headers['idempotency-key'] as string | undefined,
          contentType: request.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        };
        setTimeout(() => response.writeHead(answer.status).end('body'), answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const notify = (options: { timeoutMs?: number; headers?: Record<string, string> } = {}) =>
    new HttpWebhookNotifier({ url, ...options }).notify(reminder(), new AbortController().signal);

  it('resolves on 2xx and sends the configured authorization header', async () => {
    answer = { status: 204 };
    await expect(notify({ headers: { authorization: 'Bearer t0ken' } })).resolves.toBeUndefined();
    expect(authorization).toBe('Bearer t0ken');
  });

  it('posts the reminder as JSON with its event_id as the Idempotency-Key header', async () => {
    answer = { status: 200 };
    const sent = reminder();
    await new HttpWebhookNotifier({ url }).notify(sent, new AbortController().signal);
    expect(received).toEqual({ idempotencyKey: sent.event_id, contentType: 'application/json', body: JSON.stringify(sent) });
  });

  it.each([
    [500, 'WEBHOOK_500', 'dependency', true],
    [503, 'WEBHOOK_503', 'dependency', true],
    [429, 'WEBHOOK_429', 'dependency', true],
    [408, 'WEBHOOK_408', 'dependency', true],
    [425, 'WEBHOOK_425', 'dependency', true],
    // A rotated or revoked credential: every reminder would fail alike, so none is dead-lettered.
    [401, 'WEBHOOK_401', 'dependency', true],
    [403, 'WEBHOOK_403', 'dependency', true],
    // A moved endpoint (redirects are not followed) is the deployment's problem, not the reminder's.
    [302, 'WEBHOOK_302', 'dependency', true],
    [404, 'WEBHOOK_404', 'dependency', true],
    [400, 'WEBHOOK_400', 'message', false],
    [410, 'WEBHOOK_410', 'message', false],
    [422, 'WEBHOOK_422', 'message', false],
  ])('turns a %p answer into %p, a %s failure with canRetry %p', async (status, code, kind, retryable) => {
    answer = { status };
    const failure = await notify().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code, canRetry: retryable, message: `webhook answered ${status}: body` });
    expect(classify(failure)).toMatchObject({ kind, canRetry: retryable, ...(kind === 'dependency' ? { dependency: 'webhook' } : {}) });
  });

  it('gives up waiting after the timeout with a retryable WEBHOOK_TIMEOUT', async () => {
    answer = { status: 200, delayMs: 500 };
    await expect(notify({ timeoutMs: 100 })).rejects.toMatchObject({
      code: 'WEBHOOK_TIMEOUT',
      canRetry: true,
      message: 'webhook did not answer within 100 ms',
    });
  });

  it('stops waiting as soon as the caller aborts, with a retryable WEBHOOK_UNREACHABLE', async () => {
    answer = { status: 200, delayMs: 300 };
    const controller = new AbortController();
    const started = Date.now();
    const delivery = new HttpWebhookNotifier({ url, timeoutMs: 5000 }).notify(reminder(), controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(delivery).rejects.toMatchObject({
      code: 'WEBHOOK_UNREACHABLE',
      canRetry: true,
      message: 'webhook unreachable: This operation was aborted',
    });
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('reports an unreachable webhook as retryable', async () => {
    const notifier = new HttpWebhookNotifier({ url: 'http://127.0.0.1:1/hook', timeoutMs: 1000 });
    await expect(notifier.notify(reminder(), new AbortController().signal)).rejects.toMatchObject({
      code: 'WEBHOOK_UNREACHABLE',
      canRetry: true,
    });
  });
});

describe('notification settings', () => {
  it('default to the webhook notifier and need its URL, suggesting the log notifier for development', () => {
    expect(() => loadNotificationSettings({}, 'notification')).toThrow(
      new ServiceConfigError('notification', [
        "NOTIFY_WEBHOOK_URL: is not set; set it to the webhook's http(s) URL, or set NOTIFIER=log to log reminders during development",
      ]),
    );
  });

  it('report every malformed setting at once', () => {
    let error: ServiceConfigError | undefined;
    try {
      loadNotificationSettings({ NOTIFIER: 'Webhook', NOTIFY_WEBHOOK_URL: 'ftp://x', NOTIFY_WEBHOOK_TIMEOUT_MS: '10' }, 'notification');
    } catch (e) {
      error = e as ServiceConfigError;
    }
    expect(error!.problems).toEqual([
      'NOTIFIER: "Webhook" is not allowed; did you mean webhook?',
      'NOTIFY_WEBHOOK_URL: has protocol ftp:; use http: or https:',
      'NOTIFY_WEBHOOK_TIMEOUT_MS: "10" is not a whole number from 100 to 60000; set it to one',
    ]);
  });

  it('need no URL for the log notifier', () => {
    expect(loadNotificationSettings({ NOTIFIER: 'log' }, 'notification')).toEqual({
      notifier: 'log',
      webhookUrl: null,
      webhookTimeoutMs: 5000,
      webhookAuthorization: null,
      deliveryLogRetentionMs: 30 * 86_400_000,
    });
    expect(loadNotificationSettings({ NOTIFIER: 'log', DELIVERY_LOG_RETENTION_DAYS: '7' }, 'notification').deliveryLogRetentionMs).toBe(
      7 * 86_400_000,
    );
  });
});

describe('MemoryDeliveryLog', () => {
  it('remembers delivered ids up to its capacity, forgetting the oldest first', async () => {
    const log = new MemoryDeliveryLog(2);
    const [a, b, c] = [reminder(), reminder(), reminder()];
    for (const r of [a, b, c]) await log.record(r);
    expect([await log.wasDelivered(a.event_id), await log.wasDelivered(b.event_id), await log.wasDelivered(c.event_id)]).toEqual([
      false,
      true,
      true,
    ]);
  });
});
