/**
 * Adoption of topics made by hand on the real local broker, reached as an
 * external cluster: messages are produced into them, `npm run adopt --write`
 * records the imports, the program (under the Pulumi mocks) registers the
 * topics and the grant with import ids that match the live ones, the update
 * adoption then makes is carried out as the provider does it (configs altered
 * in place), and every message is still there to read.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from '@platformatic/kafka';
import { parse } from 'yaml';
import type { AdoptionRecord } from '../../platform/changes/index.js';
import { PLATFORM_CONFIG_KEY, PROJECT } from '../../platform/index.js';
import { scramCredentialProvider } from '../../infra/scram-credential-provider.js';
import { runProgram, type ProgramRun } from '../infra/harness.js';
import {
  BrokerLeftovers,
  liveBindings,
  localCredential,
  prefixedApps,
  removeStackDir,
  runPrefix,
  superuserAdmin,
  topicGrant,
  writeStackDir,
} from '../support/broker-stack.js';
import { describeWithBroker, kafkaClientConfig, readLocalEnv, type LocalEnv } from '../support/local-env.js';
import { REPO_ROOT } from '../support/stack-changes.js';
import { TSX } from '../support/stack-repo.js';

const P = runPrefix('adopt');
const STACK = 'adopted';
const EVENTS = `${P}events`;
const DLQ = `${P}dlq`;
const FRESH = `${P}fresh`;
const MESSAGES = 60;

describeWithBroker('adopting hand-made topics on the local broker as an external cluster', () => {
  let local: LocalEnv;
  let admin: Admin;
  let dir: string;
  let record: AdoptionRecord;
  let run: ProgramRun;
  const leftovers = new BrokerLeftovers();
  const produced = new Map<string, string[]>();
  const kafka = () => import('@platformatic/kafka');

  /** Every value in `topic`, read from the earliest offset by a reader of its own. */
  async function readAll(topic: string, expected: number): Promise<string[]> {
    const { Consumer, stringDeserializers } = await kafka();
    const consumer = new Consumer({
      ...kafkaClientConfig(local.admin, `${P}reader`),
      groupId: `${P}reader-${topic}`,
      deserializers: stringDeserializers,
    });
    const values: string[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false, maxWaitTime: 200 });
      const timer = setTimeout(() => void stream.close(), 20_000);
      for await (const message of stream) {
        values.push(message.value);
        if (values.length >= expected) break;
      }
      clearTimeout(timer);
      await stream.close();
    } finally {
      await consumer.close(true).catch(() => undefined);
      await admin.deleteGroups({ groups: [`${P}reader-${topic}`] }).catch(() => undefined);
    }
    return values.sort();
  }

  beforeAll(async () => {
    local = readLocalEnv();
    admin = await superuserAdmin(local, 'adopt-test');
    const { Producer, stringSerializers } = await kafka();
    dir = writeStackDir(
      STACK,
      {
        ...prefixedApps(P, 'fresh'),
        cluster: {
          flavor: 'external',
          bootstrapServers: local.bootstrapServers,
          brokers: 1,
          tls: false,
          saslMechanism: local.saslMechanism,
        },
        protectTopics: true,
      },
      'an external cluster whose topics were made by hand',
    );
    // Made by hand as the specification's setup does (`rpk topic create task-events --partitions 3`), the DLQ with a shorter retention.
    for (const t of [EVENTS, DLQ]) leftovers.topics.add(t);
    await admin.createTopics({ topics: [EVENTS], partitions: 3, replicas: 1 });
    await admin.createTopics({ topics: [DLQ], partitions: 1, replicas: 1, configs: [{ name: 'retention.ms', value: '86400000' }] });
    // A grant and a user made by hand too.
    await leftovers.createBindings(admin, [topicGrant(`${P}a-service`, 'Read', EVENTS)]);
    const user = localCredential(local, `${P}api`, 'SCRAM-SHA-512');
    await scramCredentialProvider.create(user);
    leftovers.credentials.push(user);

    const producer = new Producer({ ...kafkaClientConfig(local.admin, `${P}producer`), serializers: stringSerializers });
    try {
      for (const topic of [EVENTS, DLQ]) {
        const values = Array.from({ length: topic === EVENTS ? MESSAGES : 5 }, (_, i) => `${topic}-message-${String(i).padStart(3, '0')}`);
        await producer.send({ messages: values.map((value, i) => ({ topic, key: `user-${i % 7}`, value })) });
        produced.set(topic, values);
      }
    } finally {
      await producer.close();
    }
  });

  afterAll(async () => {
    if (!admin) return;
    leftovers.topics.add(FRESH);
    await leftovers.remove(admin);
    await admin.close();
    removeStackDir(dir);
  });

  test('npm run adopt --write shows what adoption changes, exits 2 and records the imports in the stack file', () => {
    const result = spawnSync(
      process.execPath,
      [TSX, join(REPO_ROOT, 'scripts/changes/adopt.ts'), '--stack', STACK, '--dir', dir, '--write'],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        timeout: 60_000,
      },
    );
    const lines = result.stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `  ~ ${DLQ} cleanup.policy delete (broker default) → delete`,
        `  ~ ${DLQ} min.insync.replicas 1 (broker default) → 1`,
        `  ~ ${DLQ} retention 1d → 14d`,
        `  ~ ${EVENTS} retention 7d (broker default) → 7d`,
        `  + topic ${FRESH} added (1 partition, replication 1, retention 1d)`,
        `  ~ ${P}api password set on the cluster → generated by the stack (Secret kafka-user-${P}api)`,
        `  + grant ${P}a-service Describe topic ${EVENTS}`,
        `  note: imports 2 existing topic(s) with their messages: ${DLQ}, ${EVENTS}`,
      ]),
    );
    // The broker's own grants of shared users (the exporter's, from npm run local:up) are adopted too.
    expect(lines).toContainEqual(expect.stringMatching(/^  note: imports \d+ existing ACL binding\(s\)$/));
    expect(result.status).toBe(2);
    const file = parse(readFileSync(join(dir, `Pulumi.${STACK}.yaml`), 'utf8')) as { config: Record<string, unknown> };
    expect(file.config[PLATFORM_CONFIG_KEY]).toBeDefined();
    record = file.config[`${PROJECT}:adopt`] as AdoptionRecord;
    expect(record.topics).toEqual({
      [DLQ]: { partitions: 1, replicationFactor: 1, retentionMs: 86_400_000, cleanupPolicy: 'delete' },
      [EVENTS]: { partitions: 3, replicationFactor: 1, retentionMs: 604_800_000, cleanupPolicy: 'delete' },
    });
    expect(record.acls).toContain(`User:${P}a-service|*|Read|Allow|Topic|${EVENTS}|Literal`);
    expect(record.acls.filter((id) => id.includes(P))).toHaveLength(1);
  });

  test('the program imports the hand-made topics and grant with the ids of the live ones, and creates the rest', async () => {
    const file = parse(readFileSync(join(dir, `Pulumi.${STACK}.yaml`), 'utf8')) as { config: Record<string, unknown> };
    run = await runProgram(STACK, {
      platform: file.config[PLATFORM_CONFIG_KEY],
      config: { adopt: JSON.stringify(file.config[`${PROJECT}:adopt`]) },
      secrets: { kafkaAdminPassword: local.admin.password },
    });
    expect(run.error).toBeUndefined();
    const live = new Set(await admin.listTopics());
    const topics = run.resources.filter((r) => r.type === 'kafka:index/topic:Topic');
    expect(topics.map((t) => [t.inputs.name, t.importId, t.protect]).sort()).toEqual([
      [DLQ, DLQ, true],
      [EVENTS, EVENTS, true],
      [FRESH, '', true],
    ]);
    expect(topics.filter((t) => t.importId !== '').every((t) => live.has(t.importId))).toBe(true);
    const acls = run.resources.filter((r) => r.type === 'kafka:index/acl:Acl' && r.importId !== '');
    expect(acls.map((a) => a.importId).sort()).toEqual(record.acls);
    // Each live binding as @pulumi/kafka spells its import id: `READ` → `Read`, `DESCRIBE_CONFIGS` → `DescribeConfigs`.
    const { AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes } = await kafka();
    const spelling = (values: Record<string, number>) =>
      new Map(
        Object.entries(values).map(([name, v]) => [v, name.toLowerCase().replace(/(^|_)(\w)/g, (_, _s, c: string) => c.toUpperCase())]),
      );
    const [operation, permission, pattern, type] = [AclOperations, AclPermissionTypes, ResourcePatternTypes, ResourceTypes].map(spelling);
    const liveIds = new Set(
      (await liveBindings(admin)).map((b) =>
        [
          b.principal,
          b.host,
          operation!.get(b.operation),
          permission!.get(b.permissionType),
          type!.get(b.resourceType),
          b.resourceName,
          pattern!.get(b.resourcePatternType),
        ].join('|'),
      ),
    );
    expect(acls.every((a) => liveIds.has(a.importId))).toBe(true);
  });

  test('the import is an update in place: the name, partitions and replicas the live topics have, only their configs differ', async () => {
    const metadata = await admin.metadata({ topics: [EVENTS, DLQ] });
    const imported = run.resources.filter((r) => r.type === 'kafka:index/topic:Topic' && r.importId !== '');
    expect(imported).toHaveLength(2);
    for (const topic of imported) {
      const live = metadata.topics.get(topic.importId)!;
      expect([topic.inputs.name, topic.inputs.partitions, topic.inputs.replicationFactor]).toEqual([
        topic.importId,
        live.partitionsCount,
        live.partitions[0]!.replicas.length,
      ]);
    }
  });

  test('after the update adoption makes (configs altered in place, as the provider does), every message is still there', async () => {
    const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes } = await kafka();
    await admin.incrementalAlterConfigs({
      resources: run.resources
        .filter((r) => r.type === 'kafka:index/topic:Topic' && r.importId !== '')
        .map((t) => ({
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: t.importId,
          configs: Object.entries(t.inputs.config as Record<string, string>).map(([name, value]) => ({
            name,
            configOperation: IncrementalAlterConfigOperationTypes.SET,
            value,
          })),
        })),
    });
    for (const [topic, values] of produced) {
      await expect(readAll(topic, values.length)).resolves.toEqual([...values].sort());
    }
  });
});
