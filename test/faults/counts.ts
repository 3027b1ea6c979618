/**
 * What the services did with a run's events, counted in the database of the
 * suite: rows are unique by event id, so "every event once" is a count.
 */
import type { RunningService } from '../../services/lib/service.js';
import type { FaultPostgres, StartedService } from './fault-env.js';
import type { Traffic } from './traffic.js';

export interface HandledFigures {
  readonly taskEvents: number;
  readonly reminders: number;
  readonly completions: number;
  /** `audit_events` rows of the produced task events. */
  readonly auditRows: number;
  /** `recurring_occurrences` rows of the produced completions. */
  readonly occurrences: number;
  /** `audit_events` rows of the next occurrences recurring-task published. */
  readonly occurrenceAuditRows: number;
  /** `delivered_notifications` rows of the produced reminders. */
  readonly deliveries: number;
}

export async function handledFigures(postgres: FaultPostgres, traffic: Traffic): Promise<HandledFigures> {
  const completions = traffic.completions();
  const count = async (sql: string, ids: string[]) => Number((await postgres.query<{ n: string }>(sql, [ids]))[0]!.n);
  return {
    taskEvents: traffic.taskEvents.length,
    reminders: traffic.reminders.length,
    completions: completions.length,
    auditRows: await count(
      'SELECT count(*) AS n FROM audit_events WHERE event_id = ANY($1::uuid[])',
      traffic.taskEvents.map((e) => e.event_id),
    ),
    occurrences: await count('SELECT count(*) AS n FROM recurring_occurrences WHERE source_event_id = ANY($1::uuid[])', completions),
    occurrenceAuditRows: await count(
      'SELECT count(*) AS n FROM audit_events a JOIN recurring_occurrences r ON a.event_id = r.next_event_id WHERE r.source_event_id = ANY($1::uuid[])',
      completions,
    ),
    deliveries: await count(
      'SELECT count(*) AS n FROM delivered_notifications WHERE event_id = ANY($1::uuid[])',
      traffic.reminders.map((r) => r.event_id),
    ),
  };
}

/** Whether every produced event was handled. */
export function allHandled(f: HandledFigures): boolean {
  return (
    f.auditRows === f.taskEvents &&
    f.occurrences === f.completions &&
    f.occurrenceAuditRows === f.completions &&
    f.deliveries === f.reminders
  );
}

/** Sum of a counter over the services' `/metrics` (e.g. `todo_events_dependency_failures_total`). */
export async function counterSum(services: readonly RunningService[], name: string): Promise<number> {
  let sum = 0;
  for (const service of services) {
    for (const line of (await service.metrics.render()).split('\n')) if (line.startsWith(`${name}{`)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

/** The last log lines of each service, for a failure message. */
export function recentLines(services: Readonly<Record<string, StartedService>>, count = 8): string {
  return Object.entries(services)
    .map(([name, { lines }]) =>
      [
        `${name}:`,
        ...lines.slice(-count).map((l) => `  ${l.time} ${l.level} ${l.msg}${l.err ? ` (${(l.err as { message?: string }).message})` : ''}`),
      ].join('\n'),
    )
    .join('\n');
}
