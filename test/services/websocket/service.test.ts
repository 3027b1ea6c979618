/**
 * The websocket service end to end: it runs as its own Kafka user, consumes
 * task-updates the API user produces on the local broker, and pushes them to
 * real WebSocket clients on its HTTP port. The Dapr delivery contract is
 * checked on a second instance in Dapr mode.
 */
import { randomUUID } from 'node:crypto';
import { daprRoutePath } from '../../../platform/index.js';
import type { TaskUpdateEvent } from '../../../services/lib/events.js';
import type { KafkaEventPublisher } from '../../../services/lib/kafka-publisher.js';
import type { RunningService } from '../../../services/lib/service.js';
import { WEBSOCKET_METRICS } from '../../../services/websocket/metrics.js';
import { websocketService } from '../../../services/websocket/service.js';
import { signToken } from '../../../services/websocket/token.js';
import { describeWithBroker } from '../../support/local-env.js';
import { publisherAs, RUN_ID, startService, until, waitUntilReady } from '../recurring-task/broker-harness.js';
import { TestClient } from './ws-client.js';

const SECRET = `websocket-service-test-secret-${'x'.repeat(16)}`;
const MAX_BUFFERED = 64 * 1024;
const APP_TOKEN = `dapr-app-token-${'y'.repeat(20)}`;

