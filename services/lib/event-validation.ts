/**
 * Hand-written validators of the three event types. They collect every
 * problem (`task_data.title: must be a string, got 42`) so a dead-lettered
 * event says everything that is wrong with it in one reading. Unknown fields
 * are allowed: producers may add fields before consumers know them.
 */
import { InvalidEventError, MalformedMessageError } from './errors.js';
import { eventKindOfTopic } from './event-topics.js';
import {
  EVENT_SOURCES,
  RECURRENCE_FREQUENCIES,
  REMINDER_TYPES,
  TASK_EVENT_TYPES,
  TASK_UPDATE_TYPES,
  type EventKind,
  type EventsByKind,
} from './events.js';

type Problems = string[];
type Obj = Record<string, unknown>;

/** Whether a field may be absent or null. Shared constants: the checks run for every consumed event, and a literal per call is garbage per event. */
interface Presence {
  readonly optional?: boolean;
  readonly nullable?: boolean;
}
const REQUIRED: Presence = {};
const OPTIONAL: Presence = { optional: true };
const OPTIONAL_NULLABLE: Presence = { optional: true, nullable: true };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** Reads fields of one JSON object and records what is wrong with them. */
class FieldChecker {
  constructor(
    private readonly obj: Obj,
    private readonly path: string,
    private readonly problems: Problems,
  ) {}

  private fail(field: string, expected: string): void {
    this.problems.push(`${join(this.path, field)}: must be ${expected}, got ${show(this.obj[field])}`);
  }

  private present(field: string, optional: boolean): boolean {
    const value = this.obj[field];
    if (value !== undefined) return true;
    if (!optional) this.problems.push(`${join(this.path, field)}: is required`);
    return false;
  }

  string(field: string, optional = false): void {
    if (!this.present(field, optional)) return;
    const value = this.obj[field];
    if (typeof value !== 'string' || value.trim() === '') this.fail(field, 'a non-empty string');
  }

  uuid(field: string): void {
    if (!this.present(field, false)) return;
    const value = this.obj[field];
    if (typeof value !== 'string' || !UUID.test(value)) this.fail(field, 'a UUID');
  }

