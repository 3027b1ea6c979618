/**
 * Structural check of a raw platform config: unknown keys and wrong types,
 * each reported with its path, the value and the fix.
 */
import type { Shape } from './config-shape.js';
import { parseDurationMs } from './duration.js';
import type { ConfigProblem } from './errors.js';
import { isPlainObject } from './merge.js';
import { closest, show } from './suggest.js';

const TYPE_FIXES: Record<string, string> = {
  string: 'write a string',
  integer: 'write a whole number',
  number: 'write a number',
  boolean: 'write true or false',
  duration: 'write a duration such as 7d, 1h, 30m, 45s or a number of milliseconds such as 3600000',
  'config-value': 'write a string, number or boolean',
};

function scalarMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'duration':
      return parseDurationMs(value) !== undefined;
    default:
      return ['string', 'number', 'boolean'].includes(typeof value);
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Every structural problem of `value` against `shape`, in document order. */
export function checkShape(shape: Shape, value: unknown, path: string, problems: ConfigProblem[]): void {
  switch (shape.kind) {
    case 'nullable':
      if (value !== null) checkShape(shape.shape, value, path, problems);
      return;
    case 'scalar':
      if (!scalarMatches(shape.type, value)) {
        const type = shape.type === 'config-value' ? 'scalar' : shape.type;
        const what = shape.type === 'duration' ? 'is not a duration' : `must be ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
        problems.push({ path, message: `${show(value)} ${what}`, fix: TYPE_FIXES[shape.type]! });
      }
      return;
    case 'enum':
      if (typeof value !== 'string' || !shape.values.includes(value)) {
        const guess = typeof value === 'string' ? closest(value, shape.values) : undefined;
        problems.push({
          path,
          message: `${show(value)} is not one of ${shape.values.map((v) => `"${v}"`).join(', ')}`,
          fix: guess ? `did you mean "${guess}"?` : `choose one of ${shape.values.join(', ')}`,
        });
      }
      return;
    case 'list':
      if (!Array.isArray(value)) {
        problems.push({ path, message: `${show(value)} must be a list`, fix: 'write a YAML list such as [task-events]' });
        return;
      }
      value.forEach((item, i) => checkShape(shape.item, item, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (!isPlainObject(value)) {
        problems.push({ path, message: `${show(value)} must be a mapping`, fix: `write a mapping keyed by ${shape.keyHint}` });
        return;
      }
      for (const [key, entry] of Object.entries(value)) {
        if (entry === null && shape.nullable) continue;
        checkShape(shape.value, entry, join(path, key), problems);
      }
      return;
    case 'object': {
      if (!isPlainObject(value)) {
        problems.push({ path: path || '(root)', message: `${show(value)} must be a mapping`, fix: 'write a YAML mapping' });
        return;
      }
      const known = Object.keys(shape.fields);
      for (const [key, entry] of Object.entries(value)) {
        const field = shape.fields[key];
        if (field === undefined) {
          const guess = closest(key, known);
          problems.push({
            path: join(path, key),
            message: 'is not a known setting',
            fix: guess ? `did you mean "${guess}"?` : `remove it; known settings here are ${known.join(', ')}`,
          });
          continue;
        }
        if (entry !== undefined) checkShape(field, entry, join(path, key), problems);
      }
      return;
    }
  }
}
