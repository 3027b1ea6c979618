/**
 * BigInts of small non-negative integers, made once and then shared.
 *
 * Why: the Kafka client's contract gives each record's timestamp delta and
 * each message's offset as BigInts, and `BigInt(n)` allocates a new heap
 * object every time, even for the 0, 1, 2 … that a record batch's deltas
 * are. BigInts are primitive values (`===` compares what they hold, never
 * which object), so handing out the same one for the same number changes
 * nothing a reader can observe; it only leaves the young generation fewer
 * objects to sweep per consumed record (bundle-kafka-messages.ts,
 * kafka-record-decoder.ts).
 */

/** Integers below this come from the cache: a batch's offset deltas run from 0 to its record count. @default 4096 */
export const SMALL_BIGINT_LIMIT = 4096;

const cache: bigint[] = Array.from({ length: SMALL_BIGINT_LIMIT }, (_, n) => BigInt(n));

/** `BigInt(n)` for an integer `n`: the shared one when 0 ≤ n < `SMALL_BIGINT_LIMIT`. */
export function smallBigInt(n: number): bigint {
  return n >= 0 && n < SMALL_BIGINT_LIMIT ? cache[n]! : BigInt(n);
}
