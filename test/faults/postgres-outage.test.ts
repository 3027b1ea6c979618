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
import { allHandled, counterSum, handledFigures, recentLines, type HandledFigures } from './counts.js';
import type { FaultBroker, FaultPostgres } from './fault-env.js';
import { startFaultServers, ReadinessRecorder, startFaultService, waitFor, type StartedService } from './fault-env.js';
import { recordsIn, SteadyProducer, Traffic } from './traffic.js';

const OUTAGE_MS = 20_000;

describeWithBroker('fault: PostgreSQL killed for 20 s while events flow', () => {
  let broker: FaultBroker;
  let postgres: FaultPostgres;
  let webhook: WebhookServer;
  const services: Record<string, StartedService> = {};
  let readiness: ReadinessRecorder;
  const traffic = new Traffic({ run: `pg${Date.now().toString(36)}`, users: 24, completeEvery: 4 });
  const outage = { fromMs: 0, toMs: 0 };
  let figures: HandledFigures;
  let deadLettered = -1;
  let webhookCalls = 0;
  let settled = false;

  beforeAll(async () => {
    webhook = await WebhookServer.start();
    ({ broker, postgres } = await startFaultServers('postgres-outage'));
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
    await flowing;
    await producer.close();

    // Not thrown on a timeout: the figures are printed and each test below says what is missing.
    settled = await waitFor(
      async () => allHandled((figures = await handledFigures(postgres, traffic))),
      'every event handled',
      60_000,
    ).then(
      () => true,
      (error: unknown) => {
        console.warn(`${(error as Error).message}: ${JSON.stringify(figures)}\n${recentLines(services)}`);
        return false;
      },
    );
    // Readiness settles (recurring-task's scheduler needs one good round after the database is back).
    await waitFor(() => Object.values(services).every((s) => s.service.isReady()), 'the three services ready again', 30_000).catch(
      () => undefined,
    );
    readiness.stop();
    const admin = broker.admin();
    try {
      deadLettered = await recordsIn(admin, 'task-events-dlq');
    } finally {
      await admin.close();
    }
    webhookCalls = webhook.calls.filter((c) => c.reminder.title.startsWith('fault ')).length;
    const held = await counterSum(
      Object.values(services).map((s) => s.service),
      'todo_events_dependency_failures_total',
    );
    console.log(
      [
        `fault figures (npm test -- test/faults/postgres-outage.test.ts): PostgreSQL SIGKILL for ${((outage.toMs - outage.fromMs) / 1000).toFixed(1)} s` +
          ` (killed at ${(outage.fromMs / 1000).toFixed(1)} s, accepting connections again at ${(outage.toMs / 1000).toFixed(1)} s)`,
        `  events: ${figures.taskEvents} task-events, ${figures.reminders} reminders, ${figures.completions} recurring completions`,
        `  handled once: ${figures.auditRows} audit rows (+${figures.occurrenceAuditRows} of next occurrences), ${figures.occurrences} occurrences, ${figures.deliveries} deliveries recorded`,
        `  webhook calls: ${webhookCalls} for ${figures.reminders} reminders`,
        `  dead-lettered: ${deadLettered}; attempts held for a failing dependency: ${held}`,
        `  readiness transitions (s since the services started):`,
        ...readiness.describe().map((line) => `    ${line}`),
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    readiness?.stop();
    for (const { service } of Object.values(services)) await service.close().catch(() => undefined);
    await Promise.all([broker?.stop(), postgres?.stop(), webhook?.close()]);
  }, 120_000);

  it('settles: every event is handled within a minute after the flow ends', () => {
    expect(settled).toBe(true);
  });

  it('records every task event once in audit_events, next occurrences included', () => {
    expect([figures.auditRows, figures.occurrenceAuditRows]).toEqual([figures.taskEvents, figures.completions]);
  });

  it('publishes the next occurrence of every recurring completion once', () => {
    expect(figures.occurrences).toBe(figures.completions);
  });

  it('records every reminder delivered once', () => {
    expect(figures.deliveries).toBe(figures.reminders);
    expect(webhookCalls).toBeGreaterThanOrEqual(figures.reminders);
  });

  it('dead-letters nothing: an unavailable database is not the events’ fault', () => {
    expect(deadLettered).toBe(0);
  });

  it('reports every service not ready during the outage and ready after it', () => {
    for (const name of Object.keys(services)) {
      expect([name, readiness.wasNotReadyBetween(name, outage.fromMs, outage.toMs)]).toEqual([name, true]);
      expect([name, readiness.lastReady(name)]).toEqual([name, true]);
    }
  });
});
