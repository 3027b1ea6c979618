import { PermanentError, TransientError } from '../../../services/lib/errors.js';
import { backoffDelayMs, retry, SPEC_RETRY_POLICY, type RetryPolicy } from '../../../services/lib/retry.js';

describe('the specification retry rule', () => {
  it('is 3 attempts with exponential waits from 1 s capped at 10 s, read from the platform spec', () => {
    expect(SPEC_RETRY_POLICY).toEqual({ attempts: 3, initialDelayMs: 1000, maxDelayMs: 10000 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(SPEC_RETRY_POLICY, attempt))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });
});

describe('retry', () => {
  const fast: RetryPolicy = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

  it('tries a retryable failure exactly `attempts` times, then rethrows the last error', async () => {
    let calls = 0;
    const waits: number[] = [];
    await expect(
      retry(
        fast,
        async () => {
          calls++;
          throw new TransientError(`failure ${calls}`);
        },
        { onRetry: ({ delayMs }) => waits.push(delayMs) },
      ),
    ).rejects.toThrow('failure 3');
    expect(calls).toBe(3);
    expect(waits).toEqual([1, 2]);
  });

  it('does not retry an error whose canRetry is false', async () => {
    let calls = 0;
    await expect(
      retry(fast, async () => {
        calls++;
        throw new PermanentError('no');
      }),
    ).rejects.toThrow('no');
    expect(calls).toBe(1);
  });

  it('retries errors without a canRetry flag and resolves with the first success', async () => {
    let calls = 0;
    const result = await retry(fast, async (attempt) => {
      calls++;
      if (attempt < 2) throw new Error('driver hiccup');
      return 'done';
    });
    expect([result, calls]).toEqual(['done', 2]);
  });

  it('stops waiting and rethrows at once when the signal aborts', async () => {
    const controller = new AbortController();
    const slow: RetryPolicy = { attempts: 3, initialDelayMs: 60_000, maxDelayMs: 60_000 };
    const started = Date.now();
    const attempt = retry(
      slow,
      async () => {
        throw new TransientError('down');
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(attempt).rejects.toThrow('down');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
