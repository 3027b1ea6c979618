import { resolvePlatform, validatePlatform } from '../../platform/index.js';

const problems = (config: unknown) => validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);

describe('gitops.externalSecrets', () => {
  it('is off by default', () => {
    expect(resolvePlatform('prod', {}).gitops).toEqual({ externalSecrets: null });
  });

  it('fills in the kind, the remote key prefix of the stack and the refresh interval', () => {
    expect(resolvePlatform('prod', { gitops: { externalSecrets: { store: 'vault-backend' } } }).gitops.externalSecrets).toEqual({
      store: 'vault-backend',
      kind: 'ClusterSecretStore',
      remoteKeyPrefix: 'todo-events/prod',
      refreshInterval: '1h',
    });
  });

  it('needs a store, a valid prefix and a Go duration', () => {
    expect(problems({ gitops: { externalSecrets: { remoteKeyPrefix: '/abs/', refreshInterval: '1 hour' } } })).toEqual([
      'gitops.externalSecrets.store: is missing; name the SecretStore or ClusterSecretStore that holds the values, e.g. store: vault',
      'gitops.externalSecrets.remoteKeyPrefix: "/abs/" is not a key prefix; write a path without spaces or a leading or trailing "/", e.g. todo-events/prod',
      'gitops.externalSecrets.refreshInterval: "1 hour" is not a Go duration; write one such as 1h, 30m or 2h30m',
    ]);
    expect(problems({ gitops: { externalSecrets: { store: 'Vault', kind: 'ClusterStore' } } })).toEqual([
      'gitops.externalSecrets.kind: "ClusterStore" is not one of "ClusterSecretStore", "SecretStore"; choose one of ClusterSecretStore, SecretStore',
      'gitops.externalSecrets.store: "Vault" is not a valid store name; use lower-case letters, digits, "-" and "."',
    ]);
  });
});
