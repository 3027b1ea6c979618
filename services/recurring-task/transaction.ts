/** One PostgreSQL transaction on a pooled client: committed when `work` resolves, rolled back when it throws. */
import type { Pool, PoolClient } from 'pg';

export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no 'error' listener (pg-pool removes its idle one on acquire): a
  // connection lost between two statements (the server killed while `work` awaits a publish)
  // would be emitted unhandled and end the process. Keep it here; the next statement fails anyway.
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
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
