/**
 * Started by group-offsets.integration.test.ts and killed there with
 * SIGKILL: joins a consumer group on a topic with the broker's shortest
 * session (6 s, `group.min.session.timeout.ms`), prints `joined`, and waits,
 * so that it dies a member that never left. Arguments: bootstrap address
 * (PLAINTEXT), topic, group.
 */
import { Consumer } from '@platformatic/kafka';

const [bootstrap, topic, group] = process.argv.slice(2) as [string, string, string];
const consumer = new Consumer({
  clientId: 'stale-member',
  bootstrapBrokers: [bootstrap],
  groupId: group,
  sessionTimeout: 6000,
  rebalanceTimeout: 6000,
  heartbeatInterval: 1000,
});
await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
process.stdout.write('joined\n');
setInterval(() => {}, 60_000);
