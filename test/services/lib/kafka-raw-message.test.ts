import type { Message } from '@platformatic/kafka';
import { toRawMessage } from '../../../services/lib/kafka-raw-message.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

function record(fields: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    topic: 'task-events',
    partition: 2,
    offset: 41n,
    key: Buffer.from('user-7'),
    value: Buffer.from('{"event_id":"x"}'),
    headers: new Map([[Buffer.from('trace'), Buffer.from('abc')]]),
    timestamp: 1_764_000_000_123n,
    ...fields,
  } as unknown as KafkaMessage;
}

describe('toRawMessage', () => {
  it('reads topic, partition, offset and value from the record, and decodes key, headers and timestamp', () => {
    const source = record();
    const raw = toRawMessage(source);
    expect(raw.topic).toBe('task-events');
    expect(raw.partition).toBe(2);
    expect(raw.offset).toBe(41n);
    expect(raw.value).toBe(source.value);
    expect(raw.key).toBe('user-7');
    expect(raw.headers).toEqual({ trace: 'abc' });
    expect(raw.timestamp).toEqual(new Date(1_764_000_000_123));
  });

  it('decodes each once, and a record without key, value or headers as null, undefined and one shared frozen map', () => {
    const raw = toRawMessage(record({ key: null as unknown as Buffer, value: null as unknown as Buffer, headers: new Map() }));
    expect(raw.key).toBeNull();
    expect(raw.value).toBeUndefined();
    expect(raw.timestamp).toBe(raw.timestamp);
    const other = toRawMessage(record({ headers: new Map() }));
    expect(raw.headers).toBe(other.headers);
    expect(Object.isFrozen(raw.headers)).toBe(true);
  });

  it('serializes to the decoded fields, as a plain message would', () => {
    expect(JSON.parse(JSON.stringify(toRawMessage(record()), (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)))).toEqual({
      topic: 'task-events',
      partition: 2,
      offset: '41',
      key: 'user-7',
      headers: { trace: 'abc' },
      value: { type: 'Buffer', data: [...Buffer.from('{"event_id":"x"}')] },
      timestamp: '2025-11-24T16:00:00.123Z',
    });
  });
});
