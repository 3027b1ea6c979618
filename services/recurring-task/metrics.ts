/**
 * Metrics of the recurring-task service, next to the library's message
 * counters, on the same registry (`/metrics`).
 */
import { Counter } from 'prom-client';
import type { ServiceMetrics } from '../lib/metrics.js';
import type { OccurrenceOutcome } from './occurrence-store.js';

export const RECURRING_TASK_METRICS = {
  /** Counter of completions of recurring tasks, by `outcome` (`published`, `series-ended`, `duplicate`). */
  occurrences: 'todo_events_recurring_occurrences_total',
  /** Counter of reminders leaving the schedule, by `state` (`sent`, `expired`). */
  reminders: 'todo_events_reminders_total',
} as const;

export class RecurringTaskMetrics {
  private readonly occurrences: Counter<string>;
  private readonly reminders: Counter<string>;

  constructor(private readonly metrics: ServiceMetrics) {
    this.occurrences = new Counter({
      name: RECURRING_TASK_METRICS.occurrences,
      help: 'Completions of recurring tasks handled, by outcome (published, series-ended, duplicate).',
      labelNames: ['service', 'outcome'],
      registers: [metrics.registry],
    });
    this.reminders = new Counter({
      name: RECURRING_TASK_METRICS.reminders,
      help: 'Reminders that left the schedule, by state (sent, expired).',
      labelNames: ['service', 'state'],
      registers: [metrics.registry],
    });
  }

  occurrence(outcome: OccurrenceOutcome): void {
    this.occurrences.inc({ service: this.metrics.service, outcome });
  }

  reminder(state: 'sent' | 'expired', count: number): void {
    this.reminders.inc({ service: this.metrics.service, state }, count);
  }
}