  dateTime(field: string, { optional = false, nullable = false }: Presence = REQUIRED): void {
    if (!this.present(field, optional)) return;
    const value = this.obj[field];
    if (nullable && value === null) return;
    if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
      this.fail(field, `an RFC 3339 date-time such as "2024-01-15T10:30:00Z"${nullable ? ' or null' : ''}`);
    }
  }

  positiveInteger(field: string): void {
    if (!this.present(field, false)) return;
    const value = this.obj[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) this.fail(field, 'a positive integer');
  }

  boolean(field: string): void {
    if (!this.present(field, false)) return;
    if (typeof this.obj[field] !== 'boolean') this.fail(field, 'true or false');
  }

  oneOf(field: string, allowed: readonly string[], optional = false): void {
    if (!this.present(field, optional)) return;
    const value = this.obj[field];
    if (typeof value !== 'string' || !allowed.includes(value)) this.fail(field, `one of ${allowed.join('|')}`);
  }

  stringArray(field: string): void {
    if (!this.present(field, true)) return;
    const value = this.obj[field];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) this.fail(field, 'an array of strings');
  }

  /** A nested object, checked by `check` when present and an object. */
  object(field: string, check: (checker: FieldChecker) => void, { optional = false, nullable = false }: Presence = REQUIRED): void {
    if (!this.present(field, optional)) return;
    const value = this.obj[field];
    if (nullable && value === null) return;
    if (!isObject(value)) {
      this.fail(field, nullable ? 'an object or null' : 'an object');
      return;
    }
    check(new FieldChecker(value, join(this.path, field), this.problems));
  }

  /** A field that may take several shapes; `check` reports problems itself. */
  custom(field: string, check: (value: unknown, path: string, problems: Problems) => void): void {
    if (!this.present(field, true)) return;
    check(this.obj[field], join(this.path, field), this.problems);
  }

  get(field: string): unknown {
    return this.obj[field];
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkRecurrence(value: unknown, path: string, problems: Problems): void {
  if (value === null) return;
  if (typeof value === 'string' && (RECURRENCE_FREQUENCIES as readonly string[]).includes(value)) return;
  if (isObject(value)) {
    new FieldChecker(value, path, problems).oneOf('frequency', RECURRENCE_FREQUENCIES);
    if (value.interval !== undefined && (!Number.isSafeInteger(value.interval) || (value.interval as number) < 1)) {
      problems.push(`${path}.interval: must be a positive integer, got ${show(value.interval)}`);
    }
    return;
  }
  problems.push(
    `${path}: must be null, one of ${RECURRENCE_FREQUENCIES.join('|')} or {"frequency": ..., "interval": n}, got ${show(value)}`,
  );
}

function checkTaskEvent(fields: FieldChecker): void {
  fields.uuid('event_id');
  fields.oneOf('event_type', TASK_EVENT_TYPES);
  fields.dateTime('timestamp');
  fields.string('user_id');
  fields.positiveInteger('task_id');
  fields.object('task_data', checkTaskData);
  fields.object('metadata', checkMetadata, OPTIONAL);
}

// The nested checks are functions of their own, not arrows inside their parent's: an arrow is a new closure per event.
function checkTaskData(task: FieldChecker): void {
  task.string('title');
  task.boolean('completed');
  task.string('priority', true);
  task.stringArray('tags');
  task.dateTime('due_date', OPTIONAL_NULLABLE);
  task.custom('recurring', checkRecurrence);
}

function checkMetadata(metadata: FieldChecker): void {
  metadata.oneOf('source', EVENT_SOURCES);
  metadata.string('correlation_id', true);
}

function checkReminder(fields: FieldChecker, problems: Problems): void {
  fields.uuid('event_id');
  fields.dateTime('timestamp');
  fields.positiveInteger('task_id');
  fields.string('user_id');
  fields.string('title');
  fields.dateTime('due_at');
  fields.dateTime('remind_at');
  fields.oneOf('reminder_type', REMINDER_TYPES);
  const dueAt = Date.parse(String(fields.get('due_at')));
  const remindAt = Date.parse(String(fields.get('remind_at')));
  if (remindAt > dueAt) problems.push(`remind_at: must not be after due_at, got ${show(fields.get('remind_at'))}`);
}

function checkTaskUpdate(fields: FieldChecker): void {
  fields.uuid('event_id');
  fields.dateTime('timestamp');
  fields.string('user_id');
  fields.oneOf('update_type', TASK_UPDATE_TYPES);
  fields.object('task', checkUpdatedTask);
}

function checkUpdatedTask(task: FieldChecker): void {
  task.positiveInteger('id');
  task.string('title');
  task.boolean('completed');
  task.string('priority', true);
}

/** Every problem of `value` as an event of `kind` (empty when valid). */
export function eventProblems(kind: EventKind, value: unknown): string[] {
  if (!isObject(value)) return [`(event): must be a JSON object, got ${show(value)}`];
  const problems: Problems = [];
  const fields = new FieldChecker(value, '', problems);
  switch (kind) {
    case 'task-event':
      checkTaskEvent(fields);
      break;
    case 'reminder':
      checkReminder(fields, problems);
      break;
    case 'task-update':
      checkTaskUpdate(fields);
      break;
  }
  return problems;
}

/**
 * Throws `InvalidEventError` (canRetry=false) unless `value` is a valid event
 * of the type `topic` carries. Producers call it before sending, consumers
 * after parsing.
 */
export function assertValidEvent<K extends EventKind>(
  topic: string,
  value: unknown,
  kind: K = eventKindOfTopic(topic) as K,
): asserts value is EventsByKind[K] {
  const problems = eventProblems(kind, value);
  if (problems.length > 0) throw new InvalidEventError(topic, problems);
}

/**
 * Decodes a raw message value (UTF-8 JSON) and validates it as the event type
 * of `topic`. Throws `MalformedMessageError` for anything that is not JSON,
 * `InvalidEventError` for JSON that breaks the schema; both never retried.
 */
export function parseEvent<K extends EventKind>(
  topic: string,
  raw: Buffer | string | undefined | null,
  kind: K = eventKindOfTopic(topic) as K,
): EventsByKind[K] {
  if (raw === undefined || raw === null || raw.length === 0) {
    throw new MalformedMessageError(`message on ${topic} has an empty value; expected a JSON event`);
  }
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedMessageError(`message on ${topic} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  assertValidEvent(topic, value, kind);
  return value;
}
