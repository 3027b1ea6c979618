import { compatibilityPartitioner } from '@platformatic/kafka';
import { javaCompatiblePartitioner, murmur2, partitionForKey, toPositive } from '../../../services/lib/partitioner.js';

/** Kafka's own vectors: clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2. */
const KAFKA_MURMUR2_VECTORS: ReadonlyArray<[string, number]> = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('murmur2', () => {
  it.each(KAFKA_MURMUR2_VECTORS)('hashes %p to %p like Kafka Utils.murmur2', (key, expected) => {
    expect(murmur2(Buffer.from(key, 'utf8'))).toBe(expected);
  });

  it('hashes the empty key like the independent @platformatic/kafka implementation', () => {
    expect(murmur2(new Uint8Array())).toBe(compatibilityPartitioner({ topic: 't' }, Buffer.alloc(0)));
  });
});

describe('partitionForKey', () => {
  it.each(KAFKA_MURMUR2_VECTORS)('puts %p on toPositive(murmur2) % 3 like BuiltInPartitioner.partitionForKey', (key, hash) => {
    expect(partitionForKey(key, 3)).toBe((hash & 0x7fffffff) % 3);
  });

  it('clears the sign bit instead of taking the absolute value, so -2^31 maps to 0', () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
  });

  it('agrees with @platformatic/kafka compatibilityPartitioner on 5,000 user ids', () => {
    for (let i = 0; i < 5000; i++) {
      const key = Buffer.from(`user-${i}-${(i * 2654435761) % 1000003}`);
      expect(javaCompatiblePartitioner(undefined, key)).toBe(compatibilityPartitioner({ topic: 't' }, key));
    }
  });

  it('refuses a partition count below 1', () => {
    expect(() => partitionForKey('u', 0)).toThrow('partitions must be a positive integer, got 0');
  });
});
