/**
 * The recurring-task service: consumes `task-events`, publishes the next
 * occurrence of each completed recurring task (to `task-events`) and keeps
 * every task's reminders in `reminder_schedule`, which its scheduler turns
 * into `reminders` events at their time.
 *
 * Publishing goes straight to Kafka even in Dapr mode: the sidecar would
 * key `task-events` with FNV-1a instead of the Java client's murmur2
 * (NOTES §5) and break per-user order.
 */
import type pg from 'pg';
import { PermanentError, ServiceConfigError } from '../lib/errors.js';
import type { TaskEvent } from '../lib/events.js';
import type { EventContext, ReceivedEvent, ServiceContext, ServiceDefinition, ServiceHandler } from '../lib/handler.js';
import type { Logger } from '../lib/logger.js';
import { KafkaEventPublisher } from '../lib/kafka-publisher.js';
import { createPgPool } from '../lib/postgres.js';
import type { EventPublisher } from '../lib/publisher.js';
import { RecurringTaskMetrics } from './metrics.js';
import { nextOccurrenceOf } from './occurrence.js';
import { publishNextOccurrenceOnce } from './occurrence-store.js';
import { planReminders } from './reminder-plan.js';
import { ReminderScheduler } from './reminder-scheduler.js';
import { applyReminderPlan } from './reminder-store.js';
import { claimTaskPosition, eventPosition } from './task-positions.js';
import { migrate } from './schema.js';
import { loadRecurringTaskSettings } from './settings.js';
import { withTransaction } from './transaction.js';

/** Topics this service writes; their names are the specification's. */
export const TOPICS = { taskEvents: 'task-events', reminders: 'reminders' } as const;

/** What the handler reads of an event's context: its topic and where in it the event is (headers for replays). */
export type PositionedContext = Pick<EventContext, 'topic'> & Partial<Pick<EventContext, 'partition' | 'offset' | 'headers'>>;

/** The business of one task-event, without the library around it (tests drive it directly). */
export class RecurringTaskHandler {
  constructor(
    private readonly pool: pg.Pool,
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly log: Logger,
    private readonly metrics?: RecurringTaskMetrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** One event, in a transaction of its own (its position and its reminder changes commit together). */
  async handle(event: TaskEvent, context?: PositionedContext): Promise<void> {
    // withTransaction judges PostgreSQL's errors (pgError); anything else is ours or the publisher's and passes as it is.
    await withTransaction(this.pool, (client) => this.handleAll([event], [context], client));
  }

  /**
   * A fetched batch in partition order. The reminder changes of the whole
   * batch commit in one transaction (one WAL flush instead of one per event);
   * each next occurrence still commits with its own publish. When the batch
   * fails, the library replays it event by event through `handle`, and every
   * step is idempotent.
   */
  async handleBatch(events: readonly ReceivedEvent<TaskEvent>[]): Promise<void> {
    await withTransaction(this.pool, (client) =>
      this.handleAll(
        events.map((e) => e.event),
        events.map((e) => e.context),
        client,
      ),
    );
  }

  private async handleAll(
    events: readonly TaskEvent[],
    contexts: readonly (PositionedContext | undefined)[],
    db: pg.PoolClient,
  ): Promise<void> {
    const foreign = contexts.find((c) => c !== undefined && c.topic !== TOPICS.taskEvents);
    if (foreign) throw new PermanentError(`recurring-task consumes ${TOPICS.taskEvents} only, got an event from ${foreign.topic}`);
    for (const [i, event] of events.entries()) {
      // A completion publishes its next occurrence whatever came after it (once per completion, by event id).
      if (event.event_type === 'completed') await this.completed(event);
      const plan = planReminders(event, this.clock());
      const position = eventPosition(contexts[i]);
      if (!(await claimTaskPosition(db, event, plan.eventAt, position))) {
        this.log.debug(
          {
            task_id: event.task_id,
            user_id: event.user_id,
            event_id: event.event_id,
            partition: position.partition,
            offset: position.offset,
          },
          'older than what the task has seen (redelivery or replay); reminders unchanged',
        );
        continue;
      }
      const { changed } = await applyReminderPlan(db, plan);
      if (changed > 0) this.log.debug({ task_id: event.task_id, user_id: event.user_id, plan: plan.kind, changed }, 'reminders updated');
    }
  }

  private async completed(event: TaskEvent): Promise<void> {
    const next = nextOccurrenceOf(event);
    if (next.kind === 'not-recurring') return;
    const outcome = await publishNextOccurrenceOnce(this.pool, event, next, (occurrence) =>
      this.publisher.publish(TOPICS.taskEvents, occurrence),
    );
    this.metrics?.occurrence(outcome);
    const fields = { task_id: event.task_id, user_id: event.user_id, completion: event.event_id, outcome };
    if (next.kind === 'next') {
      this.log.info({ ...fields, next_task_id: next.event.task_id, next_due: next.event.task_data.due_date }, 'next occurrence');
    } else {
      this.log.info(fields, 'recurring series ended');
    }
  }
}

/**
 * The Kafka publisher: the library's in Kafka mode; in Dapr mode one of our
 * own (closed by `close`), since `task-events` must not go through the sidecar.
 */
function directPublisher(context: ServiceContext): { publisher: EventPublisher; owned: boolean } {
  const { config } = context;
  if (config.mode === 'kafka') return { publisher: context.publisher(), owned: false };
  if (config.kafka === null) {
    throw new ServiceConfigError(config.name, [
      'KAFKA_BOOTSTRAP_SERVERS: is not set; recurring-task publishes to task-events directly (never through the Dapr sidecar, which partitions by FNV-1a), so it needs the brokers in Dapr mode too',
    ]);
  }
  return { publisher: new KafkaEventPublisher(config.kafka, config.appId), owned: true };
}

export const recurringTaskService: ServiceDefinition<TaskEvent> = {
  name: 'recurring-task',
  async start(context: ServiceContext): Promise<ServiceHandler<TaskEvent>> {
    const settings = loadRecurringTaskSettings(context.env);
    const { config, log } = context;
    if (config.databaseUrl === null)
      throw new ServiceConfigError(config.name, ['DATABASE_URL: is not set; recurring-task keeps its schedule in PostgreSQL']);
    const { publisher, owned } = directPublisher(context);
    const pool = createPgPool(config.databaseUrl, config.appId, { max: settings.poolSize });
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      if (owned) await publisher.close();
      throw error;
    }

    const metrics = new RecurringTaskMetrics(context.metrics);
    const handler = new RecurringTaskHandler(pool, publisher, log, metrics);
    let schedulerHealthy = true;
    const scheduler = new ReminderScheduler(pool, (events) => publisher.publishAll(TOPICS.reminders, events), log, settings.scheduler, {
      sent: (count) => metrics.reminder('sent', count),
      expired: (count) => metrics.reminder('expired', count),
      roundFinished: (ok) => (schedulerHealthy = ok),
    });
    scheduler.start();
    log.info({ scheduler: settings.scheduler, poolSize: settings.poolSize }, 'reminder scheduler started');

    return {
      handle: (event, eventContext) => handler.handle(event, eventContext),
      handleBatch: (events) => handler.handleBatch(events),
      isReady: () => schedulerHealthy,
      async close() {
        await scheduler.stop();
        if (owned) await publisher.close();
        await pool.end();
      },
    };
  },
};
