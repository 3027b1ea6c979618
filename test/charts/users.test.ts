import { ADMIN_USER, type AclSpec } from '../../platform/index.js';
import { manifestsOf, objectsOfKind, stackManifests, stackSpec, variantSpec, type K8sObject } from './fixtures.js';

type Rule = { type: string; resource: { type: string; name: string; patternType: string }; operations: string[] };

/** A rendered rule read back in the spec's terms. */
const asSpecAcl = (rule: Rule): AclSpec => {
  expect(rule.type).toBe('allow');
  return {
    resourceType: rule.resource.type as AclSpec['resourceType'],
    name: rule.resource.name,
    patternType: rule.resource.patternType === 'prefix' ? 'prefixed' : (rule.resource.patternType as AclSpec['patternType']),
    operations: rule.operations as AclSpec['operations'],
  };
};
const rulesOf = (user: K8sObject): Rule[] => (user.spec as { authorization: { acls: Rule[] } }).authorization.acls;
const passwordRef = (user: K8sObject) => (user.spec as { authentication: { password: unknown } }).authentication.password;

describe('Strimzi KafkaUsers (staging)', () => {
  const spec = stackSpec('staging');
  const users = objectsOfKind(stackManifests('staging'), 'KafkaUser');

  it('exist for every spec user, the admin included', () => {
    expect(users.map((u) => u.metadata.name).sort()).toEqual(spec.users.map((u) => u.name).sort());
  });

  it('carry exactly the ACLs of the spec', () => {
    for (const user of spec.users.filter((u) => u.kind !== 'admin')) {
      const rendered = users.find((u) => u.metadata.name === user.name)!;
      expect(rulesOf(rendered).map(asSpecAcl)).toEqual(user.acls);
      expect((rendered.spec as { authorization: { type: string } }).authorization.type).toBe('simple');
    }
  });

  it('give the admin no ACLs because it is a superuser of the Kafka resource', () => {
    const admin = users.find((u) => u.metadata.name === ADMIN_USER)!;
    expect(admin.spec).not.toHaveProperty('authorization');
    const kafka = objectsOfKind(stackManifests('staging'), 'Kafka')[0]!;
    expect((kafka.spec as { kafka: { authorization: unknown } }).kafka.authorization).toEqual({ type: 'simple', superUsers: [ADMIN_USER] });
  });

  it('authenticate with SCRAM-SHA-512 and a password read from the user Secret', () => {
    for (const user of spec.users) {
      const rendered = users.find((u) => u.metadata.name === user.name)!;
      expect((rendered.spec as { authentication: { type: string } }).authentication.type).toBe('scram-sha-512');
      expect(passwordRef(rendered)).toEqual({ valueFrom: { secretKeyRef: { name: user.secretName, key: 'password' } } });
    }
  });

  it('use the plural operations list, never the deprecated singular operation', () => {
    for (const rule of users.flatMap((u) => (u.metadata.name === ADMIN_USER ? [] : rulesOf(u)))) {
      expect(rule).not.toHaveProperty('operation');
      expect(rule.operations.length).toBeGreaterThan(0);
    }
  });

  it('spell a prefixed pattern the Strimzi way', async () => {
    const { allowRules } = await import('../../charts/support/acl-rules.js');
    const acl: AclSpec = { resourceType: 'topic', name: 'task-', patternType: 'prefixed', operations: ['Read'] };
    expect(allowRules([acl], { literal: 'literal', prefixed: 'prefix' })).toEqual([
      { type: 'allow', resource: { type: 'topic', name: 'task-', patternType: 'prefix' }, operations: ['Read'] },
    ]);
  });
});

describe('Redpanda Users (dev)', () => {
  const spec = stackSpec('dev');
  const users = objectsOfKind(stackManifests('dev'), 'User');

  it('exist for every user but the admin, which comes from the superusers Secret', () => {
    expect(users.map((u) => u.metadata.name).sort()).toEqual(
      spec.users
        .filter((u) => u.kind !== 'admin')
        .map((u) => u.name)
        .sort(),
    );
  });

  it('carry exactly the ACLs of the spec and point at their cluster', () => {
    for (const user of spec.users.filter((u) => u.kind !== 'admin')) {
      const rendered = users.find((u) => u.metadata.name === user.name)!;
      expect(rulesOf(rendered).map(asSpecAcl)).toEqual(user.acls);
      expect((rendered.spec as { cluster: unknown }).cluster).toEqual({ clusterRef: { name: 'todo-kafka' } });
      expect(passwordRef(rendered)).toEqual({ valueFrom: { secretKeyRef: { name: user.secretName, key: 'password' } } });
    }
  });

  it("use the cluster's SASL mechanism for their SCRAM credential", () => {
    const mechanisms = (objects: K8sObject[]) =>
      new Set(objects.map((u) => (u.spec as { authentication: { type: string } }).authentication.type));
    expect(mechanisms(users)).toEqual(new Set(['scram-sha-512']));
    expect(mechanisms(objectsOfKind(manifestsOf(variantSpec('redpanda-tls-sha256')), 'User'))).toEqual(new Set(['scram-sha-256']));
  });

  it('give no user but the admin a cluster-level right', () => {
    for (const stack of ['dev', 'staging']) {
      const rules = [...objectsOfKind(stackManifests(stack), 'User'), ...objectsOfKind(stackManifests(stack), 'KafkaUser')]
        .filter((u) => u.metadata.name !== ADMIN_USER)
        .flatMap(rulesOf);
      expect(rules.filter((r) => r.resource.type === 'cluster')).toEqual([]);
    }
  });
});
