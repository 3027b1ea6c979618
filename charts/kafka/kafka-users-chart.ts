import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { RedpandaUser } from '../redpanda/redpanda-user.js';
import { KafkaUser } from '../strimzi/kafka-user.js';

/**
 * One user resource per spec user with its ACLs. Strimzi gets the admin too
 * (its SCRAM credential comes from a KafkaUser; superuser rights from the
 * `Kafka` resource); Redpanda's admin comes from the chart's superusers Secret.
 */
export class KafkaUsersChart extends Chart {
  constructor(scope: Construct, id: string, spec: PlatformSpec) {
    super(scope, id, { disableResourceNameHashes: true });
    const { cluster } = spec;
    const props = { clusterName: cluster.name, namespace: spec.namespaces.kafka };
    for (const user of spec.users) {
      if (cluster.flavor === 'strimzi') new KafkaUser(this, user.name, { user, ...props });
      if (cluster.flavor === 'redpanda' && user.kind !== 'admin') {
        new RedpandaUser(this, user.name, { user, mechanism: cluster.saslMechanism, ...props });
      }
    }
  }
}
