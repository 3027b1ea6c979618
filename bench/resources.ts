/**
 * Container requests and limits derived from what the bench measured:
 * request ≈ the steady state, limit ≈ the peak with headroom, rounded. The
 * bench prints them next to the figures they come from, for the services'
 * `resources` in the platform spec.
 */

/** What one service used in the bench. */
export interface MeasuredUse {
  /** Resident memory in its steady state (idle and caught up, or under its steady load), MiB. */
  readonly steadyRssMiB: number;
  /** Highest resident memory seen (the kernel's VmHWM), MiB. */
  readonly peakRssMiB: number;
  /** CPU in the steady state, cores. */
  readonly steadyCores: number;
  /** CPU at full speed (working through a backlog, or the heaviest load measured), cores. */
  readonly busyCores: number;
}

/** How measurements become requests and limits. */
export const RESOURCE_RULES = {
  /** Memory limit over the measured peak. @default 1.25 */
  limitHeadroom: 1.25,
  /** Memory is rounded up to a multiple of this, MiB. @default 8 */
  memoryStepMiB: 8,
  /** CPU is rounded up to a multiple of this, millicores. @default 50 */
  cpuStepMillicores: 50,
  /** Smallest CPU request: an idle consumer still heartbeats and answers probes. @default 50 */
  minCpuRequestMillicores: 50,
} as const;

export interface ResourceRecommendation {
  readonly requests: { readonly cpuMillicores: number; readonly memoryMiB: number };
  readonly limits: { readonly cpuMillicores: number; readonly memoryMiB: number };
}

const roundUp = (value: number, step: number) => Math.ceil(value / step) * step;

/**
 * Requests from the steady state, limits from the peak: memory limit =
 * peak × `limitHeadroom`; CPU limit = the full-speed CPU (a lower limit only
 * makes a backlog drain slower), never below the request.
 */
export function recommendResources(use: MeasuredUse, rules = RESOURCE_RULES): ResourceRecommendation {
  const cpuRequest = Math.max(rules.minCpuRequestMillicores, roundUp(use.steadyCores * 1000, rules.cpuStepMillicores));
  return {
    requests: { cpuMillicores: cpuRequest, memoryMiB: roundUp(use.steadyRssMiB, rules.memoryStepMiB) },
    limits: {
      cpuMillicores: Math.max(cpuRequest, roundUp(use.busyCores * 1000, rules.cpuStepMillicores)),
      memoryMiB: roundUp(use.peakRssMiB * rules.limitHeadroom, rules.memoryStepMiB),
    },
  };
}

/** The bench's `name: value` lines for one service's measured use and its recommendation. */
export function resourceFigures(service: string, use: MeasuredUse): Array<[string, number]> {
  const r = recommendResources(use);
  const key = service.replace(/-/g, '_');
  return [
    [`${key}_steady_rss_mib`, Math.round(use.steadyRssMiB * 10) / 10],
    [`${key}_steady_cpu_millicores`, Math.round(use.steadyCores * 1000)],
    [`${key}_busy_cpu_millicores`, Math.round(use.busyCores * 1000)],
    [`${key}_recommended_memory_request_mib`, r.requests.memoryMiB],
    [`${key}_recommended_memory_limit_mib`, r.limits.memoryMiB],
    [`${key}_recommended_cpu_request_millicores`, r.requests.cpuMillicores],
    [`${key}_recommended_cpu_limit_millicores`, r.limits.cpuMillicores],
  ];
}
