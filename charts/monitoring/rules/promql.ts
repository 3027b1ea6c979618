/**
 * Small builders for PromQL text. Names and values that come from the spec
 * (topics, consumer groups, app ids) pass through here so they are always
 * quoted and, inside regular expressions, escaped.
 */

/** A PromQL double-quoted string literal. */
export function str(value: string): string {
  return JSON.stringify(value);
}

/** `label="value"` */
export function eq(label: string, value: string): string {
  return `${label}=${str(value)}`;
}

/** `label!="value"` */
export function notEq(label: string, value: string): string {
  return `${label}!=${str(value)}`;
}

/** `value` with every RE2 metacharacter escaped, so it matches itself only. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `label=~"a|b"`: one of `values` exactly (PromQL anchors regular
 * expressions). Refuses an empty list: `label=~""` would select every series
 * that lacks the label, the opposite of "none".
 */
export function oneOf(label: string, values: readonly string[]): string {
  if (values.length === 0) throw new RangeError(`oneOf(${label}) needs at least one value`);
  return `${label}=~${str([...new Set(values)].sort().map(escapeRegex).join('|'))}`;
}

/** `metric{m1, m2}`, or the bare metric name without matchers. */
export function selector(metric: string, matchers: readonly string[] = []): string {
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
}

/** Copies label `from` into label `to` (the original stays; aggregate it away). */
export function copyLabel(expr: string, to: string, from: string): string {
  return `label_replace(${expr}, ${str(to)}, "$1", ${str(from)}, "(.*)")`;
}

/** A Prometheus duration of whole minutes, as `for:` and range selectors take it. */
export function minutes(count: number): string {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`${count} is not a whole number of minutes; alert windows are at least 1m`);
  }
  return `${count}m`;
}

/** A number as PromQL prints it: no exponent, no trailing zeros. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a finite number`);
  return String(value);
}

/** A ratio as people read it in an alert text: 0.07 → "7%" (no binary noise such as 7.000000000000001). */
export function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(6))}%`;
}
