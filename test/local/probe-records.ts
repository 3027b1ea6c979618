/**
 * The ACL tests produce real records into spec topics (an allowed write
 * writes). Later suites consume those topics from the earliest offset, and a
 * probe record would reach them as a poison message; so the suites that write
 * delete the records of the spec topics afterwards (jest runs suites one at a
 * time, so only finished suites' records go with them).
 */
import { Admin, ListOffsetTimestamps } from '@platformatic/kafka';
import type { TopicSpec } from '../../platform/index.js';

/** Deletes every record currently in the topics (log start moves to the end offset). */
export async function deleteAllRecords(plaintextBootstrap: string, topics: readonly TopicSpec[]): Promise<void> {
  const admin = new Admin({ clientId: 'acl-test-cleanup', bootstrapBrokers: [plaintextBootstrap] });
  try {
    const offsets = await admin.listOffsets({
      topics: topics.map((t) => ({
        name: t.name,
        partitions: Array.from({ length: t.partitions }, (_, partitionIndex) => ({
          partitionIndex,
          timestamp: ListOffsetTimestamps.LATEST,
        })),
      })),
    });
    const targets = offsets
      .map((t) => ({
        name: t.name,
        partitions: t.partitions.filter((p) => p.offset > 0n).map((p) => ({ partition: p.partitionIndex, offset: p.offset })),
      }))
      .filter((t) => t.partitions.length > 0);
    if (targets.length > 0) await admin.deleteRecords({ topics: targets });
  } finally {
    await admin.close();
  }
}
