/**
 * What an application's PostgreSQL backends are doing, sampled from
 * `pg_stat_activity` every few milliseconds: `state` and wait event
 * (`active -:-` is on a CPU or waiting for one; `active Client:ClientRead`
 * inside a COPY is waiting for the client's rows). Only the samples between
 * the first and the last with an active backend count, so start-up and idle
 * phases do not.
 */
import pg from 'pg';
import { processCpuSeconds } from './service-process.js';

/** How often `pg_stat_activity` is read. @default 5 ms */
const SAMPLE_EVERY_MS = 5;

export class BackendWaits {
  private readonly samples: string[][] = [];
  private sampling = true;
  /** `ownPostgresCpuSeconds` when sampling stopped (its backend exits then). */
  ownCpuAtStop = 0;
  private loop: Promise<void> | undefined;

  private constructor(
    private readonly client: pg.Client,
    private readonly applicationName: string,
    private readonly backendPid: number,
  ) {}

  /** CPU seconds the sampling itself has cost PostgreSQL (its backend's), to subtract from PostgreSQL's total. */
  ownPostgresCpuSeconds(): number {
    return processCpuSeconds(this.backendPid);
  }

  static async start(databaseUrl: string, applicationName: string): Promise<BackendWaits> {
    const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-backend-waits' });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const waits = new BackendWaits(client, applicationName, rows[0]!.pid);
    waits.loop = waits.sample();
    return waits;
  }

  /** Stops sampling; resolves with the count of each `state wait_type:wait_event` over the busy samples, most frequent first. */
  async stop(): Promise<Array<[state: string, samples: number]>> {
    this.sampling = false;
    await this.loop;
    this.ownCpuAtStop = this.ownPostgresCpuSeconds();
    await this.client.end();
    const busy = (sample: string[]) => sample.some((state) => state.startsWith('active'));
    const first = this.samples.findIndex(busy);
    const last = this.samples.findLastIndex(busy);
    const counts = new Map<string, number>();
    for (const sample of first === -1 ? [] : this.samples.slice(first, last + 1))
      for (const state of sample) counts.set(state, (counts.get(state) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]);
  }

  private async sample(): Promise<void> {
    while (this.sampling) {
      const { rows } = await this.client.query<{ state: string }>(
        // A backend still authenticating has no state yet (null, which would make the whole text null).
        `SELECT coalesce(state, 'starting') || ' ' || coalesce(wait_event_type, '-') || ':' || coalesce(wait_event, '-') AS state
           FROM pg_stat_activity WHERE application_name = $1 AND backend_type = 'client backend'`,
        [this.applicationName],
      );
      this.samples.push(rows.map((row) => row.state));
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  }
}
