/**
 * Values as a reviewer reads them: `7d` rather than `604800000`, `1GiB`
 * rather than `1073741824`. Display only; nothing here is parsed back.
 */

const DURATION_UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

const BYTE_UNITS: readonly [string, number][] = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
];

/**
 * The largest unit that states `ms` exactly, days at most: 604800000 → `7d`,
 * 5400000 → `90m`. Weeks are never used: retentions read as days in Kafka's
 * own documentation and in this project's README.
 */
export function humanDuration(ms: number): string {
  if (ms === -1) return 'unlimited';
  if (ms === 0) return '0ms';
  for (const [unit, size] of DURATION_UNITS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The largest binary unit that states `bytes` exactly: 1073741824 → `1GiB`. */
export function humanBytes(bytes: number): string {
  if (bytes === -1) return 'unlimited';
  for (const [unit, size] of BYTE_UNITS) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** A Kafka topic config value in human units: `.ms` keys as durations, `.bytes` keys as sizes. */
export function humanConfigValue(key: string, value: string): string {
  if (!/^-?\d+$/.test(value)) return value;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) return value;
  if (key.endsWith('.ms')) return humanDuration(n);
  if (key.endsWith('.bytes')) return humanBytes(n);
  return value;
}

/** How a topic config key is named in a change line: `retention.ms` is the spec's `retention`. */
export function configSettingName(key: string): string {
  return key === 'retention.ms' ? 'retention' : key;
}

/**
 * Any spec value as one short string: lists joined with commas, objects as
 * `key=value` pairs, null as `none`; settings whose name ends in `Ms` as durations.
 */
export function humanValue(value: unknown, setting = ''): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'number' && /Ms$/.test(setting)) return humanDuration(value);
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((v) => humanValue(v)).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0 ? '(none)' : entries.map(([k, v]) => `${k}=${humanValue(v, k)}`).join(' ');
  }
  if (value === '') return '(empty)';
  return String(value);
}

/** `1 partition`, `3 partitions`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
