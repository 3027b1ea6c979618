import { describe, expect, test } from '@jest/globals';
import { AWAIT_ANNOTATIONS, withReadinessWait } from '../../infra/readiness.js';

describe('withReadinessWait', () => {
  test('adds the Ready wait to Strimzi Kafka and Redpanda resources only', () => {
    const objects = [
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'k' } },
      { apiVersion: 'cluster.redpanda.com/v1alpha2', kind: 'Redpanda', metadata: { name: 'r', annotations: { a: 'b' } } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'pool' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kafka' } },
    ];
    const out = withReadinessWait(objects);
    expect(out[0]!.metadata).toEqual({ name: 'k', annotations: AWAIT_ANNOTATIONS });
    expect(out[1]!.metadata).toEqual({ name: 'r', annotations: { ...AWAIT_ANNOTATIONS, a: 'b' } });
    expect(out.slice(2)).toEqual(objects.slice(2));
  });

  test('keeps an await annotation a chart already set and leaves the input untouched', () => {
    const objects = [
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'Kafka',
        metadata: { name: 'k', annotations: { 'pulumi.com/waitFor': 'condition=Custom' } },
      },
    ];
    const out = withReadinessWait(objects);
    expect((out[0]!.metadata as { annotations: Record<string, string> }).annotations['pulumi.com/waitFor']).toBe('condition=Custom');
    expect(objects[0]!.metadata.annotations).toEqual({ 'pulumi.com/waitFor': 'condition=Custom' });
  });

  test('waits for the Ready condition for half an hour at most', () => {
    expect(AWAIT_ANNOTATIONS).toEqual({ 'pulumi.com/waitFor': 'condition=Ready', 'pulumi.com/timeoutSeconds': '1800' });
  });
});
