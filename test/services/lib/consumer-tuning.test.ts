import { consumerFetchOptions, DEFAULT_CONSUMER_TUNING, MAX_FETCH_BYTES } from '../../../services/lib/kafka-consumer.js';

describe('the consumer tuning', () => {
  it('bounds every fetch by one constant of 1 MiB, in total and per partition', () => {
    expect(MAX_FETCH_BYTES).toBe(1_048_576);
    expect(consumerFetchOptions()).toEqual({ maxBytes: 1_048_576, maxBytesPerPartition: 1_048_576, maxWaitTime: 500, highWaterMark: 1024 });
  });

  it('derives the fetch options from the tuning it is given', () => {
    expect(consumerFetchOptions({ ...DEFAULT_CONSUMER_TUNING, maxFetchBytes: 65_536, highWaterMark: 10 })).toMatchObject({
      maxBytes: 65_536,
      maxBytesPerPartition: 65_536,
      highWaterMark: 10,
    });
  });
});
