import { describe, expect, test } from '@jest/globals';
import { synthesizeManifests } from '../../charts/index.js';
import { awaitAnnotations, awaitedKind, AWAITED_KINDS, withReadinessWait } from '../../infra/readiness.js';
import { loadPlatform } from '../../platform/index.js';
import { REPO_ROOT } from './harness.js';

const kind = (k: string, group: string) => AWAITED_KINDS.find((a) => a.kind === k && a.group === group)!;

describe('withReadinessWait', () => {
  test('waits for each operator-managed kind on the condition its operator sets, and for nothing else', () => {
    const objects = [
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'Kafka', metadata: { name: 'k' } },
      { apiVersion: 'cluster.redpanda.com/v1alpha2', kind: 'Redpanda', metadata: { name: 'r', annotations: { a: 'b' } } },
      { apiVersion: 'cluster.redpanda.com/v1alpha2', kind: 'User', metadata: { name: 'u' } },
      { apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'pool' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kafka' } },
    ];
    const out = withReadinessWait(objects);
    expect(out[0]!.metadata).toEqual({
      name: 'k',
      annotations: { 'pulumi.com/waitFor': 'condition=Ready', 'pulumi.com/timeoutSeconds': '1800' },
    });
    expect(out[1]!.metadata).toEqual({ name: 'r', annotations: { ...awaitAnnotations(kind('Redpanda', 'cluster.redpanda.com')), a: 'b' } });
    // Redpanda's User reports Synced, never Ready: waiting for Ready would time out on every deploy.
    expect(out[2]!.metadata).toEqual({
      name: 'u',
      annotations: { 'pulumi.com/waitFor': 'condition=Synced', 'pulumi.com/timeoutSeconds': '600' },
    });
    expect(out.slice(3)).toEqual(objects.slice(3));
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

  test.each(['dev', 'staging'])('awaits every topic and user of the %s stack, so services start after them', (stack) => {
    const charts = synthesizeManifests(loadPlatform(stack, REPO_ROOT));
    for (const chart of ['kafka-topics', 'kafka-users']) {
      const objects = charts.find((c) => c.chart === chart)!.objects;
      expect(objects.length).toBeGreaterThan(0);
      expect(objects.filter((o) => !awaitedKind(o)).map((o) => `${String(o.kind)}`)).toEqual([]);
    }
  });
});
