/**
 * The specification's retry rule: 3 attempts, exponential backoff from 1 s up
 * to 10 s (`stop_after_attempt(3)`, `wait_exponential(min=1, max=10)`). The
 * numbers live in the platform spec (`retry`), which also feeds Dapr's
 * Resiliency policy, so both paths retry alike.
 */
import type { RetrySpec } from '../../platform/index.js';
import { canRetry } from './errors.js';
import { platformDefaults } from './platform-defaults.js';

/** How often and how patiently an operation is tried. */
export interface RetryPolicy {
  /** Total attempts, the first included. @default 3 (`retry.maxAttempts`) */
  readonly attempts: number;
  /** Wait before the second attempt, in ms; doubles each time. @default 1000 */
  readonly initialDelayMs: number;
  /** Upper bound of any wait, in ms. @default 10000 */
  readonly maxDelayMs: number;
}

/** The policy of a platform spec's `retry`. */
export function retryPolicyFromSpec(retry: RetrySpec): RetryPolicy {
  return { attempts: retry.maxAttempts, initialDelayMs: retry.initialIntervalMs, maxDelayMs: retry.maxIntervalMs };
}

/** The specification's policy, from the platform defaults. */
export const SPEC_RETRY_POLICY: RetryPolicy = retryPolicyFromSpec(platformDefaults().retry);

/** Wait before attempt `attempt + 1` (attempt counts from 1): initial × 2^(attempt−1), capped. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** What `retry` reports before each wait. */
export interface RetryAttemptInfo {
  readonly attempt: number;
  readonly error: unknown;
  readonly delayMs: number;
}

/**
 * Runs `operation` until it succeeds, throws an error whose `canRetry` is
 * false, or has used `policy.attempts`; then rethrows the last error.
 * An aborted `signal` stops waiting and rethrows at once (shutdown).
 */
export async function retry<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  options: { signal?: AbortSignal; onRetry?: (info: RetryAttemptInfo) => void } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!canRetry(error) || attempt >= policy.attempts || options.signal?.aborted) throw error;
      const delayMs = backoffDelayMs(policy, attempt);
      options.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
