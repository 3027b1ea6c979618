import { createLogger } from '../../../services/lib/logger.js';
import { PermanentError, TransientError } from '../../../services/lib/errors.js';

function capture(level?: 'debug' | 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level,
    bindings: { service: 'audit-service' },
    stream: { write: (l: string) => lines.push(JSON.parse(l)) > 0 },
  });
  return { log, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, bindings, fields and message', () => {
    const { log, lines } = capture();
    log.child({ topic: 'task-events' }).error({ offset: 42n, partition: 1 }, 'processing failed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      service: 'audit-service',
      topic: 'task-events',
      offset: '42',
      partition: 1,
      msg: 'processing failed',
    });
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('serializes errors with code, canRetry and cause, without stacks for expected service errors', () => {
    const { log, lines } = capture();
    const cause = new Error('ECONNRESET');
    log.warn({ err: new TransientError('webhook unreachable', { code: 'WEBHOOK_UNREACHABLE', cause }) }, 'retrying');
    const err = lines[0]!.err as Record<string, unknown>;
    expect(err).toMatchObject({ type: 'TransientError', message: 'webhook unreachable', code: 'WEBHOOK_UNREACHABLE', canRetry: true });
    expect(err.stack).toBeUndefined();
    expect((err.cause as Record<string, unknown>).message).toBe('ECONNRESET');
    expect(typeof (err.cause as Record<string, unknown>).stack).toBe('string');
  });

  it('drops lines below its level', () => {
    const { log, lines } = capture('info');
    log.debug('noise');
    log.info({ err: new PermanentError('x') }, 'kept');
    expect(lines.map((l) => l.msg)).toEqual(['kept']);
  });
});
