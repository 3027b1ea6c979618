import { DAPR_SASL_MECHANISMS, pubsubIdentities } from '../../charts/index.js';
import {
  findObject,
  manifestsOf,
  objectsOfKind,
  stackManifests,
  stackSpec,
  variantSpec,
  type K8sObject,
  type Manifests,
} from './fixtures.js';

type Item = { name: string; value?: string; secretKeyRef?: { name: string; key: string } };
const metadataOf = (component: K8sObject): Item[] => (component.spec as { metadata: Item[] }).metadata;
const item = (component: K8sObject, name: string) => metadataOf(component).find((i) => i.name === name);
const components = (manifests: Manifests) => objectsOfKind(manifests, 'Component');

describe('Dapr pub/sub components', () => {
  it('spell the SASL mechanism as the Kafka component accepts it', () => {
    expect(DAPR_SASL_MECHANISMS).toEqual({ 'SCRAM-SHA-256': 'SHA-256', 'SCRAM-SHA-512': 'SHA-512', PLAIN: 'PLAINTEXT' });
    for (const [stack, mechanism] of [
      ['dev', 'SHA-512'],
      ['staging', 'SHA-512'],
      ['prod', 'SHA-256'],
      ['confluent', 'PLAINTEXT'],
    ] as const) {
      for (const component of components(stackManifests(stack))) {
        expect(item(component, 'saslMechanism')).toEqual({ name: 'saslMechanism', value: mechanism });
      }
    }
  });

  it('give each Dapr-mode service its own component, user and scope', () => {
    const manifests = stackManifests('dev');
    expect(
      components(manifests).map((c) => [c.metadata.name, item(c, 'saslUsername')?.value, (c as { scopes?: string[] }).scopes]),
    ).toEqual([
      ['kafka-pubsub', 'todo-api', ['todo-api']],
      ['kafka-pubsub-notification', 'notification-service', ['notification-service']],
      ['kafka-pubsub-websocket', 'websocket-service', ['websocket-service']],
    ]);
  });

  it('authenticate with a password from the Kubernetes secret store, never a literal', () => {
    const spec = stackSpec('dev');
    for (const component of components(stackManifests('dev'))) {
      const user = spec.users.find((u) => u.name === item(component, 'saslUsername')?.value)!;
      expect(item(component, 'authType')).toEqual({ name: 'authType', value: 'password' });
      expect(item(component, 'saslPassword')).toEqual({ name: 'saslPassword', secretKeyRef: { name: user.secretName, key: 'password' } });
      expect((component as { auth?: unknown }).auth).toEqual({ secretStore: 'kubernetes' });
    }
  });

  it('connect to the bootstrap servers with the spec consumer group, offset and message size', () => {
    const spec = stackSpec('staging');
    const notification = findObject(stackManifests('staging'), 'Component', 'kafka-pubsub-notification');
    expect(item(notification, 'brokers')?.value).toBe('todo-kafka-kafka-bootstrap.kafka.svc:9094');
    expect(item(notification, 'consumerGroup')?.value).toBe('notification-service');
    expect(item(notification, 'initialOffset')?.value).toBe(spec.dapr.initialOffset);
    expect(item(notification, 'maxMessageBytes')?.value).toBe('1048576');
    expect(item(findObject(stackManifests('staging'), 'Component', 'kafka-pubsub'), 'consumerGroup')).toBeUndefined();
  });

  it('turn TLS off for plaintext listeners, trust the copied cluster CA for operator TLS, and the system CAs for external', () => {
    const dev = findObject(stackManifests('dev'), 'Component', 'kafka-pubsub');
    expect(item(dev, 'disableTls')?.value).toBe('true');
    const staging = findObject(stackManifests('staging'), 'Component', 'kafka-pubsub');
    expect(item(staging, 'disableTls')).toBeUndefined();
    expect(item(staging, 'caCert')).toEqual({ name: 'caCert', secretKeyRef: { name: 'todo-kafka-cluster-ca', key: 'ca.crt' } });
    const prod = findObject(stackManifests('prod'), 'Component', 'kafka-pubsub');
    expect(item(prod, 'disableTls')).toBeUndefined();
    expect(item(prod, 'caCert')).toBeUndefined();
  });

  it('use only metadata fields the Kafka component documents', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const file = new URL('../../../shared/crds/dapr/pubsub-kafka-metadata.yaml', import.meta.url);
    if (!existsSync(file)) return console.log('Skipping the field check: ../shared/crds/dapr/pubsub-kafka-metadata.yaml is absent.');
    const doc = parse(readFileSync(file, 'utf8')) as {
      metadata: { name: string }[];
      authenticationProfiles: { metadata: { name: string }[] }[];
    };
    const known = new Set([...doc.metadata, ...doc.authenticationProfiles.flatMap((p) => p.metadata)].map((m) => m.name));
    for (const stack of ['dev', 'staging', 'prod']) {
      for (const component of components(stackManifests(stack))) {
        expect(
          metadataOf(component)
            .map((i) => i.name)
            .filter((n) => !known.has(n)),
        ).toEqual([]);
      }
    }
  });

  it('name one component per producer when several producers publish', () => {
    const spec = variantSpec('two-producers');
    expect(pubsubIdentities(spec).map((i) => [i.componentName, i.user.name, i.appId])).toEqual([
      ['kafka-pubsub-chat-api', 'chat-api', 'chat-api'],
      ['kafka-pubsub-todo-api', 'todo-api', 'todo-api'],
      ['kafka-pubsub-notification', 'notification-service', 'notification-service'],
      ['kafka-pubsub-websocket', 'websocket-service', 'websocket-service'],
    ]);
  });
});

