/**
 * The Prometheus Operator API this package writes (CRDs v0.93).
 * @see https://prometheus-operator.dev/docs/api-reference/api/
 */
export const MONITORING_API_VERSION = 'monitoring.coreos.com/v1';

/** `app.kubernetes.io/component` of every monitoring object. */
export const MONITORING_COMPONENT = 'monitoring';
