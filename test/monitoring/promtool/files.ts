/**
 * Writes a stack's rules and its promtool tests into a directory, the way
 * the tests (and a person debugging them) run promtool on them:
 *
 *   npx tsx test/monitoring/promtool/files.ts <dir> <stack>
 *   cd <dir> && promtool check rules rules.yaml && promtool test rules tests.yaml
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PlatformSpec } from '../../../platform/index.js';
import type { RuleGroup } from '../../../charts/monitoring/rules/index.js';
import { promtoolTestFile } from './build.js';
import { scenariosFor, type Scenario } from './scenarios.js';

export const RULES_FILE = 'rules.yaml';
export const TESTS_FILE = 'tests.yaml';

export interface PromtoolFiles {
  /** The rule groups written, as the PrometheusRule carries them. */
  readonly groups: readonly RuleGroup[];
  readonly scenarios: readonly Scenario[];
}

const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

/**
 * Writes `groups` as `rules.yaml` and the scenarios of `scenarioSpec` as
 * `tests.yaml`. The scenarios normally come from the same spec as the rules;
 * rules from a changed spec show that the scenarios notice the change.
 */
export function writePromtoolFiles(
  dir: string,
  groups: readonly RuleGroup[],
  scenarioSpec: PlatformSpec,
  /** Only the scenarios checking one of these alerts. @default every scenario */
  alerts?: readonly string[],
): PromtoolFiles {
  const scenarios = scenariosFor(scenarioSpec).filter((s) => alerts === undefined || s.checks.some((c) => alerts.includes(c.alert)));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RULES_FILE), yaml({ groups }));
  writeFileSync(join(dir, TESTS_FILE), yaml(promtoolTestFile(RULES_FILE, groups, scenarios)));
  return { groups, scenarios };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const [dir, stack] = process.argv.slice(2);
  if (!dir || !stack) {
    console.error('usage: npx tsx test/monitoring/promtool/files.ts <dir> <stack>');
    process.exit(2);
  }
  const { stackSpec } = await import('../support/stacks.js');
  const { prometheusRuleGroups } = await import('../../../charts/monitoring/rules/index.js');
  const spec = stackSpec(stack);
  const { scenarios } = writePromtoolFiles(dir, prometheusRuleGroups(spec), spec);
  console.log(`wrote ${join(dir, RULES_FILE)} and ${join(dir, TESTS_FILE)} (${scenarios.length} scenarios)`);
}
