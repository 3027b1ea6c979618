/**
 * Invalid Confluent Cloud settings stop the program before anything is
 * registered, with every problem listed (path, value, fix) in one message.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { PlatformConfigError } from '../../platform/index.js';
import { runProgram, type ProgramRun } from './harness.js';

/** Everything wrong at once: ids, endpoint, TLS, mechanism, brokers, a missing address and a replication factor. */
const INVALID = {
  cluster: {
    flavor: 'confluent-cloud',
    tls: false,
    saslMechanism: 'SCRAM-SHA-512',
    brokers: 5,
    confluent: { environmentId: 'prod', clusterId: 'lkc_ABC', restEndpoint: 'http://pkc-a1b2c.confluent.cloud' },
  },
  topics: { 'task-events': { replicationFactor: 2 } },
};

let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram('confluent', {
    platform: INVALID,
    secrets: { confluentCloudApiKey: 'KEY', confluentCloudApiSecret: 'SECRET', databaseUrl: 'postgres://x@y/z' },
  });
});

describe('confluent program with invalid Confluent Cloud settings', () => {
  test('fails with one PlatformConfigError listing every problem with its path, value and fix', () => {
    expect(run.error).toBeInstanceOf(PlatformConfigError);
    expect((run.error as Error).message).toBe(
      [
        'stack confluent (todo-events:platform) has 8 problems:',
        '  - cluster.bootstrapServers: is missing; a Confluent Cloud cluster has no address to derive; ' +
          'write the bootstrap server from the cluster\'s "Cluster settings", such as pkc-a1b2c.us-east-1.aws.confluent.cloud:9092',
        '  - cluster.confluent.environmentId: "prod" is not an environment id; write the id as Confluent Cloud shows it, such as env-a1b2c3',
        '  - cluster.confluent.clusterId: "lkc_ABC" is not a Kafka cluster id; write the id as Confluent Cloud shows it, such as lkc-a1b2c3',
        '  - cluster.confluent.restEndpoint: "http://pkc-a1b2c.confluent.cloud" is not an https URL of a host; ' +
          'write the REST endpoint from "Cluster settings", such as https://pkc-a1b2c.us-east-1.aws.confluent.cloud:443',
        '  - cluster.tls: false is not possible: Confluent Cloud accepts TLS connections only; remove it (confluent-cloud uses TLS)',
        '  - cluster.saslMechanism: "SCRAM-SHA-512" is not offered by Confluent Cloud, whose API keys authenticate with SASL/PLAIN; ' +
          'remove it (confluent-cloud uses PLAIN)',
        '  - cluster.brokers: 5 has no effect: Confluent Cloud runs and scales its own brokers; remove it',
        '  - topics.task-events.replicationFactor: 2 cannot be set: Confluent Cloud keeps 3 replicas of every topic; remove it',
      ].join('\n'),
    );
  });

  test('registers no resource at all', () => {
    expect(run.resources).toEqual([]);
  });
});
