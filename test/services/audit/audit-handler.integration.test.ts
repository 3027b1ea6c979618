/**
 * The audit handler's batches against its connections, on the local
 * PostgreSQL: it takes more batches at once than it has connections
 * (`AUDIT_CONCURRENT_BATCHES`; their COPYs are pipelined on the one
 * connection, services/audit/copy-connections.ts), and never opens more
 * than `AUDIT_WRITE_CONNECTIONS`: another backend would compete with the
 * service for the cores.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  AUDIT_CONCURRENT_BATCHES,
  AUDIT_WRITE_CONNECTIONS,
  auditService,
  keepAudited,
  type AuditedEvent,
} from '../../../services/audit/audit-service.js';
import type { ReceivedEvent, ServiceContext } from '../../../services/lib/handler.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { localPool, memoryLogger, taskEvent } from '../lib/broker-support.js';

const ROWS_PER_BATCH = 500;

function received(user: string, offset: number): ReceivedEvent<AuditedEvent> {
  const event = taskEvent(user, offset + 1);
  const value = Buffer.from(JSON.stringify(event));
  return {
    event: keepAudited(event, value),
    context: {
      topic: 'task-events',
      partition: offset % 3,
      offset: BigInt(offset),
      key: user,
      headers: {},
      value,
      attempt: 1,
      signal: new AbortController().signal,
    },
  };
}

describeWithBroker('audit handler on the local PostgreSQL', () => {
  const user = `user-${randomUUID()}`;
  // Its own application_name, so other suites' audit services do not count among its backends.
  const appId = `audit-test-${randomUUID().slice(0, 8)}`;
  let pool: pg.Pool;

  beforeAll(() => {
    pool = localPool();
  });
  afterAll(async () => {
    await pool.query('DELETE FROM audit_events WHERE user_id = $1', [user]);
    await pool.end();
  });

  it('writes more batches at once than it has connections, on no more connections, every row once', async () => {
    // What the audit reads at start-up: the database and the name its connections carry.
    const context = { config: { databaseUrl: readLocalEnv().databaseUrl, appId }, log: memoryLogger().log } as unknown as ServiceContext;
    const handler = await auditService.start(context);
    try {
      expect(handler.concurrentBatches).toBe(AUDIT_CONCURRENT_BATCHES);
      expect(AUDIT_CONCURRENT_BATCHES).toBeGreaterThan(AUDIT_WRITE_CONNECTIONS);
      const batches = Array.from({ length: AUDIT_CONCURRENT_BATCHES }, (_, b) =>
        Array.from({ length: ROWS_PER_BATCH }, (_, i) => received(user, b * ROWS_PER_BATCH + i)),
      );
      await Promise.all(batches.map((batch) => handler.handleBatch!(batch)));
      // The pool keeps what it opened (idle for 30 s): every connection the batches used is still there.
      const backends = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [
        appId,
      ]);
      expect(backends.rows[0]!.n).toBe(AUDIT_WRITE_CONNECTIONS);
      const stored = await pool.query<{ n: number; ids: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM audit_events WHERE user_id = $1',
        [user],
      );
      expect(stored.rows[0]).toEqual({ n: AUDIT_CONCURRENT_BATCHES * ROWS_PER_BATCH, ids: AUDIT_CONCURRENT_BATCHES * ROWS_PER_BATCH });
    } finally {
      await handler.close?.();
    }
  });
});
