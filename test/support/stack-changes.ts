/**
 * Stack specs with a change applied, and the exact texts the guard rails give
 * for them, for the tests of `plan`, `synth -- --base` and the program: one
 * refusal must read the same in all three.
 */
import { fileURLToPath } from 'node:url';
import { platformFromConfig, readStackConfig, stackFile, type PlatformSpec } from '../../platform/index.js';
import { deepMerge } from '../../platform/merge.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The raw `todo-events:platform` of a stack file of this repository with `patch` merged over it (lists replace, null removes). */
export function stackConfig(stack: string, patch: unknown = {}): Record<string, unknown> {
  return deepMerge(readStackConfig(stackFile(REPO_ROOT, stack)) as Record<string, unknown>, patch);
}

/** The resolved spec of `stackConfig(stack, patch)`. */
export function specWith(stack: string, patch: unknown = {}): PlatformSpec {
  return platformFromConfig(stack, stackConfig(stack, patch));
}

/** The refusal of `task-events` going from 3 partitions to 2, `applier` naming what would carry it out in that stack. */
function partitionDecreaseRefusal(applier: string): string {
  return (
    'topics.task-events.partitions: 3 → 2: Kafka cannot remove partitions: the only way to 2 partitions is deleting task-events with up to 7d of messages in 3 partitions ' +
    `(${applier}); keep 3 partitions; if 2 are really needed, ` +
    'add a new topic with 2 partitions, move the producers and consumers to it, and remove task-events once it is drained'
  );
}

/** The guard rails' refusal of `task-events` going from 3 partitions to 2 in the dev stack (Redpanda), word for word. */
export const DEV_PARTITION_DECREASE_REFUSAL = partitionDecreaseRefusal('the Redpanda operator rejects it only after the apply');

/** The same refusal in the confluent stack, whose topics @pulumi/confluentcloud manages, word for word. */
export const CONFLUENT_PARTITION_DECREASE_REFUSAL = partitionDecreaseRefusal('@pulumi/confluentcloud would replace the topic');

/** The refusal of `task-events` going from 3 to 6 partitions without an acknowledgement, word for word. */
export const DEV_KEYED_INCREASE_REFUSAL =
  'topics.task-events.partitions: 3 → 6: task-events is keyed by user_id: murmur2(key) % 6 puts 50% of keys on another partition than % 3, ' +
  'so until the old partitions are drained, events of one user_id can be consumed out of order (new ones before older ones still waiting on the old partition); ' +
  'consumed by audit, recurring-task; let the consumers catch up with producers paused (or accept the reordering), ' +
  'then acknowledge it in the stack file with acknowledge: { partitionIncrease: { task-events: 6 } }';
