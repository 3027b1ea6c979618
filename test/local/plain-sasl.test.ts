/**
 * SASL/PLAIN, the way Confluent Cloud's clients log in, on a real local
 * broker: a Kafka-mode service started with exactly the environment the
 * confluent-cloud flavor renders for its Deployment (`KAFKA_SASL_MECHANISM=
 * PLAIN`, its username and password from its Secret) consumes what the
 * producing app publishes over PLAIN, in its own consumer group, within the
 * spec's ACLs. Only the transport differs: the local listener has no TLS, so
 * the rendered SASL_SSL becomes SASL_PLAINTEXT, and the username stands in
 * for an API key id (on the broker, the principal `User:<name>` the ACLs name).
 *
 * The broker is one of its own (a temporary directory, free ports), formatted
 * with the confluent stack's users and provisioned with its topics and ACLs
 * by the same code as `npm run local:up`, so the shared broker is left alone.
 * It needs what local:up needs (Java, the cached Kafka jars), hence
 * `describeWithBroker`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, type SASLOptions } from '@platformatic/kafka';
import { consumerEnv, type EnvEntry } from '../../charts/workloads/consumer-env.js';
import {
  DATABASE_SECRET,
  loadPlatform,
  SERVICE_ENV,
  USER_PASSWORD_KEY,
  USER_USERNAME_KEY,
  type PlatformSpec,
  type ServiceSpec,
} from '../../platform/index.js';
import { createAcls } from '../../scripts/local/acl-bindings.js';
import { formatBroker, startBroker, stopBroker, waitForBroker } from '../../scripts/local/kafka-broker.js';
import { kafkaLibDir } from '../../scripts/local/kafka-dist.js';
import { generatePassword } from '../../scripts/local/passwords.js';
import { kafkaPaths, type KafkaPaths } from '../../scripts/local/paths.js';
import { freePorts } from '../../scripts/local/ports.js';
import { createTopics, localTopics } from '../../scripts/local/topics.js';
import type { TaskEvent } from '../../services/lib/events.js';
import { KafkaEventPublisher } from '../../services/lib/kafka-publisher.js';
import { runService, type RunningService } from '../../services/lib/service.js';
import { memoryLogger, taskEvent, TEST_RETRY, until } from '../services/lib/broker-support.js';
import { describeWithBroker, readLocalEnv } from '../support/local-env.js';
import { protocolErrorIds } from './kafka-outcome.js';

const HOST = '127.0.0.1';
const spec: PlatformSpec = loadPlatform('confluent');
const service: ServiceSpec = spec.services.find((s) => s.mode === 'kafka' && !s.fanOut && s.consumes.includes('task-events'))!;
const producer = spec.producers.find((p) => p.produces.includes('task-events'))!;

/** The container environment rendered for `service`, with each Secret reference resolved as Kubernetes would. */
function resolvedEnv(entries: readonly EnvEntry[], passwords: ReadonlyMap<string, string>): Record<string, string> {
  const user = spec.users.find((u) => u.name === service.user)!;
  return Object.fromEntries(
    entries.map((entry) => {
      if ('value' in entry) return [entry.name, entry.value];
      if ('podField' in entry) return [entry.name, `pod-${process.pid}`];
      const { name, key } = entry.secret;
      if (name === user.secretName && key === USER_PASSWORD_KEY) return [entry.name, passwords.get(user.name)!];
      if (name === user.secretName && key === USER_USERNAME_KEY) return [entry.name, user.name];
      if (name === DATABASE_SECRET.name) return [entry.name, readLocalEnv().databaseUrl];
      throw new Error(`the test cannot resolve Secret ${name} key ${key} of ${entry.name}`);
    }),
  );
}

async function listTopicsAs(bootstrap: string, sasl: SASLOptions): Promise<string[] | Error> {
  const admin = new Admin({ clientId: 'plain-sasl-test', bootstrapBrokers: [bootstrap], sasl, retries: 0, connectTimeout: 5000 });
  try {
    return (await admin.listTopics()).sort();
  } catch (error) {
    return error as Error;
  } finally {
    await admin.close();
  }
}

