import { describe, expect, test } from '@jest/globals';
import * as pulumi from '@pulumi/pulumi';
import { loadPlatform } from '../../platform/index.js';
import { PROVIDER_SASL_MECHANISM, aclBindings, kafkaProviderArgs } from '../../infra/external-kafka.js';
import { REPO_ROOT } from './harness.js';

const prod = loadPlatform('prod', REPO_ROOT);

describe('kafkaProviderArgs', () => {
  test('splits a comma-separated bootstrap list and maps the mechanism to the provider spelling', () => {
    const spec = { ...prod, cluster: { ...prod.cluster, bootstrapServers: 'a:9092, b:9092,,c:9092' } };
    const args = kafkaProviderArgs(spec, { username: 'admin', password: pulumi.output('x') });
    expect(args).toMatchObject({
      bootstrapServers: ['a:9092', 'b:9092', 'c:9092'],
      saslUsername: 'admin',
      saslMechanism: 'scram-sha256',
      tlsEnabled: true,
    });
  });

  test('knows the provider spelling of both SCRAM mechanisms', () => {
    expect(PROVIDER_SASL_MECHANISM).toEqual({ 'SCRAM-SHA-256': 'scram-sha256', 'SCRAM-SHA-512': 'scram-sha512' });
  });
});

describe('aclBindings', () => {
  test('makes one binding per user, ACL entry and operation, and none for the admin', () => {
    const expected = prod.users.reduce((n, u) => n + u.acls.reduce((m, a) => m + a.operations.length, 0), 0);
    const bindings = aclBindings(prod);
    expect(bindings).toHaveLength(expected);
    expect(bindings.some((b) => b.args.aclPrincipal === 'User:platform-admin')).toBe(false);
  });

  test('spells resource and pattern types as Kafka does and names each binding stably', () => {
    const group = aclBindings(prod).find(
      (b) => b.args.aclPrincipal === 'User:audit-service' && b.args.aclResourceType === 'Group' && b.args.aclOperation === 'Read',
    );
    expect(group).toEqual({
      resourceName: 'audit-service-group-literal-audit-service-Read',
      args: {
        aclPrincipal: 'User:audit-service',
        aclHost: '*',
        aclOperation: 'Read',
        aclPermissionType: 'Allow',
        aclResourceType: 'Group',
        aclResourceName: 'audit-service',
        resourcePatternTypeFilter: 'Literal',
      },
    });
  });

  test('maps a prefixed ACL to the Prefixed pattern filter', () => {
    const user = {
      ...prod.users[0]!,
      acls: [{ resourceType: 'topic' as const, name: 'task-', patternType: 'prefixed' as const, operations: ['Read' as const] }],
    };
    expect(aclBindings({ ...prod, users: [user] }).map((b) => b.args.resourcePatternTypeFilter)).toEqual(['Prefixed']);
  });

  test('gives every binding a distinct resource name', () => {
    const names = aclBindings(prod).map((b) => b.resourceName);
    expect(new Set(names).size).toBe(names.length);
  });
});
