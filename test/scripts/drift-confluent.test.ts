/**
 * `npm run drift` of a Confluent Cloud stack, against the real local broker
 * holding the stack's grants as Confluent holds them: to `User:sa-…`, the ids
 * of the users' service accounts. The accounts come from a stand-in for
 * Confluent's IAM API, so drift must match each grant to its user through
 * them, compare the accounts instead of SCRAM users, and report exactly the
 * drift made through the admin API.
 */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Acl, Admin } from '@platformatic/kafka';
import { changeText, DRIFT_SIDES, type LiveServiceAccount, type StackReport } from '../../platform/changes/index.js';
import { loadPlatform, serviceAccountDescription, serviceAccountName, type PlatformSpec } from '../../platform/index.js';
import { drift } from '../../scripts/changes/drift.js';
import { aclBindings } from '../../scripts/local/acl-bindings.js';
import {
  BrokerLeftovers,
  eventually,
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

const P = runPrefix('ccdrift');
const STACK = 'ccdrift';
/** A service account id of Confluent's form (`sa-` and lower-case letters and digits), unique to this run. */
const RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;

describeWithBroker('npm run drift of a Confluent Cloud stack, on the local broker', () => {
  let local: LocalEnv;
  let admin: Admin;
  let dir: string;
  let spec: PlatformSpec;
  let accounts: LiveServiceAccount[];
  const leftovers = new BrokerLeftovers();

  const idOf = (user: string) => accounts.find((a) => a.displayName === serviceAccountName(spec, { name: user }))!.id;
  /** The connection the operator would give: a key of the cluster; here the local superuser over SCRAM. */
  const env = () => ({
    KAFKA_BOOTSTRAP_SERVERS: local.bootstrapServers,
    KAFKA_SECURITY_PROTOCOL: local.securityProtocol,
    KAFKA_SASL_MECHANISM: local.saslMechanism,
    KAFKA_USERNAME: local.admin.username,
    KAFKA_PASSWORD: local.admin.password,
  });
  const report = (organization: () => readonly LiveServiceAccount[] = () => accounts): Promise<StackReport> =>
    drift({
      stack: STACK,
      dir,
      scope: P,
      env: env(),
      localEnvFile: join(dir, 'no-local-env'),
      serviceAccounts: async () => organization(),
    });
  const lines = (r: StackReport) => r.changes.map((c) => changeText(c, DRIFT_SIDES));
  /** One broker keeps one replica where Confluent keeps three: the only difference of the topics themselves. */
  const replicationLines = () => spec.topics.map((t) => `${t.name} replication: spec 3, live 1`);

  beforeAll(async () => {
    local = readLocalEnv();
    dir = writeStackDir(
      STACK,
      {
        ...prefixedApps(P, 'notes'),
        cluster: {
          flavor: 'confluent-cloud',
          bootstrapServers: 'pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
          confluent: {
            environmentId: 'env-a1b2c3',
            clusterId: 'lkc-a1b2c3',
            restEndpoint: 'https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
          },
        },
        topicDefaults: { minInsyncReplicas: 1 },
      },
      'a Confluent Cloud stack, its grants held by the local broker',
    );
    spec = loadPlatform(STACK, dir);
    // The organization's accounts as the program leaves them, and one of another application.
    accounts = [
      ...spec.users.map((u, i) => ({
        id: `sa-${RUN_ID}${i}`,
        displayName: serviceAccountName(spec, u),
        description: serviceAccountDescription(spec, u),
      })),
      { id: `sa-${RUN_ID}x`, displayName: 'billing-app', description: 'someone else' },
    ];
    admin = await superuserAdmin(local, 'drift-confluent-test');
    await leftovers.createTopics(admin, spec);
    // Every grant of the spec to its user's service account, as infra/confluent-cloud.ts grants it.
    const grants: Acl[] = spec.users.flatMap((u) => aclBindings(u).map((b) => ({ ...b, principal: `User:${idOf(u.name)}` })));
    await leftovers.createBindings(admin, grants);
  });

  afterAll(async () => {
    if (!admin) return;
    await leftovers.remove(admin);
    await admin.close();
    removeStackDir(dir);
  });

  test('finds the grants of every user on its service account, and no drift in users or grants', async () => {
    const clean = await eventually(report, (r) => r.problems.length > 0 || r.changes.length <= spec.topics.length);
    expect(clean.problems).toEqual([]);
    expect(lines(clean)).toEqual(replicationLines());
    expect(clean.notes).toContain(
      `users are compared as the service accounts todo-events-${STACK}-<user> of Confluent Cloud's IAM API, grants by their principals User:<service account id>`,
    );
  });

  test('reports a grant removed and one added on a service account, and a user whose account is gone, by user name', async () => {
    const service = `${P}a-service`;
    await admin.deleteAcls({ filters: [topicGrant(idOf(service), 'Read', `${P}events`)] });
    await leftovers.createBindings(admin, [topicGrant(idOf(service), 'Write', `${P}notes`)]);
    // The producing app's account deleted in Confluent Cloud: its grants stay behind, under its bare id.
    const organization = () => accounts.filter((a) => a.displayName !== serviceAccountName(spec, { name: `${P}api` }));
    const api = idOf(`${P}api`);

    const expected = [
      ...replicationLines(),
      `user ${P}api missing on the cluster (producer, service account todo-events-${STACK}-${P}api)`,
      `grant ${service} Read topic ${P}events: missing on the cluster`,
      `grant ${P}api Write topic ${P}events: missing on the cluster`,
      `grant ${P}api Describe topic ${P}events: missing on the cluster`,
      `grant ${P}api Write topic ${P}notes: missing on the cluster`,
      `grant ${P}api Describe topic ${P}notes: missing on the cluster`,
      `grant ${service} Write topic ${P}notes: on the cluster, not in the spec`,
      `grant ${api} Describe topic ${P}events: on the cluster, not in the spec`,
      `grant ${api} Describe topic ${P}notes: on the cluster, not in the spec`,
      `grant ${api} Write topic ${P}events: on the cluster, not in the spec`,
      `grant ${api} Write topic ${P}notes: on the cluster, not in the spec`,
    ];
    const drifted = await eventually(
      () => report(organization),
      (r) => lines(r).length >= expected.length,
    );
    expect(lines(drifted)).toEqual(expected);
  });

  test('as npm run drift, asks for the Cloud API key that lists the service accounts, and exits 1', () => {
    const result = spawnSync(process.execPath, [TSX, join(REPO_ROOT, 'scripts/changes/drift.ts'), '--stack', STACK, '--dir', dir], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...env() },
      timeout: 60_000,
    });
    expect(result.stdout).toContain(
      'no Cloud API key to list the service accounts with: set CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET ' +
        "(the stack's own: pulumi config get todo-events:confluentCloudApiKey, and todo-events:confluentCloudApiSecret)",
    );
    expect(result.status).toBe(1);
  });
});
