/**
 * The guard rails: topic changes that lose data, cannot be carried out, or
 * break what consumers rely on, refused before anything is rendered or
 * applied. One list, used by `npm run plan`, by `npm run synth -- --base`, by
 * `npm run adopt` and by the Pulumi program (against what the stack last
 * deployed), so a refusal reads the same wherever it appears.
 *
 * Each finding names the path, the old and new value, why, and what to do
 * instead. Some can be accepted on purpose in the stack file under
 * `acknowledge`, naming the value the change goes to (so an acknowledgement
 * left behind after its deploy cannot accept a later, different change).
 */
import { formatList } from '../errors.js';
import type { AcknowledgementsSpec, ClusterFlavor, PlatformSpec, TopicSpec } from '../types.js';
import { consumersOf, pairTopics, type PreviousState, type TopicFacts, type TopicPairing } from './topic-pairs.js';
import { count, humanDuration } from './units.js';

export type RailId =
  | 'partition-decrease'
  | 'replication-change'
  | 'topic-removal'
  | 'topic-rename'
  | 'keyed-partition-increase'
  | 'cleanup-policy-switch'
  | 'retention-floor';

/** `refused` stops everything; `acknowledged` goes ahead as the stack file says; `warning` goes ahead, loudly. */
export type Verdict = 'refused' | 'acknowledged' | 'warning';

export interface RailFinding {
  readonly rail: RailId;
  readonly verdict: Verdict;
  /** Where the change is written, e.g. `topics.task-events.partitions`. */
  readonly path: string;
  /** Old value in human units (`none` when there was none). */
  readonly before: string;
  readonly after: string;
  /** What the change would do, and to what data. */
  readonly why: string;
  /** What to do instead (or, when acknowledged, which entry accepted it). */
  readonly instead: string;
}

/** What a rail looks at. */
export interface RailContext {
  /** The earlier state; undefined on a first deploy (only rails on the new state alone apply). */
  readonly previous: PreviousState | undefined;
  readonly next: PlatformSpec;
  readonly pairing: TopicPairing;
  /** Topics are protected when either state protects them: turning protection off is a change of its own. */
  readonly protectedTopics: boolean;
}

export interface GuardRail {
  readonly id: RailId;
  /** What the rail protects against, in one sentence (README, `--help`). */
  readonly summary: string;
  /** The `acknowledge` key that accepts the change, or null when nothing can. */
  readonly acknowledge: keyof AcknowledgementsSpec | null;
  readonly check: (context: RailContext) => RailFinding[];
}

/** The stack file entry that acknowledges `kind` for `topic` at `value`, in YAML flow style. */
export function acknowledgementEntry(kind: keyof AcknowledgementsSpec, topic: string, value: string | number): string {
  return `acknowledge: { ${kind}: { ${topic}: ${value} } }`;
}

/** Refused, or acknowledged when the stack file names exactly this target value. */
function acknowledgeable(
  context: RailContext,
  kind: keyof AcknowledgementsSpec,
  topic: string,
  target: string | number,
  finding: Omit<RailFinding, 'verdict' | 'instead'> & { instead: string },
): RailFinding {
  const given = context.next.acknowledgements?.[kind]?.[topic];
  if (given !== undefined && String(given) === String(target)) {
    return { ...finding, verdict: 'acknowledged', instead: `acknowledged in the stack file: ${acknowledgementEntry(kind, topic, target)}` };
  }
  const stale = given === undefined ? '' : ` (acknowledge.${kind}.${topic} in the stack file accepts ${given}, not ${target})`;
  return { ...finding, verdict: 'refused', instead: `${finding.instead}${stale}` };
}

function describeData(topic: TopicFacts): string {
  return `up to ${humanDuration(topic.retentionMs)} of messages in ${count(topic.partitions, 'partition')}`;
}

function usedBy(context: RailContext, topic: string): string {
  const consumers = [...new Set([...consumersOf(context.previous ?? {}, topic), ...consumersOf(context.next, topic)])].sort();
  return consumers.length === 0 ? '' : `; consumed by ${consumers.join(', ')}`;
}

const PROTECTION_STEP = 'set protectTopics: false in a change of its own first, then';

