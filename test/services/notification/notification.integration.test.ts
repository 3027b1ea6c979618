/**
 * The notification service on the local broker: reminders consumed in
 * order from their single partition, delivered once each to an HTTP webhook,
 * not again on redelivery (PostgreSQL delivery log), retried on 5xx and then
 * dead-lettered, dead-lettered at once on 4xx.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { DeadLetterEnvelope } from '../../../services/lib/dead-letter.js';
import type { RunningService } from '../../../services/lib/service.js';
import { notificationService } from '../../../services/notification/index.js';
import { describeWithBroker } from '../../support/local-env.js';
import {
  endOffsets,
  localPool,
  publisherAs,
  reminderEvent,
  setGroupOffsets,
  startInGroup,
  TopicWatcher,
  uniqueGroup,
  untilService,
  type Offsets,
} from '../lib/broker-support.js';
import { WebhookServer } from './webhook-server.js';

describeWithBroker('notification service on the local broker', () => {
  const group = uniqueGroup('notification');
  const marker = randomUUID().slice(0, 8);
  const title = (name: string) => `${name} ${marker}`;
  const reminders = ['first', 'second', 'down', 'third', 'rejected', 'fourth'].map((name) => reminderEvent(title(name)));
  const delivered = ['first', 'second', 'third', 'fourth'].map(title);
  let webhook: WebhookServer;
  let watcher: TopicWatcher;
  let pool: pg.Pool;
  let started: Awaited<ReturnType<typeof startInGroup>>;
  let service: RunningService;
  let before: Offsets;

  beforeAll(async () => {
    pool = localPool();
    webhook = await WebhookServer.start();
    webhook.statusFor.set(title('down'), 503).set(title('rejected'), 422);
    before = await endOffsets(['reminders']);
    await setGroupOffsets(group, before);
    watcher = await TopicWatcher.start(['task-events-dlq'], (v) => JSON.stringify(v).includes(marker));
    started = await startInGroup(notificationService(), group, { NOTIFY_WEBHOOK_URL: webhook.url, NOTIFY_WEBHOOK_TIMEOUT_MS: '2000' });
    service = started.service;
    const publisher = publisherAs('recurring-task-service');
    for (const reminder of reminders) await publisher.publish('reminders', reminder);
    await publisher.close();
    await untilService(
      started,
      () => webhook.callsFor(title('fourth')).length === 1 && watcher.records.length === 2,
      'all reminders settled',
    );
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await watcher?.close();
    await webhook?.close();
    await pool?.end();
  });

  it('delivers each reminder once to the webhook, as JSON, with its event id as Idempotency-Key', () => {
    for (const reminder of reminders.filter((r) => delivered.includes(r.title))) {
      const calls = webhook.calls.filter((c) => c.reminder.event_id === reminder.event_id);
      expect(calls).toEqual([{ idempotencyKey: reminder.event_id, contentType: 'application/json', reminder }]);
    }
  });

  it('delivers in the order the reminders were produced, failures included', () => {
    expect(webhook.callsFor(marker).map((c) => c.reminder.title.split(' ')[0])).toEqual([
      'first',
      'second',
      'down',
      'down',
      'down',
      'third',
      'rejected',
      'fourth',
    ]);
  });

  it('records deliveries in PostgreSQL by event id', async () => {
    const ids = reminders.map((r) => r.event_id);
    const result = await pool.query<{ event_id: string }>('SELECT event_id FROM delivered_notifications WHERE event_id = ANY($1::uuid[])', [
      ids,
    ]);
    expect(result.rows.map((r) => r.event_id).sort()).toEqual(
      reminders
        .filter((r) => delivered.includes(r.title))
        .map((r) => r.event_id)
        .sort(),
    );
  });

  it('dead-letters a reminder the webhook keeps answering 5xx to after 3 attempts, and one answered 4xx after 1', () => {
    const letters = watcher.records.map((r) => r.value as unknown as DeadLetterEnvelope);
    expect(letters.map((l) => [JSON.parse(l.original_message.value!).title, l.error, l.attempts, l.service, l.source.topic])).toEqual([
      [title('down'), { code: 'WEBHOOK_503', message: 'webhook answered 503: thanks' }, 3, 'notification-service', 'reminders'],
      [title('rejected'), { code: 'WEBHOOK_422', message: 'webhook answered 422: thanks' }, 1, 'notification-service', 'reminders'],
    ]);
  });

  it('counts 2 retries and 2 dead letters, and at least our 4 deliveries (other suites share the topic)', async () => {
    const count = (outcome: 'success' | 'retry' | 'dead_letter') => service.metrics.processedCount('reminders', outcome);
    expect([await count('retry'), await count('dead_letter')]).toEqual([2, 2]);
    expect(await count('success')).toBeGreaterThanOrEqual(4);
  });

  it('does not call the webhook again when the reminders are delivered again', async () => {
    const callsBefore = webhook.callsFor(marker).length;
    await service.close();
    webhook.statusFor.clear();
    await setGroupOffsets(group, before);
    started = await startInGroup(notificationService(), group, { NOTIFY_WEBHOOK_URL: webhook.url });
    service = started.service;
    // A reminder produced after the redelivered ones: once it arrives, everything before it was handled (one partition, in order).
    const sentinel = reminderEvent(title('sentinel'));
    const publisher = publisherAs('recurring-task-service');
    await publisher.publish('reminders', sentinel);
    await publisher.close();
    await untilService(started, () => webhook.callsFor(title('sentinel')).length === 1, 'the reminder behind the redelivered ones');
    // Delivered ones are skipped; the two that failed are delivered now that the webhook recovered.
    const newCalls = webhook.callsFor(marker).slice(callsBefore);
    expect(newCalls.map((c) => c.reminder.title.split(' ')[0])).toEqual(['down', 'rejected', 'sentinel']);
  });
});
