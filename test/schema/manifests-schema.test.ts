import { describeWithCrds } from '../support/crd-schemas.js';
import { isCoreObject, validateCoreObject } from '../support/k8s-schemas.js';
import {
  allObjects,
  findObject,
  fullManifestsOf,
  fullStackManifests,
  stackManifests,
  STACKS,
  VARIANT_CONFIGS,
  variantSpec,
  type K8sObject,
} from '../charts/fixtures.js';

const label = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;

const cases: [string, K8sObject][] = [
  ...STACKS.flatMap((stack) => allObjects(fullStackManifests(stack)).map((o) => [`${stack}: ${label(o)}`, o] as [string, K8sObject])),
  ...Object.keys(VARIANT_CONFIGS).flatMap((name) =>
    allObjects(fullManifestsOf(variantSpec(name)))
      .filter((o) => !isCoreObject(o))
      .map((o) => [`${name}: ${label(o)}`, o] as [string, K8sObject]),
  ),
];

describe('core objects', () => {
  it.each(cases.filter(([, o]) => isCoreObject(o)))('%s validates against the Kubernetes schema', (_name, object) => {
    expect(validateCoreObject(object)).toEqual([]);
  });

  it('are caught when a field has the wrong type', () => {
    const deployment = structuredClone(findObject(stackManifests('dev'), 'Deployment', 'audit-service'));
    (deployment.spec as { replicas: unknown }).replicas = 'two';
    expect(validateCoreObject(deployment)).toEqual(['data/spec/replicas must be integer']);
  });
});

describeWithCrds('custom resources', (schemas) => {
  it.each(cases.filter(([, o]) => !isCoreObject(o)))('%s validates against its upstream CRD, with no undeclared field', (_name, object) => {
    expect(schemas().validate(object)).toEqual([]);
  });

  it('have a CRD for every apiVersion and kind rendered', () => {
    const kinds = new Set(cases.filter(([, o]) => !isCoreObject(o)).map(([, o]) => `${o.apiVersion} ${o.kind}`));
    expect([...kinds].filter((k) => !schemas().known.includes(k))).toEqual([]);
    expect([...kinds].map((k) => k.split(' ')[1])).toEqual(
      expect.arrayContaining([
        'Component',
        'Kafka',
        'KafkaNodePool',
        'KafkaTopic',
        'KafkaUser',
        'Redpanda',
        'Resiliency',
        'Subscription',
        'Topic',
        'User',
      ]),
    );
  });

  it('catch a misspelt field the API server would prune', () => {
    const topic = structuredClone(findObject(stackManifests('staging'), 'KafkaTopic', 'task-events'));
    const spec = topic.spec as Record<string, unknown>;
    spec.partition = spec.partitions;
    delete spec.partitions;
    expect(schemas().validate(topic)).toEqual(['/spec: unknown field "partition" (the API server would prune it)']);
  });

  it('catch a wrong type and a value outside an enum', () => {
    const user = structuredClone(findObject(stackManifests('staging'), 'KafkaUser', 'audit-service'));
    const auth = (user.spec as { authentication: { type: string } }).authentication;
    auth.type = 'scram-sha-256';
    const topic = structuredClone(findObject(stackManifests('dev'), 'Topic', 'task-events'));
    (topic.spec as { partitions: unknown }).partitions = '3';
    expect(schemas().validate(user)).toEqual([
      '/spec/authentication/type: must be equal to one of the allowed values: ["tls","tls-external","scram-sha-512"]',
    ]);
    expect(schemas().validate(topic)).toEqual(['/spec/partitions: must be integer']);
  });

  it('allow any field where the CRD preserves unknown fields', () => {
    const kafka = structuredClone(findObject(stackManifests('staging'), 'Kafka', 'todo-kafka'));
    (kafka.spec as { kafka: { config: Record<string, unknown> } }).kafka.config['log.message.timestamp.type'] = 'LogAppendTime';
    expect(schemas().validate(kafka)).toEqual([]);
  });
});
