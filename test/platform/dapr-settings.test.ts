import { DAPR_SCHEDULER_REPLICAS, DEFAULTS, loadPlatform, platformFromConfig, validatePlatform } from '../../platform/index.js';

/** The problems of a config as the lines a user reads. */
function problems(config: unknown): string[] {
  return validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);
}

const SCHEDULER_FIX = 'write 3, or 0 to run no scheduler (no Jobs API, actor reminders or workflows; the services use none)';

describe('the Dapr control plane settings', () => {
  it('default to a small control plane: no HA, the 3 scheduler replicas the chart runs, 1Gi volumes on the default class', () => {
    expect(DAPR_SCHEDULER_REPLICAS).toBe(3);
    expect(DEFAULTS.dapr).toMatchObject({ ha: false, scheduler: { replicas: 3, storageSize: '1Gi', storageClass: null } });
    expect(loadPlatform('dev').dapr).toMatchObject({ ha: false, scheduler: { replicas: 3, storageSize: '1Gi', storageClass: null } });
  });

  it('run prod highly available, with 16Gi scheduler volumes', () => {
    expect(loadPlatform('prod').dapr).toMatchObject({ ha: true, scheduler: { replicas: 3, storageSize: '16Gi', storageClass: null } });
  });

  it('merge the scheduler settings a stack writes over the defaults one by one', () => {
    expect(platformFromConfig('t', { dapr: { scheduler: { storageClass: 'fast-ssd' } } }).dapr.scheduler).toEqual({
      replicas: 3,
      storageSize: '1Gi',
      storageClass: 'fast-ssd',
    });
  });

  it('accept 0 scheduler replicas, which turns the scheduler off', () => {
    expect(problems({ dapr: { scheduler: { replicas: 0 } } })).toEqual([]);
  });

  it('reject an even scheduler count: etcd gains no fault tolerance from it', () => {
    expect(problems({ dapr: { scheduler: { replicas: 2 } } })).toEqual([
      `dapr.scheduler.replicas: 2 is even: an etcd cluster of 2 survives no more failures than one of 1; ${SCHEDULER_FIX}`,
    ]);
  });

  it('reject an odd count other than 3, which the chart would ignore', () => {
    expect(problems({ dapr: { scheduler: { replicas: 1 } } })).toEqual([
      `dapr.scheduler.replicas: 1 cannot be set: the Dapr chart always runs 3 scheduler replicas; ${SCHEDULER_FIX}`,
    ]);
    expect(problems({ dapr: { scheduler: { replicas: 5 } } })).toEqual([
      `dapr.scheduler.replicas: 5 cannot be set: the Dapr chart always runs 3 scheduler replicas; ${SCHEDULER_FIX}`,
    ]);
    expect(problems({ dapr: { scheduler: { replicas: -1 } } })).toEqual([`dapr.scheduler.replicas: -1 is not allowed; ${SCHEDULER_FIX}`]);
  });

  it('reject HA without the 3-replica scheduler quorum', () => {
    expect(problems({ dapr: { ha: true, scheduler: { replicas: 0 } } })).toEqual([
      "dapr.ha: true needs the scheduler's 3-replica etcd quorum, but dapr.scheduler.replicas is 0; write dapr.scheduler.replicas: 3, or set dapr.ha to false",
    ]);
    expect(problems({ dapr: { ha: true } })).toEqual([]);
  });

  it('reject a volume size that is not a quantity and a StorageClass that is not a name', () => {
    expect(problems({ dapr: { scheduler: { storageSize: '16GB', storageClass: 'Fast SSD' } } })).toEqual([
      'dapr.scheduler.storageSize: "16GB" is not a Kubernetes quantity; write a size such as 1Gi or 16Gi',
      'dapr.scheduler.storageClass: "Fast SSD" is not a valid StorageClass name; use lower-case letters, digits, "-" and ".", or null for the default class',
    ]);
  });

  it('reject unknown scheduler keys and wrong types with their paths', () => {
    const lines = problems({ dapr: { ha: 'yes', scheduler: { replicaCount: 1 } } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^dapr\.ha: "yes" must be a boolean/);
    expect(lines[1]).toMatch(/^dapr\.scheduler\.replicaCount: /);
  });
});
