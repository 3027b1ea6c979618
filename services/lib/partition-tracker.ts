/**
 * What one consumer-group member owns, and how far it has handed each
 * partition's records to the handler: the bookkeeping that keeps a rebalance
 * from duplicating, reordering or committing backwards.
 *
 * Why it is needed (read from @platformatic/kafka 2.12's source,
 * `dist/clients/consumer/messages-stream.js` and `consumer.js`):
 * - On every `consumer:group:join` the messages stream re-reads the committed
 *   offsets of all its assigned partitions and fetches from there again
 *   (`#onConsumerGroupJoin` → `#refreshOffsets` → `#assignOffsets`), while up
 *   to `highWaterMark` records fetched before the join stay in the stream's
 *   buffer. Handling them as they come would handle the buffered records of
 *   revoked partitions, then the kept partitions' records from the committed
 *   offset again, older after newer.
 * - Every record carries `metadata.consumer.generationId`, the group
 *   generation current when its fetch response was pushed.
 * - `Consumer#commit` that fails with a rejoin error (ILLEGAL_GENERATION…)
 *   rejoins and retries the same request object under the new generation,
 *   whatever partitions it now owns (`#commit` → `joinGroup` → `#commit`), so
 *   a lost partition's commit could land after its new owner's and move it
 *   backwards. The offsets of a commit in flight are therefore kept here and
 *   pruned, in place, of every partition a join takes away.
 *
 * The rules: a record is handed to the handler only if its partition is owned
 * now, it was fetched during the current ownership (its generation is not
 * older than the one in which the partition was assigned), and its offset is
 * not below the next offset already handed on (a record fetched again after
 * the join's reset). A commit names owned partitions only, and never an
 * offset at or below one already committed in this ownership.
 */
import type { Message } from '@platformatic/kafka';
import { partitionKeyOf } from './message-processor.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** One offset to commit, in @platformatic/kafka's `CommitOptionsPartition` shape. */
export interface CommitOffset {
  readonly topic: string;
  readonly partition: number;
  /** The offset of the next record to read: the last handled one's plus 1. */
  readonly offset: bigint;
  readonly leaderEpoch: number;
}

/** What an assignment change did. */
export interface AssignmentChange {
  readonly generation: number;
  readonly assigned: readonly string[];
  readonly revoked: readonly string[];
  readonly kept: readonly string[];
}

/** Why records were not handed on. */
export interface AdmissionCounts {
  /** Partition not owned now (revoked, or never assigned). */
  readonly revoked: number;
  /** Fetched before the current ownership began. */
  readonly stale: number;
  /** Already handed on (fetched again after a join reset the position). */
  readonly duplicate: number;
}

interface Ownership {
  /** Generation in which this member got the partition. */
  readonly since: number;
  /** Offset of the last record handed on, once one was (kept as is: no new bigint per record). */
  last?: bigint;
  /** Highest offset committed during this ownership. */
  committed?: bigint;
}

/** The group generation a record was fetched in, when the client recorded it. */
export function generationOf(message: KafkaMessage): number | undefined {
  const consumer = (message.metadata as { consumer?: { generationId?: unknown } } | undefined)?.consumer;
  return typeof consumer?.generationId === 'number' ? consumer.generationId : undefined;
}

export class PartitionTracker {
  private readonly owned = new Map<string, Ownership>();
  private readonly inFlight = new Set<CommitOffset[]>();
  private generation = -1;

  /** The generation of the last assignment applied. */
  get currentGeneration(): number {
    return this.generation;
  }

  /** `topic:partition` keys owned now. */
  ownedPartitions(): string[] {
    return [...this.owned.keys()];
  }

  owns(topic: string, partition: number | null): boolean {
    return this.owned.has(partitionKeyOf(topic, partition));
  }