/**
 * What applies a stack's topics, by flavor, and what it does with a topic
 * change Kafka cannot make in place (fewer partitions): an operator takes the
 * new manifest and then refuses to reconcile it; a Pulumi provider plans a
 * replacement, deleting the topic and creating it anew (`protectTopics` turns
 * that into an error).
 */
const TOPIC_APPLIERS: Readonly<Record<ClusterFlavor, { readonly name: string; readonly onFewerPartitions: 'rejects' | 'replaces' }>> = {
  strimzi: { name: "Strimzi's topic operator", onFewerPartitions: 'rejects' },
  redpanda: { name: 'the Redpanda operator', onFewerPartitions: 'rejects' },
  external: { name: '@pulumi/kafka', onFewerPartitions: 'replaces' },
  'confluent-cloud': { name: '@pulumi/confluentcloud', onFewerPartitions: 'replaces' },
};

/** What the stack's topic applier does with fewer partitions, e.g. `@pulumi/confluentcloud would replace the topic`. */
function fewerPartitionsOutcome(flavor: ClusterFlavor): string {
  const applier = TOPIC_APPLIERS[flavor];
  return applier.onFewerPartitions === 'replaces'
    ? `${applier.name} would replace the topic`
    : `${applier.name} rejects it only after the apply`;
}

/**
 * Share of keys that land on another partition when a topic goes from `from`
 * to `to` partitions under `hash % n` (uniform hashes): 3 → 6 moves 50 %, 3 → 4 moves 75 %.
 */
export function movedKeyShare(from: number, to: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const period = (from * to) / gcd(from, to);
  let stay = 0;
  for (let h = 0; h < period; h++) if (h % from === h % to) stay++;
  return 1 - stay / period;
}

function cleanupConsequence(topic: TopicSpec, from: string, to: string): string {
  const compacts = (p: string) => p.split(',').includes('compact');
  const deletes = (p: string) => p.split(',').includes('delete');
  const retention = humanDuration(topic.retentionMs);
  if (compacts(to) && !compacts(from)) {
    return topic.key
      ? `compaction keeps only the newest record of each ${topic.key} and deletes the older ones for good`
      : `compaction keeps only the newest record of each key and deletes the older ones for good, and ${topic.name} has no key: the broker rejects every record without one`;
  }
  if (deletes(to) && !deletes(from)) {
    return `time-based deletion removes every record older than ${retention}, including the newest value of keys that compaction kept`;
  }
  return `records are then kept by ${to} rules instead of ${from}: consumers reading the topic from the start see a different history`;
}

