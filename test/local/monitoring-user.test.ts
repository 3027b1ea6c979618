/**
 * The monitoring user (lag exporter, console) sees every topic and group —
 * messages, configs, members, committed offsets — and changes nothing.
 */
import { Admin } from '@platformatic/kafka';
import { loadPlatform, MONITORING_USER } from '../../platform/index.js';
import { describeWithBroker, kafkaClientConfig, localStack, readLocalEnv } from '../support/local-env.js';
import { outcomeOf } from './kafka-outcome.js';

const spec = loadPlatform(localStack());
/** A group only this suite uses, so no service's committed offsets are touched. */
const GROUP = 'monitoring-test-group';
const topic = spec.topics[0]!;

describeWithBroker(`the monitoring user ${MONITORING_USER} describes but never writes`, () => {
  let superuser: Admin;
  let monitoring: Admin;

  beforeAll(async () => {
    const env = readLocalEnv();
    superuser = new Admin({ ...kafkaClientConfig(env.admin, 'monitoring-test-admin'), retries: 0 });
    monitoring = new Admin({ ...kafkaClientConfig(env.userEnv(MONITORING_USER), 'monitoring-test'), retries: 0 });
    // A group with a committed offset, as a consumer leaves behind.
    await superuser.alterConsumerGroupOffsets({
      groupId: GROUP,
      topics: [{ name: topic.name, partitionOffsets: [{ partition: 0, offset: 0n }] }],
    });
  });

  afterAll(async () => {
    await superuser.deleteGroups({ groups: [GROUP] }).catch(() => undefined);
    await Promise.all([superuser.close(), monitoring.close()]);
  });

  it("reads a group's committed offsets (what lag is computed from)", async () => {
    const [group] = await monitoring.listConsumerGroupOffsets({
      groups: [{ groupId: GROUP, topics: [{ name: topic.name, partitionIndexes: [0] }] }],
    });
    expect(group!.topics[0]!.partitions[0]!.committedOffset).toBe(0n);
  });

  it('describes consumer groups and lists every spec topic', async () => {
    const groups = await monitoring.describeGroups({ groups: [GROUP] });
    expect(groups.get(GROUP)!.id).toBe(GROUP);
    const topics = await monitoring.listTopics();
    expect(topics).toEqual(expect.arrayContaining(spec.topics.map((t) => t.name)));
  });

  it('may not move committed offsets', async () => {
    const outcome = await outcomeOf(() =>
      monitoring.alterConsumerGroupOffsets({
        groupId: GROUP,
        topics: [{ name: topic.name, partitionOffsets: [{ partition: 0, offset: 1n }] }],
      }),
    );
    expect(outcome).toBe('GROUP_AUTHORIZATION_FAILED');
  });

  it('may not delete a consumer group', async () => {
    expect(await outcomeOf(() => monitoring.deleteGroups({ groups: [GROUP] }))).toBe('GROUP_AUTHORIZATION_FAILED');
  });

  it.each(spec.topics.map((t) => t.name))('may not delete records of %s', async (name) => {
    expect(await outcomeOf(() => monitoring.deleteRecords({ topics: [{ name, partitions: [{ partition: 0, offset: 0n }] }] }))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
  });

  it.each(spec.topics.map((t) => t.name))('may not delete topic %s', async (name) => {
    expect(await outcomeOf(() => monitoring.deleteTopics({ topics: [name] }))).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it.each(spec.topics.map((t) => t.name))('may not add partitions to %s', async (name) => {
    const outcome = await outcomeOf(() =>
      monitoring.createPartitions({ validateOnly: true, topics: [{ name, count: 64, assignments: [] }] }),
    );
    expect(outcome).toBe('TOPIC_AUTHORIZATION_FAILED');
  });
});
