import { describe, expect, test } from '@jest/globals';
import { loadPlatform } from '../../platform/index.js';
import { superusersFile, userSecretPlacements, usersWithGeneratedPasswords } from '../../infra/secret-placement.js';
import { REPO_ROOT } from './harness.js';

describe('userSecretPlacements', () => {
  test('puts every user in the kafka namespace of an operator-run cluster and all but the admin in the apps namespace', () => {
    const spec = loadPlatform('staging', REPO_ROOT);
    const placed = userSecretPlacements(spec).map((p) => `${p.namespace}/${p.user.name}`);
    expect(placed.filter((p) => p.startsWith('kafka/'))).toHaveLength(spec.users.length);
    expect(placed).not.toContain('todo/platform-admin');
    expect(placed.filter((p) => p.startsWith('todo/'))).toHaveLength(spec.users.length - 1);
  });

  test('places nothing in the kafka namespace for an external cluster', () => {
    const placed = userSecretPlacements(loadPlatform('prod', REPO_ROOT));
    expect(new Set(placed.map((p) => p.namespace))).toEqual(new Set(['todo']));
  });
});

describe('usersWithGeneratedPasswords', () => {
  test("generates the admin's password for operators but takes an external cluster's admin from config", () => {
    expect(usersWithGeneratedPasswords(loadPlatform('dev', REPO_ROOT)).map((u) => u.name)).toContain('platform-admin');
    expect(usersWithGeneratedPasswords(loadPlatform('prod', REPO_ROOT)).map((u) => u.name)).not.toContain('platform-admin');
  });
});

describe('superusersFile', () => {
  test('writes one name:password:MECHANISM line per superuser', () => {
    expect(
      superusersFile([
        { name: 'platform-admin', password: 'abc123', mechanism: 'SCRAM-SHA-512' },
        { name: 'ops', password: 'XyZ', mechanism: 'SCRAM-SHA-256' },
      ]),
    ).toBe('platform-admin:abc123:SCRAM-SHA-512\nops:XyZ:SCRAM-SHA-256\n');
  });

  test('refuses a password with a colon, which would shift the fields', () => {
    expect(() => superusersFile([{ name: 'platform-admin', password: 'a:b', mechanism: 'SCRAM-SHA-512' }])).toThrow(
      'superuser "platform-admin": names and passwords in users.txt may not contain ":" or whitespace',
    );
  });
});
