/**
 * Fault: rebalances under load. Audit and recurring-task each scaled from one
 * consumer to three in their group and back to one while events are produced
 * faster than one consumer handles them, so every member's read-ahead buffer
 * is full when its assignment changes. Every event must be recorded exactly
 * once; each recurring-task member must see each user's events in offset
 * order (strictly increasing per-user sequence numbers, carried in the events'
 * titles: no repeat, no step back); each audit member, which writes two
 * batches at once (`concurrentBatches`) whose rows land in any order, must
 * never handle one event twice. Both hold within one ownership of a
 * partition: when members join one by one, a partition can move away from a
 * member and back within seconds, and the member resumes it from the
 * committed offset, seeing again what it had handled and not committed
 * (`RegainedBetween`; the figures print both counts).
 */
import type { TaskEvent } from '../../services/lib/events.js';
import type { ReceivedEvent, ServiceDefinition } from '../../services/lib/handler.js';
import { auditService } from '../../services/audit/index.js';
import { partitionKeyOf } from '../../services/lib/message-processor.js';
import { recurringTaskService } from '../../services/recurring-task/service.js';
import { describeWithBroker } from '../support/local-env.js';
import type { FaultBroker, FaultPostgres } from './fault-env.js';
import { startFaultServers, startFaultService, waitFor, type StartedService } from './fault-env.js';
import { sequenceOf, SteadyProducer, Traffic } from './traffic.js';

/** One event as a member handled it. */
interface Handled {
  readonly member: string;
  readonly eventId: string;
  readonly user: string;
  readonly seq: number;
  readonly partition: number | null;
  /** When the handler call that completed it returned (`Date.now()`). */
  readonly at: number;
}

/**
 * Whether `member` was assigned `partition` anew after `from` and no later
 * than `to`. Within one ownership of a partition a member hands each record
 * on once, in order; a member that loses a partition and is given it back
 * (one member joining after another moves it away and back within seconds)
 * resumes from the committed offset, so what it handled before and had not
 * committed comes again: at least once, as for any member a partition moves to.
 */
type RegainedBetween = (member: string, partition: number | null, from: number, to: number) => boolean;

/** What a member logs when its assignment changed (kafka-consumer.ts), with `assigned`, `revoked` and `kept` partition keys. */
const ASSIGNMENT_CHANGED = 'partition assignment changed';

/** Slows each handler call, so one member falls behind the producer and its read-ahead buffer stays full. */
const HANDLER_DELAY_MS = 120;

/** An event as the observed handler holds it: whole, for the record, and what the inner handler keeps of it. */
interface Observed<K> {
  readonly whole: TaskEvent;
  readonly kept: K;
}

/**
 * `definition` with each successful handler call recorded as `member`, in the
 * order it finished. The inner handler still gets only what it keeps of each
 * event (`EventHandler.keep`), as it would unobserved.
 */
function observed<K>(
  definition: ServiceDefinition<TaskEvent, K>,
  member: string,
  sink: Handled[],
): ServiceDefinition<TaskEvent, Observed<K>> {
  const record = (events: ReadonlyArray<{ readonly whole: TaskEvent; readonly partition: number | null }>) => {
    const at = Date.now();
    for (const { whole, partition } of events) {
      const sequence = sequenceOf(whole);
      if (sequence) sink.push({ member, eventId: whole.event_id, ...sequence, partition, at });
    }
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, HANDLER_DELAY_MS));
  return {
    name: definition.name,
    async start(context) {
      const inner = await definition.start(context);
      return {
        isReady: inner.isReady?.bind(inner),
        close: inner.close?.bind(inner),
        concurrentBatches: inner.concurrentBatches,
        keep: (whole, value) => ({ whole, kept: inner.keep ? inner.keep(whole, value) : (whole as K) }),
        handle: async ({ whole, kept }, eventContext) => {
          await pause();
          await inner.handle(kept, eventContext);
          record([{ whole, partition: eventContext.partition }]);
        },
        handleBatch: async (events: readonly ReceivedEvent<Observed<K>>[]) => {
          await pause();
          await inner.handleBatch!(events.map(({ event, context }) => ({ event: event.kept, context })));
          record(events.map(({ event, context }) => ({ whole: event.whole, partition: context.partition })));
        },
      };
    },
  };
}

/** Steps where a member's per-user sequence repeated or went back within one ownership of the user's partition. */
function orderViolations(handled: readonly Handled[], regained: RegainedBetween): string[] {
  const last = new Map<string, Handled>();
  const violations: string[] = [];
  for (const step of handled) {
    const key = `${step.member} ${step.user}`;
    const previous = last.get(key);
    if (previous !== undefined && step.seq <= previous.seq && !regained(step.member, step.partition, previous.at, step.at))
      violations.push(`${step.member} saw ${step.user} #${step.seq} after #${previous.seq}`);
    last.set(key, step);
  }
  return violations;
}

/** Events a member handled more than once within one ownership of their partition. */
function repeats(handled: readonly Handled[], regained: RegainedBetween): string[] {
  const seen = new Map<string, Handled>();
  const repeated: string[] = [];
  for (const step of handled) {
    const key = `${step.member} ${step.eventId}`;
    const first = seen.get(key);
    if (first !== undefined && !regained(step.member, step.partition, first.at, step.at))
      repeated.push(`${step.member} handled ${step.eventId} twice`);
    if (first === undefined) seen.set(key, step);
  }
  return repeated;
}

