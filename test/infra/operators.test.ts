import { describe, expect, test } from '@jest/globals';
import { loadPlatform } from '../../platform/index.js';
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

  test('follows a version override from the stack file', () => {
    const spec = loadPlatform('staging', REPO_ROOT);
    const bumped = { ...spec, cluster: { ...spec.cluster, operatorChartVersion: '1.3.0' } };
    expect(operatorReleases(bumped).find((r) => r.role === 'cluster')?.version).toBe('1.3.0');
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
      ['dapr', 'dapr', 'https://dapr.github.io/helm-charts/', spec.dapr.chartVersion, 'dapr-system', true],
    ]);
  });

  test('leaves Dapr out when the spec disables it', () => {
    const spec = loadPlatform('dev', REPO_ROOT);
    expect(operatorReleases({ ...spec, dapr: { ...spec.dapr, enabled: false } }).map((r) => r.role)).toEqual(['cluster']);
  });
});
