/**
 * Bundled by bundle-kafka-messages.test.ts (and run unbundled beside it):
 * consumes the three records of a topic with @platformatic/kafka as the
 * services do (manual commits), prints what each message carries (its key,
 * timestamp and JSON too), commits
 * through the last message's own `commit` and prints the group's committed
 * offset. Arguments: bootstrap address (PLAINTEXT), topic, group, and
 * optionally `traced`: then it also subscribes to the client's
 * `consumer:receives` tracing channel and reads values through a
 * deserializer of its own, and prints what both saw.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { Admin, Consumer, type Message } from '@platformatic/kafka';

const [bootstrap, topic, group, mode] = process.argv.slice(2) as [string, string, string, string | undefined];
const traced = mode === 'traced';

/** Each publication on the tracing channel: its event, the record's value, the pushed message's offset. */
const traces: string[] = [];
const operationIds = new Set<bigint>();
interface ReceiveContext {
  operationId: bigint;
  raw: { value: Buffer };
  result?: { offset: bigint };
}
const note = (event: string) => (context: unknown) => {
  const { operationId, raw, result } = context as ReceiveContext;
  operationIds.add(operationId);
  traces.push(`${event} ${raw.value.toString()}${result ? ` @${result.offset}` : ''}`);
};
/** What the value deserializer was handed besides the bytes: the message's topic and partition. */
const deserialized: string[] = [];
if (traced) {
  tracingChannel('plt:kafka:consumer:receives').subscribe({
    start: note('start'),
    end: note('end'),
    asyncStart: note('asyncStart'),
    asyncEnd: note('asyncEnd'),
    error: note('error'),
  });
}
const deserializers = traced
  ? {
      value: (data?: Buffer, _headers?: unknown, message?: unknown) => {
        const { topic: from, partition } = message as { topic: string; partition: number };
        deserialized.push(`${data?.toString()} ${from === topic ? 'topic' : from} ${partition}`);
        return data;
      },
    }
  : undefined;
const consumer = new Consumer({ clientId: 'probe', bootstrapBrokers: [bootstrap], groupId: group, maxWaitTime: 200 });
const stream = await consumer.consume({
  topics: [topic],
  mode: 'earliest',
  autocommit: false,
  ...(deserializers ? { deserializers } : {}),
});
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
  // Read twice: a getter of the bundle's pass-through message makes each read anew.
  key: message.key === undefined ? 'undefined' : `${message.key.toString()}/${Buffer.compare(message.key, message.key)}`,
  timestamp: String(message.timestamp),
  // Without what differs from one group to the next.
  json: JSON.stringify(message, (field, value: unknown) => (field === 'groupId' || field === 'memberId' ? '…' : value)),
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
const tracing = traced ? { traces, operations: operationIds.size, deserialized } : {};
process.stdout.write(`${JSON.stringify({ seen, detached, committed: String(committed), ...tracing })}\n`);
