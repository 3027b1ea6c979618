/**
 * The Dapr HTTP contract, checked the way the sidecar uses it: a CloudEvent
 * POSTed to the subscription route, and the exact JSON answer back.
 * No daprd is needed (none is available from a package registry): this test
 * sends what the sidecar sends.
 * @see https://docs.dapr.io/reference/api/pubsub_api/#provide-routes-for-dapr-to-deliver-topic-events
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentError, TransientError } from '../../services/lib/errors.js';
import type { ReminderEvent } from '../../services/lib/events.js';
import { createLogger } from '../../services/lib/logger.js';
import { runService, type RunningService } from '../../services/lib/service.js';
import { auditService } from '../../services/audit/index.js';
import { notificationService } from '../../services/notification/index.js';
import { describeWithBroker, readLocalEnv } from '../support/local-env.js';
import { localPool, taskEvent } from './lib/broker-support.js';
import { specReminder } from '../support/spec-events.js';

const quiet = createLogger({ stream: { write: () => true } });

const reminder = (title: string): ReminderEvent => specReminder({ title });

/** What daprd 1.18 POSTs for a message published as application/json. */
function cloudEvent(data: unknown, topic = 'reminders'): string {
  return JSON.stringify({
    id: randomUUID(),
    source: 'recurring-task-service',
    type: 'com.dapr.event.sent',
    specversion: '1.0',
    datacontenttype: 'application/json',
    data,
    topic,
    pubsubname: 'kafka-pubsub',
    traceid: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: '',
  });
}

/** The app API token daprd sends as `dapr-api-token` (from `APP_API_TOKEN`, which the Secret named by `dapr.io/app-token-secret` sets). */
const APP_TOKEN = 'Zk3pQ9xL2mN8vB4cR7tY1wE6uI0oA5sD3fG9hJ2kL8zX4cV7bN1m';

/** POSTs `body` as daprd does, with the sidecar's token unless `token` says otherwise (null: no header). */
async function deliver(
  service: RunningService,
  body: string,
  path = '/events/reminders',
  token: string | null = APP_TOKEN,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`http://127.0.0.1:${service.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json', ...(token === null ? {} : { 'dapr-api-token': token }) },
    body,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Status and body of a delivery's answer, without the headers. */
const answer = ({ status, text }: { status: number; text: string }) => ({ status, text });

/** The specification's 3 attempts, with test-sized waits. */
const FAST_RETRY = { attempts: 3, initialDelayMs: 10, maxDelayMs: 20 };

const SUCCESS = { status: 200, text: '{"status":"SUCCESS"}' };
const RETRY = { status: 200, text: '{"status":"RETRY"}' };
const DROP = { status: 200, text: '{"status":"DROP"}' };

describe('Dapr subscription contract of a service in dapr mode', () => {
  let service: RunningService;
  const handled: string[] = [];
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    service = await runService(
      {
        name: 'notification',
        start: async () => ({
          handle: async (event: ReminderEvent) => {
            attempts.set(event.title, (attempts.get(event.title) ?? 0) + 1);
            if (event.title === 'flaky') throw new TransientError('database restarting');
            if (event.title === 'never') throw new PermanentError('user deleted');
            if (event.title === 'bug') throw new Error('undefined is not a function');
            handled.push(event.title);
          },
        }),
      },
      // The spec gives notification a database; this handler never opens it.
      {
        env: { KAFKA_MODE: 'dapr', PORT: '0', DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', APP_API_TOKEN: APP_TOKEN },
        logger: quiet,
        retry: FAST_RETRY,
      },
    );
  });
  afterAll(() => service?.close());

  it('answers {"status":"SUCCESS"} once the event in data is handled', async () => {
    expect(answer(await deliver(service, cloudEvent(reminder('Buy groceries'))))).toEqual(SUCCESS);
    expect(handled).toEqual(['Buy groceries']);
  });

  it('answers {"status":"RETRY"} at once when a dependency fails, so the sidecar holds the event and retries', async () => {
    expect(answer(await deliver(service, cloudEvent(reminder('flaky'))))).toEqual(RETRY);
    expect(attempts.get('flaky')).toBe(1);
  });

  it('is not ready right after a dependency failure, and ready again once no failure came for the longest retry wait', async () => {
    // The sidecar's app health check (/readyz) pauses deliveries while it fails, so the failure must lapse by itself.
    expect(answer(await deliver(service, cloudEvent(reminder('flaky'))))).toEqual(RETRY);
    const notReady = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect([notReady.status, await notReady.json()]).toEqual([503, { status: 'not ready', failing: ['dependencies'] }]);
    await new Promise((resolve) => setTimeout(resolve, FAST_RETRY.maxDelayMs + 5));
    expect((await fetch(`http://127.0.0.1:${service.port}/readyz`)).status).toBe(200);
  });

  it('answers {"status":"DROP"} for an event the handler rejects, so the sidecar dead-letters it', async () => {
    expect(answer(await deliver(service, cloudEvent(reminder('never'))))).toEqual(DROP);
  });

  it('answers {"status":"DROP"} after 3 attempts for an event the handler keeps failing on, so a poison event never blocks the topic', async () => {
    expect(answer(await deliver(service, cloudEvent(reminder('bug'))))).toEqual(DROP);
    expect(attempts.get('bug')).toBe(3);
  });

  it('answers {"status":"DROP"} for an event that breaks the schema, a payload that is not JSON and a body that is not a CloudEvent', async () => {
    expect(answer(await deliver(service, cloudEvent({ ...reminder('x'), reminder_type: 'soon' })))).toEqual(DROP);
    expect(answer(await deliver(service, cloudEvent('plain text, not an event')))).toEqual(DROP);
    expect(answer(await deliver(service, '{not json'))).toEqual(DROP);
  });

  it('reads data_base64 and raw (non-CloudEvent) payloads too', async () => {
    const base64 = JSON.stringify({
      specversion: '1.0',
      id: '1',
      source: 's',
      type: 't',
      data_base64: Buffer.from(JSON.stringify(reminder('b64'))).toString('base64'),
    });
    expect(answer(await deliver(service, base64))).toEqual(SUCCESS);
    expect(answer(await deliver(service, JSON.stringify(reminder('raw'))))).toEqual(SUCCESS);
    expect(handled.slice(-2)).toEqual(['b64', 'raw']);
  });

  it('counts each answer: SUCCESS as success, RETRY and each retried attempt as retry, DROP as dead_letter', async () => {
    expect(await service.metrics.processedCount('reminders', 'success')).toBe(3);
    expect(await service.metrics.processedCount('reminders', 'retry')).toBe(2 + 2);
    expect(await service.metrics.processedCount('reminders', 'dead_letter')).toBe(5);
  });

  it('serves GET /dapr/subscribe as an empty list (subscriptions are declarative) and 404 for topics it does not consume', async () => {
    const subscribe = await fetch(`http://127.0.0.1:${service.port}/dapr/subscribe`);
    expect([subscribe.status, await subscribe.text()]).toEqual([200, '[]']);
    expect((await deliver(service, cloudEvent(reminder('x')), '/events/task-events')).status).toBe(404);
  });

  it('is ready without any Kafka connection in dapr mode', async () => {
    expect((await fetch(`http://127.0.0.1:${service.port}/readyz`)).status).toBe(200);
  });
});

