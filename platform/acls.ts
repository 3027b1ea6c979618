/**
 * Least-privilege ACLs, derived from what each application consumes and
 * produces. Nothing here is written by hand in a stack file: adding a topic
 * to a service's `consumes` is what grants the read.
 */
import type { AclOperation, AclSpec, ProducerSpec, ServiceSpec } from './types.js';

function topicAcl(name: string, operations: AclSpec['operations']): AclSpec {
  return { resourceType: 'topic', name, patternType: 'literal', operations };
}

function sortAcls(acls: AclSpec[]): AclSpec[] {
  return acls.sort(
    (a, b) =>
      a.resourceType.localeCompare(b.resourceType) ||
      a.name.localeCompare(b.name) ||
      a.operations.join().localeCompare(b.operations.join()),
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
  return sortAcls(acls);
}

/** A producing application may only write (and describe) its topics. */
export function producerAcls(producer: ProducerSpec): AclSpec[] {
  return sortAcls([...new Set(producer.produces)].map((topic) => topicAcl(topic, ['Write', 'Describe'])));
}

/**
 * The lag exporter and the console see every topic and group but change
 * nothing: they read and describe topics (the console shows messages) and
 * describe groups (committed offsets). No write, no cluster-level right.
 */
export function monitoringAcls(): AclSpec[] {
  return [
    { resourceType: 'group', name: '*', patternType: 'literal', operations: ['Describe'] },
    { resourceType: 'topic', name: '*', patternType: 'literal', operations: ['Read', 'Describe', 'DescribeConfigs'] },
  ];
}
