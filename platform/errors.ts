/** One problem found in a stack's platform config. */
export interface ConfigProblem {
  /** Dotted path inside the platform config, e.g. `topics.reminders.partitions`. */
  readonly path: string;
  /** What is wrong, quoting the value. */
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** Thrown once with every problem of a config, so the user fixes them all in one pass. */
export class PlatformConfigError extends Error {
  readonly code = 'PLATFORM_CONFIG_INVALID';
  readonly canRetry = false;

  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(source, problems));
    this.name = 'PlatformConfigError';
  }
}

export function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return formatList(
    source,
    count,
    problems.map((p) => `${p.path}: ${p.message}; ${p.fix}`),
  );
}

/**
 * `<source> has <heading>:` and one `  - <item>` line each: the shape of every
 * message that reports several things at once (config problems, guard-rail findings),
 * so each reads the same wherever it is printed.
 */
export function formatList(source: string, heading: string, items: readonly string[]): string {
  return `${source} has ${heading}:\n${items.map((item) => `  - ${item}`).join('\n')}`;
}
