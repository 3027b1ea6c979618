import { SMALL_BIGINT_LIMIT, smallBigInt } from '../../../services/lib/small-bigints.js';

describe('smallBigInt', () => {
  it('is BigInt(n) for every shared value and for those on either side of the range', () => {
    const numbers = [...Array.from({ length: SMALL_BIGINT_LIMIT }, (_, n) => n), -1, -4097, SMALL_BIGINT_LIMIT, 2 ** 40, -(2 ** 53 - 1)];
    const wrong = numbers.filter((n) => smallBigInt(n) !== BigInt(n));
    expect(wrong).toEqual([]);
  });
});
