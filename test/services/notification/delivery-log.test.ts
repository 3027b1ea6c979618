/**
 * The durable delivery log on the real PostgreSQL: it deduplicates, and it
 * keeps delivered ids only for its retention, pruning while it records.
 */
import pg from 'pg';
import { DELIVERED_TABLE, PgDeliveryLog } from '../../../services/notification/delivery-log.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { specReminder } from '../../support/spec-events.js';
import { randomUUID } from 'node:crypto';

describeWithBroker('PgDeliveryLog retention', () => {
  const user = `delivery-log-${randomUUID()}`;
  let pool: pg.Pool;
  const reminder = () => specReminder({ event_id: randomUUID(), user_id: user });
  const ids = async () =>
    (await pool.query(`SELECT event_id FROM ${DELIVERED_TABLE} WHERE user_id = $1 ORDER BY delivered_at`, [user])).rows.map(
      (r: { event_id: string }) => r.event_id,
    );

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: readLocalEnv().databaseUrl, max: 3 });
  });
  afterAll(async () => {
    await pool.query(`DELETE FROM ${DELIVERED_TABLE} WHERE user_id = $1`, [user]);
    await pool.end();
  });

  test('deletes ids delivered before the retention while recording, at most once per interval, and keeps deduplicating the rest', async () => {
    // "Now" is 2000-07-01, the retention 30 days: only rows older than 2000-06-01 go, which no other suite has.
    let now = new Date('2000-07-01T00:00:00Z');
    const log = new PgDeliveryLog(pool, { retentionMs: 30 * 86_400_000, pruneIntervalMs: 3_600_000, clock: () => now });
    await log.init();
    const [old1, old2, recent] = [reminder(), reminder(), reminder()];
    for (const r of [old1, old2, recent]) await log.record(r);
    await log.settled();
    await pool.query(`UPDATE ${DELIVERED_TABLE} SET delivered_at = '2000-05-01' WHERE event_id = ANY($1::uuid[])`, [
      [old1.event_id, old2.event_id],
    ]);
    await pool.query(`UPDATE ${DELIVERED_TABLE} SET delivered_at = '2000-06-20' WHERE event_id = $1`, [recent.event_id]);

    // Within the interval of the first pruning (which ran at the first record): nothing is deleted yet.
    const fourth = reminder();
    await log.record(fourth);
    await log.settled();
    expect(await ids()).toHaveLength(4);

    now = new Date('2000-07-01T01:00:01Z');
    const latest = reminder();
    await log.record(latest);
    await log.settled();
    expect((await ids()).sort()).toEqual([recent.event_id, fourth.event_id, latest.event_id].sort());
    expect(await log.wasDelivered(recent.event_id)).toBe(true);
    expect(await log.wasDelivered(old1.event_id)).toBe(false);
  });

  test('prune deletes in batches up to a cutoff and says how many', async () => {
    const log = new PgDeliveryLog(pool);
    await log.init();
    const rows = Array.from({ length: 12 }, () => reminder());
    for (const r of rows) await log.record(r);
    await pool.query(`UPDATE ${DELIVERED_TABLE} SET delivered_at = '1999-01-01' WHERE event_id = ANY($1::uuid[])`, [
      rows.map((r) => r.event_id),
    ]);
    expect(await log.prune(new Date('1999-06-01T00:00:00Z'))).toBeGreaterThanOrEqual(12);
    expect(await ids()).not.toEqual(expect.arrayContaining([rows[0]!.event_id]));
  });
});
