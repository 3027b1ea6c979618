/**
 * How a reminder reaches its user. The service depends on this interface
 * only, so a mail, push or chat notifier is one more class.
 */
import type { Logger, ReminderEvent } from '../lib/index.js';

export interface Notifier {
  /** A name for logs and the start-up line, e.g. `webhook`. */
  readonly kind: string;
  /**
   * Delivers `reminder` once. Throw a `TransientError` (a dependency failure)
   * when the channel is down, slow or refuses the credentials (timeouts, 5xx,
   * 429, 401/403): the reminder is held and retried until it goes through.
   * Throw a `PermanentError` only when the channel rejects the reminder itself
   * (400, 422…): it is dead-lettered.
   */
  notify(reminder: ReminderEvent, signal: AbortSignal): Promise<void>;
}

/** Development notifier: writes the reminder to the log. */
export class LogNotifier implements Notifier {
  readonly kind = 'log';

  constructor(private readonly log: Logger) {}

  async notify(reminder: ReminderEvent): Promise<void> {
    this.log.info(
      {
        eventId: reminder.event_id,
        userId: reminder.user_id,
        taskId: reminder.task_id,
        reminderType: reminder.reminder_type,
        dueAt: reminder.due_at,
      },
      `reminder: ${reminder.title}`,
    );
  }
}
