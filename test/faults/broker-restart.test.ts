/**
 * Fault: the broker. Audit, recurring-task and notification consume from a
 * broker of this suite's own, produce to it (next occurrences, dead letters)
 * and keep their state in a PostgreSQL of its own, through their real
 * service definitions, in this process: a service that threw out of an event
 * listener would end the whole run. Two faults, one after the other:
 *
 * 1. the broker killed (SIGKILL of the JVM) mid-stream and started again;
 * 2. a partial fault: the broker refusing recurring-task's writes to
 *    `task-events` (TOPIC_AUTHORIZATION_FAILED) for 15 s, as after a
 *    botched ACL or credential change, while its reads, commits and writes
 *    to the dead-letter topic still work. (A single broker cannot refuse with
 *    NOT_ENOUGH_REPLICAS: Kafka 4 caps the effective `min.insync.replicas` at
 *    the replication factor.)
 *
 * The services run as their own Kafka users with the dev stack's ACLs. After
 * each fault, every event must be handled and nothing dead-lettered.
 */
import { AclOperations } from '@platformatic/kafka';
import { loadPlatform } from '../../platform/index.js';
import { aclBindings } from '../../scripts/local/acl-bindings.js';
import { auditService } from '../../services/audit/index.js';
import { notificationService } from '../../services/notification/index.js';
import { recurringTaskService } from '../../services/recurring-task/service.js';
import { describeWithBroker } from '../support/local-env.js';
import { WebhookServer } from '../services/notification/webhook-server.js';
import { allHandled, counterSum, handledFigures, recentLines, type HandledFigures } from './counts.js';
import type { FaultBroker, FaultPostgres } from './fault-env.js';
import { startFaultServers, ReadinessRecorder, startFaultService, waitFor, type StartedService } from './fault-env.js';
import { recordsIn, SteadyProducer, Traffic } from './traffic.js';

const RECURRING_TASK_USER = 'recurring-task-service';

/** What a fault did to the flow of events, and when it lasted (ms since the services started). */
interface FaultOutcome {
  readonly figures: HandledFigures;
  /** Whether every event was handled within 90 s of the flow's end. */
  readonly settled: boolean;
  readonly deadLettered: number;
  readonly fromMs: number;
  readonly toMs: number;
}

