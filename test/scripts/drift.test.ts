/**
 * `npm run drift` against the real local broker: a stack of this test's own
 * (prefixed topics, service and producer) is put on the broker as the spec
 * says, drift is made through the admin API, and the report must name
 * exactly that drift, and not a broker-wide default changed at the same time.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Admin } from '@platformatic/kafka';
import { changeText, DRIFT_SIDES, type StackReport } from '../../platform/changes/index.js';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { drift } from '../../scripts/changes/drift.js';
import { readCluster } from '../../scripts/changes/read-cluster.js';
import { adminConnection } from '../../scripts/changes/connection.js';
import { withAdminConnection } from '../../infra/scram-credential-provider.js';
import {
  BrokerLeftovers,
  eventually,
  localCredential,
  prefixedApps,
  removeStackDir,
  runPrefix,
  superuserAdmin,
  topicGrant,
  writeStackDir,
} from '../support/broker-stack.js';
import { describeWithBroker, readLocalEnv, type LocalEnv } from '../support/local-env.js';
import { REPO_ROOT } from '../support/stack-changes.js';
import { TSX } from '../support/stack-repo.js';

const P = runPrefix('drift');
const STACK = 'drift';
/** A cluster-wide default no topic of the stack overrides: its change shows on every topic, as a default. */
const BROKER_DEFAULT = { name: 'log.segment.bytes', value: '536870912' };

describeWithBroker('npm run drift on the local broker', () => {
  let local: LocalEnv;
  let admin: Admin;
  let dir: string;
  let spec: PlatformSpec;
  const leftovers = new BrokerLeftovers();
  let brokerDefaultChanged = false;
  const kafka = () => import('@platformatic/kafka');

  const report = (): Promise<StackReport> => drift({ stack: STACK, dir, scope: P, env: {} });

  /**
   * Sets (or with null deletes) a cluster-wide broker default. Sent on a plain admin connection: the
   * Admin client routes a BROKER resource to the broker its name numbers, and the cluster default has none ('').
   */
  async function setBrokerDefault(value: string | null): Promise<void> {
    const { ConfigResourceTypes, IncrementalAlterConfigOperationTypes: Op } = await kafka();
    const config =
      value === null
        ? { name: BROKER_DEFAULT.name, configOperation: Op.DELETE }
        : { name: BROKER_DEFAULT.name, configOperation: Op.SET, value };
    await withAdminConnection(
      localCredential(local, local.admin.username, 'SCRAM-SHA-512'),
      'changing a broker default',
      (client, connection) =>
        client.incrementalAlterConfigsV1.api.async(
          connection,
          [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '', configs: [config] }],
          false,
        ),
    );
  }
  const lines = (r: StackReport) => r.changes.map((c) => changeText(c, DRIFT_SIDES));

  beforeAll(async () => {
    local = readLocalEnv();
    dir = writeStackDir(STACK, { ...prefixedApps(P, 'notes'), topicDefaults: { replicationFactor: 1 } });
    spec = loadPlatform(STACK, dir);
    admin = await superuserAdmin(local, 'drift-test');
    // The stack as `pulumi up` would leave it: its topics, its users' credentials and grants.
    await leftovers.createTopics(admin, spec);
    await leftovers.addMissingBindings(admin, spec);
    const live = await readCluster(adminConnection(spec, {}));
    await leftovers.addMissingCredentials(local, spec, new Set(live.scramUsers?.map((u) => u.name)));
  });

  afterAll(async () => {
    if (!admin) return;
    if (brokerDefaultChanged) await setBrokerDefault(null);
    await leftovers.remove(admin);
    await admin.close();
    removeStackDir(dir);
  });

  test('finds no drift on a cluster that holds exactly what the spec says', async () => {
    const clean = await eventually(report, (r) => r.problems.length > 0 || r.changes.length === 0);
    expect(clean.problems).toEqual([]);
    expect(lines(clean)).toEqual([]);
  });

  test('reports exactly the drift made through the admin API, and not a changed broker default', async () => {
    const { ConfigResourceTypes, ConfigSources, IncrementalAlterConfigOperationTypes } = await kafka();
    // A retention changed by hand, a grant added, a topic deleted, a topic made by hand, a broker-wide default changed.
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: `${P}events`,
          configs: [{ name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '259200000' }],
        },
      ],
    });
    await leftovers.createBindings(admin, [topicGrant(`${P}a-service`, 'Write', `${P}notes`)]);
    await admin.deleteTopics({ topics: [`${P}notes`] });
    leftovers.topics.add(`${P}extra`);
    await admin.createTopics({ topics: [`${P}extra`], partitions: 2, replicas: 1 });
    brokerDefaultChanged = true;
    await setBrokerDefault(BROKER_DEFAULT.value);

    // The default did change on the stack's topics, as a default.
    const segment = await eventually(
      async () => {
        const [described] = await admin.describeConfigs({
          resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: `${P}events` }],
        });
        return described?.configs.find((c) => c.name === 'segment.bytes');
      },
      (c) => c?.value === BROKER_DEFAULT.value,
    );
    expect([segment?.value, segment?.configSource]).toEqual([BROKER_DEFAULT.value, ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG]);

    const expected = [
      `${P}events retention: spec 7d, live 3d`,
      `topic ${P}notes missing on the cluster (1 partition, replication 1, retention 1d)`,
      `topic ${P}extra on the cluster, not in the spec (2 partitions, replication 1)`,
      `grant ${P}a-service Write topic ${P}notes: on the cluster, not in the spec`,
    ];
    const drifted = await eventually(report, (r) => lines(r).length >= expected.length);
    expect(lines(drifted)).toEqual(expected);
  });

  test('prints it in the terminal and exits 2, as npm run drift', () => {
    const result = spawnSync(
      process.execPath,
      [TSX, join(REPO_ROOT, 'scripts/changes/drift.ts'), '--stack', STACK, '--dir', dir, '--scope', P],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        timeout: 60_000,
      },
    );
    expect(result.stdout).toContain(`  ~ ${P}events retention: spec 7d, live 3d\n`);
    expect(result.stdout).toContain(`  - topic ${P}notes missing on the cluster`);
    expect(result.stdout).not.toContain('segment.bytes');
    expect(result.status).toBe(2);
  });
});
