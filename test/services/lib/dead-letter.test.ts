import { createHash, randomBytes } from 'node:crypto';
import {
  DeadLetterWriteError,
  DeadLetterWriter,
  deadLetterEnvelope,
  deadLetterLimitsFor,
  fitDeadLetter,
  RECORD_OVERHEAD_BYTES,
  REPLAY_HEADERS,
  replayRecord,
  type RawMessage,
} from '../../../services/lib/dead-letter.js';
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

describe('dead letters that always fit', () => {
  const limits = deadLetterLimitsFor(64 * 1024);

  it('leaves an envelope that fits as it is, without truncation fields', () => {
    const envelope = deadLetterEnvelope(message(Buffer.from('{"a":1}')), new Error('x'), 's', 0, undefined, limits);
    expect(envelope.original_message).toEqual({
      value: '{"a":1}',
      value_encoding: 'utf8',
      key: 'user-1',
      headers: { traceparent: '00-abc-def-01' },
    });
  });

  it('truncates a large value to a prefix, with the size and SHA-256 of the whole, under the limit', () => {
    const value = randomBytes(200 * 1024);
    const envelope = deadLetterEnvelope(message(value), new Error('x'), 's', 0, undefined, limits);
    expect(Buffer.byteLength(JSON.stringify(envelope))).toBeLessThanOrEqual(limits.maxEnvelopeBytes);
    expect(envelope.source).toEqual({ topic: 'task-events', partition: 2, offset: 1234 });
    expect(envelope.original_message).toMatchObject({
      truncated: true,
      size: value.length,
      sha256: createHash('sha256').update(value).digest('hex'),
      value_encoding: 'base64',
    });
    const prefix = Buffer.from(envelope.original_message.value!, 'base64');
    expect(prefix.length).toBe(envelope.original_message.prefix_size);
    expect(prefix.equals(value.subarray(0, prefix.length))).toBe(true);
  });

  it('cuts UTF-8 text on a character boundary, and JSON-escaped text (which grows) still fits', () => {
    const text = Buffer.from('é"\n'.repeat(60_000)); // 4 bytes each, up to 4 escaped characters each
    const envelope = deadLetterEnvelope(message(text), new Error('x'), 's', 0, undefined, limits);
    expect(envelope.original_message.value_encoding).toBe('utf8');
    expect(Buffer.byteLength(JSON.stringify(envelope))).toBeLessThanOrEqual(limits.maxEnvelopeBytes);
    expect(text.subarray(0, envelope.original_message.prefix_size).toString('utf8')).toBe(envelope.original_message.value);
    expect(envelope.original_message.value).not.toContain('\uFFFD');
  });

  it('bounds a huge key, huge headers and a huge error message too', () => {
    const envelope = deadLetterEnvelope(
      { ...message(Buffer.from('x')), key: 'k'.repeat(100_000), headers: { big: 'h'.repeat(100_000) } },
      new Error('e'.repeat(100_000)),
      's',
      0,
      undefined,
      limits,
    );
    expect(Buffer.byteLength(JSON.stringify(envelope))).toBeLessThanOrEqual(limits.maxEnvelopeBytes);
    expect(envelope.original_message).toMatchObject({ truncated: true, key_truncated: true, headers_truncated: true, headers: {} });
    expect(Buffer.byteLength(envelope.original_message.key!)).toBeLessThanOrEqual(limits.maxKeyBytes);
    expect(envelope.error.message.length).toBeLessThanOrEqual(limits.maxErrorChars);
  });

  it('fits an envelope again for a smaller topic, keeping the digest and size of the first truncation', () => {
    const value = randomBytes(300 * 1024);
    const first = deadLetterEnvelope(message(value), new Error('x'), 's', 0);
    const refitted = fitDeadLetter(first, deadLetterLimitsFor(32 * 1024));
    expect(Buffer.byteLength(JSON.stringify(refitted))).toBeLessThanOrEqual(32 * 1024);
    expect([refitted.original_message.size, refitted.original_message.sha256]).toEqual([
      value.length,
      createHash('sha256').update(value).digest('hex'),
    ]);
    expect(fitDeadLetter(refitted, deadLetterLimitsFor(32 * 1024))).toBe(refitted);
  });

  it('writes letters in requests that fit the topic, skips the ones written before a failure, and says what refused them', async () => {
    const sent: number[][] = [];
    let fail = false;
    const writer = new DeadLetterWriter(
      {
        sendRaw: async (records) => {
          if (fail)
            throw Object.assign(new Error('Received response with error while executing API Produce(v11)'), {
              errors: [{ apiId: 'TOPIC_AUTHORIZATION_FAILED' }],
            });
          sent.push(records.map((r) => Buffer.byteLength(r.value as string)));
        },
      },
      'task-events-dlq',
      64 * 1024,
    );
    const letters = Array.from({ length: 6 }, () => deadLetterEnvelope(message(randomBytes(20 * 1024)), new Error('x'), 's', 0));
    await writer.write(letters.slice(0, 3));
    // Each request (records plus their overhead) stays within the record limit of one batch.
    expect(sent.every((request) => request.reduce((a, b) => a + b + RECORD_OVERHEAD_BYTES, 0) <= 64 * 1024)).toBe(true);
    expect(sent.flat()).toHaveLength(3);
    fail = true;
    const error = await writer.write(letters).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadLetterWriteError);
    expect(error).toMatchObject({ code: 'DEAD_LETTER_WRITE_FAILED', kind: 'dependency', canRetry: true });
    expect((error as Error).message).toBe(
      "could not write 3 dead letter(s) to task-events-dlq: TOPIC_AUTHORIZATION_FAILED; nothing after them is committed until it works (grant the service's Kafka user Write on topic task-events-dlq)",
    );
    fail = false;
    await writer.write(letters);
    expect(sent.flat()).toHaveLength(6);
  });

  it('replays a dead letter to its source with the original bytes and where it was, and refuses a truncated one', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x41]);
    const letter = deadLetterEnvelope(message(bytes), new Error('x'), 's', 3);
    expect(replayRecord(letter)).toEqual({
      topic: 'task-events',
      key: 'user-1',
      value: bytes,
      headers: {
        traceparent: '00-abc-def-01',
        [REPLAY_HEADERS.sourceTopic]: 'task-events',
        [REPLAY_HEADERS.sourcePartition]: '2',
        [REPLAY_HEADERS.sourceOffset]: '1234',
      },
    });
    const truncated = deadLetterEnvelope(message(randomBytes(2 * 1024 * 1024)), new Error('x'), 's', 0);
    expect(() => replayRecord(truncated)).toThrow('holds only a prefix of its value; replay it from the source topic');
  });
});
