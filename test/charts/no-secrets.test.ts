import { allObjects, fullManifestsOf, fullStackManifests, STACKS, VARIANT_CONFIGS, variantSpec, type K8sObject } from './fixtures.js';

/** Names under which a credential could be written in plain text. */
const SECRET_NAME = /password|passwd|secret|jaas|token|credential/i;

/**
 * Every place in `value` where a credential-like name carries a literal:
 * an object key (`password: x`, `sasl.jaas.config: x`) or a name/value pair
 * (`{name: saslPassword, value: x}` in Dapr metadata, `{name: KAFKA_PASSWORD, value: x}` in env).
 * References (`secretKeyRef`, `secretRef`, Secret names) are what should be there instead.
 */
export function plainTextSecrets(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => plainTextSecrets(v, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  const found: string[] = [];
  if (typeof record.name === 'string' && SECRET_NAME.test(record.name) && 'value' in record) found.push(`${path} (${record.name})`);
  for (const [key, child] of Object.entries(record)) {
    // Dapr's `dapr.io/app-token-secret` names a Secret; the injector turns it into a secretKeyRef of the sidecar.
    const isReference = /(Ref|Name|Store)$/.test(key) || key === 'name' || key === 'dapr.io/app-token-secret';
    // A switch such as the annotation `dapr.io/disable-builtin-k8s-secret-store: "true"` holds no credential.
    const isSwitch = child === 'true' || child === 'false';
    if (SECRET_NAME.test(key) && !isReference && !isSwitch && (typeof child === 'string' || typeof child === 'number'))
      found.push(`${path}.${key}`);
    found.push(...plainTextSecrets(child, `${path}.${key}`));
  }
  return found;
}

const everyObject = (): [string, K8sObject[]][] => [
  ...STACKS.map((stack) => [stack, allObjects(fullStackManifests(stack))] as [string, K8sObject[]]),
  ...Object.keys(VARIANT_CONFIGS).map((name) => [name, allObjects(fullManifestsOf(variantSpec(name)))] as [string, K8sObject[]]),
];

describe('synthesized manifests', () => {
  it.each(everyObject())('of %s hold no password, JAAS config or other credential in plain text', (_name, objects) => {
    expect(objects.flatMap((o) => plainTextSecrets(o, `${o.kind}/${o.metadata.name}`))).toEqual([]);
  });

  it.each(everyObject())('of %s contain no Secret objects', (_name, objects) => {
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual([]);
  });

  it('would be caught writing a password literal', () => {
    expect(
      plainTextSecrets({
        spec: { metadata: [{ name: 'saslPassword', value: 'hunter2' }] },
        env: [{ name: 'KAFKA_PASSWORD', value: 'hunter2' }],
        config: { 'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required password="x";' },
        password: { valueFrom: { secretKeyRef: { name: 'ok', key: 'password' } } },
      }),
    ).toEqual(['.spec.metadata[0] (saslPassword)', '.env[0] (KAFKA_PASSWORD)', '.config.sasl.jaas.config']);
  });
});
