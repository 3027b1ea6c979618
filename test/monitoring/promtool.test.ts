import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformSpec } from '../../platform/index.js';
import { isAlertingRule, type RuleGroup } from '../../charts/monitoring/rules/index.js';
import { coverage } from './promtool/build.js';
import { RULES_FILE, TESTS_FILE, writePromtoolFiles } from './promtool/files.js';
import { deployedRuleGroups } from './support/deployed-rules.js';
import { describeWithPromtool, promtool } from './support/promtool.js';
import { stackSpec, stackSpecWith, type ConfigEdit } from './support/stacks.js';

/** dev declares no expected traffic; this variant of it exercises Redpanda's traffic rules and a window across midnight. */
const DEV_WITH_TRAFFIC: ConfigEdit[] = [
  [['topics', 'task-events', 'expectedMessagesPerSecond'], 1],
  [['topics', 'task-events', 'activeHoursUtc'], { from: 22, to: 6 }],
];

const SPECS: [string, () => PlatformSpec][] = [
  ['dev (Redpanda)', () => stackSpec('dev')],
  ['staging (Strimzi)', () => stackSpec('staging')],
  ['prod (external)', () => stackSpec('prod')],
  ['confluent (Confluent Cloud)', () => stackSpec('confluent')],
  ['dev with traffic expected on task-events from 22:00 to 06:00 UTC', () => stackSpecWith('dev', ...DEV_WITH_TRAFFIC)],
];

function alertNames(groups: readonly RuleGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)))].sort();
}

describeWithPromtool('the alert rules under promtool', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'todo-events-promtool-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe.each(SPECS)('%s', (_name, load) => {
    let dir: string;
    let groups: readonly RuleGroup[];
    let scenarios: ReturnType<typeof writePromtoolFiles>['scenarios'];
    beforeAll(() => {
      const spec = load();
      dir = tempDir();
      ({ groups, scenarios } = writePromtoolFiles(dir, deployedRuleGroups(spec), spec));
    });

    it('passes promtool check rules', () => {
      const result = promtool(['check', 'rules', RULES_FILE], dir);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    });

    it('passes every promtool test scenario', () => {
      const result = promtool(['test', 'rules', TESTS_FILE], dir);
      if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
      expect(result.output).toContain('SUCCESS');
    });

    it('shows every alert of the stack both firing and staying silent', () => {
      const { fires, silent } = coverage(scenarios);
      const alerts = alertNames(groups);
      expect(alerts.filter((a) => !fires.has(a))).toEqual([]);
      expect(alerts.filter((a) => !silent.has(a))).toEqual([]);
    });
  });

  /**
   * The scenarios of the real staging stack, run against rules that differ in
   * one threshold or expression, must fail: they pin the behaviour, not just
   * the text. Expected annotations come from the changed rules, so only a
   * change in which alerts fire can make promtool fail.
   */
  describe('with the scenarios of the staging stack', () => {
    // Only the scenarios of the alert concerned run: quicker, and the failure is that alert's.
    const failsOn = (groups: readonly RuleGroup[], alert: string) => {
      const dir = tempDir();
      const { scenarios } = writePromtoolFiles(dir, groups, stackSpec('staging'), [alert]);
      expect(scenarios.length).toBeGreaterThan(0);
      return promtool(['test', 'rules', TESTS_FILE], dir);
    };
    const editExpr = (groups: readonly RuleGroup[], alert: string, edit: (expr: string) => string): RuleGroup[] =>
      groups.map((g) => ({ ...g, rules: g.rules.map((r) => (isAlertingRule(r) && r.alert === alert ? { ...r, expr: edit(r.expr) } : r)) }));

    it.each<[string, string, ConfigEdit]>([
      ["the audit service's lag threshold raised to 2000", 'ConsumerLagHigh', [['services', 'audit', 'lagThreshold'], 2000]],
      ['the error ratio raised to 3%', 'ServiceErrorRatioHigh', [['monitoring', 'errorRatio'], 0.03]],
      [
        'the minimum error volume raised to 100000 messages an hour',
        'ServiceErrorRatioHigh',
        [['monitoring', 'errorMinMessagesPerHour'], 100000],
      ],
      ['the partition skew ratio raised to 40%', 'PartitionSkewHigh', [['monitoring', 'partitionSkewRatio'], 0.4]],
      [
        'the expected rate of task-events lowered to 0.4 msg/s',
        'TopicTrafficLow',
        [['topics', 'task-events', 'expectedMessagesPerSecond'], 0.4],
      ],
      [
        'the active hours of task-events moved to 00:00-06:00 UTC',
        'TopicTrafficLow',
        [['topics', 'task-events', 'activeHoursUtc'], { from: 0, to: 6 }],
      ],
      ['the for window stretched to 40 minutes', 'ConsumerStalled', [['monitoring', 'forMinutes'], 40]],
    ])('fail once %s', (_change, alert, edit) => {
      const result = failsOn(deployedRuleGroups(stackSpecWith('staging', edit)), alert);
      expect(result.output).toContain('FAILED');
      expect(result.status).not.toBe(0);
    });

    it.each<[string, string, (expr: string) => string]>([
      ['the lag alert no longer requires a lag that is not shrinking', 'ConsumerLagHigh', (e) => e.split(/\s+and\s/)[0]!],
      ['the error alert loses its volume guard', 'ServiceErrorRatioHigh', (e) => e.split(/\s+and on/)[0]!],
      ['the skew alert loses its idle guard', 'PartitionSkewHigh', (e) => e.split(/\s+and on/)[0]!],
      ['the traffic alert forgets its active hours', 'TopicTrafficLow', (e) => e.split(/\s+and on/)[0]!],
      ['the stall alert ignores whether offsets move', 'ConsumerStalled', (e) => e.split(/\s+and on/)[0]!],
      [
        'the dependency alert loses its lookback, so a replaced pod resets it',
        'ServiceDependencyDown',
        (e) => e.replace(/min_over_time\((\w+)\[[^\]]*\]\)/, '$1'),
      ],
      [
        'the dependency alert waits until every replica reports the dependency down',
        'ServiceDependencyDown',
        (e) => e.replace('min by', 'max by'),
      ],
      [
        'the Dapr alert filters on the shared component name kafka-pubsub (issue 7)',
        'DaprDeliveryErrorRatioHigh',
        (e) => e.replace(/component=~"[^"]*"/g, 'component="kafka-pubsub"'),
      ],
    ])('fail once %s', (_change, alert, edit) => {
      const groups = editExpr(deployedRuleGroups(stackSpec('staging')), alert, edit);
      expect(groups).not.toEqual(deployedRuleGroups(stackSpec('staging')));
      const result = failsOn(groups, alert);
      expect(result.output).toContain('FAILED');
      expect(result.status).not.toBe(0);
    });
  });
});
