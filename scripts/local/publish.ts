/**
 * `npm run local:publish -- <topic> --user <user_id> [--title <text>]`:
 * publishes one sample event to a topic of the local broker, as the Kafka user
 * of the producer that may write it (`todo-api`), keyed and validated exactly
 * as the services publish. For trying the services by hand:
 *
 *   npm run local:publish -- task-updates --user user-1     # the websocket service pushes it to user-1's clients
 *   npm run local:publish -- task-events --user user-1      # audit writes it to PostgreSQL
 */
import '../../platform/require-node.cjs';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadPlatform, type PlatformSpec, type ProducerSpec } from '../../platform/index.js';
import type { KafkaConnectionConfig, KafkaSecurityProtocol } from '../../services/lib/config.js';
import { TOPIC_EVENT_KINDS } from '../../services/lib/event-topics.js';
import type { AnyEvent, EventKind } from '../../services/lib/events.js';
import { KafkaEventPublisher } from '../../services/lib/kafka-publisher.js';
import type { SaslMechanism } from '../../platform/index.js';
import { LOCAL_ENV, readEnvFile, USER_ENV } from './env-files.js';
import { LOCAL_PATHS, userEnvFile } from './paths.js';

const USAGE = 'usage: npm run local:publish -- <topic> --user <user_id> [--title <text>]';

/** A sample event of `kind` for `userId`, shaped like the specification's examples. */
export function sampleEvent(kind: EventKind, userId: string, title: string, now = new Date()): AnyEvent {
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  switch (kind) {
    case 'task-update':
      return { event_id: randomUUID(), timestamp, user_id: userId, update_type: 'updated', task: { id: 1, title, completed: false } };
    case 'task-event':
      return {
        event_id: randomUUID(),
        event_type: 'created',
        timestamp,
        user_id: userId,
        task_id: 1,
        task_data: { title, completed: false, due_date: null, recurring: null },
        metadata: { source: 'api' },
      };
    case 'reminder':
      return {
        event_id: randomUUID(),
        timestamp,
        task_id: 1,
        user_id: userId,
        title,
        due_at: new Date(now.getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        remind_at: timestamp,
        reminder_type: '1_hour_before',
      };
  }
}

/** The producer of the spec that may write `topic`, or a sentence saying which topics one may write. */
export function producerOf(spec: PlatformSpec, topic: string): ProducerSpec | string {
  const producer = spec.producers.find((p) => p.produces.includes(topic));
  if (producer) return producer;
  const writable = [...new Set(spec.producers.flatMap((p) => p.produces))].sort();
  return `no producer of stack ${spec.stack} writes ${JSON.stringify(topic)} (services do): publish to one of ${writable.join(', ')}`;
}

function connectionOf(user: string): KafkaConnectionConfig {
  const vars = readEnvFile(userEnvFile(user));
  return {
    bootstrapServers: (vars[USER_ENV.bootstrapServers] ?? '').split(','),
    securityProtocol: vars[USER_ENV.securityProtocol] as KafkaSecurityProtocol,
    saslMechanism: vars[USER_ENV.saslMechanism] as SaslMechanism,
    username: vars[USER_ENV.username],
    password: vars[USER_ENV.password],
  };
}

function fail(message: string, status = 1): never {
  console.error(message);
  process.exit(status);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { user: { type: 'string' }, title: { type: 'string' } } });
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  const [topic, ...rest] = parsed.positionals;
  if (topic === undefined || rest.length > 0 || !parsed.values.user) fail(`name the topic and the user: ${USAGE}`, 2);
  if (!existsSync(LOCAL_PATHS.envFile)) fail(`${LOCAL_PATHS.envFile} does not exist: run \`npm run local:up\` first`);
  const kind = TOPIC_EVENT_KINDS[topic];
  if (kind === undefined)
    fail(`${JSON.stringify(topic)} carries no event type: publish to one of ${Object.keys(TOPIC_EVENT_KINDS).join(', ')}`, 2);
  const spec = loadPlatform(readEnvFile(LOCAL_PATHS.envFile)[LOCAL_ENV.stack] ?? 'dev');
  const producer = producerOf(spec, topic);
  if (typeof producer === 'string') fail(producer, 2);
  const event = sampleEvent(kind, parsed.values.user, parsed.values.title ?? 'Try the websocket service');
  const publisher = new KafkaEventPublisher(connectionOf(producer.name), `${producer.name}-local-publish`, spec);
  try {
    const [result] = await publisher.publishAll(topic, [event]);
    console.log(
      `published to ${topic}${result?.partition === undefined ? '' : ` partition ${result.partition}`} as ${producer.name}: ${JSON.stringify(event)}`,
    );
  } finally {
    await publisher.close();
  }
}

main().catch((err: Error) => fail(`local:publish failed: ${err.message}`));
