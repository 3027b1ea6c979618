/**
 * The notification service on the local broker: reminders consumed in
 * order from their single partition, delivered once each to an HTTP webhook,
 * not again on redelivery (PostgreSQL delivery log), held and retried while
 * the webhook fails or refuses the credentials (5xx, 401) until it takes
 * them, dead-lettered at once when it rejects the reminder itself (422).
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
  const reminders = ['first', 'second', 'down', 'third', 'rotated', 'rejected', 'fourth'].map((name) => reminderEvent(title(name)));
  const delivered = ['first', 'second', 'down', 'third', 'rotated', 'fourth'].map(title);
  let webhook: WebhookServer;
  let watcher: TopicWatcher;
  let pool: pg.Pool;
  let started: Awaited<ReturnType<typeof startInGroup>>;
  let service: RunningService;
  let before: Offsets;

  beforeAll(async () => {
    pool = localPool();
    webhook = await WebhookServer.start();
    // Down for three calls, then up; a rotated credential refused twice, then the new one deployed.
    webhook.statusSequence.set(title('down'), [503, 503, 503]).set(title('rotated'), [401, 401]);
    webhook.statusFor.set(title('rejected'), 422);
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
      () => webhook.callsFor(title('fourth')).length === 1 && watcher.records.length === 1,
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
      const attempts = { down: 4, rotated: 3 }[reminder.title.split(' ')[0]!] ?? 1;
      expect(calls).toEqual(Array(attempts).fill({ idempotencyKey: reminder.event_id, contentType: 'application/json', reminder }));
    }
  });

  it('delivers in the order the reminders were produced, failures included', () => {
    expect(webhook.callsFor(marker).map((c) => c.reminder.title.split(' ')[0])).toEqual([
      'first',
      'second',
      'down',
      'down',
      'down',
      'down',
      'third',
      'rotated',
      'rotated',
      'rotated',
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

  it('dead-letters only the reminder the webhook rejects (422), after one attempt; none it answered 5xx or 401 to', () => {
    const letters = watcher.records.map((r) => r.value as unknown as DeadLetterEnvelope);
    expect(letters.map((l) => [JSON.parse(l.original_message.value!).title, l.error, l.attempts, l.service, l.source.topic])).toEqual([
      [title('rejected'), { code: 'WEBHOOK_422', message: 'webhook answered 422: thanks' }, 1, 'notification-service', 'reminders'],
    ]);
  });

  it('counts 5 retries and 1 dead letter, and at least our 6 deliveries (other suites share the topic)', async () => {
    const count = (outcome: 'success' | 'retry' | 'dead_letter') => service.metrics.processedCount('reminders', outcome);
    expect([await count('retry'), await count('dead_letter')]).toEqual([5, 1]);
    expect(await count('success')).toBeGreaterThanOrEqual(6);
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
    // Delivered ones are skipped; the rejected one is delivered now that the webhook takes it.
    const newCalls = webhook.callsFor(marker).slice(callsBefore);
    expect(newCalls.map((c) => c.reminder.title.split(' ')[0])).toEqual(['rejected', 'sentinel']);
  });
});
