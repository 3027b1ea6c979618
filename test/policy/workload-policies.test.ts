/**
 * The workload and topic policies against the synthesized objects of our
 * stacks (as the ConfigGroups' children), and how the pack tiers them:
 * mandatory in production stacks, advisory elsewhere.
 */
import { describe, expect, test } from '@jest/globals';
import { PRODUCTION_STACKS } from '../../platform/index.js';
import { ADVISORY_SUFFIX, stackOfUrn } from '../../policy/enforcement.js';
import { POLICIES } from '../../policy/policies.js';
import { RULES } from '../../policy/rules/index.js';
import { stackSpec } from '../charts/fixtures.js';
import { altered, find, manifestResources, resourceViolations, stackViolations } from './resources.js';

const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
const prod = manifestResources(stackSpec('prod'));
const staging = manifestResources(stackSpec('staging'));
const dev = manifestResources(stackSpec('dev'));

describe('the policy pack', () => {
  test('makes every rule mandatory in production and, but for the prod-only topic rules, advisory elsewhere', () => {
    expect(PRODUCTION_STACKS).toEqual(['prod']);
    expect(POLICIES.map((p) => `${p.name}:${p.enforcementLevel}`)).toEqual([
      'kafka-sasl-over-tls:mandatory',
      'kafka-sasl-over-tls-advisory:advisory',
      'prod-topic-durability:mandatory',
      'prod-topic-protected:mandatory',
      'container-resources:mandatory',
      'container-resources-advisory:advisory',
      'non-root-read-only-root:mandatory',
      'non-root-read-only-root-advisory:advisory',
      'network-policy-per-workload:mandatory',
      'network-policy-per-workload-advisory:advisory',
      'no-plaintext-secrets:mandatory',
      'no-plaintext-secrets-advisory:advisory',
    ]);
    expect(RULES.every((r) => r.remediation.length > 0)).toBe(true);
  });

  test('reads the stack from each resource URN, and judges a resource by one tier only', () => {
    expect(stackOfUrn('urn:pulumi:pr-42::todo-events::kubernetes:apps/v1:Deployment::todo/audit-service')).toBe('pr-42');
    expect(() => stackOfUrn('audit-service')).toThrow('"audit-service" is not a Pulumi resource URN');
    const unbounded = (resources: typeof staging) =>
      altered(find(resources, DEPLOYMENT, 'todo/audit-service'), (p) => delete p.spec.template.spec.containers[0].resources.limits);
    const message = ['container audit of Deployment todo/audit-service has no limits.cpu, limits.memory'];
    expect(resourceViolations('container-resources', [unbounded(staging)])).toEqual({});
    expect(resourceViolations(`container-resources${ADVISORY_SUFFIX}`, [unbounded(staging)])).toEqual({
      'kubernetes:apps/v1:Deployment todo/audit-service': message,
    });
    expect(resourceViolations('container-resources', [unbounded(prod)])).toEqual({
      'kubernetes:apps/v1:Deployment todo/audit-service': message,
    });
    expect(resourceViolations(`container-resources${ADVISORY_SUFFIX}`, [unbounded(prod)])).toEqual({});
  });
});

describe.each([
  ['prod', prod, ''],
  ['staging', staging, ADVISORY_SUFFIX],
  ['dev', dev, ADVISORY_SUFFIX],
])('the synthesized objects of %s', (_stack, resources, suffix) => {
  test.each(['container-resources', 'non-root-read-only-root', 'no-plaintext-secrets', 'kafka-sasl-over-tls'])('pass %s', (rule) => {
    expect(resourceViolations(`${rule}${suffix}`, resources)).toEqual({});
  });

  test('pass network-policy-per-workload: a NetworkPolicy selects every workload', () => {
    expect(resources.filter((r) => r.type === DEPLOYMENT).length).toBeGreaterThanOrEqual(4);
    expect(stackViolations(`network-policy-per-workload${suffix}`, resources)).toEqual([]);
  });
});

