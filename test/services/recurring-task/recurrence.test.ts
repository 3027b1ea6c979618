import { execFileSync } from 'node:child_process';
import {
  anchoredRecurrence,
  daysInMonth,
  nextOccurrence,
  parseRecurrence,
  type Recurrence,
} from '../../../services/recurring-task/recurrence.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;
const rule = (frequency: Recurrence['frequency'], extra: Partial<Recurrence> = {}): Recurrence => ({ frequency, interval: 1, ...extra });

/** Follows a series occurrence by occurrence, as the service does: each next task carries the anchored rule forward. */
function series(start: string, recurrence: Recurrence, count: number): string[] {
  const anchored = anchoredRecurrence(at(start), recurrence);
  const out: string[] = [];
  let due = at(start);
  for (let i = 0; i < count; i++) {
    due = nextOccurrence(due, anchored)!;
    out.push(due.toISOString());
  }
  return out;
}

describe('parseRecurrence', () => {
  test('null and absent mean the task does not recur', () => {
    expect(parseRecurrence(null)).toEqual({ recurrence: null });
    expect(parseRecurrence(undefined)).toEqual({ recurrence: null });
  });

  test('interval defaults to 1 and optional fields are kept', () => {
    expect(parseRecurrence({ frequency: 'daily' })).toEqual({ recurrence: { frequency: 'daily', interval: 1 } });
    expect(parseRecurrence({ frequency: 'monthly', interval: 2, day_of_month: 31, until: '2027-01-01T00:00:00Z' })).toEqual({
      recurrence: { frequency: 'monthly', interval: 2, day_of_month: 31, until: '2027-01-01T00:00:00Z' },
    });
  });

  test('a bare frequency is a rule with interval 1, and unknown fields are ignored', () => {
    expect(parseRecurrence('weekly')).toEqual({ recurrence: { frequency: 'weekly', interval: 1 } });
    expect(parseRecurrence({ frequency: 'yearly', colour: 'red' })).toEqual({ recurrence: { frequency: 'yearly', interval: 1 } });
  });

  test('every problem is reported at once with its field, value and what is accepted', () => {
    expect(parseRecurrence({ frequency: 'hourly', interval: 0, until: '2027-01-01' })).toEqual({
      problems: [
        'task_data.recurring.frequency: "hourly" is not one of daily, weekly, monthly, yearly',
        'task_data.recurring.interval: 0 is not an integer from 1 to 1000',
        'task_data.recurring.until: "2027-01-01" is not an ISO 8601 date-time with a zone, such as "2027-12-31T23:59:59Z"',
      ],
    });
  });

  test('a day of month is refused on a weekly rule and outside 1 to 31 on a monthly one', () => {
    expect(parseRecurrence({ frequency: 'weekly', day_of_month: 3 }).problems).toEqual([
      'task_data.recurring.day_of_month: only a monthly or yearly recurrence has a day of month; remove it or set frequency to "monthly"',
    ]);
    expect(parseRecurrence({ frequency: 'monthly', day_of_month: 32 }).problems).toEqual([
      'task_data.recurring.day_of_month: 32 is not an integer from 1 to 31',
    ]);
  });

  test('a value that is neither a frequency nor an object is refused with the accepted shapes', () => {
    expect(parseRecurrence('fortnightly').problems).toEqual([
      'task_data.recurring: "fortnightly" is neither one of daily, weekly, monthly, yearly nor an object such as {"frequency": "weekly", "interval": 1}',
    ]);
  });

  test('a fractional interval is refused', () => {
    expect(parseRecurrence({ frequency: 'daily', interval: 1.5 }).problems).toEqual([
      'task_data.recurring.interval: 1.5 is not an integer from 1 to 1000',
    ]);
  });
});

describe('daysInMonth', () => {
  test('knows leap years, including the century rules', () => {
    expect([2023, 2024, 1900, 2000, 2100].map((y) => daysInMonth(y, 1))).toEqual([28, 29, 28, 29, 28]);
    expect(daysInMonth(2026, 11)).toBe(31);
    expect(daysInMonth(2026, 12)).toBe(31); // month 12 overflows to January of the next year
  });
});

