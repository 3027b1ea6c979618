import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { describeWithBroker, readLocalEnv } from '../../support/local-env.js';
import { privateTopics, RUN_ID, setGroupOffsets, uniqueGroup } from './broker-support.js';

const MEMBER = join(process.cwd(), 'test', 'services', 'lib', 'broker-probes', 'group-member.ts');

describeWithBroker('setGroupOffsets (the tests and the bench place groups with it)', () => {
  const topic = `test-group-offsets-${RUN_ID}`;
  let removeTopic: () => Promise<void>;
  let admin: Admin;

  beforeAll(async () => {
    removeTopic = await privateTopics([topic]);
    admin = new Admin({ clientId: `test-${RUN_ID}`, bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  });
  afterAll(async () => {
    await admin?.close();
    await removeTopic?.();
  });

  it('waits for a member that died without leaving to time out, then sets the offsets', async () => {
    const group = uniqueGroup('stale-member');
    const member = spawn(process.execPath, ['--import', 'tsx', MEMBER, readLocalEnv().plaintextBootstrapServers, topic, group], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(member.stdout!, 'data')) as [Buffer];
    expect(line.toString()).toContain('joined');
    member.kill('SIGKILL');
    await once(member, 'exit');
    // Dead, but still a member of the group until its 6 s session runs out.
    expect((await admin.describeGroups({ groups: [group] })).get(group)?.members.size).toBe(1);

    await setGroupOffsets(group, [{ topic, partition: 0, offset: 0n }]);

    const [offsets] = await admin.listConsumerGroupOffsets({ groups: [group] });
    expect(offsets?.topics.find((t) => t.name === topic)?.partitions[0]?.committedOffset).toBe(0n);
    expect((await admin.describeGroups({ groups: [group] })).get(group)?.members.size).toBe(0);
  });
});
