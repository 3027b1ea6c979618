/**
 * The recurrence rule a task carries in `task_data.recurring`, and the date
 * arithmetic of its occurrences. All arithmetic is in UTC: a UTC day is always
 * 24 hours, so there is no daylight-saving shift to get wrong.
 *
 * Shape (JSON, in `task_data.recurring`; `null` or absent means "not recurring"):
 *
 * ```json
 * { "frequency": "monthly", "interval": 1, "day_of_month": 31, "until": "2027-12-31T23:59:59Z" }
 * ```
 *
 * - `frequency` (required): `daily`, `weekly`, `monthly` or `yearly`. The bare string (`"weekly"`)
 *   is accepted as `{ "frequency": "weekly", "interval": 1 }` (services/lib/events.ts allows both).
 * - `interval` (optional, default 1): every `interval` days, weeks, months or years; an integer from 1 to 1000.
 * - `day_of_month` (optional, monthly and yearly only, 1 to 31): the day the series is anchored to.
 *   Months without that day get their last day (Jan 31 → Feb 28/29 → Mar 31; a yearly Feb 29 →
 *   Feb 28 → … → Feb 29). When absent, the anchor is the day of month of the task's due date; the
 *   service always writes it into the next occurrence, so the anchor survives a short month.
 * - `until` (optional, ISO 8601 date-time with a zone): no occurrence is due after this instant.
 *
 * Unknown fields are ignored, as everywhere in the event schemas: producers may add fields first.
 */

export const FREQUENCIES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** A validated recurrence rule, as written to `task_data.recurring`. */
export interface Recurrence {
  readonly frequency: Frequency;
  /** @default 1 */
  readonly interval: number;
  /** Monthly and yearly only: the anchored day of month. @default the due date's day of month */
  readonly day_of_month?: number;
  /** Last instant an occurrence may be due, ISO 8601. @default no end */
  readonly until?: string;
}

/** Defaults of a recurrence rule's optional fields. */
export const RECURRENCE_DEFAULTS = { interval: 1 } as const;
/** Largest accepted `interval`: a guard against typos such as 10000 days, not a business rule. */
export const MAX_INTERVAL = 1000;

const DAY_MS = 86_400_000;
const STEP_DAYS: Record<DayBasedFrequency, number> = { daily: 1, weekly: 7 };
const STEP_MONTHS: Record<MonthBasedFrequency, number> = { monthly: 1, yearly: 12 };
type DayBasedFrequency = 'daily' | 'weekly';
type MonthBasedFrequency = 'monthly' | 'yearly';

function isDayBased(frequency: Frequency): frequency is DayBasedFrequency {
  return frequency === 'daily' || frequency === 'weekly';
}
/** An ISO 8601 date-time that names its zone; without one, `Date.parse` would use the host's zone. */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Parses an ISO 8601 date-time with a zone; undefined when it is not one. */
export function parseZonedDateTime(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !ZONED_DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export type RecurrenceParse =
  | { readonly recurrence: Recurrence | null; readonly problems?: undefined }
  | { readonly recurrence?: undefined; readonly problems: readonly string[] };

/**
 * Reads `task_data.recurring`. Collects every problem, each naming the field,
 * the value and what is accepted, so a dead-lettered event says what to fix.
 */
export function parseRecurrence(value: unknown): RecurrenceParse {
  if (value === null || value === undefined) return { recurrence: null };
  const at = 'task_data.recurring';
  if (typeof value === 'string' && FREQUENCIES.includes(value as Frequency)) {
    return { recurrence: { frequency: value as Frequency, interval: RECURRENCE_DEFAULTS.interval } };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      problems: [
        `${at}: ${JSON.stringify(value)} is neither one of ${FREQUENCIES.join(', ')} nor an object such as {"frequency": "weekly", "interval": 1}`,
      ],
    };
  }
  const raw = value as Record<string, unknown>;
  const problems: string[] = [];
  const frequency = raw.frequency;
  if (!FREQUENCIES.includes(frequency as Frequency)) {
    problems.push(`${at}.frequency: ${JSON.stringify(frequency)} is not one of ${FREQUENCIES.join(', ')}`);
  }
  const interval = raw.interval ?? RECURRENCE_DEFAULTS.interval;
  if (!isInteger(interval, 1, MAX_INTERVAL)) {
    problems.push(`${at}.interval: ${JSON.stringify(raw.interval)} is not an integer from 1 to ${MAX_INTERVAL}`);
  }
  const dayOfMonth = raw.day_of_month;
  if (dayOfMonth !== undefined && dayOfMonth !== null) {
    if (frequency !== 'monthly' && frequency !== 'yearly') {
      problems.push(`${at}.day_of_month: only a monthly or yearly recurrence has a day of month; remove it or set frequency to "monthly"`);
    } else if (!isInteger(dayOfMonth, 1, 31))
      problems.push(`${at}.day_of_month: ${JSON.stringify(dayOfMonth)} is not an integer from 1 to 31`);
  }
  const until = raw.until;
  if (until !== undefined && until !== null && parseZonedDateTime(until) === undefined) {
    problems.push(`${at}.until: ${JSON.stringify(until)} is not an ISO 8601 date-time with a zone, such as "2027-12-31T23:59:59Z"`);
  }
  if (problems.length > 0) return { problems };
  return {
    recurrence: {
      frequency: frequency as Frequency,
      interval: interval as number,
      ...(dayOfMonth !== undefined && dayOfMonth !== null ? { day_of_month: dayOfMonth as number } : {}),
      ...(typeof until === 'string' ? { until } : {}),
    },
  };
}

