import { parseAllDocuments } from 'yaml';
import { formatPromQL, prometheusRuleGroups, PROMQL_LINE_WIDTH } from '../../charts/monitoring/rules/index.js';
import { tokenize } from '../../charts/monitoring/rules/promql-format.js';
import { toYamlDocuments } from '../../charts/yaml.js';
import { stackSpec } from './support/stacks.js';

const STACKS = ['dev', 'staging', 'prod'];
const texts = (expr: string) => tokenize(expr).map((t) => t.text);

describe('rule expressions as written into the manifests', () => {
  it.each(STACKS)('keep every token of %s, only the whitespace between them changes', (stack) => {
    for (const group of prometheusRuleGroups(stackSpec(stack))) {
      for (const rule of group.rules) expect(texts(rule.expr)).toEqual(texts(formatPromQL(rule.expr.replace(/\s+/g, ' '))));
    }
  });

  it.each(STACKS)('fit in the line width in %s, except a line that is one long token', (stack) => {
    const long = prometheusRuleGroups(stackSpec(stack))
      .flatMap((g) => g.rules.flatMap((r) => r.expr.split('\n')))
      .filter((line) => line.length > PROMQL_LINE_WIDTH && tokenize(line).length > 1);
    expect(long).toEqual([]);
  });

  it('stay on one line when they fit', () => {
    expect(formatPromQL('sum by (consumergroup) (todo_events:consumergroup_partition_lag:max)')).toBe(
      'sum by (consumergroup) (todo_events:consumergroup_partition_lag:max)',
    );
  });

  it('break at the loosest operator first, then inside brackets, one matcher per line', () => {
    const expr =
      'max by (consumergroup, topic, partition) (kafka_consumergroup_lag{namespace="kafka", consumergroup=~"audit-service|notification-service|recurring-task-service", topic=~"reminders|task-events"} >= 0) and on (consumergroup) vector(1)';
    expect(formatPromQL(expr)).toBe(
      [
        'max by (consumergroup, topic, partition) (',
        '  kafka_consumergroup_lag{',
        '    namespace="kafka",',
        '    consumergroup=~"audit-service|notification-service|recurring-task-service",',
        '    topic=~"reminders|task-events"',
        '  }',
        '  >= 0',
        ')',
        'and on (consumergroup) vector(1)',
      ].join('\n'),
    );
  });

  it('become YAML block scalars, readable in a diff', () => {
    const groups = prometheusRuleGroups(stackSpec('staging'));
    const yaml = toYamlDocuments([{ groups }]);
    expect(yaml).toContain('expr: |-\n');
    expect(parseAllDocuments(yaml)[0]!.toJS()).toEqual(JSON.parse(JSON.stringify({ groups })));
  });
});
