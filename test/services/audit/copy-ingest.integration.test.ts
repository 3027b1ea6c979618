/**
 * The audit service's COPY ingestion on the local PostgreSQL: every row once,
 * however often a batch is replayed, with each value as given; a bad value
 * fails the batch with the classified error and writes nothing; lost or
 * unreachable connections fail retryably, and the next batch goes through.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { toAuditRow } from '../../../services/audit/audit-service.js';
import type { AuditRow } from '../../../services/audit/audit-store.js';
import { AuditStore } from '../../../services/audit/audit-store.js';
import { CopyFromStdin, taggedRows } from '../../../services/audit/copy-from-stdin.js';
import { CopyIngest, STAGING_TABLE } from '../../../services/audit/copy-ingest.js';
import { copyBytes } from '../../../services/audit/copy-text.js';
import { AUDIT_COPY_COLUMNS } from '../../../services/audit/schema.js';
import { canRetry, errorCode } from '../../../services/lib/errors.js';
import { createPgPool } from '../../../services/lib/postgres.js';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { localPool, taskEvent, until } from '../lib/broker-support.js';

function row(user: string, i: number, title = `Buy groceries ${i}`): AuditRow {
  const event = taskEvent(user, i + 1, 'created', title);
  const context = {
    topic: 'task-events',
    partition: i % 3,
    offset: BigInt(1000 + i),
    key: user,
    headers: {},
    value: Buffer.from(JSON.stringify(event)),
    attempt: 1,
    signal: new AbortController().signal,
  };
  return toAuditRow(event, context);
}

describeWithBroker('COPY ingestion of audit rows on the local PostgreSQL', () => {
  let pool: pg.Pool;
  const users: string[] = [];
  const user = () => {
    const id = `copy-ingest-${randomUUID()}`;
    users.push(id);
    return id;
  };
  const count = async (id: string) =>
    (
      await pool.query<{ n: number; ids: number }>(
        'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM audit_events WHERE user_id = $1',
        [id],
      )
    ).rows[0]!;

  beforeAll(async () => {
    pool = localPool();
    await new AuditStore(pool).migrate();
  });
  afterAll(async () => {
    await pool.query('DELETE FROM audit_events WHERE user_id = ANY($1)', [users]);
    await pool.end();
  });

  describe.each([
    ['COPY straight into the table first, each on a pooled connection', true, 'pooled'],
    ['always through the staging table, each on a pooled connection', false, 'pooled'],
    ['COPY straight into the table first, pipelined on one connection', true, 'pipelined'],
    ['always through the staging table, pipelined on one connection', false, 'pipelined'],
  ] as const)('%s', (_way, directFirst, connection) => {
    let pipelined: pg.Pool;
    beforeAll(() => {
      pipelined = createPgPool(readLocalEnv().databaseUrl, `copy-ingest-test-${randomUUID().slice(0, 8)}`, { max: 2, pipeline: true });
    });
    afterAll(() => pipelined.end());
    const ingest = () =>
      new CopyIngest(connection === 'pipelined' ? pipelined : pool, { rowsPerCopy: 250, concurrentCopies: 2, directFirst, connection });

    it('writes a batch of several chunks once, every row', async () => {
      const id = user();
      const rows = Array.from({ length: 734 }, (_, i) => row(id, i));
      expect(await ingest().insert(rows)).toBe(rows.length);
      expect(await count(id)).toEqual({ n: rows.length, ids: rows.length });
    });

    it('writes nothing when the same batch is replayed, and only the new rows of a batch that overlaps', async () => {
      const id = user();
      const rows = Array.from({ length: 600 }, (_, i) => row(id, i));
      const writer = ingest();
      expect(await writer.insert(rows)).toBe(600);
      expect(await writer.insert(rows)).toBe(0);
      expect(await writer.insert([...rows.slice(100, 400), row(id, 600), row(id, 601)])).toBe(2);
      expect(await count(id)).toEqual({ n: 602, ids: 602 });
    });

    it('records an event that appears twice in one batch once', async () => {
      const id = user();
      const first = row(id, 0);
      expect(await ingest().insert([first, row(id, 1), first])).toBe(2);
      expect(await count(id)).toEqual({ n: 2, ids: 2 });
    });

    it('stores each field as given, whatever characters the event text holds', async () => {
      const id = user();
      const title = 'tab\there, new\nline, back\\slash, "quotes", \r, é, 😀';
      const written = row(id, 7, title);
      expect(await ingest().insert([written])).toBe(1);
      const { rows } = await pool.query(
        'SELECT event_id, event_type, user_id, task_id::int, occurred_at, payload, topic, "partition", "offset"::text FROM audit_events WHERE user_id = $1',
        [id],
      );
      expect(rows).toEqual([
        {
          event_id: written.eventId,
          event_type: 'created',
          user_id: id,
          task_id: 8,
          occurred_at: new Date(written.occurredAt),
          payload: JSON.parse(written.payload as string),
          topic: 'task-events',
          partition: 1,
          offset: '1007',
        },
      ]);
      expect((rows[0].payload as { task_data: { title: string } }).task_data.title).toBe(title);
    });

    it('fails a batch with a bad value with a non-retryable error naming the SQLSTATE, writing none of its rows', async () => {
      const id = user();
      const bad = [row(id, 0), { ...row(id, 1), eventId: 'not-a-uuid' }, row(id, 2)];
      const error = await ingest()
        .insert(bad)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect([errorCode(error), canRetry(error)]).toEqual(['POSTGRES_22P02', false]);
      expect((error as Error).message).toMatch(/^writing 3 audit row\(s\) failed: invalid input syntax for type uuid/);
      expect(await count(id)).toEqual({ n: 0, ids: 0 });
    });

    it('leaves the connection usable and its staging table empty after a failure', async () => {
      const id = user();
      const writer = ingest();
      await writer.insert([{ ...row(id, 0), eventId: 'not-a-uuid' }]).catch(() => undefined);
      // A replayed-and-new batch goes through the staging table on the same pooled connections.
      const [one, two] = [row(id, 1), row(id, 2)];
      expect(await writer.insert([one])).toBe(1);
      expect(await writer.insert([one, two])).toBe(1);
      const client = await pool.connect();
      try {
        const staged = await client.query(`SELECT to_regclass('pg_temp.${STAGING_TABLE}') IS NOT NULL AS exists`);
        if (staged.rows[0].exists)
          expect((await client.query(`SELECT count(*)::int AS n FROM pg_temp.${STAGING_TABLE}`)).rows[0].n).toBe(0);
      } finally {
        client.release();
      }
    });
  });

  describe('the rows sent with the COPY statement, before the server asks for them', () => {
    const copyInto = (table: string) => `COPY ${table} (${AUDIT_COPY_COLUMNS}) FROM STDIN`;
    /** The connection answers the next query as it should: nothing of the COPY's data is left in its way. */
    const stillInStep = async (client: pg.PoolClient) => {
      const { rows } = await client.query<{ n: number }>('SELECT $1::int + 1 AS n', [41]);
      expect(rows).toEqual([{ n: 42 }]);
    };

    it('lands every row of a text larger than one CopyData message', async () => {
      const id = user();
      const data = copyBytes(Array.from({ length: 1500 }, (_, i) => row(id, i)));
      expect(data.length).toBeGreaterThan(2 * 256 * 1024);
      const client = await pool.connect();
      try {
        const { commands } = await CopyFromStdin.run(client, copyInto('audit_events'), data);
        expect(taggedRows(commands[0])).toBe(1500);
        await stillInStep(client);
      } finally {
        client.release();
      }
      expect(await count(id)).toEqual({ n: 1500, ids: 1500 });
    });

    it('leaves the connection in step when the statement fails before copy-in mode, so its rows are dropped unread', async () => {
      const client = await pool.connect();
      try {
        const data = copyBytes(Array.from({ length: 600 }, (_, i) => row(user(), i)));
        const error = await CopyFromStdin.run(client, copyInto('audit_events_missing'), data).catch((e: unknown) => e);
        expect((error as { code?: string }).code).toBe('42P01');
        await stillInStep(client);
      } finally {
        client.release();
      }
    });

    it('leaves the connection in step when a row fails in the middle of the data', async () => {
      const id = user();
      const rows = Array.from({ length: 1200 }, (_, i) => row(id, i));
      rows[700] = { ...rows[700]!, eventId: 'not-a-uuid' };
      const client = await pool.connect();
      try {
        const error = await CopyFromStdin.run(client, copyInto('audit_events'), copyBytes(rows)).catch((e: unknown) => e);
        expect((error as { code?: string }).code).toBe('22P02');
        await stillInStep(client);
      } finally {
        client.release();
      }
      expect(await count(id)).toEqual({ n: 0, ids: 0 });
    });
  });

  it('writes the next batch on new connections after the server ended its connections', async () => {
    const id = user();
    const app = `copy-ingest-test-${randomUUID().slice(0, 8)}`;
    const own = createPgPool(readLocalEnv().databaseUrl, app, { max: 2 });
    try {
      const writer = new CopyIngest(own, { rowsPerCopy: 250, concurrentCopies: 2, directFirst: true, connection: 'pooled' });
      const rows = [row(id, 0), row(id, 1), row(id, 2)];
      expect(await writer.insert([rows[0]!])).toBe(1);
      // As a restart or a failover would: the pool drops the dead connections, and the staging table goes with them.
      await pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
      await until(
        async () =>
          (await pool.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app])).rows[0].n === 0,
        'connections ended',
      );
      let written = 0;
      for (let attempt = 0; attempt < 3 && written === 0; attempt++) {
        written = await writer.insert(rows).catch((error: unknown) => {
          // A connection that died unnoticed fails the batch retryably; the library retries it.
          expect(canRetry(error)).toBe(true);
          return 0;
        });
      }
      expect(written).toBe(2);
      expect(await count(id)).toEqual({ n: 3, ids: 3 });
    } finally {
      await own.end();
    }
  });

  describe('pipelined on one connection', () => {
    let app: string;
    let own: pg.Pool;
    let writer: CopyIngest;
    const backends = async () =>
      (await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [app])).rows.map((r) => r.pid);
    const settings = { rowsPerCopy: 250, concurrentCopies: 2, directFirst: true, connection: 'pipelined' } as const;

    beforeEach(() => {
      app = `copy-ingest-test-${randomUUID().slice(0, 8)}`;
      own = createPgPool(readLocalEnv().databaseUrl, app, { max: 2, pipeline: true, query_timeout: 1500 });
      writer = new CopyIngest(own, settings);
    });
    afterEach(() => own.end());

    it('writes the batches in flight at once on one backend, each row once, a replayed one through the staging table', async () => {
      const id = user();
      const rows = Array.from({ length: 2000 }, (_, i) => row(id, i));
      expect(await writer.insert(rows.slice(0, 100))).toBe(100);
      const landed = await Promise.all([
        writer.insert(rows.slice(0, 500)), // 100 of them recorded already
        writer.insert(rows.slice(500, 1000)),
        writer.insert(rows.slice(1000, 1500)),
        writer.insert(rows.slice(1500, 2000)),
      ]);
      expect(landed).toEqual([400, 500, 500, 500]);
      expect(await count(id)).toEqual({ n: 2000, ids: 2000 });
      expect(await backends()).toHaveLength(1);
    });

    it('keeps its connection once the query timeout of COPYs that answered has passed', async () => {
      const id = user();
      expect(await writer.insert([row(id, 0)])).toBe(1);
      const [pid] = await backends();
      // pg's read timeout (1.5 s here) would end a pipelined connection whose query never reported its end.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await writer.insert([row(id, 1)])).toBe(1);
      expect(await backends()).toEqual([pid]);
    });

    it('fails every COPY on a connection that is lost mid-write retryably, and writes the next on a new one', async () => {
      const id = user();
      const rows = Array.from({ length: 1500 }, (_, i) => row(id, i));
      expect(await writer.insert([rows[0]!])).toBe(1);
      const [lost] = await backends();
      // Another session holds a lock that COPY must wait for: the writes are in flight on the backend when it is ended.
      const blocker = await pool.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE audit_events IN SHARE MODE');
        const inFlight = [writer.insert(rows.slice(1, 500)), writer.insert(rows.slice(500, 1000)), writer.insert(rows.slice(1000, 1500))];
        const failures = inFlight.map((write) =>
          write.then(
            () => undefined,
            (error: unknown) => error,
          ),
        );
        await until(
          async () =>
            (await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = $2', [lost, 'Lock'])).rowCount === 1,
          'the COPY waiting for the lock',
        );
        await pool.query('SELECT pg_terminate_backend($1)', [lost]);
        for (const error of await Promise.all(failures)) expect(canRetry(error)).toBe(true);
      } finally {
        await blocker.query('ROLLBACK');
        blocker.release();
      }
      expect(await writer.insert(rows)).toBe(1499);
      expect(await count(id)).toEqual({ n: 1500, ids: 1500 });
      expect(await backends()).not.toContain(lost);
    });

    it('writes on a new connection after its connection was lost between writes', async () => {
      const id = user();
      expect(await writer.insert([row(id, 0)])).toBe(1);
      const [lost] = await backends();
      await pool.query('SELECT pg_terminate_backend($1)', [lost]);
      await until(async () => (await backends()).length === 0, 'the backend ended');
      let written = 0;
      for (let attempt = 0; attempt < 3 && written === 0; attempt++) {
        written = await writer.insert([row(id, 1)]).catch((error: unknown) => {
          // The pool may hand out the ended connection before pg has read why (FATAL 57P01): retryable, once.
          expect(canRetry(error)).toBe(true);
          return 0;
        });
      }
      expect(written).toBe(1);
      expect(await count(id)).toEqual({ n: 2, ids: 2 });
      expect(await backends()).not.toContain(lost);
    });
  });

  it('fails with a retryable error when PostgreSQL cannot be reached', async () => {
    const unreachable = createPgPool('postgres://todo:nothing@127.0.0.1:1/todo', 'copy-ingest-test', { connectionTimeoutMillis: 2000 });
    try {
      const error = await new CopyIngest(unreachable).insert([row(user(), 0)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([errorCode(error), canRetry(error)]).toEqual(['POSTGRES_ECONNREFUSED', true]);
    } finally {
      await unreachable.end();
    }
  });
});
