/** The HTTP endpoints every service answers; the Deployments probe them. */
export const HEALTH_PATHS = {
  /** The process is alive. */
  live: '/healthz',
  /** Connected and able to handle events. */
  ready: '/readyz',
} as const;
