/**
 * Fault: PostgreSQL killed hard (SIGKILL of the server and its backends) for
 * 20 s and started again while events flow into audit, recurring-task and
 * notification, each running through its real service definition on a broker
 * and a database of this suite's own. Every event must be handled exactly
 * once (rows counted in the database), nothing dead-lettered, and each
 * service not ready during the outage and ready after it.
 */
import { auditService } from '../../services/audit/index.js';
import { notificationService } from '../../services/notification/index.js';
import { recurringTaskService } from '../../services/recurring-task/service.js';
import { describeWithBroker } from '../support/local-env.js';
import { WebhookServer } from '../services/notification/webhook-server.js';
import { FaultBroker, FaultPostgres, ReadinessRecorder, startFaultService, waitFor, type StartedService } from './fault-env.js';
import { recordsIn, SteadyProducer, Traffic } from './traffic.js';

const OUTAGE_MS = 20_000;

describeWithBroker('fault: PostgreSQL killed for 20 s while events flow', () => {
  let broker: FaultBroker;
  let postgres: FaultPostgres;
  let webhook: WebhookServer;
  const services: Record<string, StartedService> = {};
  let readiness: ReadinessRecorder;
  const traffic = new Traffic({ run: `pg${Date.now().toString(36)}`, users: 24, completeEvery: 4 });
  let outage = { fromMs: 0, toMs: 0, measuredMs: 0 };
  let figures: Record<string, number> = {};

  beforeAll(async () => {
    [broker, postgres, webhook] = await Promise.all([
      FaultBroker.start('postgres-outage'),
      FaultPostgres.start('postgres-outage'),
      WebhookServer.start(),
    ]);
    const env = broker.serviceEnv({ DATABASE_URL: postgres.databaseUrl, NOTIFY_WEBHOOK_URL: webhook.url });
    services.audit = await startFaultService(auditService, env);
    services['recurring-task'] = await startFaultService(recurringTaskService, { ...env, REMINDER_POLL_INTERVAL_MS: '500' });
    services.notification = await startFaultService(notificationService(), env);
    readiness = new ReadinessRecorder(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.service]))).start();
    await waitFor(() => Object.values(services).every((s) => s.service.isReady()), 'the three services ready', 60_000);

    const producer = new SteadyProducer(broker.adminConnection, traffic);
    const flowing = producer.run(34_000, 40, 4);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    outage.fromMs = readiness.now();
    await postgres.kill();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await postgres.restart();
    outage.toMs = readiness.now();
    outage.measuredMs = outage.toMs - outage.fromMs;
    await flowing;
    await producer.close();

    const completions = traffic.completions();
    const count = async (sql: string, ids: string[]) => Number((await postgres.query<{ n: string }>(sql, [ids]))[0]!.n);
    await waitFor(
      async () => {
        figures = {
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
        return (
          figures.auditRows === figures.taskEvents &&
          figures.occurrences === figures.completions &&
          figures.occurrenceAuditRows === figures.completions &&
          figures.deliveries === figures.reminders
        );
      },
      'every event handled after the outage',
      120_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${JSON.stringify(figures)}\n${recentLines(services)}`);
    });
    // Let readiness settle (recurring-task's scheduler needs a good round after the database is back).
    await waitFor(() => Object.values(services).every((s) => s.service.isReady()), 'the three services ready again', 30_000).catch(
      () => undefined,
    );
    readiness.stop();
    const admin = broker.admin();
    try {
      figures.deadLettered = await recordsIn(admin, 'task-events-dlq');
    } finally {
      await admin.close();
    }
    const webhookCalls = webhook.calls.filter((c) => c.reminder.title.startsWith('fault ')).length;
    figures.webhookCalls = webhookCalls;
    figures.dependencyFailures = 0;
    for (const { service } of Object.values(services)) {
      const text = await service.metrics.render();
      for (const line of text.split('\n'))
        if (line.startsWith('todo_events_dependency_failures_total{')) figures.dependencyFailures += Number(line.split(' ').pop());
    }
    console.log(
      [
        `fault figures: PostgreSQL SIGKILL for ${(outage.measuredMs / 1000).toFixed(1)} s (killed at ${(outage.fromMs / 1000).toFixed(1)} s, accepting connections again at ${(outage.toMs / 1000).toFixed(1)} s)`,
        `  events: ${figures.taskEvents} task-events, ${figures.reminders} reminders, ${figures.completions} recurring completions`,
        `  handled exactly once: ${figures.auditRows} audit rows (+${figures.occurrenceAuditRows} of next occurrences), ${figures.occurrences} occurrences, ${figures.deliveries} deliveries recorded`,
        `  webhook calls: ${webhookCalls} for ${figures.reminders} reminders (a call whose delivery could not be recorded is repeated; the Idempotency-Key lets the receiver drop it)`,
        `  dead-lettered: ${figures.deadLettered}; failed attempts held for a dependency: ${figures.dependencyFailures}`,
        `  readiness transitions:`,
        ...readiness.describe().map((line) => `    ${line}`),
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    readiness?.stop();
    for (const { service } of Object.values(services)) await service.close().catch(() => undefined);
    await Promise.all([broker?.stop(), postgres?.stop(), webhook?.close()]);
  }, 120_000);

  it('records every task event once in audit_events, next occurrences included', () => {
    expect([figures.auditRows, figures.occurrenceAuditRows]).toEqual([figures.taskEvents, figures.completions]);
  });

  it('publishes the next occurrence of every recurring completion once', () => {
    expect(figures.occurrences).toBe(figures.completions);
  });

  it('records every reminder delivered once', () => {
    expect(figures.deliveries).toBe(figures.reminders);
    expect(figures.webhookCalls).toBeGreaterThanOrEqual(figures.reminders);
  });

  it('dead-letters nothing: an unavailable database is not the events’ fault', () => {
    expect(figures.deadLettered).toBe(0);
  });

  it('reports every service not ready during the outage and ready after it', () => {
    for (const name of Object.keys(services)) {
      expect([name, readiness.wasNotReadyBetween(name, outage.fromMs, outage.toMs)]).toEqual([name, true]);
      expect([name, readiness.lastReady(name)]).toEqual([name, true]);
    }
  });
});

function recentLines(services: Record<string, StartedService>): string {
  return Object.entries(services)
    .map(([name, { lines }]) =>
      [
        `${name}:`,
        ...lines.slice(-8).map((l) => `  ${l.time} ${l.level} ${l.msg}${l.err ? ` (${(l.err as { message?: string }).message})` : ''}`),
      ].join('\n'),
    )
    .join('\n');
}
