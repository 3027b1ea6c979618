/**
 * The bench's checkpoint before each measured write, on the local
 * PostgreSQL: it really checkpoints (as the cluster's superuser, which the
 * services' role is not), and the WAL a write makes after it is counted.
 */
import pg from 'pg';
import { checkpoint, walSince } from '../../bench/postgres-checkpoint.js';
import { describeWithBroker, readLocalEnv } from '../support/local-env.js';

describeWithBroker('the bench checkpoint on the local PostgreSQL', () => {
  const { databaseUrl } = readLocalEnv();

  it('is refused to the services role, which is why the bench connects as the superuser', async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await expect(client.query('CHECKPOINT')).rejects.toThrow(/pg_checkpoint/);
    } finally {
      await client.end();
    }
  });

  it('starts a checkpoint, and measures the WAL written after it', async () => {
    const before = await checkpoint(databaseUrl);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      // A regular (logged) table: 20,000 rows of 100 bytes write a couple of MiB of WAL.
      await client.query('CREATE TABLE IF NOT EXISTS bench_checkpoint_probe (v text)');
      await client.query("INSERT INTO bench_checkpoint_probe SELECT repeat('x', 100) FROM generate_series(1, 20000)");
      const span = await walSince(databaseUrl, before);
      expect(span.walMiB).toBeGreaterThan(1);
      const after = await checkpoint(databaseUrl);
      expect(after.checkpoints).toBeGreaterThan(before.checkpoints);
      expect(after.lsnBytes).toBeGreaterThan(before.lsnBytes);
    } finally {
      await client.query('DROP TABLE IF EXISTS bench_checkpoint_probe');
      await client.end();
    }
  });
});
