import type { Message } from '@platformatic/kafka';
import { InFlightBatches } from '../../../services/lib/in-flight-batches.js';
import type { BatchOutcome } from '../../../services/lib/message-processor.js';

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

const record = (partition: number, offset: number) =>
  ({ topic: 'task-events', partition, offset: BigInt(offset), leaderEpoch: 0 }) as unknown as KafkaMessage;
const outcome = (completed: number): BatchOutcome => ({ completed, succeeded: completed, deadLettered: 0, abandoned: new Set() });

/** A handler call the test finishes by hand. */
function call() {
  let finish!: (completed: number) => void;
  const promise = new Promise<BatchOutcome>((resolve) => (finish = (completed) => resolve(outcome(completed))));
  return { promise, finish };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('InFlightBatches', () => {
  it('commits a batch that finished first only once every batch read before it finished, in one commit', async () => {
    const commits: string[][] = [];
    const window = new InFlightBatches(2, async (targets) => void commits.push(targets.map((t) => `${t.partition}@${t.offset}`)));
    const first = call();
    const second = call();
    window.add([record(0, 1), record(0, 2)], first.promise);
    window.add([record(0, 3), record(1, 7)], second.promise);
    second.finish(2);
    await flush();
    expect(commits).toEqual([]);
    first.finish(2);
    await window.drain();
    expect(commits).toEqual([['0@3', '1@7']]);
  });

  it('lets no more handler calls run at once than its concurrency', async () => {
    const window = new InFlightBatches(2, async () => {});
    const calls = [call(), call(), call()];
    window.add([record(0, 1)], calls[0]!.promise);
    window.add([record(0, 2)], calls[1]!.promise);
    let third = false;
    const slot = window.slot().then(() => (third = true));
    await flush();
    expect(third).toBe(false);
    calls[0]!.finish(1);
    await slot;
    expect(window.handling).toBe(1);
  });

  it('commits a batch that stopped early up to its completed prefix and nothing read after it', async () => {
    const commits: string[][] = [];
    const window = new InFlightBatches(2, async (targets) => void commits.push(targets.map((t) => `${t.partition}@${t.offset}`)));
    const stopped = call();
    const later = call();
    window.add([record(0, 1), record(0, 2), record(0, 3)], stopped.promise);
    window.add([record(0, 4)], later.promise);
    later.finish(1);
    stopped.finish(1);
    await window.drain();
    expect(commits).toEqual([['0@1']]);
    expect(await window.slot()).toBe(false);
  });

  it('throws a failed commit from slot and drain, and commits nothing after it', async () => {
    const failure = new Error('commit timed out');
    let commits = 0;
    const window = new InFlightBatches(1, async () => {
      commits++;
      throw failure;
    });
    window.add([record(0, 1)], Promise.resolve(outcome(1)));
    await expect(window.drain()).rejects.toBe(failure);
    await expect(window.slot()).rejects.toBe(failure);
    expect(commits).toBe(1);
  });

  describe('paced commits (commitIntervalMs)', () => {
    const labels = (targets: readonly KafkaMessage[]) => targets.map((t) => `${t.partition}@${t.offset}`);

    /**
     * Three batches of one record on partition 0 (offsets 1, 2, 3) with `intervalMs`: the first
     * finishes and commits, the third is added, then the second finishes while the third runs.
     */
    async function secondFinishedWhileThirdRuns(intervalMs?: number) {
      const commits: string[][] = [];
      const window = new InFlightBatches(2, async (targets) => void commits.push(labels(targets)), {}, intervalMs);
      const calls = [call(), call(), call()];
      window.add([record(0, 1)], calls[0]!.promise);
      window.add([record(0, 2)], calls[1]!.promise);
      calls[0]!.finish(1);
      await flush();
      // The first commit goes at once: none came before it.
      expect(commits).toEqual([['0@1']]);
      window.add([record(0, 3)], calls[2]!.promise);
      calls[1]!.finish(1);
      await flush();
      return { commits, window, third: calls[2]! };
    }

    it('holds a commit back while a handler call runs, and sends what waited at once when none is left', async () => {
      // An interval no test run reaches: only the end of the last handler call can release the commit.
      const { commits, window, third } = await secondFinishedWhileThirdRuns(3_600_000);
      expect(commits).toEqual([['0@1']]);
      third.finish(1);
      await window.drain();
      expect(commits).toEqual([['0@1'], ['0@3']]);
    });

    it('sends a held commit once the interval has passed, while handler calls still run', async () => {
      const { commits, window, third } = await secondFinishedWhileThirdRuns(20);
      while (commits.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(commits).toEqual([['0@1'], ['0@2']]);
      expect(window.handling).toBe(1);
      third.finish(1);
      await window.drain();
      expect(commits).toEqual([['0@1'], ['0@2'], ['0@3']]);
    });

    it('without an interval commits each batch as soon as the one before has committed', async () => {
      const { commits, window, third } = await secondFinishedWhileThirdRuns();
      expect(commits).toEqual([['0@1'], ['0@2']]);
      third.finish(1);
      await window.drain();
      expect(commits).toEqual([['0@1'], ['0@2'], ['0@3']]);
    });
  });

  it('refuses a concurrency below 1', () => {
    expect(() => new InFlightBatches(0, async () => {})).toThrow('concurrency: 0 is not allowed; use 1 or more');
  });
});
