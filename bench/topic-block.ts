/**
 * A block of records on one topic (the offsets between two moments) and a
 * service measured while it works through it: the sustained rate comes from
 * its committed offsets, which the consumer runner moves only after the
 * handler finished, so the rate counts work done, not messages fetched.
 */
import { performance } from 'node:perf_hooks';
import { Admin } from '@platformatic/kafka';
import { defaultServiceSpec } from '../services/lib/platform-defaults.js';
import { endOffsets, setGroupOffsets, type Offsets } from '../test/services/lib/broker-support.js';
import { readLocalEnv } from '../test/support/local-env.js';
import { ServiceProcess } from './service-process.js';
import { sleep } from './stats.js';

/** Offsets of one topic before and after records were produced. */
export interface TopicBlock {
  readonly topic: string;
  readonly start: Offsets;
  readonly end: Offsets;
}

/** Produces with `produce` and returns the block it landed in (plus whatever other writers added meanwhile). */
export async function produceBlock(topic: string, produce: () => Promise<void>): Promise<TopicBlock> {
  const start = await endOffsets([topic]);
  await produce();
  return { topic, start, end: await endOffsets([topic]) };
}

/** Records in the block. */
export function blockSize(block: TopicBlock): number {
  return block.end.reduce((sum, e) => sum + Number(e.offset - block.start.find((s) => s.partition === e.partition)!.offset), 0);
}

/** Records of the block behind `group`'s committed offsets. */
async function committedProgress(admin: Admin, group: string, block: TopicBlock): Promise<number> {
  const [listed] = await admin.listConsumerGroupOffsets({ groups: [group] });
  let done = 0;
  for (const partition of listed?.topics.find((t) => t.name === block.topic)?.partitions ?? []) {
    const from = block.start.find((s) => s.partition === partition.partitionIndex)!.offset;
    if (partition.committedOffset > from) done += Number(partition.committedOffset - from);
  }
  return done;
}

/**
 * Watches `group` work through the block until it is done or `windowMs` has
 * passed since its first progress; returns its sustained records per second,
 * from the first progress seen (start-up and the group join do not count), or
 * from the start of the watch when one sample already saw the whole block.
 */
async function groupRate(group: string, block: TopicBlock, windowMs: number): Promise<number> {
  const admin = new Admin({ clientId: 'bench-progress', bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  const total = blockSize(block);
  try {
    const watchStart = { at: performance.now(), done: 0 };
    let first: { at: number; done: number } | undefined;
    let latest = watchStart;
    while (performance.now() < (first ? first.at : watchStart.at) + windowMs && latest.done < total) {
      await sleep(100);
      latest = { at: performance.now(), done: Math.min(total, await committedProgress(admin, group, block)) };
      if (!first && latest.done > 0) first = latest;
    }
    const from = first && first.done < latest.done ? first : watchStart;
    if (latest.done === from.done) throw new Error(`${group} made no progress through ${block.topic} in ${windowMs} ms`);
    return ((latest.done - from.done) / (latest.at - from.at)) * 1000;
  } finally {
    await admin.close();
  }
}

/**
 * Runs service `name` (a child process, in its own consumer group; `command`
 * to start something else in its place) over the block for at most
 * `windowMs`; returns its sustained rate and peak RSS. Its
 * group is left at the end of the block, so what it did not reach is never
 * read later.
 */
export async function serviceOverBlock(
  name: string,
  block: TopicBlock,
  windowMs: number,
  env: Record<string, string> = {},
  command?: readonly string[],
): Promise<{ rate: number; peakRssMiB: number }> {
  const group = defaultServiceSpec(name).consumerGroup;
  await setGroupOffsets(group, block.start);
  const service = await ServiceProcess.start(name, env, { command });
  try {
    const rate = await groupRate(group, block, windowMs);
    return { rate, peakRssMiB: service.memoryMiB().peakRss };
  } finally {
    await service.stop();
    await setGroupOffsets(group, block.end);
  }
}