describeWithBroker('fault: the broker', () => {
  let broker: FaultBroker;
  let postgres: FaultPostgres;
  let webhook: WebhookServer;
  const services: Record<string, StartedService> = {};
  let readiness: ReadinessRecorder;
  const exits: number[] = [];
  const onExit = (code: number) => exits.push(code);

  /**
   * Runs `fault` during a 30 s flow of events of a run of its own (`runLabel`), then waits until
   * all are handled; prints and returns the figures.
   */
  async function underFault(name: string, runLabel: string, fault: () => Promise<void>): Promise<FaultOutcome> {
    const traffic = new Traffic({ run: `${runLabel}${Date.now().toString(36)}`, users: 24, completeEvery: 3 });
    const admin = broker.admin();
    const lettersBefore = await recordsIn(admin, 'task-events-dlq');
    const producer = new SteadyProducer(broker.adminConnection, traffic);
    const flowing = producer.run(30_000, 40, 4);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const fromMs = readiness.now();
    await fault();
    const toMs = readiness.now();
    await flowing;
    const producerRetries = producer.failedSends;
    await producer.close();
    let figures = await handledFigures(postgres, traffic);
    const settled = await waitFor(
      async () => allHandled((figures = await handledFigures(postgres, traffic))),
      'every event handled',
      90_000,
    ).then(
      () => true,
      (error: unknown) => {
        console.warn(`${name}: ${(error as Error).message}: ${JSON.stringify(figures)}\n${recentLines(services)}`);
        return false;
      },
    );
    await waitFor(() => Object.values(services).every((s) => s.service.isReady()), 'the three services ready again', 30_000).catch(
      () => undefined,
    );
    const deadLettered = (await recordsIn(admin, 'task-events-dlq')) - lettersBefore;
    await admin.close();
    const sessions = Object.fromEntries(
      Object.entries(services).map(([service, { lines }]) => [
        service,
        lines.filter((l) => l.msg === 'consumer session failed; resuming from committed offsets').length,
      ]),
    );
    const held = await counterSum(
      Object.values(services).map((s) => s.service),
      'todo_events_dependency_failures_total',
    );
    console.log(
      [
        `fault figures (npm test -- test/faults/broker-restart.test.ts): ${name}, from ${(fromMs / 1000).toFixed(1)} s to ${(toMs / 1000).toFixed(1)} s (${((toMs - fromMs) / 1000).toFixed(1)} s)`,
        `  events: ${figures.taskEvents} task-events, ${figures.reminders} reminders, ${figures.completions} recurring completions (producer sends retried: ${producerRetries})`,
        `  handled: ${figures.auditRows} audit rows (+${figures.occurrenceAuditRows} of next occurrences), ${figures.occurrences} occurrences, ${figures.deliveries} deliveries recorded`,
        `  dead-lettered: ${deadLettered}; consumer sessions resumed so far: ${JSON.stringify(sessions)}; attempts held for a failing dependency so far: ${held}`,
        `  readiness transitions so far (s since the services started):`,
        ...readiness.describe().map((line) => `    ${line}`),
      ].join('\n'),
    );
    return { figures, settled, deadLettered, fromMs, toMs };
  }

  /**
   * Every event of the flow handled once it settled: an audit row each, the next occurrence
   * of each completion (audited too) and a delivery per reminder.
   */
  function expectEveryEventHandled({ figures, settled }: FaultOutcome): void {
    expect(settled).toBe(true);
    expect([figures.auditRows, figures.occurrences, figures.occurrenceAuditRows, figures.deliveries]).toEqual([
      figures.taskEvents,
      figures.completions,
      figures.completions,
      figures.reminders,
    ]);
  }

  beforeAll(async () => {
    process.on('exit', onExit);
    webhook = await WebhookServer.start();
    ({ broker, postgres } = await startFaultServers('broker'));
    const extra = { DATABASE_URL: postgres.databaseUrl, NOTIFY_WEBHOOK_URL: webhook.url };
    services.audit = await startFaultService(auditService, broker.serviceEnv(extra, 'audit-service'));
    services['recurring-task'] = await startFaultService(recurringTaskService, {
      ...broker.serviceEnv(extra, RECURRING_TASK_USER),
      REMINDER_POLL_INTERVAL_MS: '500',
    });
    services.notification = await startFaultService(notificationService(), broker.serviceEnv(extra, 'notification-service'));
    readiness = new ReadinessRecorder(Object.fromEntries(Object.entries(services).map(([name, s]) => [name, s.service]))).start();
    await waitFor(() => Object.values(services).every((s) => s.service.isReady()), 'the three services ready', 60_000);
  }, 120_000);

  afterAll(async () => {
    process.off('exit', onExit);
    readiness?.stop();
    for (const { service } of Object.values(services)) await service.close().catch(() => undefined);
    await Promise.all([broker?.stop(), postgres?.stop(), webhook?.close()]);
  }, 120_000);

  describe('killed and restarted mid-stream', () => {
    let outcome: FaultOutcome;

    beforeAll(async () => {
      outcome = await underFault('broker SIGKILL, then started again', 'kill', async () => {
        await broker.kill();
        await broker.restart();
      });
    }, 300_000);

    it('keeps every service running: none exits, each is ready again after the broker returns', () => {
      expect(exits).toEqual([]);
      for (const name of Object.keys(services)) expect([name, readiness.lastReady(name)]).toEqual([name, true]);
    });

    it('reports the services not ready while the broker is away', () => {
      for (const name of Object.keys(services)) {
        expect([name, readiness.wasNotReadyBetween(name, outcome.fromMs, outcome.toMs)]).toEqual([name, true]);
      }
    });

    it('handles every event: audit rows, next occurrences and deliveries', () => {
      expectEveryEventHandled(outcome);
    });

    it('dead-letters nothing: a broker restart is not the events’ fault', () => {
      expect(outcome.deadLettered).toBe(0);
    });
  });

  describe("refusing recurring-task's writes to task-events for 15 s (its Write ACL revoked)", () => {
    let outcome: FaultOutcome;

    beforeAll(async () => {
      const user = loadPlatform('dev').users.find((u) => u.name === RECURRING_TASK_USER)!;
      const [write] = aclBindings(user).filter((acl) => acl.resourceName === 'task-events' && acl.operation === AclOperations.WRITE);
      outcome = await underFault("recurring-task's Write on task-events revoked", 'acl', async () => {
        const admin = broker.admin();
        try {
          await admin.deleteAcls({ filters: [write!] });
          await new Promise((resolve) => setTimeout(resolve, 15_000));
          await admin.createAcls({ creations: [write!] });
        } finally {
          await admin.close();
        }
      });
    }, 300_000);

    it('holds recurring-task while it cannot publish next occurrences, and reports it not ready', () => {
      expect(readiness.wasNotReadyBetween('recurring-task', outcome.fromMs, outcome.toMs)).toBe(true);
      expect(exits).toEqual([]);
    });

    it('handles every event once the topic takes writes again', () => {
      expectEveryEventHandled(outcome);
    });

    it('dead-letters nothing: a refused authorization is the deployment’s fault, not the events’', () => {
      expect(outcome.deadLettered).toBe(0);
    });
  });
});
