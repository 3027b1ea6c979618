import { describe, expect, test } from '@jest/globals';
import { daprChartValues } from '../../infra/dapr-values.js';
import { operatorReleases } from '../../infra/operators.js';
import { loadPlatform, platformFromConfig } from '../../platform/index.js';
import { REPO_ROOT } from './harness.js';

describe('the Dapr release values', () => {
  test('are what the Pulumi program installs the Dapr chart with', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      const spec = loadPlatform(stack, REPO_ROOT);
      expect(operatorReleases(spec).find((r) => r.role === 'dapr')?.values).toEqual(daprChartValues(spec));
    }
  });

  test('make the injector drop every capability from daprd, non-root on a read-only root filesystem, in every stack', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      expect(daprChartValues(loadPlatform(stack, REPO_ROOT)).dapr_sidecar_injector).toEqual({
        sidecarRunAsNonRoot: true,
        sidecarReadOnlyRootFilesystem: true,
        sidecarDropALLCapabilities: true,
      });
    }
  });

  test('run dev without HA and with 1Gi scheduler volumes', () => {
    const values = daprChartValues(loadPlatform('dev', REPO_ROOT));
    expect(values.global).toEqual({ ha: { enabled: false }, scheduler: { enabled: true } });
    expect(values.dapr_scheduler).toEqual({ cluster: { storageSize: '1Gi' } });
  });

  test('run prod in HA with 16Gi scheduler volumes', () => {
    const values = daprChartValues(loadPlatform('prod', REPO_ROOT));
    expect(values.global).toEqual({ ha: { enabled: true }, scheduler: { enabled: true } });
    expect(values.dapr_scheduler).toEqual({ cluster: { storageSize: '16Gi' } });
  });

  test('name the scheduler StorageClass only when the spec sets one', () => {
    const spec = platformFromConfig('t', { dapr: { scheduler: { storageClass: 'fast-ssd', storageSize: '4Gi' } } });
    expect(daprChartValues(spec).dapr_scheduler).toEqual({ cluster: { storageSize: '4Gi', storageClassName: 'fast-ssd' } });
  });

  test('turn the scheduler off, with no volumes, for 0 replicas', () => {
    const values = daprChartValues(platformFromConfig('t', { dapr: { scheduler: { replicas: 0 } } }));
    expect(values.global.scheduler).toEqual({ enabled: false });
    expect(values.dapr_scheduler).toBeUndefined();
  });
});
