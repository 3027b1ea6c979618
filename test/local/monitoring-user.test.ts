/**
 * The two monitoring identities on the real broker (SASL listener): the lag
 * exporter's user sees topics, offsets and consumer groups but fetches no
 * record; the console's user also reads records; neither writes or changes
 * anything. local:up creates every user of the running stack with its ACLs;
 * the console user exists only where a console runs (Strimzi, external), so
 * on a stack without one (dev, Redpanda) the suite creates the console user a
 * console stack derives, the same way, for its own duration.
 */
import { Admin, ListOffsetTimestamps, Producer, stringSerializers } from '@platformatic/kafka';
import { CONSOLE_USER, EXPORTER_USER, loadPlatform, platformFromConfig, type UserSpec } from '../../platform/index.js';
import { describeWithBroker, kafkaClientConfig, localStack, readLocalEnv, type KafkaUserEnv } from '../support/local-env.js';
import { outcomeOf } from './kafka-outcome.js';
import { provisionUser, type ProvisionedUser } from './scram-user.js';
import { openBrokerView, UserProbes, type BrokerView } from './user-probes.js';

const spec = loadPlatform(localStack());
/** A topic and group only this suite uses: records in spec topics would reach the services' suites. */
const TOPIC = 'monitoring-test-records';
const GROUP = 'monitoring-test-group';
const RECORD = JSON.stringify({ probe: 'monitoring-user.test' });

/** The console user of the running stack, or the one a stack that runs a console (Strimzi) derives. */
function consoleUser(): UserSpec {
  const own = spec.users.find((u) => u.kind === 'console');
  if (own) return own;
  const withConsole = platformFromConfig(spec.stack, { cluster: { flavor: 'strimzi' } });
  return withConsole.users.find((u) => u.kind === 'console')!;
}

