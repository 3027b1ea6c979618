/**
 * One PostgreSQL transaction on a pooled client: committed when `work`
 * resolves, rolled back when it throws. It is also where the service's
 * PostgreSQL errors are judged: whatever the driver rejects with (connecting,
 * BEGIN, COMMIT, any statement `work` runs on the client it is given) leaves
 * as `pgError` makes it, a `TransientError` (the database's fault: held and
 * retried) or a `PermanentError` (the statement's data). Anything else `work`
 * throws passes through untouched, so a bug in the service's own code is
 * classified as the message's fault (services/lib/classify.ts: retried, then
 * dead-lettered) instead of passing for a database outage that holds the
 * partition for ever.
 */
import type { Pool, PoolClient } from 'pg';
import { pgError } from '../lib/postgres.js';

/** `sql`'s first words, to say which statement failed without its parameters. */
function statementOf(sql: unknown): string {
  const text = typeof sql === 'string' ? sql : ((sql as { text?: unknown } | null)?.text ?? '');
  return String(text).trim().split(/\s+/).slice(0, 4).join(' ');
}

/** The client, with each `query` rejection turned into `pgError`'s verdict; every other member is the client's own. */
function judgingQueries(client: PoolClient): PoolClient {
  const query = (...args: unknown[]) =>
    (client.query as (...a: unknown[]) => Promise<unknown>).apply(client, args).catch((error: unknown) => {
      throw pgError(error, `statement ${statementOf(args[0])}`);
    });
  return new Proxy(client, {
    get: (target, property) => {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw pgError(error, 'connecting to PostgreSQL');
  }
  let broken: Error | undefined;
  // A checked-out client has no 'error' listener (pg-pool removes its idle one on acquire): a
  // connection lost between two statements (the server killed while `work` awaits a publish)
  // would be emitted unhandled and end the process. Keep it here; the next statement fails anyway.
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  const judged = judgingQueries(client);
  try {
    await judged.query('BEGIN');
    const result = await work(judged);
    await judged.query('COMMIT');
    return result;
  } catch (error) {
    // A failed ROLLBACK means the connection is gone (or hung until pg's query_timeout ended it); the
    // original error says why. Releasing with an error makes the pool discard that connection
    // instead of handing it to the next caller.
    await client.query('ROLLBACK').catch(() => {
      broken ??= error instanceof Error ? error : new Error(String(error));
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