/** Every rail, in the order findings are reported. */
export const GUARD_RAILS: readonly GuardRail[] = [
  {
    id: 'partition-decrease',
    summary: 'Kafka cannot remove partitions; fewer partitions means deleting the topic with its messages.',
    acknowledge: null,
    check: ({ pairing, next }) =>
      pairing.kept
        .filter(([before, after]) => after.partitions < before.partitions)
        .map(([before, after]) => ({
          rail: 'partition-decrease',
          verdict: 'refused',
          path: `topics.${after.name}.partitions`,
          before: String(before.partitions),
          after: String(after.partitions),
          why: `Kafka cannot remove partitions: the only way to ${count(after.partitions, 'partition')} is deleting ${after.name} with ${describeData(before)} (${fewerPartitionsOutcome(next.cluster.flavor)})`,
          instead: `keep ${count(before.partitions, 'partition')}; if ${after.partitions} are really needed, add a new topic with ${count(after.partitions, 'partition')}, move the producers and consumers to it, and remove ${after.name} once it is drained`,
        })),
  },
  {
    id: 'replication-change',
    summary: 'A replication-factor change is a partition reassignment; it needs a plan and an explicit acknowledgement.',
    acknowledge: 'replicationChange',
    check: (context) =>
      context.pairing.kept
        .filter(([before, after]) => after.replicationFactor !== before.replicationFactor)
        .map(([before, after]) =>
          acknowledgeable(context, 'replicationChange', after.name, after.replicationFactor, {
            rail: 'replication-change',
            path: `topics.${after.name}.replicationFactor`,
            before: String(before.replicationFactor),
            after: String(after.replicationFactor),
            why: `changing the replication factor is a partition reassignment: every partition of ${after.name} is copied to other brokers while the cluster serves traffic (Strimzi needs Cruise Control for it)`,
            instead: `plan the reassignment for a quiet period, then acknowledge it in the stack file with ${acknowledgementEntry('replicationChange', after.name, after.replicationFactor)}`,
          }),
        ),
  },
  {
    id: 'topic-removal',
    summary: 'Removing a topic deletes its messages: refused in a stack that protects its topics, a loud warning elsewhere.',
    acknowledge: null,
    check: (context) =>
      context.pairing.removed.map((before) => ({
        rail: 'topic-removal',
        verdict: context.protectedTopics ? 'refused' : 'warning',
        path: `topics.${before.name}`,
        before: before.name,
        after: 'none',
        why: `removing ${before.name} deletes it with ${describeData(before)}${usedBy(context, before.name)}${context.protectedTopics ? ', and this stack protects its topics (protectTopics: true)' : ''}`,
        instead: context.protectedTopics
          ? `keep ${before.name} in the spec; to retire it, stop its producers, let its consumers drain it, ${PROTECTION_STEP} remove it`
          : `keep ${before.name} in the spec if its messages must stay`,
      })),
  },
  {
    id: 'topic-rename',
    summary: 'Kafka cannot rename a topic; a rename creates an empty topic and deletes the old one with its messages.',
    acknowledge: null,
    check: (context) =>
      context.pairing.renamed.map(([before, after]) => ({
        rail: 'topic-rename',
        verdict: context.protectedTopics ? 'refused' : 'warning',
        path: `topics.${after.name}`,
        before: before.name,
        after: after.name,
        why: `Kafka cannot rename a topic: ${after.name} would be a new, empty topic and ${before.name} would be deleted with ${describeData(before)}${usedBy(context, before.name)}`,
        instead: `keep ${before.name}; add ${after.name} as a topic of its own, move producers and consumers to it, and remove ${before.name} once it is drained${context.protectedTopics ? ` (${PROTECTION_STEP} remove it)` : ''}`,
      })),
  },
  {
    id: 'keyed-partition-increase',
    summary:
      "More partitions move a keyed topic's keys to other partitions, so per-key order breaks for a while; it needs an acknowledgement.",
    acknowledge: 'partitionIncrease',
    check: (context) =>
      context.pairing.kept
        .filter(([before, after]) => after.key !== null && after.partitions > before.partitions)
        .map(([before, after]) => {
          const moved = Math.round(movedKeyShare(before.partitions, after.partitions) * 100);
          return acknowledgeable(context, 'partitionIncrease', after.name, after.partitions, {
            rail: 'keyed-partition-increase',
            path: `topics.${after.name}.partitions`,
            before: String(before.partitions),
            after: String(after.partitions),
            why: `${after.name} is keyed by ${after.key}: murmur2(key) % ${after.partitions} puts ${moved}% of keys on another partition than % ${before.partitions}, so until the old partitions are drained, events of one ${after.key} can be consumed out of order (new ones before older ones still waiting on the old partition)${usedBy(context, after.name)}`,
            instead: `let the consumers catch up with producers paused (or accept the reordering), then acknowledge it in the stack file with ${acknowledgementEntry('partitionIncrease', after.name, after.partitions)}`,
          });
        }),
  },
  {
    id: 'cleanup-policy-switch',
    summary: 'Switching cleanup.policy deletes records by other rules than consumers expect; it needs an acknowledgement.',
    acknowledge: 'cleanupPolicyChange',
    check: (context) =>
      context.pairing.kept
        .filter(([before, after]) => after.cleanupPolicy !== before.cleanupPolicy)
        .map(([before, after]) =>
          acknowledgeable(context, 'cleanupPolicyChange', after.name, after.cleanupPolicy, {
            rail: 'cleanup-policy-switch',
            path: `topics.${after.name}.cleanupPolicy`,
            before: String(before.cleanupPolicy),
            after: after.cleanupPolicy,
            why: `switching ${after.name} from ${before.cleanupPolicy} to ${after.cleanupPolicy}: ${cleanupConsequence(after, String(before.cleanupPolicy), after.cleanupPolicy)}`,
            instead: `add a new topic with cleanupPolicy ${after.cleanupPolicy} and migrate to it, or acknowledge it in the stack file with ${acknowledgementEntry('cleanupPolicyChange', after.name, after.cleanupPolicy)}`,
          }),
        ),
  },
  {
    id: 'retention-floor',
    summary: "A topic's retention may not go below the retentionFloor it declares, nor below the one in force before the change.",
    acknowledge: null,
    check: ({ pairing, next }) => {
      const previousOf = new Map(pairing.kept.map(([b, a]) => [a.name, b] as const));
      return next.topics.flatMap((topic) => {
        const before = previousOf.get(topic.name);
        const earlierFloor = before?.retentionFloorMs ?? null;
        const floor = Math.max(topic.retentionFloorMs ?? 0, earlierFloor ?? 0);
        if (floor === 0 || topic.retentionMs >= floor) return [];
        const lowered = earlierFloor !== null && earlierFloor === floor && (topic.retentionFloorMs ?? 0) < floor;
        return [
          {
            rail: 'retention-floor' as const,
            verdict: 'refused' as const,
            path: `topics.${topic.name}.retention`,
            before: before ? humanDuration(before.retentionMs) : 'none',
            after: humanDuration(topic.retentionMs),
            why: `${topic.name} declares that it keeps messages at least ${humanDuration(floor)} (retentionFloor${lowered ? ', before this change' : ''}); with ${humanDuration(topic.retentionMs)} the broker deletes what consumers may still need`,
            instead: `keep retention at ${humanDuration(floor)} or more; if the messages may really go sooner, lower topics.${topic.name}.retentionFloor in a change of its own first`,
          },
        ];
      });
    },
  },
];

