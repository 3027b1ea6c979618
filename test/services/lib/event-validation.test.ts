import { randomUUID } from 'node:crypto';
import { InvalidEventError, MalformedMessageError } from '../../../services/lib/errors.js';
import { assertValidEvent, eventProblems, parseEvent } from '../../../services/lib/event-validation.js';
import { eventKindOfTopic, topicKeyField } from '../../../services/lib/event-topics.js';
import { specReminder } from '../../support/spec-events.js';

/** The specification's examples, with real UUIDs where it writes "uuid". */
const specTaskEvent = () => ({
  event_id: randomUUID(),
  event_type: 'created',
  timestamp: '2024-01-15T10:30:00Z',
  user_id: 'user-uuid',
  task_id: 123,
  task_data: {
    title: 'Buy groceries',
    completed: false,
    priority: 'high',
    tags: ['home'],
    due_date: '2024-01-20T18:00:00Z',
    recurring: null,
  },
  metadata: { source: 'chat', correlation_id: 'request-uuid' },
});

const specTaskUpdate = () => ({
  event_id: randomUUID(),
  timestamp: '2024-01-15T10:30:00Z',
  user_id: 'user-uuid',
  update_type: 'created',
  task: { id: 123, title: 'Buy groceries', completed: false, priority: 'high' },
});

describe('event schemas', () => {
  it('accept the specification examples of all three topics', () => {
    expect(eventProblems('task-event', specTaskEvent())).toEqual([]);
    expect(eventProblems('reminder', specReminder())).toEqual([]);
    expect(eventProblems('task-update', specTaskUpdate())).toEqual([]);
  });

  it('accept a recurring rule as a frequency or an object, and fields producers add later', () => {
    const weekly = { ...specTaskEvent(), task_data: { ...specTaskEvent().task_data, recurring: 'weekly' }, added_later: 1 };
    const monthly = { ...specTaskEvent(), task_data: { ...specTaskEvent().task_data, recurring: { frequency: 'monthly', interval: 2 } } };
    expect(eventProblems('task-event', weekly)).toEqual([]);
    expect(eventProblems('task-event', monthly)).toEqual([]);
  });

  it('report every problem of a task event with its path and the value found', () => {
    const event = {
      ...specTaskEvent(),
      event_id: 'not-a-uuid',
      event_type: 'archived',
      timestamp: '15/01/2024',
      task_id: -1,
      task_data: { title: 42, completed: 'no', tags: 'home', due_date: 'tomorrow', recurring: 'hourly' },
      metadata: { source: 'email' },
    };
    delete (event as Partial<typeof event>).user_id;
    expect(eventProblems('task-event', event)).toEqual([
      'event_id: must be a UUID, got "not-a-uuid"',
      'event_type: must be one of created|updated|completed|deleted, got "archived"',
      'timestamp: must be an RFC 3339 date-time such as "2024-01-15T10:30:00Z", got "15/01/2024"',
      'user_id: is required',
      'task_id: must be a positive integer, got -1',
      'task_data.title: must be a non-empty string, got 42',
      'task_data.completed: must be true or false, got "no"',
      'task_data.tags: must be an array of strings, got "home"',
      'task_data.due_date: must be an RFC 3339 date-time such as "2024-01-15T10:30:00Z" or null, got "tomorrow"',
      'task_data.recurring: must be null, one of daily|weekly|monthly|yearly or {"frequency": ..., "interval": n}, got "hourly"',
      'metadata.source: must be one of chat|api, got "email"',
    ]);
  });

  it('report a reminder due before it is reminded of, and a wrong reminder type', () => {
    const reminder = { ...specReminder(), remind_at: '2024-01-21T17:00:00Z', reminder_type: 'soon' };
    expect(eventProblems('reminder', reminder)).toEqual([
      'reminder_type: must be one of 1_hour_before|1_day_before, got "soon"',
      'remind_at: must not be after due_at, got "2024-01-21T17:00:00Z"',
    ]);
  });

  it('report a task update without its task', () => {
    const { task: _task, ...update } = specTaskUpdate();
    expect(eventProblems('task-update', { ...update, update_type: 'completed' })).toEqual([
      'update_type: must be one of created|updated|deleted, got "completed"',
      'task: is required',
    ]);
  });

  it('reject a JSON value that is not an object', () => {
    expect(eventProblems('reminder', [1, 2])).toEqual(['(event): must be a JSON object, got [1,2]']);
  });
});

describe('parseEvent', () => {
  it('decodes and validates a message value as the event type of its topic', () => {
    const event = specTaskEvent();
    expect(parseEvent('task-events', Buffer.from(JSON.stringify(event)))).toEqual(event);
  });

  it('throws a non-retryable MalformedMessageError for a value that is not JSON', () => {
    const parse = () => parseEvent('task-events', Buffer.from('hello, not json'));
    expect(parse).toThrow(MalformedMessageError);
    expect(parse).toThrow(/^message on task-events is not JSON: /);
  });

  it('throws a non-retryable MalformedMessageError for an empty value', () => {
    expect(() => parseEvent('reminders', Buffer.alloc(0))).toThrow('message on reminders has an empty value; expected a JSON event');
  });

  it('throws InvalidEventError listing the problems for JSON that breaks the schema', () => {
    const parse = () => parseEvent('reminders', JSON.stringify({ ...specReminder(), title: '' }));
    expect(parse).toThrow(InvalidEventError);
    expect(parse).toThrow('invalid reminders event: title: must be a non-empty string, got ""');
  });

  it('is what producers call too: an invalid event never leaves the service', () => {
    expect(() => assertValidEvent('task-updates', { ...specTaskUpdate(), user_id: '' })).toThrow(
      'invalid task-updates event: user_id: must be a non-empty string, got ""',
    );
  });
});

describe('topics', () => {
  it('map each events topic of the specification to its event type', () => {
    expect(['task-events', 'reminders', 'task-updates'].map(eventKindOfTopic)).toEqual(['task-event', 'reminder', 'task-update']);
  });

  it('refuse a topic that carries no event type, naming the ones that do', () => {
    expect(() => eventKindOfTopic('task-events-dlq')).toThrow(
      'topic "task-events-dlq" carries no known event type; expected one of task-events, reminders, task-updates',
    );
  });

  it('take the record key field from the platform spec: user_id for keyed topics, none for reminders', () => {
    expect(['task-events', 'task-updates', 'reminders', 'task-events-dlq'].map((t) => topicKeyField(t))).toEqual([
      'user_id',
      'user_id',
      null,
      null,
    ]);
  });
});
