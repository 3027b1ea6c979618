import type { Construct } from 'constructs';
import { topicConfig, type TopicSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { clusterRef, REDPANDA_API_VERSION } from './api.js';

export interface RedpandaTopicProps {
  readonly topic: TopicSpec;
  /** Name of the `Redpanda` resource the topic lives in. */
  readonly clusterName: string;
  readonly namespace: string;
}

/**
 * A Redpanda `Topic`. `additionalConfig` is `topicConfig()`, the map every
 * renderer writes; `overwriteTopicName` carries the Kafka name when it is not
 * a valid Kubernetes name. Redpanda has no deletion guard: deleting this
 * resource deletes the topic and its data.
 * @see https://docs.redpanda.com/current/manage/kubernetes/k-manage-topics/
 */
export class RedpandaTopic extends CustomResource {
  constructor(scope: Construct, id: string, props: RedpandaTopicProps) {
    const { topic } = props;
    super(scope, id, {
      apiVersion: REDPANDA_API_VERSION,
      kind: 'Topic',
      name: topic.resourceName,
      namespace: props.namespace,
      component: 'topic',
      body: {
        spec: {
          cluster: clusterRef(props.clusterName),
          ...(topic.resourceName !== topic.name ? { overwriteTopicName: topic.name } : {}),
          partitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          additionalConfig: topicConfig(topic),
        },
      },
    });
  }
}
