/**
 * The Helm values of the Dapr release: everything the platform changes from
 * the chart's defaults, in one place (the keys and defaults are those of the
 * pinned chart, ../shared/operators/dapr-1.18.3-*.yaml). Subchart values sit
 * under the subchart's name, `global` is shared by all of them.
 */
import type { PlatformSpec } from '../platform/index.js';

/** The injected daprd container's securityContext settings (subchart `dapr_sidecar_injector`). */
export interface DaprSidecarSecurityValues {
  readonly sidecarRunAsNonRoot: boolean;
  readonly sidecarReadOnlyRootFilesystem: boolean;
  readonly sidecarDropALLCapabilities: boolean;
}

export interface DaprChartValues {
  readonly global: { readonly ha: { readonly enabled: boolean }; readonly scheduler: { readonly enabled: boolean } };
  readonly dapr_sidecar_injector: DaprSidecarSecurityValues;
  readonly dapr_scheduler?: { readonly cluster: { readonly storageSize: string; readonly storageClassName?: string } };
}

/**
 * What the injector writes into every daprd container, so that Dapr pods pass
 * Pod Security `restricted` (which admission checks after the injector's
 * mutating webhook has added daprd):
 * - capabilities: the injector adds `drop: [ALL]` only when
 *   `SIDECAR_DROP_ALL_CAPABILITIES` is truthy, and the chart passes
 *   `sidecarDropALLCapabilities` there, default false
 *   (pkg/injector/patcher/sidecar_container.go, `getSidecarContainer`;
 *   pkg/injector/service/config.go parses the variable with `IsTruthy`);
 * - non-root and read-only root filesystem: the chart's defaults are true and
 *   the injector treats an empty value as true (`isTruthyDefaultTrue`); they
 *   are written out anyway so a changed chart default cannot loosen them;
 * - seccomp: the 1.18.3 chart has no sidecar seccomp value; the injector sets
 *   the container's profile only from the pod annotation
 *   `dapr.io/sidecar-seccomp-profile-type` (pkg/injector/patcher/sidecar.go).
 *   Without it daprd inherits the pod's `seccompProfile: RuntimeDefault`
 *   (charts/workloads/consumer-deployment.ts), which `restricted` accepts.
 */
export const DAPR_SIDECAR_SECURITY: DaprSidecarSecurityValues = {
  sidecarRunAsNonRoot: true,
  sidecarReadOnlyRootFilesystem: true,
  sidecarDropALLCapabilities: true,
};

/**
 * The values of the Dapr release for a spec:
 * - `global.ha.enabled` from `dapr.ha`: 3 replicas (`global.ha.replicaCount`)
 *   of operator, injector and sentry, 3 of placement, with anti-affinity and
 *   disruption budgets;
 * - the scheduler: the chart runs exactly 3 replicas whenever
 *   `global.scheduler.enabled` (see `DAPR_SCHEDULER_REPLICAS`), so the spec's
 *   count only switches it on or off (`dapr.scheduler.replicas` 3 or 0), and
 *   `dapr_scheduler.cluster.storageSize` / `storageClassName` size each
 *   replica's etcd volume (an empty class name means the cluster default, so
 *   it is left out for null).
 */
export function daprChartValues(spec: PlatformSpec): DaprChartValues {
  const { ha, scheduler } = spec.dapr;
  const enabled = scheduler.replicas > 0;
  return {
    global: { ha: { enabled: ha }, scheduler: { enabled } },
    dapr_sidecar_injector: { ...DAPR_SIDECAR_SECURITY },
    ...(enabled
      ? {
          dapr_scheduler: {
            cluster: {
              storageSize: scheduler.storageSize,
              ...(scheduler.storageClass === null ? {} : { storageClassName: scheduler.storageClass }),
            },
          },
        }
      : {}),
  };
}
