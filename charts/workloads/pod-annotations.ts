import {
  DAPR_APP_TOKEN_SECRET,
  DAPR_GRACEFUL_SHUTDOWN_SECONDS,
  DAPR_MAX_CONCURRENT_DELIVERIES,
  HEALTH_PATHS,
  DAPR_METRICS_PORT,
  DAPR_SIDECAR_RESOURCES,
  METRICS_PATH,
  type ServiceSpec,
} from '../../platform/index.js';

/**
 * Scrape annotations for the app's own metrics (`METRICS_PATH` on the service
 * port), read by Prometheus setups that discover pods by annotation.
 */
export function scrapeAnnotations(service: Pick<ServiceSpec, 'port'>): Record<string, string> {
  return {
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': String(service.port),
    'prometheus.io/path': METRICS_PATH,
  };
}

/**
 * Annotations that make the Dapr injector add a sidecar: app id and port,
 * sidecar metrics on `DAPR_METRICS_PORT`, sidecar sizing and drain time, and an
 * app health check on `/readyz` so the sidecar stops delivering while the app
 * is not ready. Dapr reads every value as a string.
 *
 * No built-in Kubernetes secret store: in Kubernetes mode daprd preloads a
 * `secretstores.kubernetes` component unless started with
 * `--disable-builtin-k8s-secret-store` (pkg/runtime/runtime.go,
 * `appendBuiltinSecretStore`), which the injector adds for this annotation
 * (pkg/injector/patcher/sidecar_container.go). That store talks to the API
 * server with the pod's service-account token, which our pods do not mount
 * (`automountServiceAccountToken: false`), and daprd would exit on it. Nothing
 * needs it: the Dapr operator resolves the components' `secretKeyRef`s itself
 * when their `auth.secretStore` is `kubernetes` (pkg/operator/api/components.go,
 * `processComponentSecrets`, before handing the components to daprd), and
 * daprd proves its identity to Sentry with the token in the projected volume
 * the injector adds (`dapr-identity-token`, audience Sentry's SPIFFE id, at
 * /var/run/secrets/dapr.io/sentrytoken; pkg/injector/patcher/sidecar_volumes.go
 * and pkg/security/token/token.go), which does not depend on automounting.
 * @see https://docs.dapr.io/reference/arguments-annotations-overview/
 */
export function daprAnnotations(service: Pick<ServiceSpec, 'appId' | 'port' | 'env'>): Record<string, string> {
  const { requests, limits } = DAPR_SIDECAR_RESOURCES;
  return {
    'dapr.io/enabled': 'true',
    'dapr.io/app-id': service.appId,
    'dapr.io/app-port': String(service.port),
    'dapr.io/enable-metrics': 'true',
    'dapr.io/metrics-port': String(DAPR_METRICS_PORT),
    'dapr.io/enable-app-health-check': 'true',
    'dapr.io/app-health-check-path': HEALTH_PATHS.ready,
    'dapr.io/sidecar-cpu-request': requests.cpu,
    'dapr.io/sidecar-cpu-limit': limits.cpu,
    'dapr.io/sidecar-memory-request': requests.memory,
    'dapr.io/sidecar-memory-limit': limits.memory,
    'dapr.io/graceful-shutdown-seconds': String(DAPR_GRACEFUL_SHUTDOWN_SECONDS),
    'dapr.io/disable-builtin-k8s-secret-store': 'true',
    // daprd sends key `token` of this Secret as `dapr-api-token`; the app checks it (platform/dapr-app-token.ts).
    'dapr.io/app-token-secret': DAPR_APP_TOKEN_SECRET.name,
    // The sidecar sends at most this many deliveries at once: the app's own limit (see DAPR_MAX_CONCURRENT_DELIVERIES).
    'dapr.io/app-max-concurrency': service.env[DAPR_MAX_CONCURRENT_DELIVERIES.env] ?? String(DAPR_MAX_CONCURRENT_DELIVERIES.default),
  };
}
