import { loadPlatform } from '../platform/index.js';
test('dev resolves', () => {
  const spec = loadPlatform('dev');
  expect(spec.topics.map((t) => [t.name, t.partitions, t.retentionMs])).toEqual([
    ['reminders', 1, 86400000], ['task-events', 3, 604800000], ['task-events-dlq', 1, 1209600000], ['task-updates', 3, 3600000]]);
  console.log(JSON.stringify(spec.users, null, 1));
});
