import { validatePlatform } from '../../platform/index.js';

/** The problems of a config as the lines a user reads. */
function problems(config: unknown): string[] {
  return validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);
}

describe('a topic nothing uses', () => {
  it('is refused with the topic whose name it probably misspells', () => {
    expect(problems({ topics: { reminder: { retention: '2d' } } })).toEqual([
      'topics.reminder: "reminder" is not consumed or produced by any service or producer, and is not a dead-letter topic; ' +
        'did you mean "reminders"? Otherwise list it under a service\'s consumes or produces, or set topics.reminder.unused: true to keep a topic nothing in this spec uses',
    ]);
  });

  it('is refused with what to do when it resembles no other topic', () => {
    expect(problems({ topics: { 'billing-audit': {} } })).toEqual([
      'topics.billing-audit: "billing-audit" is not consumed or produced by any service or producer, and is not a dead-letter topic; ' +
        "list it under a service's consumes or produces (or a producer's produces), or set topics.billing-audit.unused: true to keep a topic nothing in this spec uses",
    ]);
  });

  it('is accepted once a service consumes it, a producer produces it, or it is a dead-letter topic', () => {
    expect(problems({ topics: { comments: {} }, services: { audit: { consumes: ['task-events', 'comments'] } } })).toEqual([]);
    expect(
      problems({ topics: { comments: {} }, producers: { 'todo-api': { produces: ['task-events', 'task-updates', 'comments'] } } }),
    ).toEqual([]);
    expect(problems({ topics: { 'comments-dlq': { role: 'dead-letter' } } })).toEqual([]);
  });

  it('is accepted with unused: true, which is refused on a topic something uses', () => {
    expect(problems({ topics: { archive: { unused: true } } })).toEqual([]);
    expect(problems({ topics: { reminders: { unused: true } } })).toEqual([
      'topics.reminders.unused: is true, but "reminders" is used by services.notification.consumes; remove it',
    ]);
  });

  it('counts a topic renamed with name: under its Kafka name', () => {
    expect(
      problems({ topics: { orders: { name: 'Orders_V1' } }, services: { audit: { consumes: ['task-events', 'Orders_V1'] } } }),
    ).toEqual([]);
  });

  it('becomes unused when the only service that consumed it is removed', () => {
    expect(problems({ services: { websocket: null }, producers: { 'todo-api': { produces: ['task-events'] } } })).toEqual([
      'topics.task-updates: "task-updates" is not consumed or produced by any service or producer, and is not a dead-letter topic; ' +
        "list it under a service's consumes or produces (or a producer's produces), or set topics.task-updates.unused: true to keep a topic nothing in this spec uses",
    ]);
  });
});

describe('type messages', () => {
  it('use the right article', () => {
    expect(problems({ topics: { reminders: { partitions: 'three' } } })).toEqual([
      'topics.reminders.partitions: "three" must be an integer; write a whole number',
    ]);
    expect(problems({ cluster: { name: 3 } })).toEqual(['cluster.name: 3 must be a string; write a string']);
  });
});
