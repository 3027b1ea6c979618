/**
 * Least-privilege ACLs, derived from what each application consumes and
 * produces. Nothing here is written by hand in a stack file: adding a topic
 * to a service's `consumes` is what grants the read.
 */
import { LOCALE_ORDER, type NameOrder } from './name-order.js';
import type { AclOperation, AclSpec, ProducerSpec, ServiceSpec } from './types.js';

function topicAcl(name: string, operations: AclSpec['operations']): AclSpec {
  return { resourceType: 'topic', name, patternType: 'literal', operations };
}

function sortAcls(acls: AclSpec[], order: NameOrder): AclSpec[] {
  return acls.sort(
    (a, b) => order(a.resourceType, b.resourceType) || order(a.name, b.name) || order(a.operations.join(), b.operations.join()),
  );
}

/**
 * A consuming service may read (and describe) the topics it consumes and use
 * its own consumer group; it may write (and describe) what it produces and its
 * dead-letter topic. Kafka 3.0+ allows idempotent producers with topic Write
 * alone (KIP-679), so no cluster-level right is needed.
 */
export function serviceAcls(
  service: Pick<ServiceSpec, 'consumes' | 'produces' | 'deadLetterTopic' | 'consumerGroup' | 'fanOut'>,
  order: NameOrder = LOCALE_ORDER,
): AclSpec[] {
  const reads = new Set(service.consumes);
  const writes = new Set([...service.produces, service.deadLetterTopic]);
  const acls: AclSpec[] = [];
  for (const topic of new Set([...reads, ...writes])) {
    const operations: AclOperation[] = [];
    if (reads.has(topic)) operations.push('Read');
    if (writes.has(topic)) operations.push('Write');
    operations.push('Describe');
    acls.push(topicAcl(topic, operations));
  }
  acls.push(
    service.fanOut
      ? // One group per replica, each named after its pod: allow exactly that name prefix.
        { resourceType: 'group', name: `${service.consumerGroup}-`, patternType: 'prefixed', operations: ['Read', 'Describe'] }
      : { resourceType: 'group', name: service.consumerGroup, patternType: 'literal', operations: ['Read', 'Describe'] },
  );
  return sortAcls(acls, order);
}

/** A producing application may only write (and describe) its topics. */
export function producerAcls(producer: ProducerSpec, order: NameOrder = LOCALE_ORDER): AclSpec[] {
  return sortAcls(
    [...new Set(producer.produces)].map((topic) => topicAcl(topic, ['Write', 'Describe'])),
    order,
  );
}

/**
 * The lag exporter sees every topic and group and reads no message. What
 * kafka_exporter (v1.9.0, kafka_exporter.go `collect`) asks the brokers, and
 * the right Kafka checks for each (Kafka docs, "Authorization and ACLs";
 * KIP-231 for ListGroups and OffsetFetch):
 * - Metadata (topics, partitions, leaders, replicas, ISR): Describe on the topic;
 * - ListOffsets (`GetOffset` newest and oldest per partition): Describe on the topic;
 * - ListGroups: returns the groups the user may Describe (no cluster right needed since Kafka 2.1);
 * - DescribeGroups (members and their assignments): Describe on the group;
 * - OffsetFetch (committed offsets): Describe on the group, and Describe on each topic asked about.
 * It never fetches records nor reads configs, so no Read and no DescribeConfigs.
 * @see https://github.com/danielqsj/kafka_exporter/blob/master/kafka_exporter.go
 * @see https://cwiki.apache.org/confluence/display/KAFKA/KIP-231%3A+Improve+the+Required+ACL+of+ListGroups+API
 */
export function exporterAcls(): AclSpec[] {
  return [
    { resourceType: 'group', name: '*', patternType: 'literal', operations: ['Describe'] },
    { resourceType: 'topic', name: '*', patternType: 'literal', operations: ['Describe'] },
  ];
}

/**
 * Redpanda Console browses through the Kafka API as this user: topic lists and
 * partitions (Describe), topic configurations (DescribeConfigs), messages
 * (Fetch: Read), consumer groups with their offsets and lag (Describe on the
 * group). Nothing it may change: no Write, no Alter, no Delete, no group Read
 * (which would let it commit offsets), no cluster-level right.
 * @see https://docs.redpanda.com/current/console/config/connect-to-redpanda/
 */
export function consoleAcls(): AclSpec[] {
  return [
    { resourceType: 'group', name: '*', patternType: 'literal', operations: ['Describe'] },
    { resourceType: 'topic', name: '*', patternType: 'literal', operations: ['Read', 'Describe', 'DescribeConfigs'] },
  ];
}
