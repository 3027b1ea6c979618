import type { Construct } from 'constructs';
import type { ExternalSecretsSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import type { ManifestSecret } from './secret-inventory.js';

/** API of the External Secrets Operator's `ExternalSecret` (served since ESO 0.16; `v1beta1` is deprecated). */
export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';

export interface ExternalSecretProps {
  /** The Secret to produce: its namespace, name and keys. */
  readonly secret: ManifestSecret;
  /** The store and how remote keys are named (`gitops.externalSecrets`). */
  readonly store: ExternalSecretsSpec;
}

/** The remote key of Secret `name`: `<remoteKeyPrefix>/<name>`; each Secret key is a property of it. */
export function remoteKey(store: Pick<ExternalSecretsSpec, 'remoteKeyPrefix'>, name: string): string {
  return `${store.remoteKeyPrefix}/${name}`;
}

/**
 * One `ExternalSecret` that makes the operator create (and own) Secret
 * `secret.name` in `secret.namespace`, each key read from property `<key>` of
 * remote key `<remoteKeyPrefix>/<name>` in the named store.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class ExternalSecret extends CustomResource {
  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    const { secret, store } = props;
    super(scope, id, {
      apiVersion: EXTERNAL_SECRET_API_VERSION,
      kind: 'ExternalSecret',
      name: secret.name,
      namespace: secret.namespace,
      component: 'secrets',
      body: {
        spec: {
          refreshInterval: store.refreshInterval,
          secretStoreRef: { kind: store.kind, name: store.store },
          // Owner: the operator creates the Secret and deletes it with the ExternalSecret.
          target: { name: secret.name, creationPolicy: 'Owner' },
          data: secret.keys.map((key) => ({ secretKey: key, remoteRef: { key: remoteKey(store, secret.name), property: key } })),
        },
      },
    });
  }
}
