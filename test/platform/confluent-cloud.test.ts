/** The confluent-cloud flavor in the spec: its settings, what it defaults, and what it refuses (exact messages). */
import { loadPlatform, platformFromConfig, validatePlatform } from '../../platform/index.js';

/** The problems of a config as the lines a user reads. */
function problems(config: unknown): string[] {
  return validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);
}

const CLUSTER = {
  flavor: 'confluent-cloud',
  bootstrapServers: 'pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
  confluent: { environmentId: 'env-a1b2c3', clusterId: 'lkc-a1b2c3', restEndpoint: 'https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443' },
};

describe('a confluent-cloud cluster', () => {
  it('is valid with its bootstrap address, environment id, cluster id and REST endpoint', () => {
    expect(problems({ cluster: CLUSTER })).toEqual([]);
  });

  it('resolves to SASL_SSL with PLAIN, and three replicas (min.insync.replicas 2) per topic', () => {
    const spec = platformFromConfig('cc', { cluster: CLUSTER });
    expect(spec.cluster).toMatchObject({
      flavor: 'confluent-cloud',
      tls: true,
      securityProtocol: 'SASL_SSL',
      saslMechanism: 'PLAIN',
      bootstrapServers: CLUSTER.bootstrapServers,
      confluent: CLUSTER.confluent,
    });
    expect(spec.topics.map((t) => [t.name, t.replicationFactor, t.minInsyncReplicas])).toEqual([
      ['reminders', 3, 2],
      ['task-events', 3, 2],
      ['task-events-dlq', 3, 2],
      ['task-updates', 3, 2],
    ]);
  });

  it('derives a user per service, the producer, the exporter and the admin, and no console (Confluent has its own)', () => {
    const spec = platformFromConfig('cc', { cluster: CLUSTER });
    expect(spec.users.map((u) => `${u.name}:${u.kind}`)).toEqual([
      'audit-service:service',
      'notification-service:service',
      'platform-admin:admin',
      'platform-exporter:exporter',
      'recurring-task-service:service',
      'todo-api:producer',
      'websocket-service:service',
    ]);
  });

  it('accepts the confluent stack file as written', () => {
    expect(loadPlatform('confluent').cluster.flavor).toBe('confluent-cloud');
  });

  it('needs its cluster named', () => {
    expect(problems({ cluster: { flavor: 'confluent-cloud', bootstrapServers: CLUSTER.bootstrapServers } })).toEqual([
      'cluster.confluent: is missing; a confluent-cloud stack names its cluster; write { environmentId: env-…, clusterId: lkc-…, restEndpoint: https://… } from the cluster\'s "Cluster settings" page',
    ]);
  });

  it('needs each of its three settings', () => {
    expect(problems({ cluster: { ...CLUSTER, confluent: {} } })).toEqual([
      'cluster.confluent.environmentId: is missing; write an environment id such as env-a1b2c3',
      'cluster.confluent.clusterId: is missing; write a Kafka cluster id such as lkc-a1b2c3',
      'cluster.confluent.restEndpoint: is missing; write the REST endpoint from "Cluster settings", such as https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
    ]);
  });

  it('refuses ids and endpoints in another shape, and a typo among its settings', () => {
    expect(
      problems({
        cluster: {
          ...CLUSTER,
          confluent: { environmentId: 'lkc-a1b2c3', clusterId: 'env-a1b2c3', restEndpoint: 'pkc-1:443', clusterID: 'x' },
        },
      }),
    ).toEqual([
      'cluster.confluent.clusterID: is not a known setting; did you mean "clusterId"?',
      'cluster.confluent.environmentId: "lkc-a1b2c3" is not an environment id; write the id as Confluent Cloud shows it, such as env-a1b2c3',
      'cluster.confluent.clusterId: "env-a1b2c3" is not a Kafka cluster id; write the id as Confluent Cloud shows it, such as lkc-a1b2c3',
      'cluster.confluent.restEndpoint: "pkc-1:443" is not an https URL of a host; write the REST endpoint from "Cluster settings", such as https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
    ]);
  });

  it('refuses what Confluent Cloud decides itself: no TLS, SCRAM, a broker count, a version', () => {
    expect(problems({ cluster: { ...CLUSTER, tls: false, saslMechanism: 'SCRAM-SHA-256', brokers: 6, version: '4.1.0' } })).toEqual([
      'cluster.tls: false is not possible: Confluent Cloud accepts TLS connections only; remove it (confluent-cloud uses TLS)',
      'cluster.saslMechanism: "SCRAM-SHA-256" is not offered by Confluent Cloud, whose API keys authenticate with SASL/PLAIN; remove it (confluent-cloud uses PLAIN)',
      'cluster.brokers: 6 has no effect: Confluent Cloud runs and scales its own brokers; remove it',
      'cluster.version: "4.1.0" has no effect on a Confluent Cloud cluster; remove it',
    ]);
  });

  it('refuses a replication factor other than 3 and min.insync.replicas outside 1..2', () => {
    expect(
      problems({
        cluster: CLUSTER,
        topicDefaults: { minInsyncReplicas: 3 },
        topics: { reminders: { replicationFactor: 1 }, 'task-events': { minInsyncReplicas: 0 } },
      }),
    ).toEqual([
      'topics.reminders.replicationFactor: 1 cannot be set: Confluent Cloud keeps 3 replicas of every topic; remove it',
      'topicDefaults.minInsyncReplicas: 3 is outside 1..2; write 2 (the default) or 1; with 3, every acks=all write fails while Confluent restarts a broker',
      'topics.task-events.minInsyncReplicas: 0 is outside 1..2; write 2 (the default) or 1; with 3, every acks=all write fails while Confluent restarts a broker',
    ]);
  });

  it('lists every problem at once with the stack it came from', () => {
    expect(() => platformFromConfig('cc', { cluster: { flavor: 'confluent-cloud', tls: false } }, 'Pulumi.cc.yaml')).toThrow(
      [
        'Pulumi.cc.yaml has 3 problems:',
        '  - cluster.bootstrapServers: is missing; a Confluent Cloud cluster has no address to derive; write the bootstrap server from the cluster\'s "Cluster settings", such as pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
        '  - cluster.confluent: is missing; a confluent-cloud stack names its cluster; write { environmentId: env-…, clusterId: lkc-…, restEndpoint: https://… } from the cluster\'s "Cluster settings" page',
        '  - cluster.tls: false is not possible: Confluent Cloud accepts TLS connections only; remove it (confluent-cloud uses TLS)',
      ].join('\n'),
    );
  });
});

describe('Confluent Cloud settings on other flavors', () => {
  it('refuses a cluster.confluent block outside confluent-cloud', () => {
    expect(problems({ cluster: { flavor: 'external', bootstrapServers: 'k:9092', confluent: CLUSTER.confluent } })).toEqual([
      'cluster.confluent: only applies to confluent-cloud, not "external"; remove it, or write cluster.flavor: confluent-cloud',
    ]);
  });

  it('refuses PLAIN for SCRAM users', () => {
    expect(problems({ cluster: { flavor: 'external', bootstrapServers: 'k:9092', tls: true, saslMechanism: 'PLAIN' } })).toEqual([
      'cluster.saslMechanism: "PLAIN" is for Confluent Cloud API keys only; "external" users are SCRAM users; write SCRAM-SHA-512 (or SCRAM-SHA-256 where the cluster supports it)',
    ]);
  });

  it('keeps the other flavors on their own defaults', () => {
    expect(platformFromConfig('x', {}).cluster).toMatchObject({
      flavor: 'redpanda',
      tls: false,
      saslMechanism: 'SCRAM-SHA-512',
      brokers: 1,
      confluent: null,
    });
  });
});
