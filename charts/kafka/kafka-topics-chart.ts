import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { RedpandaTopic } from '../redpanda/redpanda-topic.js';
import { KafkaTopic } from '../strimzi/kafka-topic.js';

/** One topic resource per spec topic, for the cluster's operator. */
export class KafkaTopicsChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const props = { clusterName: spec.cluster.name, namespace: spec.namespaces.kafka };
    for (const topic of spec.topics) {
      if (spec.cluster.flavor === 'strimzi') new KafkaTopic(this, topic.name, { topic, ...props });
      if (spec.cluster.flavor === 'redpanda') new RedpandaTopic(this, topic.name, { topic, ...props });
    }
  }
}
