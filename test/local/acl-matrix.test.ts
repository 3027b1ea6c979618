/**
 * Every user of the running stack, on the SASL listener, against every topic:
 * allowed exactly what its application consumes and produces (the exporter
 * user: describing everything, reading nothing; the console user, where the
 * stack has one: reading everything too), refused everything else with
 * Kafka's authorization error. Expectations come from the spec's services
 * and producers (access-intent.ts), not from the derived ACLs.
 */
import { Admin } from '@platformatic/kafka';
import { loadPlatform } from '../../platform/index.js';
import { describeWithBroker, localStack, readLocalEnv } from '../support/local-env.js';
import { accessIntents, groupJoinedBy, maySee, type AccessIntent } from './access-intent.js';
import { deleteAllRecords } from './probe-records.js';
import { openBrokerView, UserProbes, type BrokerView } from './user-probes.js';

const spec = loadPlatform(localStack());
const topics = spec.topics.map((t) => t.name);
const groups = spec.services.map(groupJoinedBy);
const intents = accessIntents(spec);

const TOPIC_DENIED = 'TOPIC_AUTHORIZATION_FAILED';
const GROUP_DENIED = 'GROUP_AUTHORIZATION_FAILED';
const CLUSTER_DENIED = 'CLUSTER_AUTHORIZATION_FAILED';

const expect_ = (allowed: boolean, denial: string) => (allowed ? 'allowed' : denial);
const may = (allowed: boolean) => (allowed ? 'may' : 'may not');

/** Name of the topic a user tries to create; never a spec topic. */
const probeTopic = (user: string) => `acl-test-created-by-${user}`;

describeWithBroker('ACLs on the local broker: each user may do exactly what its application needs (SASL listener)', () => {
  const probes = new Map<string, UserProbes>();
  let view: BrokerView & { close(): Promise<void> };
  const probe = (user: string) => probes.get(user)!;

  beforeAll(async () => {
    const env = readLocalEnv();
    view = await openBrokerView(env.plaintextBootstrapServers, topics);
    for (const intent of intents) probes.set(intent.user, new UserProbes(env.userEnv(intent.user), view));
  });

  afterAll(async () => {
    await Promise.all([...probes.values()].map((p) => p.close()));
    await view.close();
    // Clean up after a wrongly allowed create, so a failure does not leak into the next run.
    const env = readLocalEnv();
    const admin = new Admin({ clientId: 'acl-test-cleanup', bootstrapBrokers: [env.plaintextBootstrapServers] });
    const existing = new Set(await admin.listTopics());
    const leaked = intents.map((i) => probeTopic(i.user)).filter((t) => existing.has(t));
    if (leaked.length > 0) await admin.deleteTopics({ topics: leaked });
    await admin.close();
    await deleteAllRecords(env.plaintextBootstrapServers, spec.topics);
  });

  describe.each(intents.map((intent) => [intent.user, intent] as const))('%s', (_user, intent: AccessIntent) => {
    const rows = (allowedOf: (topic: string) => boolean) =>
      topics.map((topic) => [may(allowedOf(topic)), topic, allowedOf(topic)] as const);

    it.each(rows((t) => intent.write.has(t)))('%s produce to %s', async (_may, topic, allowed) => {
      expect(await probe(intent.user).produce(topic)).toBe(expect_(allowed, TOPIC_DENIED));
    });

    it.each(rows((t) => intent.read.has(t)))('%s fetch from %s', async (_may, topic, allowed) => {
      expect(await probe(intent.user).fetch(topic)).toBe(expect_(allowed, TOPIC_DENIED));
    });

    it.each(rows((t) => maySee(intent, t)))('%s see the metadata of %s', async (_may, topic, allowed) => {
      expect(await probe(intent.user).describeTopic(topic)).toBe(expect_(allowed, TOPIC_DENIED));
    });

    it.each(rows((t) => intent.describeConfigs.has(t)))('%s describe the configs of %s', async (_may, topic, allowed) => {
      expect(await probe(intent.user).describeTopicConfigs(topic)).toBe(expect_(allowed, TOPIC_DENIED));
    });

    it.each(topics)('may not alter the configs of %s', async (topic) => {
      expect(await probe(intent.user).alterTopicConfigs(topic)).toBe(TOPIC_DENIED);
    });

    it('may not create a topic', async () => {
      expect(await probe(intent.user).createTopic(probeTopic(intent.user))).toBe(TOPIC_DENIED);
    });

    it('may not describe or alter the cluster configs', async () => {
      expect(await probe(intent.user).describeClusterConfigs()).toBe(CLUSTER_DENIED);
      expect(await probe(intent.user).alterClusterConfigs()).toBe(CLUSTER_DENIED);
    });

    it.each(
      groups.map(
        (g) =>
          [may(intent.describeAllGroups || intent.joinGroups.has(g)), g, intent.describeAllGroups || intent.joinGroups.has(g)] as const,
      ),
    )('%s describe consumer group %s', async (_may, group, allowed) => {
      expect(await probe(intent.user).describeGroup(group)).toBe(expect_(allowed, GROUP_DENIED));
    });

    const readable = [...intent.read][0];
    const joinRows = groups.map((g) => [may(intent.joinGroups.has(g)), g, intent.joinGroups.has(g)] as const);
    if (readable !== undefined) {
      it.each(joinRows)(`%s join consumer group %s (subscribed to ${readable})`, async (_may, group, allowed) => {
        expect(await probe(intent.user).joinGroup(group, readable)).toBe(expect_(allowed, GROUP_DENIED));
      });
      it(`may not join a group of its own invention (subscribed to ${readable})`, async () => {
        // Not prefixed with the user's name: a fan-out service may join any `<its group>-…`.
        expect(await probe(intent.user).joinGroup(`invented-by-${intent.user}`, readable)).toBe(GROUP_DENIED);
      });
    } else {
      it.each(joinRows)('%s join consumer group %s (it reads no topic)', async (_may, group, allowed) => {
        const topic = spec.services.find((s) => groupJoinedBy(s) === group)!.consumes[0]!;
        const outcome = await probe(intent.user).joinGroup(group, topic);
        // Refused at the group or at the topic, whichever the client asks first; never allowed.
        expect(allowed).toBe(false);
        expect([GROUP_DENIED, TOPIC_DENIED]).toContain(outcome);
      });
    }

    const writable = [...intent.write];
    if (writable.length > 0) {
      it.each(writable)('produces to %s with an idempotent acks=all producer, with no cluster-level right', async (topic) => {
        expect(await probe(intent.user).produceIdempotent(topic)).toBe('allowed');
      });
    }
  });
});