describe('the app API token and the caps in front of the delivery routes', () => {
  let service: RunningService;
  const handled: string[] = [];
  let unblock: () => void = () => undefined;
  let blocked: Promise<void> = Promise.resolve();
  let entered = 0;

  beforeAll(async () => {
    service = await runService(
      {
        name: 'notification',
        start: async () => ({
          handle: async (event: ReminderEvent) => {
            if (event.title.startsWith('slow')) {
              entered++;
              await blocked;
            }
            handled.push(event.title);
          },
        }),
      },
      {
        env: {
          KAFKA_MODE: 'dapr',
          PORT: '0',
          DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
          APP_API_TOKEN: APP_TOKEN,
          DAPR_MAX_CONCURRENT_DELIVERIES: '2',
          HTTP_MAX_BODY_BYTES: String(64 * 1024),
        },
        logger: quiet,
        retry: FAST_RETRY,
      },
    );
  });
  afterAll(() => service?.close());

  it('refuses a delivery without dapr-api-token, or with a wrong one of any length, with 401 and never handles it', async () => {
    for (const token of [null, '', 'wrong', APP_TOKEN.slice(0, -1), `${APP_TOKEN}x`, APP_TOKEN.toLowerCase()]) {
      const refused = await deliver(service, cloudEvent(reminder('forged')), '/events/reminders', token);
      expect([refused.status, JSON.parse(refused.text)]).toEqual([401, { error: 'missing or wrong dapr-api-token header' }]);
    }
    expect(handled).not.toContain('forged');
  });

  it('accepts the delivery that carries the token', async () => {
    expect(answer(await deliver(service, cloudEvent(reminder('genuine'))))).toEqual(SUCCESS);
    expect(handled).toContain('genuine');
  });

  it('leaves health, readiness and metrics open: the kubelet and Prometheus carry no token', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await fetch(`http://127.0.0.1:${service.port}${path}`)).status).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    expect(text).toMatch(/todo_events_http_requests_refused_total\{service="notification-service",reason="unauthenticated"\} 6/);
  });

  it('answers 429 with Retry-After beyond the concurrent deliveries, which the sidecar retries, and takes the retry once there is room', async () => {
    blocked = new Promise((resolve) => (unblock = resolve));
    const inFlight = [deliver(service, cloudEvent(reminder('slow 1'))), deliver(service, cloudEvent(reminder('slow 2')))];
    for (const deadline = Date.now() + 5000; entered < 2;) {
      if (Date.now() > deadline) throw new Error('the two slow deliveries never reached the handler');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const refused = await deliver(service, cloudEvent(reminder('third')));
    // daprd drops only on 404; any other status is a retriable error (publishMessageHTTP).
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([429, '1']);
    expect(handled).not.toContain('third');
    unblock();
    expect((await Promise.all(inFlight)).map(answer)).toEqual([SUCCESS, SUCCESS]);
    expect(answer(await deliver(service, cloudEvent(reminder('third'))))).toEqual(SUCCESS);
  });

  it('drops a body over the limit from the sidecar (a 413 would be retried for ever) and refuses one without the token', async () => {
    const huge = cloudEvent(reminder(`big ${'x'.repeat(80 * 1024)}`));
    expect(answer(await deliver(service, huge))).toEqual(DROP);
    expect((await deliver(service, huge, '/events/reminders', null)).status).toBe(401);
    expect(handled.some((t) => t.startsWith('big'))).toBe(false);
    expect(answer(await deliver(service, cloudEvent(reminder('after the big one'))))).toEqual(SUCCESS);
  });
});