describeWithBroker('fault: consumers scaled 1 → 3 → 1 while producing', () => {
  let broker: FaultBroker;
  let postgres: FaultPostgres;
  const traffic = new Traffic({ run: `rb${Date.now().toString(36)}`, users: 30, completeEvery: 0 });
  const handled: Record<'audit' | 'recurring-task', Handled[]> = { audit: [], 'recurring-task': [] };
  const members: Record<string, StartedService> = {};
  let auditRows = { total: 0, distinct: 0 };
  let settled = false;
  const regained: RegainedBetween = (member, partition, from, to) =>
    (members[member]?.lines ?? []).some((line) => {
      const at = Date.parse(String(line.time));
      return (
        line.msg === ASSIGNMENT_CHANGED &&
        (line.assigned as string[]).includes(partitionKeyOf('task-events', partition)) &&
        at > from &&
        at <= to
      );
    });

  const start = async (service: 'audit' | 'recurring-task', member: string) => {
    const definition = service === 'audit' ? auditService : recurringTaskService;
    members[member] = await startFaultService(
      observed(definition, member, handled[service]),
      { ...broker.serviceEnv({ DATABASE_URL: postgres.databaseUrl }), REMINDER_POLL_INTERVAL_MS: '1000' },
      { tuning: { maxBatch: 50 } },
    );
  };

  beforeAll(async () => {
    ({ broker, postgres } = await startFaultServers('rebalance'));
    await start('audit', 'audit-1');
    await start('recurring-task', 'recurring-task-1');
    await waitFor(() => Object.values(members).every((m) => m.service.isReady()), 'the first members ready', 60_000);

    const producer = new SteadyProducer(broker.adminConnection, traffic);
    const flowing = producer.run(16_000, 500);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await Promise.all(['audit-2', 'audit-3'].map((m) => start('audit', m)));
    await Promise.all(['recurring-task-2', 'recurring-task-3'].map((m) => start('recurring-task', m)));
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await Promise.all(['audit-2', 'audit-3', 'recurring-task-2', 'recurring-task-3'].map((m) => members[m]!.service.close()));
    await flowing;
    await producer.close();

    const ids = traffic.taskEvents.map((e) => e.event_id);
    const seen = (service: 'audit' | 'recurring-task') => new Set(handled[service].map((h) => h.eventId)).size;
    settled = await waitFor(
      async () => {
        const [row] = await postgres.query<{ total: string; distinct: string }>(
          'SELECT count(*) AS total, count(DISTINCT event_id) AS distinct FROM audit_events WHERE event_id = ANY($1::uuid[])',
          [ids],
        );
        auditRows = { total: Number(row!.total), distinct: Number(row!.distinct) };
        return auditRows.total === ids.length && seen('recurring-task') === ids.length;
      },
      'every event handled',
      120_000,
    ).then(
      () => true,
      () => false,
    );

    const perMember = Object.fromEntries(
      Object.entries(handled).flatMap(([, list]) =>
        [...new Set(list.map((h) => h.member))].map((m) => [m, list.filter((h) => h.member === m).length]),
      ),
    );
    const logged = (msg: string) =>
      Object.values(members).flatMap((m) => m.lines.filter((l) => l.msg === msg)) as Array<Record<string, number>>;
    const dropped = logged('records dropped after a rebalance: revoked, stale or already handled');
    const sum = (field: string) => dropped.reduce((total, line) => total + (line[field] ?? 0), 0);
    console.log(
      [
        `fault figures (npm test -- test/faults/rebalance.test.ts): ${traffic.taskEvents.length} task-events from ${traffic.taskEvents.length / 16} events/s for 16 s; members 1 → 3 at 4 s, 3 → 1 at 10 s`,
        `  audit rows: ${auditRows.total} (${auditRows.distinct} distinct) for ${ids.length} events`,
        `  handled per member: ${JSON.stringify(perMember)}`,
        `  handled more than once (by the member a partition moved to, from the committed offset): audit ${handled.audit.length - seen('audit')}, recurring-task ${handled['recurring-task'].length - seen('recurring-task')}`,
        `  events handled twice on an audit member within one ownership ${repeats(handled.audit, regained).length} (${repeats(handled.audit, () => false).length} counting partitions given back); per-user order violations on a recurring-task member ${orderViolations(handled['recurring-task'], regained).length} (${orderViolations(handled['recurring-task'], () => false).length})`,
        `  assignment changes logged: ${logged(ASSIGNMENT_CHANGED).length}; read-ahead records dropped: ${sum('revoked')} revoked, ${sum('stale')} stale, ${sum('duplicate')} fetched again`,
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    for (const { service } of Object.values(members)) await service.close().catch(() => undefined);
    await Promise.all([broker?.stop(), postgres?.stop()]);
  }, 120_000);

  it('records every event exactly once in audit_events', () => {
    expect(settled).toBe(true);
    expect(auditRows).toEqual({ total: traffic.taskEvents.length, distinct: traffic.taskEvents.length });
  });

  it('lets recurring-task handle every event', () => {
    expect(new Set(handled['recurring-task'].map((h) => h.eventId)).size).toBe(traffic.taskEvents.length);
  });

  it('never hands an audit member one event twice while it owns the partition, with two batches in flight', () => {
    expect(handled.audit.length).toBeGreaterThan(0);
    expect(repeats(handled.audit, regained).slice(0, 5)).toEqual([]);
  });

  it('shows each recurring-task member each user’s events in offset order, never one twice, while it owns the partition', () => {
    expect(orderViolations(handled['recurring-task'], regained).slice(0, 5)).toEqual([]);
  });
});
