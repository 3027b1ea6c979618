/**
 * The Java client's key partitioning: `toPositive(murmur2(keyBytes)) % n`
 * (Kafka's `BuiltInPartitioner.partitionForKey`). kafka-python, kafkajs and
 * librdkafka's `murmur2_random` agree with it; @platformatic/kafka's default
 * partitioner does not (NOTES §5). Every producer of a keyed topic must use
 * this scheme, or one user's events spread over partitions and lose order.
 *
 * Dapr's Kafka component (Sarama) hashes keys with FNV-1a instead, so events
 * of a keyed topic are published directly, never through the sidecar.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's `Utils.murmur2`: a signed 32-bit hash of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The tail falls through in Java's switch: 3 bytes use all three lines.
  const rest = length & 3;
  if (rest === 3) h ^= data[whole + 2]! << 16;
  if (rest >= 2) h ^= data[whole + 1]! << 8;
  if (rest >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which breaks on -2^31). */
export function toPositive(value: number): number {
  return value & 0x7fffffff;
}

/** The partition the Java client picks for `key` (a string is UTF-8 encoded) among `partitions`. */
export function partitionForKey(key: string | Uint8Array, partitions: number): number {
  if (!Number.isSafeInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  return toPositive(murmur2(bytes)) % partitions;
}

/**
 * A @platformatic/kafka `partitioner` option with the Java client's rule: it
 * returns the positive hash and the client takes it modulo the partition count
 * from its metadata. Unkeyed records go to partition 0 (only unkeyed topics of
 * one partition exist in the spec).
 */
export function javaCompatiblePartitioner(_message: unknown, key: Buffer | undefined): number {
  return key === undefined ? 0 : toPositive(murmur2(key));
}