describeWithBroker('Dapr contract of the notification service with its webhook (delivery log in PostgreSQL)', () => {
  let webhook: Server;
  let service: RunningService;
  const calls: Array<{ key: string | undefined; title: string }> = [];
  const statusFor = new Map<string, number>();

  beforeAll(async () => {
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as ReminderEvent;
        calls.push({ key: request.headers['idempotency-key'] as string | undefined, title: body.title });
        response.writeHead(statusFor.get(body.title) ?? 200);
        response.end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/notify`;
    const env = {
      KAFKA_MODE: 'dapr',
      PORT: '0',
      NOTIFY_WEBHOOK_URL: url,
      DATABASE_URL: readLocalEnv().databaseUrl,
      APP_API_TOKEN: APP_TOKEN,
    };
    service = await runService(notificationService(), { env, logger: quiet });
  });
  afterAll(async () => {
    await service?.close();
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  });

  it('delivers a reminder to the webhook with its event id as Idempotency-Key and answers SUCCESS', async () => {
    const event = reminder('Buy groceries');
    expect(answer(await deliver(service, cloudEvent(event)))).toEqual(SUCCESS);
    expect(calls).toEqual([{ key: event.event_id, title: 'Buy groceries' }]);
  });

  it('does not call the webhook again when the sidecar redelivers the same reminder', async () => {
    const event = reminder('Water plants');
    expect(answer(await deliver(service, cloudEvent(event)))).toEqual(SUCCESS);
    expect(answer(await deliver(service, cloudEvent(event)))).toEqual(SUCCESS);
    expect(calls.filter((c) => c.key === event.event_id)).toHaveLength(1);
  });

  it('answers RETRY when the webhook answers 503, or 401 after a credential rotation, and DROP when it answers 410', async () => {
    statusFor.set('down', 503).set('rotated', 401).set('gone', 410);
    expect(answer(await deliver(service, cloudEvent(reminder('down'))))).toEqual(RETRY);
    expect(answer(await deliver(service, cloudEvent(reminder('rotated'))))).toEqual(RETRY);
    expect(answer(await deliver(service, cloudEvent(reminder('gone'))))).toEqual(DROP);
  });

  it('delivers a retried reminder once the webhook recovers', async () => {
    const event = reminder('down later up');
    statusFor.set('down later up', 500);
    expect(answer(await deliver(service, cloudEvent(event)))).toEqual(RETRY);
    statusFor.delete('down later up');
    expect(answer(await deliver(service, cloudEvent(event)))).toEqual(SUCCESS);
    expect(calls.filter((c) => c.key === event.event_id)).toHaveLength(2);
  });
});

describeWithBroker('Dapr contract of the audit service (rows in PostgreSQL)', () => {
  let service: RunningService;
  beforeAll(async () => {
    const env = { KAFKA_MODE: 'dapr', PORT: '0', DATABASE_URL: readLocalEnv().databaseUrl, APP_API_TOKEN: APP_TOKEN };
    service = await runService(auditService, { env, logger: quiet });
  });
  afterAll(() => service?.close());

  it('records the whole event as the payload: without the record bytes, keep holds on to all of it', async () => {
    const event = taskEvent(`dapr-audit-${randomUUID()}`, 7);
    expect(answer(await deliver(service, cloudEvent(event, 'task-events'), '/events/task-events'))).toEqual(SUCCESS);
    const pool = localPool();
    try {
      const { rows } = await pool.query('SELECT payload, "partition", "offset" FROM audit_events WHERE event_id = $1', [event.event_id]);
      expect(rows).toEqual([{ payload: event, partition: null, offset: null }]);
    } finally {
      await pool.query('DELETE FROM audit_events WHERE user_id = $1', [event.user_id]);
      await pool.end();
    }
  });
});
