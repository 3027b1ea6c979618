import { describe, expect, test } from '@jest/globals';
import * as pulumi from '@pulumi/pulumi';
import { loadPlatform } from '../../platform/index.js';
import { kafkaAdminConnection } from '../../infra/kafka-admin-connection.js';
import { kafkaProviderArgs } from '../../infra/external-kafka.js';
import { REPO_ROOT } from './harness.js';

const prod = loadPlatform('prod', REPO_ROOT);
const spec = { ...prod, cluster: { ...prod.cluster, bootstrapServers: 'a:9092, b:9092,,c:9092' } };
const admin = { username: 'cloud-admin', password: pulumi.output('ADMINPLAINTEXTPASSWORD') };

describe('kafkaAdminConnection', () => {
  test("takes the brokers, TLS and mechanism from the spec's cluster and the admin from config", () => {
    expect(kafkaAdminConnection(spec, admin)).toMatchObject({
      bootstrapServers: ['a:9092', 'b:9092', 'c:9092'],
      username: 'cloud-admin',
      tls: true,
      saslMechanism: 'SCRAM-SHA-256',
    });
  });

  test('keeps the admin password a secret even when config handed it over plain', async () => {
    await expect(pulumi.isSecret(kafkaAdminConnection(spec, admin).password)).resolves.toBe(true);
  });

  test('is what the @pulumi/kafka provider arguments are made of', () => {
    const connection = kafkaAdminConnection(spec, admin);
    expect(kafkaProviderArgs(spec, admin)).toMatchObject({
      bootstrapServers: connection.bootstrapServers,
      saslUsername: connection.username,
      saslMechanism: 'scram-sha256',
      tlsEnabled: connection.tls,
    });
  });
});
