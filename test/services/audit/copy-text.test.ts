import type { AuditRow } from '../../../services/audit/audit-store.js';
import { copyBytes, CopyTextWriter, payloadText } from '../../../services/audit/copy-text.js';

const row = (payload: AuditRow['payload'], userId = 'user-1'): AuditRow => ({
  eventId: '00000000-0000-4000-8000-000000000001',
  eventType: 'created',
  userId,
  taskId: 7,
  occurredAt: '2024-01-15T10:30:00Z',
  payload,
  topic: 'task-events',
  partition: 2,
  offset: 41n,
});

const PREFIX = '00000000-0000-4000-8000-000000000001\tcreated\tuser-1\t7\t2024-01-15T10:30:00Z\t';

describe('COPY text of audit rows', () => {
  it('copies the payload bytes as received, one tab-separated line per row', () => {
    expect(copyBytes([row(Buffer.from('{"a":1}'))]).toString('utf8')).toBe(`${PREFIX}{"a":1}\ttask-events\t2\t41\n`);
  });

  it('escapes backslash, tab, newline and carriage return in the payload bytes and in text values', () => {
    const text = copyBytes([row(Buffer.from('{"t":"a\\"b"}\n\t\r'), 'u\tv')]).toString('utf8');
    expect(text).toBe(`${PREFIX.replace('user-1', 'u\\tv')}{"t":"a\\\\"b"}\\n\\t\\r\ttask-events\t2\t41\n`);
  });

  it('decodes a payload that is not valid UTF-8 as text does, and writes null as \\N', () => {
    const text = copyBytes([{ ...row(Buffer.from([0x7b, 0xff, 0x7d])), partition: null, offset: null }]).toString('utf8');
    expect(text).toBe(`${PREFIX}{\uFFFD}\ttask-events\t\\N\t\\N\n`);
  });

  it('grows past its first buffer and starts again after reset', () => {
    const writer = new CopyTextWriter(16);
    const big = Buffer.from(`{"title":"${'x'.repeat(1000)}"}`);
    expect(writer.rows([row(big), row(big)]).bytes().length).toBe(2 * (PREFIX.length + big.length + '\ttask-events\t2\t41\n'.length));
    expect(
      writer
        .reset()
        .rows([row(Buffer.from('{}'))])
        .bytes()
        .toString('utf8'),
    ).toBe(`${PREFIX}{}\ttask-events\t2\t41\n`);
  });
});

describe('payloadText', () => {
  it('keeps text, decodes bytes (replacing invalid UTF-8) and serializes an event object', () => {
    expect(payloadText('{"a":1}')).toBe('{"a":1}');
    expect(payloadText(Buffer.from([0x7b, 0xff, 0x7d]))).toBe('{\uFFFD}');
    expect(payloadText({ a: 1, b: 'é' })).toBe('{"a":1,"b":"é"}');
  });
});
