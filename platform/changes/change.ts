/**
 * One difference between two states of the platform (two revisions of a
 * stack, or a stack and its live cluster), as plain data every report format
 * renders the same way.
 */

/** What part of the platform a change touches. */
export type ChangeArea = 'topic' | 'user' | 'acl' | 'service' | 'alert' | 'cluster' | 'setting';

/**
 * `added`, `removed`, `changed` and `renamed` compare two revisions (before → after);
 * `missing` and `extra` compare the spec with a live cluster (in the spec only, on the cluster only).
 */
export type ChangeKind = 'added' | 'removed' | 'changed' | 'renamed' | 'missing' | 'extra';

export interface Change {
  readonly area: ChangeArea;
  readonly kind: ChangeKind;
  /** What the change is about: a topic, user, service, or the settings group (`cluster`, `dapr`). */
  readonly subject: string;
  /** Which of the subject's settings, as the spec names it (`retention`, `resources.limits.memory`); '' for the subject itself. */
  readonly setting: string;
  /** Where it is written in the platform config, e.g. `topics.task-events.retention`. */
  readonly path: string;
  /** The value before (or the spec's, for drift) in human units; null when there was none. */
  readonly before: string | null;
  /** The value after (or the live one, for drift) in human units; null when there is none. */
  readonly after: string | null;
}

/** Names of the two sides in a report: a plan goes before → after; drift shows spec and live. */
export interface Sides {
  readonly before: string;
  readonly after: string;
}

/** The sides of a plan and of an adoption: values read as `old → new`. */
export const PLAN_SIDES: Sides = { before: 'before', after: 'after' };
/** The sides of a drift report: the spec against what the cluster has. */
export const DRIFT_SIDES: Sides = { before: 'spec', after: 'live' };

/** The sign of a change in terminal output. */
export const CHANGE_SIGN: Record<ChangeKind, string> = {
  added: '+',
  removed: '-',
  changed: '~',
  renamed: '→',
  missing: '-',
  extra: '+',
};

const SUBJECT_NOUN: Partial<Record<ChangeArea, string>> = { topic: 'topic', user: 'user', service: 'service' };

function subjectOf(change: Change): string {
  const noun = SUBJECT_NOUN[change.area];
  return noun ? `${noun} ${change.subject}` : change.subject;
}

/**
 * The change as one line, e.g. `task-events retention 7d → 3d`,
 * `topic task-comments added (3 partitions, …)`, `grant audit-service Read topic task-comments`.
 * With drift sides: `task-events retention: spec 7d, live 3d`.
 */
export function changeText(change: Change, sides: Sides = PLAN_SIDES): string {
  const labelled = sides !== PLAN_SIDES;
  if (change.area === 'acl') {
    const grant = `grant ${change.subject} ${change.after ?? change.before}`;
    if (change.kind === 'missing') return `${grant}: missing on the cluster`;
    if (change.kind === 'extra') return `${grant}: on the cluster, not in the spec`;
    return grant;
  }
  const what = change.setting === '' ? subjectOf(change) : `${change.subject} ${change.setting}`;
  const detail = (value: string | null) => (value === null ? '' : ` (${value})`);
  switch (change.kind) {
    case 'added':
      return `${what} added${detail(change.after)}`;
    case 'removed':
      return `${what} removed${detail(change.before)}`;
    case 'renamed':
      return `${what} renamed to ${change.after}`;
    case 'missing':
      return `${what} missing on the cluster${detail(change.before)}`;
    case 'extra':
      return `${what} on the cluster, not in the spec${detail(change.after)}`;
    case 'changed':
      return labelled
        ? `${what}: ${sides.before} ${change.before ?? 'none'}, ${sides.after} ${change.after ?? 'none'}`
        : `${what} ${change.before ?? 'none'} → ${change.after ?? 'none'}`;
  }
}
