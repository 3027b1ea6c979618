/**
 * Bundled by bundle-kafka-messages.test.ts (and run unbundled beside it):
 * consumes the three records of a topic with @platformatic/kafka as the
 * services do (manual commits), prints what each message carries, commits
 * through the last message's own `commit` and prints the group's committed
 * offset. Arguments: bootstrap address (PLAINTEXT), topic, group.
 */
import { Admin, Consumer, type Message } from '@platformatic/kafka';

const [bootstrap, topic, group] = process.argv.slice(2) as [string, string, string];
const consumer = new Consumer({ clientId: 'probe', bootstrapBrokers: [bootstrap], groupId: group, maxWaitTime: 200 });
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
const messages: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
for await (const message of stream as AsyncIterable<Message<Buffer, Buffer, Buffer, Buffer>>) {
  messages.push(message);
  if (messages.length === 3) break;
}

/** What `headers.set` says, or null when it works (the value is taken back out). */
function setHeader(message: Message<Buffer, Buffer, Buffer, Buffer>): string | null {
  const probe = Buffer.from('probe');
  try {
    message.headers.set(probe, probe);
    message.headers.delete(probe);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const seen = messages.map((message) => ({
  offset: String(message.offset),
  value: message.value.toString(),
  headers: [...message.headers].map(([key, value]) => [key.toString(), value.toString()]),
  headerEntries: message.headerEntries.length,
  setHeader: setHeader(message),
}));
const last = messages[2]!;
let detached = 'worked';
try {
  const { commit } = last;
  commit();
} catch (error) {
  detached = (error as Error).name;
}
await last.commit();

const admin = new Admin({ clientId: 'probe-admin', bootstrapBrokers: [bootstrap] });
const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
const committed = offsets?.topics.find((t) => t.name === topic)?.partitions[0]?.committedOffset;
await admin.close();
await consumer.close(true);
process.stdout.write(`${JSON.stringify({ seen, detached, committed: String(committed) })}\n`);
