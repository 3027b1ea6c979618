/**
 * Validation of a stack's platform config: every problem at once, each with
 * its path, the value and the fix. Nothing is rendered unless this is empty.
 */
import type { PlatformConfig } from './config.js';
import { PLATFORM_SHAPE } from './config-shape.js';
import type { ConfigProblem } from './errors.js';
import { isPlainObject } from './merge.js';
import { mergeWithDefaults } from './resolve.js';
import { checkShape } from './validate-shape.js';
import { checkRules } from './validate-rules.js';

/** Every problem of a raw platform config (empty when valid). */
export function validatePlatform(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (raw !== undefined && raw !== null && !isPlainObject(raw)) {
    return [
      {
        path: '(root)',
        message: `${JSON.stringify(raw)} must be a mapping`,
        fix: 'write the platform spec as a YAML mapping under todo-events:platform',
      },
    ];
  }
  checkShape(PLATFORM_SHAPE, raw ?? {}, '', problems);
  const reported = new Set(problems.map((p) => p.path));
  const merged = mergeWithDefaults((raw ?? {}) as PlatformConfig);
  for (const problem of checkRules(merged)) {
    // A value of the wrong type is reported once, by the shape check; a shared
    // default (topicDefaults.*) once, not per topic.
    if (reported.has(problem.path)) continue;
    reported.add(problem.path);
    problems.push(problem);
  }
  return problems;
}
