/** Progress lines of `k8s:up` / `k8s:down`, in the format of scripts/local/log.ts with a `k8s` prefix. */
import { elapsed } from '../local/log.js';

export { elapsed };

/** Prints one progress line on stderr: `[k8s 12.3s] message`. Never a token. */
export function step(message: string): void {
  process.stderr.write(`[k8s ${elapsed().padStart(6)}] ${message}\n`);
}

/**
 * Prints `progress()` every `everyMs` while `work` runs, so a build of
 * several minutes shows where it is rather than looking like a hang.
 */
export async function withProgress<T>(progress: (seconds: number) => string, work: Promise<T>, everyMs = 15_000): Promise<T> {
  const since = Date.now();
  const timer = setInterval(() => step(progress(Math.round((Date.now() - since) / 1000))), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
