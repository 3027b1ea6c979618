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
import type { MeasuredUse } from './resources.js';
import { coresBetween, IDLE_SETTLE_MS, ServiceProcess, type CpuSample } from './service-process.js';
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
 * from the start of the watch when one sample already saw the whole block,
 * and the CPU `cpu` reports over that same interval, in cores.
 */
export async function groupRate(
  group: string,
  block: TopicBlock,
  windowMs: number,
  cpu: () => CpuSample,
): Promise<{ rate: number; cores: number }> {
  const admin = new Admin({ clientId: 'bench-progress', bootstrapBrokers: [readLocalEnv().plaintextBootstrapServers] });
  const total = blockSize(block);
  try {
    const watchStart = { ...cpu(), done: 0 };
    let first: typeof watchStart | undefined;
    let latest = watchStart;
    while (performance.now() < (first ? first.at : watchStart.at) + windowMs && latest.done < total) {
      await sleep(100);
      const done = Math.min(total, await committedProgress(admin, group, block));
      latest = { ...cpu(), done };
      if (!first && latest.done > 0) first = latest;
    }
    const from = first && first.done < latest.done ? first : watchStart;
    if (latest.done === from.done) throw new Error(`${group} made no progress through ${block.topic} in ${windowMs} ms`);
    return { rate: ((latest.done - from.done) / (latest.at - from.at)) * 1000, cores: coresBetween(from, latest) };
  } finally {
    await admin.close();
  }
}

/** What a service used: its sustained rate over the block and its resources. */
export interface ServiceRun {
  /** Records per second. */
  readonly rate: number;
  readonly peakRssMiB: number;
  /** Resident memory once started and idle (see `ServiceProcess.idleRssMiB`). */
  readonly idleRssMiB: number;
  readonly idleCores: number;
  /** CPU while working through the block at full speed, in cores. */
  readonly busyCores: number;
}

/** A consumer's use for `recommendResources`: steady = idle and caught up, busy = draining the block. */
export function measuredUse(run: ServiceRun): MeasuredUse {
  return { steadyRssMiB: run.idleRssMiB, peakRssMiB: run.peakRssMiB, steadyCores: run.idleCores, busyCores: run.busyCores };
}

/**
 * Runs service `name` (a child process, in its own consumer group; `command`
 * to start something else in its place) first idle for `IDLE_SETTLE_MS`, then
 * over the block for at most `windowMs`; returns its sustained rate, memory
 * and CPU. Its
 * group is left at the end of the block, so what it did not reach is never
 * read later.
 */
export async function serviceOverBlock(
  name: string,
  block: TopicBlock,
  windowMs: number,
  env: Record<string, string> = {},
  command?: readonly string[],
): Promise<ServiceRun> {
  const group = defaultServiceSpec(name).consumerGroup;
  // First idle, its group at the end of the block (nothing to read): the steady state of a caught-up replica.
  await setGroupOffsets(group, block.end);
  const idle = await ServiceProcess.start(name, env, { command, settleMs: IDLE_SETTLE_MS });
  await idle.stop();
  await setGroupOffsets(group, block.start);
  const service = await ServiceProcess.start(name, env, { command });
  try {
    const { rate, cores } = await groupRate(group, block, windowMs, () => service.cpuSample());
    return {
      rate,
      peakRssMiB: service.memoryMiB().peakRss,
      idleRssMiB: idle.idleRssMiB,
      idleCores: idle.idleCores,
      busyCores: cores,
    };
  } finally {
    await service.stop();
    await setGroupOffsets(group, block.end);
  }
}
