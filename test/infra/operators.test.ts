import { describe, expect, test } from '@jest/globals';
import { loadPlatform, platformFromConfig } from '../../platform/index.js';
import { operatorReleases } from '../../infra/operators.js';
import { REPO_ROOT } from './harness.js';

describe('operatorReleases', () => {
  test('pins the Strimzi chart to the spec version, installed in and watching the kafka namespace', () => {
    const spec = loadPlatform('staging', REPO_ROOT);
    expect(operatorReleases(spec)[0]).toEqual({
      role: 'cluster',
      releaseName: 'strimzi-kafka-operator',
      chart: 'oci://quay.io/strimzi-helm/strimzi-kafka-operator',
      version: '1.2.0',
      namespace: 'kafka',
      createNamespace: false,
      values: { watchNamespaces: [], watchAnyNamespace: false },
    });
  });

  test('installs every chart from the mirror the spec names, at the version it pins', () => {
    const spec = platformFromConfig('staging', {
      cluster: { flavor: 'strimzi', brokers: 3 },
      operators: {
        strimzi: { chart: 'oci://registry.corp.example/helm/strimzi-kafka-operator', version: '1.2.0' },
        dapr: { repository: 'https://charts.corp.example/dapr', version: '1.18.3' },
      },
    });
    expect(operatorReleases(spec).map((r) => [r.releaseName, r.chart, r.repo, r.version])).toEqual([
      ['strimzi-kafka-operator', 'oci://registry.corp.example/helm/strimzi-kafka-operator', undefined, '1.2.0'],
      ['dapr', 'dapr', 'https://charts.corp.example/dapr', '1.18.3'],
    ]);
  });

  test('installs the Redpanda operator chart with its CRDs', () => {
    const [redpanda] = operatorReleases(loadPlatform('dev', REPO_ROOT));
    expect(redpanda).toMatchObject({
      chart: 'operator',
      repo: 'https://charts.redpanda.com',
      version: '26.2.1',
      values: { crds: { enabled: true } },
    });
  });

  test('installs only Dapr for an external cluster, in dapr-system at the spec version', () => {
    const spec = loadPlatform('prod', REPO_ROOT);
    expect(operatorReleases(spec).map((r) => [r.role, r.chart, r.repo, r.version, r.namespace, r.createNamespace])).toEqual([
      ['dapr', 'dapr', 'https://dapr.github.io/helm-charts/', spec.operators.dapr.version, 'dapr-system', false],
    ]);
  });

  test('leaves Dapr out when the spec disables it', () => {
    const spec = loadPlatform('dev', REPO_ROOT);
    expect(operatorReleases({ ...spec, dapr: { ...spec.dapr, enabled: false } }).map((r) => r.role)).toEqual(['cluster']);
  });
});