/** Days in a month of the proleptic Gregorian calendar; `month` is 0-based and may overflow. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

function timeOfDayMs(date: Date): number {
  return date.getTime() - Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/**
 * The `k`-th occurrence (k = 0 is `start` itself) of the series starting at
 * `start`. Monthly and yearly occurrences land on `anchorDay`, clamped to the month's
 * last day; the clamping never moves the anchor, so the series returns to the
 * 31st after February. The UTC time of day of `start` is kept.
 */
export function occurrenceAt(start: Date, recurrence: Recurrence, k: number, anchorDay = start.getUTCDate()): Date {
  if (isDayBased(recurrence.frequency)) {
    return new Date(start.getTime() + k * recurrence.interval * STEP_DAYS[recurrence.frequency] * DAY_MS);
  }
  const month = start.getUTCMonth() + k * recurrence.interval * STEP_MONTHS[recurrence.frequency];
  const year = start.getUTCFullYear();
  const day = Math.min(anchorDay, daysInMonth(year, month));
  return new Date(Date.UTC(year, month, day) + timeOfDayMs(start));
}

/** The anchor day of a monthly or yearly series starting at `start`. */
export function anchorDayOf(start: Date, recurrence: Recurrence): number {
  return recurrence.day_of_month ?? start.getUTCDate();
}

/** The rule as the next occurrence carries it: month-based rules get their anchor written down. */
export function anchoredRecurrence(start: Date, recurrence: Recurrence): Recurrence {
  return isDayBased(recurrence.frequency) ? recurrence : { ...recurrence, day_of_month: anchorDayOf(start, recurrence) };
}

/**
 * The first occurrence of the series after `start` that is also strictly after
 * `notBefore` (the completion time), or null when it would be due after
 * `until`. A task completed late therefore gets its next occurrence in the
 * future instead of a backlog of overdue copies; a task completed early gets
 * the occurrence right after its own due date. Deterministic: it reads only its
 * arguments, so a redelivered completion computes the same date.
 */
export function nextOccurrence(start: Date, recurrence: Recurrence, notBefore: Date = start): Date | null {
  const after = Math.max(start.getTime(), notBefore.getTime());
  let k: number;
  if (isDayBased(recurrence.frequency)) {
    const stepMs = recurrence.interval * STEP_DAYS[recurrence.frequency] * DAY_MS;
    k = Math.max(1, Math.floor((after - start.getTime()) / stepMs) + 1);
  } else {
    const afterDate = new Date(after);
    const months = (afterDate.getUTCFullYear() - start.getUTCFullYear()) * 12 + afterDate.getUTCMonth() - start.getUTCMonth();
    // Occurrence k0 is in the month of `after` or before it, and k0 + 1 is in a later month,
    // so at most two steps reach the first occurrence after it.
    k = Math.max(1, Math.floor(months / (recurrence.interval * STEP_MONTHS[recurrence.frequency])));
    const anchor = anchorDayOf(start, recurrence);
    for (let step = 0; step < 2 && occurrenceAt(start, recurrence, k, anchor).getTime() <= after; step++) k++;
  }
  const next = occurrenceAt(start, recurrence, k, anchorDayOf(start, recurrence));
  if (recurrence.until !== undefined && next.getTime() > parseZonedDateTime(recurrence.until)!.getTime()) return null;
  return next;
}
