/**
 * Facts about the Dapr runtime the platform installs: where its control plane
 * runs (the Pulumi program installs it there; NetworkPolicies let sidecars
 * reach it) and how the sidecars of the services are sized.
 */
import type { Resources } from './types.js';

/** Namespace of the Dapr control plane (the Helm chart's conventional namespace). */
export const DAPR_NAMESPACE = 'dapr-system';

/**
 * Container ports of the control-plane services a sidecar connects to. A
 * NetworkPolicy matches the pod port after the Service's port mapping, so
 * these are target ports (`dapr-api` listens on 443 and forwards to 6500).
 */
export const DAPR_CONTROL_PLANE_PORTS = {
  /** dapr-operator (`dapr-api`): components, subscriptions, resiliency. */
  operator: 6500,
  /** dapr-sentry: workload certificates for mTLS. */
  sentry: 50001,
  /** dapr-placement: actors (unused by the services, listed for sidecar start-up). */
  placement: 50005,
  /** dapr-scheduler: jobs and reminders. */
  scheduler: 50006,
} as const;

/**
 * Requests and limits of each daprd sidecar: Dapr's production starting point,
 * which accounts for the sidecar doing the Kafka I/O of the app.
 * @see https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-production/#sidecar-resource-settings
 */
export const DAPR_SIDECAR_RESOURCES: Resources = {
  requests: { cpu: '100m', memory: '250Mi' },
  limits: { cpu: '300m', memory: '1000Mi' },
};

/**
 * Seconds the sidecar waits on SIGTERM for in-flight deliveries to finish
 * before closing its Kafka consumer. Kept below the pod's termination grace
 * period (Kubernetes' default of 30 s) so the kubelet never kills it mid-drain.
 * @default 20
 */
export const DAPR_GRACEFUL_SHUTDOWN_SECONDS = 20;

/**
 * Deliveries a Dapr-mode service handles at once (`services.<name>.env`,
 * variable `DAPR_MAX_CONCURRENT_DELIVERIES`); beyond it the app answers 429,
 * which Dapr retries. The pods' `dapr.io/app-max-concurrency` follows it, so
 * the sidecar holds deliveries back instead of collecting those 429s.
 * See services/lib/config.ts (`HTTP_LIMIT_DEFAULTS`) for the measurement.
 * @default 4
 */
export const DAPR_MAX_CONCURRENT_DELIVERIES = { env: 'DAPR_MAX_CONCURRENT_DELIVERIES', default: 4 } as const;

/**
 * Scheduler replicas the pinned Dapr chart runs whenever the scheduler is on:
 * exactly 3, an etcd quorum that survives one failure, with or without
 * `global.ha.enabled`. The 1.18.3 `dapr_scheduler` values declare no
 * `replicaCount` (../shared/operators/dapr-1.18.3-dapr_scheduler-values.yaml);
 * the chart's `dapr_scheduler.get-replicas` helper
 * (charts/dapr/charts/dapr_scheduler/templates/_helpers.tpl) returns 3 when
 * `global.scheduler.enabled`, else 0, and dapr/dapr#9175 (1.17) states
 * "Scheduler always runs with 3 replicas". A stack can only turn the
 * scheduler off (0), which drops the Jobs API, actor reminders and workflows;
 * the platform's services use none of them.
 */
export const DAPR_SCHEDULER_REPLICAS = 3;
