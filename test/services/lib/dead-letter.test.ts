import { deadLetterEnvelope, type RawMessage } from '../../../services/lib/dead-letter.js';
import { MalformedMessageError } from '../../../services/lib/errors.js';

const message = (value: Buffer | undefined): RawMessage => ({
  topic: 'task-events',
  partition: 2,
  offset: 1234n,
  key: 'user-1',
  headers: { traceparent: '00-abc-def-01' },
  value,
  timestamp: new Date('2024-01-15T10:30:00Z'),
});

describe('deadLetterEnvelope', () => {
  it('holds the original message as received, the error, when, where from and who gave up', () => {
    const envelope = deadLetterEnvelope(
      message(Buffer.from('not json')),
      new MalformedMessageError('message on task-events is not JSON'),
      'audit-service',
      0,
      new Date('2024-01-16T00:00:00Z'),
    );
    expect(envelope).toEqual({
      original_message: { value: 'not json', value_encoding: 'utf8', key: 'user-1', headers: { traceparent: '00-abc-def-01' } },
      error: { code: 'MESSAGE_MALFORMED', message: 'message on task-events is not JSON' },
      timestamp: '2024-01-16T00:00:00.000Z',
      source: { topic: 'task-events', partition: 2, offset: 1234 },
      service: 'audit-service',
      attempts: 0,
    });
  });

  it('keeps a value that is not UTF-8 byte for byte, as base64', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    const envelope = deadLetterEnvelope(message(bytes), new Error('x'), 'audit-service', 3);
    expect(envelope.original_message).toMatchObject({ value: bytes.toString('base64'), value_encoding: 'base64' });
    expect(envelope.error).toEqual({ code: 'HANDLER_ERROR', message: 'x' });
  });

  it('records a missing value as null', () => {
    expect(deadLetterEnvelope(message(undefined), new Error('x'), 's', 0).original_message.value).toBeNull();
  });
});
