/**
 * The events the fault suites produce: task events for a set of users, each
 * carrying the user's sequence number in its title (`fault <run> u7 #12`), so
 * a handler's view of one user's events can be checked for offset order
 * (`task-events` is keyed by `user_id`: one user, one partition); and
 * reminders. A producer that keeps trying while the broker is away.
 */
import { randomUUID } from 'node:crypto';
import { ListOffsetTimestamps, type Admin } from '@platformatic/kafka';
import type { KafkaConnectionConfig } from '../../services/lib/config.js';
import type { ReminderEvent, TaskEvent, TaskEventType } from '../../services/lib/events.js';
import { KafkaEventPublisher } from '../../services/lib/kafka-publisher.js';

/** What to produce. */
export interface TrafficOptions {
  /** Distinguishes this run's events (in titles and user ids). */
  readonly run: string;
  readonly users: number;
  /** Every `completeEvery`-th event of a user completes a daily recurring task (its next occurrence is published). 0: never. */
  readonly completeEvery: number;
}

const DAY_MS = 86_400_000;

/** The sequence number of a fault-suite event, from its title; undefined for other events. */
export function sequenceOf(event: TaskEvent): { user: string; seq: number } | undefined {
  const match = / #(\d+)$/.exec(event.task_data.title);
  return match ? { user: event.user_id, seq: Number(match[1]) } : undefined;
}

/** Generates the events of a run, in the order they are produced. */
export class Traffic {
  readonly taskEvents: TaskEvent[] = [];
  readonly reminders: ReminderEvent[] = [];
  private readonly sequences: number[];
  private clock = Date.now();

  constructor(private readonly options: TrafficOptions) {
    this.sequences = Array(options.users).fill(0);
  }

  /** The next task event, for the users in turn. */
  nextTaskEvent(): TaskEvent {
    const index = this.taskEvents.length % this.options.users;
    const seq = ++this.sequences[index]!;
    const { run, completeEvery } = this.options;
    const completes = completeEvery > 0 && seq % completeEvery === 0;
    const type: TaskEventType = completes ? 'completed' : seq % 2 === 1 ? 'created' : 'updated';
    this.clock += 1;
    const event: TaskEvent = {
      event_id: randomUUID(),
      event_type: type,
      timestamp: new Date(this.clock).toISOString(),
      user_id: `user-${run}-${index}`,
      task_id: 1_000_000 + index * 100_000 + seq,
      task_data: {
        title: `fault ${run} u${index} #${seq}`,
        completed: completes,
        priority: 'high',
        // Due in a month: recurring-task plans (writes) reminders that are never due during the test.
        due_date: new Date(this.clock + 30 * DAY_MS).toISOString(),
        recurring: completes ? 'daily' : null,
      },
      metadata: { source: 'api', correlation_id: randomUUID() },
    };
    this.taskEvents.push(event);
    return event;
  }

  /** The next reminder, as recurring-task's scheduler would publish it. */
  nextReminder(): ReminderEvent {
    const n = this.reminders.length;
    const due = new Date(Date.now() + DAY_MS);
    const reminder: ReminderEvent = {
      event_id: randomUUID(),
      timestamp: new Date().toISOString(),
      task_id: 2_000_000 + n,
      user_id: `user-${this.options.run}-${n % this.options.users}`,
      title: `fault ${this.options.run} reminder #${n}`,
      due_at: due.toISOString(),
      remind_at: new Date(due.getTime() - 3_600_000).toISOString(),
      reminder_type: '1_hour_before',
    };
    this.reminders.push(reminder);
    return reminder;
  }

  /** Event ids of the recurring completions produced. */
  completions(): string[] {
    return this.taskEvents.filter((e) => e.event_type === 'completed').map((e) => e.event_id);
  }
}

/**
 * Produces `traffic` at a steady rate for `durationMs` with the
 * specification's producer settings (idempotent, acks=all, Java
 * partitioning by `user_id`); a send that fails (broker away) is tried again
 * until it lands, so every generated event reaches the topic.
 */
export class SteadyProducer {
  private readonly publisher: KafkaEventPublisher;
  private stopped = false;
  /** Sends that failed and were tried again. */
  failedSends = 0;

  constructor(
    connection: KafkaConnectionConfig,
    private readonly traffic: Traffic,
  ) {
    this.publisher = new KafkaEventPublisher(connection, `fault-producer-${randomUUID().slice(0, 8)}`, undefined, {
      attempts: 2,
      initialDelayMs: 100,
      maxDelayMs: 500,
    });
  }

  /** Produces `taskEventsPerSecond` and `remindersPerSecond` for `durationMs`, in 100 ms ticks. Resolves when all landed. */
  async run(durationMs: number, taskEventsPerSecond: number, remindersPerSecond = 0): Promise<void> {
    const ticks = Math.ceil(durationMs / 100);
    let taskDebt = 0;
    let reminderDebt = 0;
    for (let tick = 0; tick < ticks && !this.stopped; tick++) {
      const started = Date.now();
      taskDebt += taskEventsPerSecond / 10;
      reminderDebt += remindersPerSecond / 10;
      const tasks: TaskEvent[] = [];
      const reminders: ReminderEvent[] = [];
      for (; taskDebt >= 1; taskDebt--) tasks.push(this.traffic.nextTaskEvent());
      for (; reminderDebt >= 1; reminderDebt--) reminders.push(this.traffic.nextReminder());
      await this.untilSent(() => this.publisher.publishAll('task-events', tasks));
      await this.untilSent(() => this.publisher.publishAll('reminders', reminders));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - started))));
    }
  }

  private async untilSent(send: () => Promise<unknown>): Promise<void> {
    for (;;) {
      try {
        await send();
        return;
      } catch {
        this.failedSends++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.publisher.close();
  }
}

/** Records written to a topic of a broker that started empty: the sum of its end offsets. */
export async function recordsIn(admin: Admin, topic: string): Promise<number> {
  const metadata = await admin.metadata({ topics: [topic] });
  const partitions = metadata.topics.get(topic)!.partitionsCount;
  const listed = await admin.listOffsets({
    topics: [
      {
        name: topic,
        partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: ListOffsetTimestamps.LATEST })),
      },
    ],
  });
  return listed.flatMap((t) => t.partitions).reduce((sum, p) => sum + Number(p.offset), 0);
}
