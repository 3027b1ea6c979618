/** Progress lines of `local:up` / `local:down`: one line per step, on stderr, never a secret. */

const started = Date.now();

/** Seconds since the script started, for the progress prefix. */
export function elapsed(): string {
  return `${((Date.now() - started) / 1000).toFixed(1)}s`;
}

/** Prints one progress line: `[local 12.3s] message`. */
export function step(message: string): void {
  process.stderr.write(`[local ${elapsed().padStart(6)}] ${message}\n`);
}

/**
 * Prints `message … still working (Ns)` every `everyMs` while `work` runs,
 * so a long download never looks like a hang.
 */
export async function withHeartbeat<T>(message: string, work: Promise<T>, everyMs = 15_000): Promise<T> {
  const since = Date.now();
  const timer = setInterval(() => step(`${message} … still working (${Math.round((Date.now() - since) / 1000)}s)`), everyMs);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}
