/**
 * The policy pack against everything the prod program registers (under
 * mocks, ConfigGroups expanded into their objects): it passes, and each
 * production requirement fails on a copy of one of those resources that
 * breaks it.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { POLICIES } from '../../policy/policies.js';
import { runProgramOk } from '../infra/harness.js';
import {
  altered,
  find,
  programResources,
  resourceViolations,
  stackViolations,
  type AnalyzedResource,
  type EditableProps,
} from './resources.js';

const DATABASE_URL = 'postgres://todo:PRODDBPLAINTEXT@db.prod:5432/todo';
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';
const TOPIC = 'kafka:index/topic:Topic';

let resources: AnalyzedResource[];

beforeAll(async () => {
  const run = await runProgramOk('prod', {
    config: { kafkaAdminUsername: 'cloud-admin' },
    secrets: { kafkaAdminPassword: 'ADMINPLAINTEXTPASSWORD', databaseUrl: DATABASE_URL },
  });
  resources = programResources(run, 'prod');
});

const env = (props: EditableProps, name: string) =>
  (props.spec.template.spec.containers[0].env as { name: string; value?: string }[]).find((e) => e.name === name)!;

describe('the policy pack on the prod program', () => {
  test('finds no violation of any policy in what the prod program registers', () => {
    expect(resources.filter((r) => r.type === DEPLOYMENT).length).toBeGreaterThanOrEqual(6);
    for (const policy of POLICIES) {
      const found = 'validateStack' in policy ? stackViolations(policy.name, resources) : resourceViolations(policy.name, resources);
      expect({ [policy.name]: found }).toEqual({ [policy.name]: Array.isArray(found) ? [] : {} });
    }
  });

  test('kafka-sasl-over-tls refuses a provider without TLS or a password, a plain-text service and a component with TLS off', () => {
    const provider = find(resources, 'pulumi:providers:kafka', 'kafka-provider');
    const plain = altered(provider, (p) => {
      p.tlsEnabled = false;
      p.saslMechanism = 'oauthbearer';
      delete p.saslPassword;
    });
    const service = altered(find(resources, DEPLOYMENT, 'todo/audit-service'), (p) => {
      env(p, 'KAFKA_SECURITY_PROTOCOL').value = 'SASL_PLAINTEXT';
    });
    const component = altered(find(resources, 'kubernetes:dapr.io/v1alpha1:Component', 'todo/kafka-pubsub'), (p) => {
      p.spec.metadata.push({ name: 'disableTls', value: 'true' });
    });
    expect(resourceViolations('kafka-sasl-over-tls', [plain, service, component])).toEqual({
      'pulumi:providers:kafka kafka-provider': [
        'the kafka provider authenticates with "oauthbearer", not SASL with a password (scram-sha256, scram-sha512, plain)',
        'the kafka provider has no SASL username and password',
        'the kafka provider turns TLS off (tlsEnabled: false)',
      ],
      'kubernetes:apps/v1:Deployment todo/audit-service': [
        'container audit of Deployment todo/audit-service reaches seed-todo-prod.any.us-east-1.mpx.prd.cloud.redpanda.com:9092 with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT',
      ],
      'kubernetes:dapr.io/v1alpha1:Component todo/kafka-pubsub': ['Component todo/kafka-pubsub turns TLS off (disableTls: "true")'],
    });
  });

  test('prod-topic-durability refuses a topic with one replica and min.insync.replicas 1, or none set', () => {
    const topic = find(resources, TOPIC, 'kafka-task-events');
    const single = altered(topic, (p) => {
      p.replicationFactor = 1;
      p.config['min.insync.replicas'] = '1';
    });
    const unset = altered(find(resources, TOPIC, 'kafka-reminders'), (p) => delete p.config['min.insync.replicas']);
    expect(resourceViolations('prod-topic-durability', [single, unset])).toEqual({
      'kafka:index/topic:Topic kafka-task-events': [
        'topic task-events has replication factor 1; production needs at least 3',
        'topic task-events has min.insync.replicas 1; production needs at least 2',
      ],
      'kafka:index/topic:Topic kafka-reminders': [
        'topic reminders has min.insync.replicas (unset, the broker default); production needs at least 2',
      ],
    });
  });

  test('prod-topic-protected refuses a topic Pulumi may delete', () => {
    const unprotected = altered(find(resources, TOPIC, 'kafka-task-events'), () => undefined, false);
    expect(resourceViolations('prod-topic-protected', [unprotected])).toEqual({
      'kafka:index/topic:Topic kafka-task-events': [
        'topic task-events is not protected; deleting or replacing it would delete its messages',
      ],
    });
  });

  test('no-plaintext-secrets refuses a secret written as a value: env, Dapr metadata, a flag, a ConfigMap key, a URL with a password', () => {
    const service = altered(find(resources, DEPLOYMENT, 'todo/audit-service'), (p) => {
      const db = env(p, 'DATABASE_URL');
      delete (db as { valueFrom?: unknown }).valueFrom;
      db.value = DATABASE_URL;
    });
    const component = altered(find(resources, 'kubernetes:dapr.io/v1alpha1:Component', 'todo/kafka-pubsub'), (p) => {
      p.spec.metadata = p.spec.metadata.map((m: { name: string }) => (m.name === 'saslPassword' ? { name: m.name, value: 'hunter2' } : m));
    });
    const exporter = altered(find(resources, DEPLOYMENT, 'todo/todo-kafka-kafka-exporter'), (p) => {
      const args: string[] = p.spec.template.spec.containers[0].args;
      args[args.indexOf('--sasl.password=$(KAFKA_PASSWORD)')] = '--sasl.password=hunter2';
    });
    const dashboard = altered(find(resources, 'kubernetes:core/v1:ConfigMap', 'kafka/todo-events-dashboard'), (p) => {
      p.data.api_token = 'abc';
    });
    expect(resourceViolations('no-plaintext-secrets', [service, component, exporter, dashboard])).toEqual({
      'kubernetes:apps/v1:Deployment todo/audit-service': [
        'env DATABASE_URL of container audit in Deployment todo/audit-service is a plain value, not a secretKeyRef',
        'kubernetes:apps/v1:Deployment todo/audit-service: spec.template.spec.containers[0].env[12].value holds a URL with a password',
      ],
      'kubernetes:dapr.io/v1alpha1:Component todo/kafka-pubsub': [
        'metadata saslPassword of Component todo/kafka-pubsub is a plain value, not a secretKeyRef',
      ],
      'kubernetes:apps/v1:Deployment todo/todo-kafka-kafka-exporter': [
        'argument --sasl.password of container todo-kafka-kafka-exporter in Deployment todo/todo-kafka-kafka-exporter is a literal, not $(VAR) from a secretKeyRef',
      ],
      'kubernetes:core/v1:ConfigMap kafka/todo-events-dashboard': [
        'key api_token of ConfigMap kafka/todo-events-dashboard looks like a secret; put it in a Secret',
      ],
    });
  });

  test('no-plaintext-secrets leaves the Secrets the program creates alone: they are where secrets belong', () => {
    const secrets = resources.filter((r) => r.type === 'kubernetes:core/v1:Secret');
    expect(secrets.length).toBeGreaterThan(0);
    expect(JSON.stringify(secrets.map((s) => s.props))).toContain('PRODDBPLAINTEXT');
    expect(resourceViolations('no-plaintext-secrets', secrets)).toEqual({});
  });
});
