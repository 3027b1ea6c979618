/**
 * Input series of promtool tests, written as plain arrays of per-minute
 * samples and encoded into promtool's compact notation (`a+bxn`, `_` for a
 * missing sample) so day-long series stay short in the generated YAML.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/#series
 */

/** One sample per minute; `undefined` is a missing sample. */
export type Samples = readonly (number | undefined)[];

export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** `count` samples from `start`, changing by `step` each minute. */
export function ramp(start: number, step: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + step * i);
}

/** `count` samples of `value`. */
export function steady(value: number, count: number): number[] {
  return ramp(value, 0, count);
}

/** `count` missing samples. */
export function gap(count: number): undefined[] {
  return Array.from({ length: count }, () => undefined);
}

/** A counter or offset growing by `perSecond` for `minutes` minutes (one sample per minute, from 0). */
export function perSecond(rate: number, minutes: number, start = 0): number[] {
  return ramp(start, rate * 60, minutes + 1);
}

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** Shortest-form number for promtool (which parses Go floats). */
function format(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/**
 * Encodes samples as runs: a linear run of n+1 samples becomes `a+bxn`
 * (`a-bxn` when falling); a run of n gaps becomes `_xn` (a gap cannot be
 * incremented, so promtool reads `_x3` as exactly three).
 */
export function encode(samples: Samples): string {
  const parts: string[] = [];
  let i = 0;
  while (i < samples.length) {
    const first = samples[i];
    if (first === undefined) {
      let j = i;
      while (j + 1 < samples.length && samples[j + 1] === undefined) j++;
      parts.push(j > i ? `_x${j - i + 1}` : '_');
      i = j + 1;
      continue;
    }
    const next = samples[i + 1];
    if (next === undefined) {
      parts.push(format(first));
      i++;
      continue;
    }
    const step = next - first;
    let j = i + 1;
    while (j + 1 < samples.length) {
      const value = samples[j + 1];
      if (value === undefined || !same(value - samples[j]!, step)) break;
      j++;
    }
    const sign = step < 0 ? '-' : '+';
    parts.push(`${format(first)}${sign}${format(Math.abs(step))}x${j - i}`);
    i = j + 1;
  }
  return parts.join(' ');
}

/** `metric{a="b", …}` with labels sorted, as promtool reads a series name. */
export function seriesName(metric: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${metric}{${pairs.join(', ')}}`;
}

export function series(metric: string, labels: Readonly<Record<string, string>>, samples: Samples): InputSeries {
  return { series: seriesName(metric, labels), values: encode(samples) };
}

/**
 * `input` ending in a staleness marker, as Prometheus writes one when a
 * target is gone (a pod deleted): from then on an instant selector no longer
 * sees the series, while a range selector still holds its earlier samples.
 */
export function endsStale(input: InputSeries): InputSeries {
  return { ...input, values: `${input.values} stale` };
}