describeWithBroker(`the monitoring users on the local broker: ${EXPORTER_USER} describes, ${CONSOLE_USER} also reads`, () => {
  let superuser: Admin;
  let view: BrokerView & { close(): Promise<void> };
  let provisioned: ProvisionedUser | undefined;
  const probes = new Map<string, UserProbes>();
  const admins = new Map<string, Admin>();
  const exporter = () => admins.get(EXPORTER_USER)!;

  beforeAll(async () => {
    const env = readLocalEnv();
    superuser = new Admin({ clientId: 'monitoring-test-admin', bootstrapBrokers: [env.plaintextBootstrapServers] });
    if ((await superuser.listTopics()).includes(TOPIC)) await superuser.deleteTopics({ topics: [TOPIC] });
    await superuser.createTopics({ topics: [TOPIC], partitions: 1, replicas: 1 });
    const producer = new Producer({
      clientId: 'monitoring-test',
      bootstrapBrokers: [env.plaintextBootstrapServers],
      serializers: stringSerializers,
    });
    await producer.send({ messages: [{ topic: TOPIC, key: 'probe', value: RECORD }] });
    await producer.close();
    // A group with a committed offset, as a consumer leaves behind.
    await superuser.alterConsumerGroupOffsets({
      groupId: GROUP,
      topics: [{ name: TOPIC, partitionOffsets: [{ partition: 0, offset: 0n }] }],
    });

    const user = consoleUser();
    let consoleEnv: KafkaUserEnv;
    if (spec.users.some((u) => u.name === user.name)) consoleEnv = env.userEnv(user.name);
    else {
      provisioned = await provisionUser(env, user);
      consoleEnv = provisioned.env;
    }
    view = await openBrokerView(env.plaintextBootstrapServers, [TOPIC, ...spec.topics.map((t) => t.name)]);
    for (const userEnv of [env.userEnv(EXPORTER_USER), consoleEnv]) {
      probes.set(userEnv.username, new UserProbes(userEnv, view));
      admins.set(userEnv.username, new Admin({ ...kafkaClientConfig(userEnv, `monitoring-test-${userEnv.username}`), retries: 0 }));
    }
  });

  afterAll(async () => {
    await Promise.all([...probes.values()].map((p) => p.close()));
    await Promise.all([...admins.values()].map((a) => a.close().catch(() => undefined)));
    await view?.close();
    await provisioned?.remove();
    await superuser.deleteGroups({ groups: [GROUP] }).catch(() => undefined);
    await superuser.deleteTopics({ topics: [TOPIC] }).catch(() => undefined);
    await superuser.close();
  });

  describe(`the exporter user ${EXPORTER_USER} (kafka_exporter)`, () => {
    it('lists every topic', async () => {
      expect(await exporter().listTopics()).toEqual(expect.arrayContaining([TOPIC, ...spec.topics.map((t) => t.name)]));
    });

    it('reads the newest and oldest offset of each partition (what lag is measured against)', async () => {
      const offset = async (timestamp: bigint) => {
        const [topic] = await exporter().listOffsets({ topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp }] }] });
        return topic!.partitions[0]!.offset;
      };
      expect(await offset(ListOffsetTimestamps.LATEST)).toBe(1n);
      expect(await offset(ListOffsetTimestamps.EARLIEST)).toBe(0n);
    });

    it("fetches a group's committed offsets", async () => {
      const [group] = await exporter().listConsumerGroupOffsets({
        groups: [{ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0] }] }],
      });
      expect(group!.topics[0]!.partitions[0]!.committedOffset).toBe(0n);
    });

    it('lists and describes consumer groups', async () => {
      expect([...(await exporter().listGroups()).keys()]).toContain(GROUP);
      expect((await exporter().describeGroups({ groups: [GROUP] })).get(GROUP)!.id).toBe(GROUP);
    });

    it('may not fetch records', async () => {
      expect(await probes.get(EXPORTER_USER)!.fetch(TOPIC)).toBe('TOPIC_AUTHORIZATION_FAILED');
    });

    it.each(spec.topics.map((t) => t.name))('may not fetch records of %s', async (topic) => {
      expect(await probes.get(EXPORTER_USER)!.fetch(topic)).toBe('TOPIC_AUTHORIZATION_FAILED');
    });

    it('may not read topic configs, which kafka_exporter never asks for', async () => {
      expect(await probes.get(EXPORTER_USER)!.describeTopicConfigs(TOPIC)).toBe('TOPIC_AUTHORIZATION_FAILED');
    });
  });

  describe(`the console user ${CONSOLE_USER} (Redpanda Console)`, () => {
    it('fetches the records of a topic', async () => {
      expect(await probes.get(CONSOLE_USER)!.fetchValues(TOPIC)).toEqual([RECORD]);
    });

    it('reads topic configs and describes consumer groups', async () => {
      expect(await probes.get(CONSOLE_USER)!.describeTopicConfigs(TOPIC)).toBe('allowed');
      expect(await probes.get(CONSOLE_USER)!.describeGroup(GROUP)).toBe('allowed');
    });
  });

  describe.each([EXPORTER_USER, CONSOLE_USER])('%s changes nothing', (user) => {
    const probe = () => probes.get(user)!;
    const admin = () => admins.get(user)!;

    it.each([TOPIC, ...spec.topics.map((t) => t.name)])('may not produce to %s', async (topic) => {
      expect(await probe().produce(topic)).toBe('TOPIC_AUTHORIZATION_FAILED');
    });

    it('may not move committed offsets', async () => {
      const outcome = await outcomeOf(() =>
        admin().alterConsumerGroupOffsets({ groupId: GROUP, topics: [{ name: TOPIC, partitionOffsets: [{ partition: 0, offset: 1n }] }] }),
      );
      expect(outcome).toBe('GROUP_AUTHORIZATION_FAILED');
    });

    it('may not join a consumer group (which would let it commit offsets)', async () => {
      expect(await probe().joinGroup(GROUP, TOPIC)).toBe('GROUP_AUTHORIZATION_FAILED');
    });

    it('may not delete a consumer group', async () => {
      expect(await outcomeOf(() => admin().deleteGroups({ groups: [GROUP] }))).toBe('GROUP_AUTHORIZATION_FAILED');
    });

    it('may not delete records, delete the topic, add partitions or alter its configs', async () => {
      expect(await outcomeOf(() => admin().deleteRecords({ topics: [{ name: TOPIC, partitions: [{ partition: 0, offset: 1n }] }] }))).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      expect(await outcomeOf(() => admin().deleteTopics({ topics: [TOPIC] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect(
        await outcomeOf(() => admin().createPartitions({ validateOnly: true, topics: [{ name: TOPIC, count: 4, assignments: [] }] })),
      ).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect(await probe().alterTopicConfigs(TOPIC)).toBe('TOPIC_AUTHORIZATION_FAILED');
    });
  });
});
