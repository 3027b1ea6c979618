import type { Message } from '@platformatic/kafka';
import { PartitionTracker } from '../../../services/lib/partition-tracker.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** A record as @platformatic/kafka pushes it: fetched during `generation`. */
function record(partition: number, offset: number, generation: number, topic = 'task-events'): KafkaMessage {
  return {
    topic,
    partition,
    offset: BigInt(offset),
    leaderEpoch: 0,
    metadata: { consumer: { generationId: generation } },
  } as unknown as KafkaMessage;
}

const offsets = (messages: readonly KafkaMessage[]) => messages.map((m) => `${m.partition}@${m.offset}`);
const assignment = (...partitions: number[]) => [{ topic: 'task-events', partitions }];

describe('PartitionTracker', () => {
  it('hands on every record of owned partitions, in order, when nothing changes', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0, 1));
    const { admitted, dropped } = tracker.admit([record(0, 0, 1), record(1, 0, 1), record(0, 1, 1)]);
    expect([offsets(admitted), dropped]).toEqual([['0@0', '1@0', '0@1'], { revoked: 0, stale: 0, duplicate: 0 }]);
  });

  it('drops the read-ahead records of a revoked partition and keeps those of kept partitions', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0, 1, 2));
    tracker.admit([record(0, 10, 1), record(1, 10, 1), record(2, 10, 1)]);
    const change = tracker.assign(2, assignment(0));
    expect(change).toEqual({ generation: 2, assigned: [], revoked: ['task-events:1', 'task-events:2'], kept: ['task-events:0'] });
    const { admitted, dropped } = tracker.admit([record(0, 11, 1), record(1, 11, 1), record(2, 11, 1)]);
    expect([offsets(admitted), dropped]).toEqual([['0@11'], { revoked: 2, stale: 0, duplicate: 0 }]);
  });

  it('does not hand on twice what a kept partition fetches again from its committed offset after a join', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0));
    tracker.admit([record(0, 5, 1), record(0, 6, 1), record(0, 7, 1)]);
    tracker.assign(2, assignment(0));
    // Still buffered from before the join (8, 9), then fetched again from the committed offset 5.
    const { admitted, dropped } = tracker.admit([
      record(0, 8, 1),
      record(0, 9, 1),
      record(0, 5, 2),
      record(0, 6, 2),
      record(0, 9, 2),
      record(0, 10, 2),
    ]);
    expect([offsets(admitted), dropped]).toEqual([['0@8', '0@9', '0@10'], { revoked: 0, stale: 0, duplicate: 3 }]);
  });

  it('drops records fetched during an earlier ownership of a partition that came back', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0, 1));
    tracker.assign(2, assignment(0));
    tracker.assign(3, assignment(0, 1));
    // Partition 1 records fetched in generation 1 are older than what its owner in generation 2 committed.
    const { admitted, dropped } = tracker.admit([record(1, 40, 1), record(1, 30, 3), record(1, 31, 3)]);
    expect([offsets(admitted), dropped]).toEqual([['1@30', '1@31'], { revoked: 0, stale: 1, duplicate: 0 }]);
  });

  it('commits owned partitions only, never at or below what it committed', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0, 1));
    const first = tracker.commitOffsets([record(0, 9, 1), record(1, 4, 1)]);
    expect(first.map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:10', '1:5']);
    tracker.settled(first, true);
    expect(tracker.commitOffsets([record(0, 9, 1)])).toEqual([]);
    tracker.assign(2, assignment(0));
    expect(tracker.commitOffsets([record(0, 12, 1), record(1, 8, 1)]).map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:13']);
    expect(tracker.commitOffsets([record(0, 20, 2)], new Set(['task-events:0']))).toEqual([]);
  });

  it('prunes a commit in flight of the partitions a join takes away, so the client cannot retry them under the new generation', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0, 1, 2));
    const inFlight = tracker.commitOffsets([record(0, 1, 1), record(1, 1, 1), record(2, 1, 1)]);
    tracker.assign(2, assignment(1));
    expect(inFlight.map((o) => o.partition)).toEqual([1]);
    tracker.settled(inFlight, true);
    tracker.assign(3, assignment(0, 1));
    // Partition 0 came back: a new ownership, nothing committed yet by this member in it.
    expect(tracker.commitOffsets([record(0, 1, 3)]).map((o) => `${o.partition}:${o.offset}`)).toEqual(['0:2']);
  });

  it('forgets every partition when it leaves the group', () => {
    const tracker = new PartitionTracker();
    tracker.assign(1, assignment(0));
    expect(tracker.assign(1, null).revoked).toEqual(['task-events:0']);
    expect(tracker.owns('task-events', 0)).toBe(false);
  });
});