describe('a fan-out service', () => {
  it('consumes through a component whose group is its pod name, starting at the newest offset', () => {
    const component = findObject(manifestsOf(stackSpec('dev')), 'Component', 'kafka-pubsub-websocket');
    const metadata = (component.spec as { metadata: { name: string; value?: string }[] }).metadata;
    const value = (name: string) => metadata.find((m) => m.name === name)?.value;
    expect([value('consumerGroup'), value('initialOffset')]).toEqual(['{podName}', 'newest']);
  });
});

describe('Dapr subscriptions', () => {
  it('route each consumed topic of a Dapr-mode service through its own component, with its dead-letter topic', () => {
    const subscriptions = objectsOfKind(stackManifests('dev'), 'Subscription');
    expect(subscriptions.map((s) => ({ name: s.metadata.name, spec: s.spec, scopes: (s as { scopes?: unknown }).scopes }))).toEqual([
      {
        name: 'notification-reminders',
        spec: {
          pubsubname: 'kafka-pubsub-notification',
          topic: 'reminders',
          routes: { default: '/events/reminders' },
          deadLetterTopic: 'task-events-dlq',
        },
        scopes: ['notification-service'],
      },
      {
        name: 'websocket-task-updates',
        spec: {
          pubsubname: 'kafka-pubsub-websocket',
          topic: 'task-updates',
          routes: { default: '/events/task-updates' },
          deadLetterTopic: 'task-events-dlq',
        },
        scopes: ['websocket-service'],
      },
    ]);
    expect(subscriptions.every((s) => s.apiVersion === 'dapr.io/v2alpha1')).toBe(true);
  });
});

describe('the Dapr resiliency policy', () => {
  it('retries deliveries to the app for ever behind a circuit breaker, and publishes 3 times (2 retries), capped at 10 s, on every component', () => {
    const resiliency = findObject(stackManifests('dev'), 'Resiliency', 'kafka-pubsub');
    const inbound = { retry: 'pubsubInboundRetry', circuitBreaker: 'pubsubInboundBreaker' };
    const outbound = { retry: 'pubsubRetry' };
    expect(resiliency.spec).toEqual({
      policies: {
        retries: {
          pubsubRetry: { policy: 'exponential', maxInterval: '10s', maxRetries: 2 },
          pubsubInboundRetry: { policy: 'exponential', maxInterval: '10s', maxRetries: -1 },
        },
        circuitBreakers: { pubsubInboundBreaker: { maxRequests: 1, interval: '0s', timeout: '30s', trip: 'consecutiveFailures >= 5' } },
      },
      targets: {
        components: {
          'kafka-pubsub': { inbound, outbound },
          'kafka-pubsub-notification': { inbound, outbound },
          'kafka-pubsub-websocket': { inbound, outbound },
        },
      },
    });
  });

  it('follows the spec retry settings', () => {
    const spec = stackSpec('dev');
    const changed = { ...spec, retry: { maxAttempts: 6, initialIntervalMs: 500, maxIntervalMs: 2500 } };
    const policy = (findObject(manifestsOf(changed), 'Resiliency', 'kafka-pubsub').spec as { policies: { retries: unknown } }).policies
      .retries;
    expect(policy).toEqual({
      pubsubRetry: { policy: 'exponential', maxInterval: '2500ms', maxRetries: 5 },
      pubsubInboundRetry: { policy: 'exponential', maxInterval: '2500ms', maxRetries: -1 },
    });
  });
});

describe('without Dapr', () => {
  it('renders no dapr chart', () => {
    const spec = stackSpec('dev');
    expect(manifestsOf({ ...spec, dapr: { ...spec.dapr, enabled: false } }).map((m) => m.chart)).not.toContain('dapr');
  });
});