describeWithBroker('websocket service on the local broker', () => {
  let service: RunningService;
  let api: KafkaEventPublisher;
  const clients: TestClient[] = [];
  const user = (name: string) => `ws-${name}-${RUN_ID}`;
  const token = (sub: string, ttlSeconds = 600) => signToken({ sub, exp: Math.floor(Date.now() / 1000) + ttlSeconds }, SECRET);
  const url = (sub: string) => `ws://127.0.0.1:${service.port}/ws?token=${token(sub)}`;
  const connect = async (sub: string) => {
    const client = await TestClient.connect(url(sub));
    clients.push(client);
    return client;
  };
  const update = (userId: string, id: number, title = `task ${id}`): TaskUpdateEvent => ({
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    user_id: userId,
    update_type: 'updated',
    task: { id, title, completed: false, priority: 'high' },
  });
  const metric = async (name: string, label: string) => {
    const line = (await service.metrics.render()).split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  const ids = (client: TestClient) => client.messages.map((m) => (m as TaskUpdateEvent).task.id);

  beforeAll(async () => {
    api = publisherAs('todo-api');
    ({ service } = await startService(websocketService, {
      WEBSOCKET_TOKEN_SECRET: SECRET,
      WEBSOCKET_MAX_BUFFERED_BYTES: String(MAX_BUFFERED),
      WEBSOCKET_SLOW_CLOSE_GRACE_MS: '10000',
    }));
    await waitUntilReady(service);
  }, 60_000);

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await service?.close();
    await api?.close();
  }, 30_000);

  test("two users' clients each receive only their own updates, in order", async () => {
    const [alice, bob] = [user('alice'), user('bob')];
    const alice1 = await connect(alice);
    const alice2 = await connect(alice);
    const bob1 = await connect(bob);
    await until(async () => (await metric(WEBSOCKET_METRICS.connections, 'service=')) >= 3, 'three connections');
    const updates = Array.from({ length: 120 }, (_, i) => update(i % 3 === 0 ? bob : alice, i + 1));
    await api.publishAll('task-updates', updates);

    const expected = (who: string) => updates.filter((u) => u.user_id === who);
    await Promise.all([alice1.waitForMessages(80), alice2.waitForMessages(80), bob1.waitForMessages(40)]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alice1.messages).toEqual(expected(alice));
    expect(alice2.messages).toEqual(expected(alice));
    expect(bob1.messages).toEqual(expected(bob));
  }, 30_000);

  test('bad tokens are refused with 401 on the same port that serves health and metrics', async () => {
    const forged = signToken({ sub: user('mallory'), exp: Math.floor(Date.now() / 1000) + 600 }, 'not-the-secret-not-the-secret-not-the');
    const refused = await TestClient.refusal(`ws://127.0.0.1:${service.port}/ws?token=${forged}`);
    expect(refused).toMatchObject({ status: 401, body: 'token signature does not match\n' });
    const expired = signToken({ sub: user('alice'), exp: Math.floor(Date.now() / 1000) - 5 }, SECRET);
    expect((await TestClient.refusal(`ws://127.0.0.1:${service.port}/ws?token=${expired}`)).status).toBe(401);
    expect((await TestClient.refusal(`ws://127.0.0.1:${service.port}/ws`)).status).toBe(401);
    expect(await metric(WEBSOCKET_METRICS.rejected, 'reason="bad_signature"')).toBeGreaterThanOrEqual(1);
    expect(await metric(WEBSOCKET_METRICS.rejected, 'reason="expired"')).toBeGreaterThanOrEqual(1);
    expect(await metric(WEBSOCKET_METRICS.rejected, 'reason="missing"')).toBeGreaterThanOrEqual(1);
    const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  test('a slow client is disconnected with 4408 while a fast client of the same user keeps receiving in order', async () => {
    const carol = user('carol');
    const slow = await connect(carol);
    const fast = await connect(carol);
    slow.tcp.pause();
    const big = 'b'.repeat(60 * 1024);
    const slowDrops = () => metric(WEBSOCKET_METRICS.disconnects, 'reason="slow"');
    const before = await slowDrops();
    let sent = 0;
    // Bounded: loopback kernel buffers hold a few MiB before the server-side queue grows.
    // Ten 60 KiB updates per request stay under the topic's 1 MiB record-batch limit.
    while (sent < 600 && (await slowDrops()) === before) {
      await api.publishAll(
        'task-updates',
        Array.from({ length: 10 }, (_, i) => update(carol, sent + i + 1, `${sent + i + 1} ${big}`)),
      );
      sent += 10;
      await fast.waitForMessages(sent, 20_000);
    }
    expect(await slowDrops()).toBe(before + 1);
    await api.publishAll('task-updates', [update(carol, sent + 1), update(carol, sent + 2)]);
    await fast.waitForMessages(sent + 2, 20_000);
    expect(ids(fast)).toEqual(Array.from({ length: sent + 2 }, (_, i) => i + 1));
    expect(fast.closed).toBeUndefined();

    slow.tcp.resume();
    expect(await slow.waitForClose(20_000)).toEqual({ code: 4408, reason: 'too slow: the unsent queue passed its bound' });
    expect(slow.messages.length).toBeLessThan(sent);
  }, 90_000);

  describe('in Dapr mode', () => {
    let dapr: RunningService;
    beforeAll(async () => {
      ({ service: dapr } = await startService(websocketService, {
        KAFKA_MODE: 'dapr',
        WEBSOCKET_TOKEN_SECRET: SECRET,
        APP_API_TOKEN: APP_TOKEN,
      }));
    });
    afterAll(() => dapr?.close());

    const deliver = (body: unknown) =>
      fetch(`http://127.0.0.1:${dapr.port}${daprRoutePath('task-updates')}`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', 'dapr-api-token': APP_TOKEN },
        body: JSON.stringify(body),
      });

    test('a CloudEvent delivery reaches the user and is answered SUCCESS; an invalid one DROP', async () => {
      const dave = user('dave');
      const client = await TestClient.connect(`ws://127.0.0.1:${dapr.port}/ws?token=${token(dave)}`);
      clients.push(client);
      const event = update(dave, 1);
      const cloudEvent = {
        specversion: '1.0',
        id: randomUUID(),
        source: 'todo-api',
        type: 'com.dapr.event.sent',
        datacontenttype: 'application/json',
        topic: 'task-updates',
        pubsubname: 'kafka-pubsub',
        data: event,
      };
      const answer = await deliver(cloudEvent);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ status: 'SUCCESS' });
      await client.waitForMessages(1);
      expect(client.messages).toEqual([event]);

      const invalid = await deliver({ ...cloudEvent, id: randomUUID(), data: { ...event, user_id: 42 } });
      expect(await invalid.json()).toEqual({ status: 'DROP' });
      expect(client.messages).toHaveLength(1);
    });
  });
});
