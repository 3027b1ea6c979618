/**
 * The audit store on the local PostgreSQL: batches larger than one prepared
 * statement, written several statements at once, still record each event
 * exactly once.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { toAuditRow } from '../../../services/audit/audit-service.js';
import { AUDIT_WRITE, AuditStore, insertStatement, type AuditRow } from '../../../services/audit/audit-store.js';
import { canRetry, errorCode } from '../../../services/lib/errors.js';
import { describeWithBroker } from '../../support/local-env.js';
import { localPool, taskEvent } from '../lib/broker-support.js';

function row(user: string, i: number, asText: boolean): AuditRow {
  const event = taskEvent(user, i + 1);
  const value = asText ? Buffer.from(JSON.stringify(event)) : undefined;
  const context = {
    topic: 'task-events',
    partition: i % 3,
    offset: BigInt(i),
    key: user,
    headers: {},
    value,
    attempt: 1,
    signal: new AbortController().signal,
  };
  return toAuditRow(event, context);
}

describeWithBroker('audit store on the local PostgreSQL', () => {
  let pool: pg.Pool;
  let store: AuditStore;
  const user = `user-${randomUUID()}`;
  // Four full statements and a remainder, half with the payload as received (text), half as an object.
  const rows = Array.from({ length: AUDIT_WRITE.rowsPerStatement * 4 + 234 }, (_, i) => row(user, i, i % 2 === 0));

  beforeAll(async () => {
    pool = localPool();
    store = new AuditStore(pool);
    await store.migrate();
  });
  afterAll(async () => {
    await pool.query('DELETE FROM audit_events WHERE user_id = $1', [user]);
    await pool.end();
  });

  it('writes a batch of several statements once: every row, each field as given', async () => {
    expect(await store.insert(rows)).toBe(rows.length);
    const stored = await pool.query<{ n: number; distinct_ids: number; max_offset: string }>(
      'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_ids, max("offset")::text AS max_offset FROM audit_events WHERE user_id = $1',
      [user],
    );
    expect(stored.rows[0]).toEqual({ n: rows.length, distinct_ids: rows.length, max_offset: String(rows.length - 1) });
    const sample = rows[7]!;
    const one = await pool.query('SELECT event_type, task_id::int, "partition", payload FROM audit_events WHERE event_id = $1', [
      sample.eventId,
    ]);
    expect(one.rows[0]).toEqual({ event_type: 'created', task_id: 8, partition: 1, payload: sample.payload });
    const text = rows[8]!;
    const fromText = await pool.query('SELECT payload FROM audit_events WHERE event_id = $1', [text.eventId]);
    expect(fromText.rows[0].payload).toEqual(JSON.parse(text.payload as string));
  });

  it('adds nothing when the same batch, or part of it with new rows, is written again', async () => {
    expect(await store.insert(rows)).toBe(0);
    const more = [...rows.slice(0, 300), row(user, rows.length, true)];
    expect(await store.insert(more)).toBe(1);
  });

  it('fails the whole batch with a non-retryable error naming the SQLSTATE when a row is invalid', async () => {
    const bad = [row(user, 10_000, true), { ...row(user, 10_001, true), eventId: 'not-a-uuid' }];
    const error = await store.insert(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect([errorCode(error), canRetry(error)]).toEqual(['POSTGRES_22P02', false]);
    expect((error as Error).message).toMatch(/^writing 2 audit row\(s\) failed: invalid input syntax for type uuid/);
  });

  it('names each placeholder with its column type, nine per row', () => {
    expect(insertStatement(2)).toContain(
      'VALUES ($1::uuid,$2,$3,$4::bigint,$5::timestamptz,$6::jsonb,$7,$8::int,$9::bigint),($10::uuid,$11,$12,$13::bigint,$14::timestamptz,$15::jsonb,$16,$17::int,$18::bigint)',
    );
  });
});