describeWithBroker('SASL/PLAIN on a local broker, with the settings of the confluent-cloud flavor', () => {
  let dir: string;
  let paths: KafkaPaths;
  let plain: string;
  let scram: string;
  const passwords = new Map(spec.users.map((u) => [u.name, generatePassword()]));
  const running: RunningService[] = [];

  beforeAll(async () => {
    const libDir = kafkaLibDir();
    if (!existsSync(libDir)) throw new Error(`${libDir} does not exist; npm run local:up downloads the Kafka jars there`);
    dir = mkdtempSync(join(tmpdir(), 'todo-events-plain-'));
    paths = kafkaPaths(dir);
    const [plaintextPort, saslPort, plainPort, controller] = (await freePorts(4)) as [number, number, number, number];
    await formatBroker(libDir, { plaintext: plaintextPort, sasl: saslPort, plain: plainPort, controller }, passwords, paths);
    const pid = startBroker(libDir, paths);
    await waitForBroker(pid, `${HOST}:${plaintextPort}`, paths);
    plain = `${HOST}:${plainPort}`;
    scram = `${HOST}:${saslPort}`;
    const admin = new Admin({ clientId: 'plain-sasl-setup', bootstrapBrokers: [`${HOST}:${plaintextPort}`] });
    try {
      await createTopics(admin, localTopics(spec));
      await createAcls(admin, spec);
    } finally {
      await admin.close();
    }
  }, 180_000);

  afterAll(async () => {
    for (const s of running) await s.close();
    // Our own broker, stopped by the pid it wrote into our directory.
    if (paths) await stopBroker(paths);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('renders SASL_SSL and PLAIN for the service, its username and password from its Secret', () => {
    const env = consumerEnv(spec, service);
    const find = (name: string) => env.find((e) => e.name === name);
    expect(find(SERVICE_ENV.securityProtocol)).toEqual({ name: SERVICE_ENV.securityProtocol, value: 'SASL_SSL' });
    expect(find(SERVICE_ENV.saslMechanism)).toEqual({ name: SERVICE_ENV.saslMechanism, value: 'PLAIN' });
    expect(find(SERVICE_ENV.username)).toEqual({
      name: SERVICE_ENV.username,
      secret: { name: `kafka-user-${service.user}`, key: 'username' },
    });
    expect(find(SERVICE_ENV.password)).toEqual({
      name: SERVICE_ENV.password,
      secret: { name: `kafka-user-${service.user}`, key: 'password' },
    });
  });

  it(`lets ${service.name} in kafka mode consume over PLAIN what ${producer.name} publishes over PLAIN`, async () => {
    const env: Record<string, string> = {
      ...resolvedEnv(consumerEnv(spec, service), passwords),
      // The local listener's transport (no TLS) and address; everything else is what the flavor renders.
      [SERVICE_ENV.bootstrapServers]: plain,
      [SERVICE_ENV.securityProtocol]: 'SASL_PLAINTEXT',
      [SERVICE_ENV.port]: '0',
    };
    expect(env[SERVICE_ENV.saslMechanism]).toBe('PLAIN');
    const received: TaskEvent[] = [];
    const { log } = memoryLogger();
    const started = await runService<TaskEvent>(
      { name: service.name, start: async () => ({ handle: async (event) => void received.push(event) }) },
      { env, logger: log, retry: TEST_RETRY, tuning: { maxWaitMs: 100 } },
    );
    running.push(started);
    expect(started.config.kafka).toMatchObject({ saslMechanism: 'PLAIN', username: service.user, bootstrapServers: [plain] });
    expect(started.config.consumerGroup).toBe(service.consumerGroup);
    await until(() => started.isReady(), `${service.name} ready over PLAIN`, 60_000);

    const publisher = new KafkaEventPublisher(
      {
        bootstrapServers: [plain],
        securityProtocol: 'SASL_PLAINTEXT',
        saslMechanism: 'PLAIN',
        username: producer.name,
        password: passwords.get(producer.name)!,
      },
      producer.name,
      spec,
      TEST_RETRY,
    );
    const event = taskEvent(`user-plain-${process.pid}`, 1, 'created', 'Consumed over SASL/PLAIN');
    try {
      await publisher.publish('task-events', event);
    } finally {
      await publisher.close();
    }
    await until(() => received.some((e) => e.event_id === event.event_id), 'the event, consumed over PLAIN', 60_000);
  }, 120_000);

  it('authorizes a PLAIN login as the same principal as SCRAM: the service sees only the topics its ACLs name', async () => {
    const sasl: SASLOptions = { mechanism: 'PLAIN', username: service.user, password: passwords.get(service.user)! };
    expect(await listTopicsAs(plain, sasl)).toEqual(
      [...new Set([...service.consumes, ...service.produces, service.deadLetterTopic])].sort(),
    );
  });

  it('refuses a wrong password on the PLAIN listener', async () => {
    const result = await listTopicsAs(plain, { mechanism: 'PLAIN', username: service.user, password: `${passwords.get(service.user)}x` });
    expect(result).toBeInstanceOf(Error);
    expect(protocolErrorIds(result)).toContain('SASL_AUTHENTICATION_FAILED');
  });

  it('keeps the SCRAM listener as it was: SCRAM works there, PLAIN does not', async () => {
    const password = passwords.get(service.user)!;
    expect(await listTopicsAs(scram, { mechanism: 'SCRAM-SHA-512', username: service.user, password })).toBeInstanceOf(Array);
    expect(protocolErrorIds(await listTopicsAs(scram, { mechanism: 'PLAIN', username: service.user, password }))).toContain(
      'UNSUPPORTED_SASL_MECHANISM',
    );
  });
});
