/** Checks of the stacks' program runs, shared by the per-stack test files: most for every stack, some for the stacks on a cluster they do not run. */
import { expect } from '@jest/globals';
import type { PlatformSpec } from '../../platform/index.js';
import { byType, fakePassword, isSecretValue, named, plaintextPaths, unwrapSecrets, type ProgramRun, type Registered } from './harness.js';
import { secretReferences } from './secret-references.js';

export const SECRET_TYPE = 'kubernetes:core/v1:Secret';
export const CONFIG_GROUP_TYPE = 'kubernetes:yaml/v2:ConfigGroup';
export const RELEASE_TYPE = 'kubernetes:helm.sh/v3:Release';

/** The charts a stack on a cluster it does not run applies: no Kafka chart, only the apps' and the monitoring. */
export function expectOnlyAppCharts(run: ProgramRun): void {
  expect(
    byType(run, CONFIG_GROUP_TYPE)
      .map((g) => g.name)
      .sort(),
  ).toEqual(['chart-dapr', 'chart-monitoring', 'chart-namespaces', 'chart-services']);
}

/** `resources` are served by the explicit provider `kafka-provider` and are children of the Kafka component. */
export function expectUnderKafkaComponent(run: ProgramRun, resources: readonly Registered[]): void {
  const provider = named(run, 'kafka-provider');
  expect(new Set(resources.map((r) => r.provider))).toEqual(new Set([`${provider.urn}::kafka-provider-id`]));
  expect(new Set(resources.map((r) => r.parent))).toEqual(new Set([named(run, 'kafka').urn]));
}

/**
 * The exports of a stack on a cluster reached over SASL_SSL: how to reach it
 * and the topics, the apps' Secret names without the admin's, nothing secret.
 */
export function expectSaslSslExports(
  run: ProgramRun,
  spec: PlatformSpec,
  cluster: { readonly bootstrapServers: string; readonly saslMechanism: string },
): void {
  expect(run.outputs).toMatchObject({
    bootstrapServers: cluster.bootstrapServers,
    securityProtocol: 'SASL_SSL',
    saslMechanism: cluster.saslMechanism,
    topics: spec.topics.map((t) => t.name),
  });
  expect(Object.keys(run.outputs.userSecrets as object)).not.toContain('platform-admin');
  expect(Object.values(run.outputSecrecy)).not.toContain(true);
}

/** `namespace/name` of every Secret the program creates (reads excluded). */
export function createdSecrets(run: ProgramRun): string[] {
  return byType(run, SECRET_TYPE)
    .filter((r) => !r.read)
    .map((r) => {
      const metadata = r.inputs.metadata as { namespace: string; name: string };
      return `${metadata.namespace}/${metadata.name}`;
    })
    .sort();
}

/** The objects a ConfigGroup received, by chart name. */
export function groupObjects(run: ProgramRun): Map<string, Record<string, unknown>[]> {
  return new Map(
    byType(run, CONFIG_GROUP_TYPE).map((g) => [g.name.replace(/^chart-/, ''), unwrapSecrets(g.inputs.objs) as Record<string, unknown>[]]),
  );
}

/** Every plaintext the mocks handed out: generated passwords plus the given secret config values. */
export function sentinels(run: ProgramRun, secretConfigValues: readonly string[]): string[] {
  return [...byType(run, 'random:index/randomPassword:RandomPassword').map((r) => fakePassword(r.name)), ...secretConfigValues];
}

/** No sentinel appears outside a secret in any resource input, nor in any stack output. */
export function expectNoPlaintext(run: ProgramRun, secretValues: readonly string[]): void {
  const leaks: string[] = [];
  for (const needle of secretValues) {
    for (const r of run.resources) leaks.push(...plaintextPaths(r.inputs, needle).map((p) => `${r.type} ${r.name}: ${p}`));
    leaks.push(...plaintextPaths(run.outputs, needle).map((p) => `stack output ${p}`));
  }
  expect(leaks).toEqual([]);
}

/**
 * Every Secret a manifest refers to is created by the program in the same
 * namespace, or is one the operators write themselves (`operatorWritten`).
 */
export function expectReferencedSecretsCreated(run: ProgramRun, operatorWritten: readonly string[] = []): void {
  const created = new Set([...createdSecrets(run), ...operatorWritten]);
  const objects = [...groupObjects(run).values()].flat();
  const dangling = secretReferences(objects)
    .filter((ref) => !created.has(`${ref.namespace}/${ref.name}`))
    .map((ref) => `${ref.namespace}/${ref.name} (from ${ref.from})`);
  expect(dangling).toEqual([]);
}

/** The value of `stringData[key]` of a Secret, asserting it is a secret. */
export function secretStringData(secret: Registered, key: string): string {
  const stringData = secret.inputs.stringData;
  expect(isSecretValue(stringData)).toBe(true);
  return (unwrapSecrets(stringData) as Record<string, string>)[key]!;
}