  /**
   * Applies the member's assignment after a join or rebalance (`null` when it
   * left the group). Revoked partitions are forgotten and pruned from commits
   * in flight; newly assigned ones start a new ownership at `generation`.
   */
  assign(generation: number, assignments: ReadonlyArray<{ topic: string; partitions: readonly number[] }> | null): AssignmentChange {
    const now = new Set<string>();
    for (const { topic, partitions } of assignments ?? []) for (const partition of partitions) now.add(partitionKeyOf(topic, partition));
    const revoked = [...this.owned.keys()].filter((key) => !now.has(key));
    const assigned = [...now].filter((key) => !this.owned.has(key));
    const kept = [...now].filter((key) => this.owned.has(key));
    for (const key of revoked) this.owned.delete(key);
    for (const key of assigned) this.owned.set(key, { since: generation });
    this.generation = generation;
    if (revoked.length > 0) {
      for (const offsets of this.inFlight) {
        for (let i = offsets.length - 1; i >= 0; i--) {
          if (!this.owned.has(partitionKeyOf(offsets[i]!.topic, offsets[i]!.partition))) offsets.splice(i, 1);
        }
      }
    }
    return { generation, assigned, revoked, kept };
  }

  /** Forgets everything (a new session starts from the committed offsets). */
  reset(): void {
    this.owned.clear();
    this.inFlight.clear();
    this.generation = -1;
  }

  /**
   * The records of `batch` that may be handed to the handler now, in order;
   * records them as handed on. See the module comment for the rules.
   */
  admit(batch: readonly KafkaMessage[]): { admitted: KafkaMessage[]; dropped: AdmissionCounts } {
    const admitted: KafkaMessage[] = [];
    let revoked = 0;
    let stale = 0;
    let duplicate = 0;
    // Records come in runs of one partition: look its ownership up once per run, not once per record.
    let topic: string | undefined;
    let partition: number | undefined;
    let ownership: Ownership | undefined;
    for (const message of batch) {
      if (message.topic !== topic || message.partition !== partition) {
        topic = message.topic;
        partition = message.partition;
        ownership = this.owned.get(partitionKeyOf(topic, partition));
      }
      if (ownership === undefined) {
        revoked++;
        continue;
      }
      const generation = generationOf(message);
      if (generation !== undefined && generation < ownership.since) {
        stale++;
        continue;
      }
      if (ownership.last !== undefined && message.offset <= ownership.last) {
        duplicate++;
        continue;
      }
      ownership.last = message.offset;
      admitted.push(message);
    }
    return { admitted, dropped: { revoked, stale, duplicate } };
  }

  /**
   * The offsets to commit for `targets` (per partition, the last record
   * handled), skipping partitions not owned now or listed in `skip`, and
   * offsets not beyond what was committed. The array is tracked until
   * `settled` so that a join prunes it in place.
   */
  commitOffsets(targets: readonly KafkaMessage[], skip: ReadonlySet<string> = new Set()): CommitOffset[] {
    const offsets: CommitOffset[] = [];
    for (const message of targets) {
      const key = partitionKeyOf(message.topic, message.partition);
      const ownership = this.owned.get(key);
      if (ownership === undefined || skip.has(key)) continue;
      const offset = message.offset + 1n;
      if (ownership.committed !== undefined && offset <= ownership.committed) continue;
      offsets.push({ topic: message.topic, partition: message.partition, offset, leaderEpoch: message.leaderEpoch });
    }
    if (offsets.length > 0) this.inFlight.add(offsets);
    return offsets;
  }

  /** Ends tracking of a commit; on success records what it committed (what was left of it after pruning). */
  settled(offsets: CommitOffset[], succeeded: boolean): void {
    this.inFlight.delete(offsets);
    if (!succeeded) return;
    for (const { topic, partition, offset } of offsets) {
      const ownership = this.owned.get(partitionKeyOf(topic, partition));
      if (ownership && (ownership.committed === undefined || offset > ownership.committed)) ownership.committed = offset;
    }
  }
}
