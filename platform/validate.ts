import type { ConfigProblem } from './errors.js';

/** Every problem of a raw platform config (empty when valid). */
export function validatePlatform(_raw: unknown): ConfigProblem[] {
  return [];
}
