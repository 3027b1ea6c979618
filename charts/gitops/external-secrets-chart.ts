import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { ExternalSecret } from './external-secret.js';
import { manifestSecrets } from './secret-inventory.js';

/** Whether the stack asks for ExternalSecrets (`gitops.externalSecrets`). */
export function externalSecretsApply(spec: PlatformSpec): boolean {
  // A spec resolved by an older platform (synth --base) has no gitops at all.
  return (spec.gitops?.externalSecrets ?? null) !== null;
}

/**
 * One `ExternalSecret` per Secret the other charts reference
 * (`manifestSecrets`), for clusters that get their Secrets from a store
 * through the External Secrets Operator instead of from `pulumi up`.
 */
export class ExternalSecretsChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const store = spec.gitops.externalSecrets;
    if (store === null) throw new Error('ExternalSecretsChart needs gitops.externalSecrets');
    for (const secret of manifestSecrets(spec)) new ExternalSecret(this, `${secret.namespace}-${secret.name}`, { secret, store });
  }
}