describe('workload policies on broken copies of our objects', () => {
  test('container-resources names each missing request and limit', () => {
    const console = altered(find(prod, DEPLOYMENT, 'todo/redpanda-console'), (p) => {
      const resources = p.spec.template.spec.containers[0].resources;
      delete resources.requests.memory;
      delete resources.limits;
    });
    expect(resourceViolations('container-resources', [console])).toEqual({
      'kubernetes:apps/v1:Deployment todo/redpanda-console': [
        'container redpanda-console of Deployment todo/redpanda-console has no requests.memory, limits.cpu, limits.memory',
      ],
    });
  });

  test('non-root-read-only-root refuses a root user and a writable root filesystem', () => {
    const root = altered(find(prod, DEPLOYMENT, 'todo/websocket-service'), (p) => {
      const pod = p.spec.template.spec;
      delete pod.securityContext.runAsNonRoot;
      delete pod.containers[0].securityContext.runAsNonRoot;
      pod.containers[0].securityContext.runAsUser = 0;
      pod.containers[0].securityContext.readOnlyRootFilesystem = false;
    });
    expect(resourceViolations('non-root-read-only-root', [root])).toEqual({
      'kubernetes:apps/v1:Deployment todo/websocket-service': [
        'container websocket of Deployment todo/websocket-service may run as root (runAsNonRoot is not true, runAsUser is 0)',
        'container websocket of Deployment todo/websocket-service has a writable root filesystem (readOnlyRootFilesystem is not true)',
      ],
    });
  });

  test('network-policy-per-workload names the workload no NetworkPolicy selects', () => {
    const withoutExporterPolicy = prod.filter(
      (r) => !(r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy' && r.name === 'todo/todo-kafka-kafka-exporter'),
    );
    const exporter = find(prod, DEPLOYMENT, 'todo/todo-kafka-kafka-exporter');
    expect(stackViolations('network-policy-per-workload', withoutExporterPolicy)).toEqual([
      `Deployment todo/todo-kafka-kafka-exporter: no NetworkPolicy in its namespace selects its pods (${exporter.urn})`,
    ]);
  });

  test('network-policy-per-workload does not count a policy of another namespace', () => {
    const moved = prod.map((r) =>
      r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy' && r.name === 'todo/redpanda-console'
        ? altered(r, (p) => (p.metadata.namespace = 'kafka'))
        : r,
    );
    expect(stackViolations('network-policy-per-workload', moved)).toEqual([
      `Deployment todo/redpanda-console: no NetworkPolicy in its namespace selects its pods (${find(prod, DEPLOYMENT, 'todo/redpanda-console').urn})`,
    ]);
  });
});

describe("topic policies on the operators' topics, judged as production", () => {
  const asProd = (resources: typeof staging) =>
    resources.map((r) => ({ ...r, urn: r.urn.replace(/^urn:pulumi:[^:]+::/, 'urn:pulumi:prod::') }));

  test('pass for Strimzi topics with 3 replicas and min.insync.replicas 2, protected', () => {
    const topics = asProd(staging).filter((r) => r.type === 'kubernetes:kafka.strimzi.io/v1:KafkaTopic');
    expect(topics).toHaveLength(4);
    expect(resourceViolations('prod-topic-durability', topics)).toEqual({});
    expect(
      resourceViolations(
        'prod-topic-protected',
        topics.map((t) => ({ ...t, protect: true })),
      ),
    ).toEqual({});
  });

  test('refuse Redpanda topics with one replica, unprotected', () => {
    const topics = asProd(dev).filter((r) => r.type === 'kubernetes:cluster.redpanda.com/v1alpha2:Topic');
    const reminders = topics.filter((t) => t.name === 'kafka/reminders');
    expect(resourceViolations('prod-topic-durability', reminders)).toEqual({
      'kubernetes:cluster.redpanda.com/v1alpha2:Topic kafka/reminders': [
        'topic reminders has replication factor 1; production needs at least 3',
        'topic reminders has min.insync.replicas 1; production needs at least 2',
      ],
    });
    expect(Object.keys(resourceViolations('prod-topic-protected', topics))).toHaveLength(4);
  });

  test('do not apply outside production: dev keeps its single replica without a warning', () => {
    expect(resourceViolations('prod-topic-durability', dev)).toEqual({});
    expect(resourceViolations('prod-topic-protected', dev)).toEqual({});
  });
});