/** What the guard rails found, by verdict. */
export interface RailReport {
  readonly refused: readonly RailFinding[];
  readonly acknowledged: readonly RailFinding[];
  readonly warnings: readonly RailFinding[];
  /** Every finding, in rail order. */
  readonly findings: readonly RailFinding[];
}

/** Runs every rail on the change from `previous` (undefined: nothing deployed yet) to `next`. */
export function checkGuardRails(previous: PreviousState | undefined, next: PlatformSpec): RailReport {
  const pairing = pairTopics(previous?.topics ?? [], next, previous ?? {});
  const context: RailContext = {
    previous,
    next,
    pairing,
    protectedTopics: next.protectTopics || previous?.protectTopics === true,
  };
  const findings = GUARD_RAILS.flatMap((rail) => rail.check(context));
  return {
    findings,
    refused: findings.filter((f) => f.verdict === 'refused'),
    acknowledged: findings.filter((f) => f.verdict === 'acknowledged'),
    warnings: findings.filter((f) => f.verdict === 'warning'),
  };
}

/**
 * One finding as one line, the same in every output:
 * `topics.task-events.partitions: 3 → 2: <why>; <instead>`.
 */
export function findingText(finding: RailFinding): string {
  return `${finding.path}: ${finding.before} → ${finding.after}: ${finding.why}; ${finding.instead}`;
}

const HEADINGS: Record<Verdict, (n: number) => string> = {
  refused: (n) => `${count(n, 'change')} refused by the guard rails`,
  acknowledged: (n) => `${count(n, 'risky change')} acknowledged`,
  warning: (n) => `${count(n, 'warning')}: data will be deleted`,
};

/** `<source> has 1 change refused by the guard rails:` and one `  - <finding>` line each. */
export function formatFindings(source: string, findings: readonly RailFinding[], verdict: Verdict = 'refused'): string {
  return formatList(source, HEADINGS[verdict](findings.length), findings.map(findingText));
}

/** Thrown when a change is refused; `findings` are the refused ones. Never worth retrying unchanged. */
export class ChangeRefusedError extends Error {
  readonly code = 'CHANGE_REFUSED';
  readonly canRetry = false;

  constructor(
    readonly source: string,
    readonly findings: readonly RailFinding[],
  ) {
    super(formatFindings(source, findings));
    this.name = 'ChangeRefusedError';
  }
}
