import { topicConfig } from '../../platform/index.js';
import { findObject, manifestsOf, objectsOfKind, stackManifests, stackSpec, variantSpec, type K8sObject } from './fixtures.js';

type TopicFields = { partitions: number; retention: string | undefined };

const strimziTopic = (o: K8sObject): TopicFields => {
  const spec = o.spec as { partitions: number; config: Record<string, string> };
  return { partitions: spec.partitions, retention: spec.config['retention.ms'] };
};
const redpandaTopic = (o: K8sObject): TopicFields => {
  const spec = o.spec as { partitions: number; additionalConfig: Record<string, string> };
  return { partitions: spec.partitions, retention: spec.additionalConfig['retention.ms'] };
};

const SPECIFIED = {
  'task-events': { partitions: 3, retention: '604800000' },
  reminders: { partitions: 1, retention: '86400000' },
  'task-updates': { partitions: 3, retention: '3600000' },
};

describe('topics', () => {
  it('have the specified partitions and retention as Redpanda Topics in dev', () => {
    const manifests = stackManifests('dev');
    for (const [name, expected] of Object.entries(SPECIFIED)) {
      expect(redpandaTopic(findObject(manifests, 'Topic', name))).toEqual(expected);
    }
  });

  it('have the specified partitions and retention as Strimzi KafkaTopics in staging', () => {
    const manifests = stackManifests('staging');
    for (const [name, expected] of Object.entries(SPECIFIED)) {
      expect(strimziTopic(findObject(manifests, 'KafkaTopic', name))).toEqual(expected);
    }
  });

  it('carry exactly topicConfig() and the replication factor of the spec', () => {
    const spec = stackSpec('staging');
    for (const topic of spec.topics) {
      const object = findObject(stackManifests('staging'), 'KafkaTopic', topic.resourceName);
      expect(object.spec).toEqual({ partitions: topic.partitions, replicas: topic.replicationFactor, config: topicConfig(topic) });
    }
    const dev = stackSpec('dev');
    for (const topic of dev.topics) {
      const object = findObject(stackManifests('dev'), 'Topic', topic.resourceName);
      expect(object.spec).toEqual({
        cluster: { clusterRef: { name: 'todo-kafka' } },
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        additionalConfig: topicConfig(topic),
      });
    }
  });

  it('are labelled with their Strimzi cluster and live in the Kafka namespace', () => {
    for (const topic of objectsOfKind(stackManifests('staging'), 'KafkaTopic')) {
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe('todo-kafka');
      expect(topic.metadata.namespace).toBe('kafka');
    }
  });

  it('keep a Kafka name that is not a Kubernetes name in spec.topicName (Strimzi)', () => {
    const topic = findObject(manifestsOf(variantSpec('topic-name-mapping')), 'KafkaTopic', 'orders-v1');
    expect(topic.spec).toMatchObject({ topicName: 'Orders_V1', partitions: 6 });
    expect((topic.spec as { config: Record<string, string> }).config['retention.ms']).toBe('172800000');
    expect(findObject(stackManifests('staging'), 'KafkaTopic', 'task-events').spec).not.toHaveProperty('topicName');
  });

  it('keep a Kafka name that is not a Kubernetes name in spec.overwriteTopicName (Redpanda)', () => {
    const topic = findObject(manifestsOf(variantSpec('redpanda-topic-name-mapping')), 'Topic', 'orders-v1');
    expect(topic.spec).toMatchObject({ overwriteTopicName: 'Orders_V1', partitions: 6, replicationFactor: 3 });
    expect(findObject(stackManifests('dev'), 'Topic', 'task-events').spec).not.toHaveProperty('overwriteTopicName');
  });
});