describe('nextOccurrence', () => {
  test('daily and weekly steps keep the UTC time of day', () => {
    expect(iso(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('daily')))).toBe('2024-01-21T18:00:00.000Z');
    expect(iso(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('daily', { interval: 3 })))).toBe('2024-01-23T18:00:00.000Z');
    expect(iso(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('weekly')))).toBe('2024-01-27T18:00:00.000Z');
    expect(iso(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('weekly', { interval: 2 })))).toBe('2024-02-03T18:00:00.000Z');
  });

  test('daily steps cross February 29 in a leap year and skip it otherwise', () => {
    expect(series('2024-02-28T09:30:00Z', rule('daily'), 2)).toEqual(['2024-02-29T09:30:00.000Z', '2024-03-01T09:30:00.000Z']);
    expect(series('2023-02-28T09:30:00Z', rule('daily'), 1)).toEqual(['2023-03-01T09:30:00.000Z']);
  });

  test('days stay 24 hours across the dates local clocks change, whatever zone the host runs in', () => {
    // 2024-03-10 (US), 2024-03-31 and 2024-10-27 (EU), 2024-04-07 (Lord Howe, 30 minutes) are DST switches.
    const expected = {
      offsetInJuly: 0,
      daily: ['2024-03-10T07:00:00.000Z', '2024-03-11T07:00:00.000Z'],
      weekly: '2024-11-02T23:30:00.000Z',
      euDaily: ['2024-03-31T01:30:00.000Z', '2024-04-01T01:30:00.000Z'],
      lordHowe: '2024-04-07T15:15:00.000Z',
      monthly: '2024-04-30T00:30:00.000Z',
    };
    // process.env.TZ cannot change inside Jest's sandbox, so each zone runs in a child process.
    const script = `
      import { nextOccurrence } from './services/recurring-task/recurrence.ts';
      const d = (s) => new Date(s), n = (s, r) => nextOccurrence(d(s), r).toISOString(), daily = { frequency: 'daily', interval: 1 };
      console.log(JSON.stringify({
        offsetInJuly: -d('2024-07-01T00:00:00Z').getTimezoneOffset() - Number(process.env.EXPECTED_OFFSET),
        daily: [n('2024-03-09T07:00:00Z', daily), n('2024-03-10T07:00:00Z', daily)],
        weekly: n('2024-10-26T23:30:00Z', { frequency: 'weekly', interval: 1 }),
        euDaily: [n('2024-03-30T01:30:00Z', daily), n('2024-03-31T01:30:00Z', daily)],
        lordHowe: n('2024-04-06T15:15:00Z', daily),
        monthly: n('2024-03-31T00:30:00Z', { frequency: 'monthly', interval: 1 }),
      }));`;
    const zones: Record<string, number> = { 'America/New_York': -240, 'Europe/Berlin': 120, 'Australia/Lord_Howe': 630 };
    for (const [zone, offset] of Object.entries(zones)) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, TZ: zone, EXPECTED_OFFSET: String(offset) },
        encoding: 'utf8',
      });
      expect({ zone, ...JSON.parse(out) }).toEqual({ zone, ...expected });
    }
  });

  test('a monthly series anchored on the 31st clamps to month ends and returns to the 31st', () => {
    expect(series('2024-01-31T08:00:00Z', rule('monthly'), 4)).toEqual([
      '2024-02-29T08:00:00.000Z',
      '2024-03-31T08:00:00.000Z',
      '2024-04-30T08:00:00.000Z',
      '2024-05-31T08:00:00.000Z',
    ]);
    expect(series('2023-01-31T08:00:00Z', rule('monthly'), 2)).toEqual(['2023-02-28T08:00:00.000Z', '2023-03-31T08:00:00.000Z']);
  });

  test('the anchor from day_of_month wins over the day of a clamped due date', () => {
    expect(iso(nextOccurrence(at('2023-02-28T08:00:00Z'), rule('monthly', { day_of_month: 31 })))).toBe('2023-03-31T08:00:00.000Z');
    expect(iso(nextOccurrence(at('2023-02-28T08:00:00Z'), rule('monthly', { day_of_month: 30 })))).toBe('2023-03-30T08:00:00.000Z');
    // Without the anchor, February 28 is just the 28th.
    expect(iso(nextOccurrence(at('2023-02-28T08:00:00Z'), rule('monthly')))).toBe('2023-03-28T08:00:00.000Z');
  });

  test('monthly intervals cross the year end', () => {
    expect(series('2024-11-30T12:00:00Z', rule('monthly', { interval: 3 }), 2)).toEqual([
      '2025-02-28T12:00:00.000Z',
      '2025-05-30T12:00:00.000Z',
    ]);
    expect(iso(nextOccurrence(at('2024-12-15T00:00:00Z'), rule('monthly')))).toBe('2025-01-15T00:00:00.000Z');
  });

  test('a leap day anchor lands on February 29 only in leap years', () => {
    expect(series('2024-02-29T10:00:00Z', rule('monthly', { interval: 12 }), 4)).toEqual([
      '2025-02-28T10:00:00.000Z',
      '2026-02-28T10:00:00.000Z',
      '2027-02-28T10:00:00.000Z',
      '2028-02-29T10:00:00.000Z',
    ]);
  });

  test('a yearly series anchored on February 29 returns to it in leap years', () => {
    expect(series('2024-02-29T10:00:00Z', rule('yearly'), 4)).toEqual([
      '2025-02-28T10:00:00.000Z',
      '2026-02-28T10:00:00.000Z',
      '2027-02-28T10:00:00.000Z',
      '2028-02-29T10:00:00.000Z',
    ]);
    expect(iso(nextOccurrence(at('2024-02-29T10:00:00Z'), rule('yearly', { interval: 2 }), at('2027-06-01T00:00:00Z')))).toBe(
      '2028-02-29T10:00:00.000Z',
    );
  });

  test('the anchor is written into the rule of month-based series only', () => {
    expect(anchoredRecurrence(at('2024-01-31T08:00:00Z'), rule('monthly'))).toEqual({
      frequency: 'monthly',
      interval: 1,
      day_of_month: 31,
    });
    expect(anchoredRecurrence(at('2024-01-31T08:00:00Z'), rule('monthly', { day_of_month: 30 }))).toEqual({
      frequency: 'monthly',
      interval: 1,
      day_of_month: 30,
    });
    expect(anchoredRecurrence(at('2024-01-31T08:00:00Z'), rule('daily'))).toEqual({ frequency: 'daily', interval: 1 });
  });

  test('a task completed late gets its first occurrence after the completion, on the series', () => {
    const due = at('2024-01-10T18:00:00Z');
    expect(iso(nextOccurrence(due, rule('daily'), at('2024-01-15T20:00:00Z')))).toBe('2024-01-16T18:00:00.000Z');
    expect(iso(nextOccurrence(due, rule('daily'), at('2024-01-15T18:00:00Z')))).toBe('2024-01-16T18:00:00.000Z');
    expect(iso(nextOccurrence(due, rule('weekly'), at('2024-01-24T18:00:01Z')))).toBe('2024-01-31T18:00:00.000Z');
    expect(iso(nextOccurrence(at('2024-01-31T08:00:00Z'), rule('monthly'), at('2024-04-30T08:00:00Z')))).toBe('2024-05-31T08:00:00.000Z');
    expect(iso(nextOccurrence(at('2024-01-31T08:00:00Z'), rule('monthly', { interval: 2 }), at('2024-03-31T09:00:00Z')))).toBe(
      '2024-05-31T08:00:00.000Z',
    );
  });

  test('a task completed early gets the occurrence right after its own due date', () => {
    expect(iso(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('weekly'), at('2024-01-01T00:00:00Z')))).toBe('2024-01-27T18:00:00.000Z');
  });

  test('no occurrence is due after until, and one due exactly at until still counts', () => {
    expect(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('daily', { until: '2024-01-21T17:59:59Z' }))).toBeNull();
    expect(iso(nextOccurrence(at('2024-01-20T18:00:00Z'), rule('daily', { until: '2024-01-21T18:00:00Z' })))).toBe(
      '2024-01-21T18:00:00.000Z',
    );
  });
});
