import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformSpec } from '../../platform/index.js';
import { ALERT_CATALOGUE, alertTableMarkdown, isAlertingRule, prometheusRuleGroups } from '../../charts/monitoring/index.js';
import { REPO_ROOT, stackSpec, stackSpecWith } from './support/stacks.js';

const RUNBOOKS = join(REPO_ROOT, 'docs', 'runbooks');
const runbook = (alert: string) => join(RUNBOOKS, `${alert}.md`);

const SPECS: [string, PlatformSpec][] = [
  ['dev', stackSpec('dev')],
  ['staging', stackSpec('staging')],
  ['prod', stackSpec('prod')],
  ['confluent', stackSpec('confluent')],
  ['dev with declared traffic', stackSpecWith('dev', [['topics', 'task-events', 'expectedMessagesPerSecond'], 1])],
];

const alertsOf = (spec: PlatformSpec) => prometheusRuleGroups(spec).flatMap((g) => g.rules.filter(isAlertingRule));
const generated = [...new Set(SPECS.flatMap(([, spec]) => alertsOf(spec).map((r) => r.alert)))].sort();

describe('the alert catalogue', () => {
  it('lists exactly the alerts the rules generate', () => {
    expect(ALERT_CATALOGUE.map((a) => a.alert).sort()).toEqual(generated);
  });

  it.each(SPECS)('states the severity and flavors of the alerts of %s', (_name, spec) => {
    for (const rule of alertsOf(spec)) {
      const doc = ALERT_CATALOGUE.find((a) => a.alert === rule.alert)!;
      expect([rule.alert, rule.labels.severity]).toEqual([doc.alert, doc.severity]);
      expect(doc.flavors).toContain(spec.cluster.flavor);
    }
  });

  it("is what the README's alert table shows, row for row", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`${alertTableMarkdown()}\n`);
  });

  it('renders the README table: one row per alert, linked to its runbook, with its config keys', () => {
    const table = alertTableMarkdown().split('\n');
    expect(table[0]).toBe('| Alert | Severity | Meaning | Threshold config key |');
    expect(table).toHaveLength(ALERT_CATALOGUE.length + 2);
    expect(table).toContain(
      "| [ConsumerLagHigh](docs/runbooks/ConsumerLagHigh.md) | warning | A service's consumer group is more messages behind than its threshold, and the lag has not shrunk over the window. | `services.<name>.lagThreshold`, `monitoring.lagThreshold` (default of every service), `monitoring.forMinutes` |",
    );
  });
});

describe.each(ALERT_CATALOGUE.map((a) => [a.alert, a] as const))('the runbook of %s', (alert, doc) => {
  it('exists where the runbook_url points, inside the repository', () => {
    expect(existsSync(runbook(alert))).toBe(true);
    const url = alertsOf(SPECS.find(([, s]) => alertsOf(s).some((r) => r.alert === alert))![1]).find((r) => r.alert === alert)!.annotations
      .runbook_url;
    expect(url.endsWith(`/docs/runbooks/${alert}.md`)).toBe(true);
  });

  it('tells the on-call engineer what it means, how to check, what to do, and the threshold key', () => {
    const text = readFileSync(runbook(alert), 'utf8');
    expect(text.startsWith(`# ${alert}\n`)).toBe(true);
    for (const section of ['## What it means', '## Likely causes', '## How to check', '## What to do', '## Threshold']) {
      expect(text).toContain(section);
    }
    for (const key of doc.configKeys.map((k) => k.split(' ')[0]!)) expect(text).toContain(key);
    expect(text).toContain(`**Severity:** ${doc.severity}`);
  });

  it('links only to runbooks that exist', () => {
    const links = [...readFileSync(runbook(alert), 'utf8').matchAll(/\]\(([A-Za-z]+\.md)\)/g)].map((m) => m[1]!);
    expect(links.filter((file) => !existsSync(join(RUNBOOKS, file)))).toEqual([]);
  });
});

describe('the runbook index', () => {
  it('lists every alert', () => {
    const index = readFileSync(join(RUNBOOKS, 'README.md'), 'utf8');
    expect(ALERT_CATALOGUE.filter((a) => !index.includes(`[${a.alert}](${a.alert}.md)`)).map((a) => a.alert)).toEqual([]);
  });
});
