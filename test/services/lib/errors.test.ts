import {
  canRetry,
  DaprPublishError,
  errorCode,
  InvalidEventError,
  MalformedMessageError,
  PermanentError,
  ServiceConfigError,
  TransientError,
} from '../../../services/lib/errors.js';

describe('service errors', () => {
  it('carry a code, a cause and a canRetry flag the retry decision reads', () => {
    const cause = new Error('socket hang up');
    const transient = new TransientError('webhook down', { code: 'WEBHOOK_503', cause });
    expect([transient.code, transient.canRetry, transient.cause, transient.name]).toEqual(['WEBHOOK_503', true, cause, 'TransientError']);
    expect(canRetry(transient)).toBe(true);
    expect(canRetry(new PermanentError('bad request'))).toBe(false);
    expect(canRetry(new MalformedMessageError('not JSON'))).toBe(false);
    expect(canRetry(new InvalidEventError('task-events', ['user_id: is required']))).toBe(false);
  });

  it('name every schema problem of an invalid event in its message', () => {
    const error = new InvalidEventError('reminders', [
      'title: is required',
      'reminder_type: must be one of 1_hour_before|1_day_before, got "soon"',
    ]);
    expect(error.message).toBe(
      'invalid reminders event: title: is required; reminder_type: must be one of 1_hour_before|1_day_before, got "soon"',
    );
    expect(error.code).toBe('EVENT_INVALID');
  });

  it('list every configuration problem in one message', () => {
    const error = new ServiceConfigError('audit', [
      'KAFKA_BOOTSTRAP_SERVERS: is not set; set it',
      'PORT: "x" is not a whole number from 0 to 65535; set it to one',
    ]);
    expect(error.message).toBe(
      'configuration of service audit has 2 problems:\n  - KAFKA_BOOTSTRAP_SERVERS: is not set; set it\n  - PORT: "x" is not a whole number from 0 to 65535; set it to one',
    );
  });

  it.each([
    [0, 'DAPR_PUBLISH_UNREACHABLE', true],
    [400, 'DAPR_PUBLISH_400', false],
    [403, 'DAPR_PUBLISH_403', true],
    [404, 'DAPR_PUBLISH_404', false],
    [500, 'DAPR_PUBLISH_500', true],
  ])('Dapr publish status %p has code %p and canRetry %p', (status, code, retryable) => {
    const error = new DaprPublishError(status, 'x');
    expect([error.code, error.canRetry]).toEqual([code, retryable]);
  });

  it('treat errors without a flag as retryable and without a code as HANDLER_ERROR', () => {
    expect(canRetry(new Error('x'))).toBe(true);
    expect(errorCode(new Error('x'))).toBe('HANDLER_ERROR');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });
});
