import type { Construct } from 'constructs';
import { topicConfig, type TopicSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { STRIMZI_API_VERSION, STRIMZI_CLUSTER_LABEL } from './api.js';

export interface KafkaTopicProps {
  readonly topic: TopicSpec;
  /** Name of the `Kafka` resource whose topic operator manages this topic. */
  readonly clusterName: string;
  readonly namespace: string;
}

/**
 * A Strimzi `KafkaTopic`. `spec.topicName` is set only when the Kafka name is
 * not a valid Kubernetes name; `spec.config` is `topicConfig()`, the same map
 * every renderer writes (keys dropped from it are reset to the broker default).
 * @see https://strimzi.io/docs/operators/latest/configuring#type-KafkaTopic-reference
 */
export class KafkaTopic extends CustomResource {
  constructor(scope: Construct, id: string, props: KafkaTopicProps) {
    const { topic } = props;
    super(scope, id, {
      apiVersion: STRIMZI_API_VERSION,
      kind: 'KafkaTopic',
      name: topic.resourceName,
      namespace: props.namespace,
      component: 'topic',
      labels: { [STRIMZI_CLUSTER_LABEL]: props.clusterName },
      body: {
        spec: {
          ...(topic.resourceName !== topic.name ? { topicName: topic.name } : {}),
          partitions: topic.partitions,
          replicas: topic.replicationFactor,
          config: topicConfig(topic),
        },
      },
    });
  }
}
