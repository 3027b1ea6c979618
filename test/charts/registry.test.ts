import { buildPlatformApp, CHARTS, PART_OF } from '../../charts/index.js';
import { cpu, memory } from '../../charts/support/quantities.js';
import { labelValue } from '../../charts/support/labels.js';
import { allObjects, fullStackManifests, PLATFORM_CHARTS, stackManifests, stackSpec, STACKS } from './fixtures.js';

describe('the chart registry', () => {
  it('renders the charts in apply order, leaving out those with nothing to render', () => {
    const names = CHARTS.map((c) => c.name);
    expect(names.filter((n) => PLATFORM_CHARTS.includes(n))).toEqual(PLATFORM_CHARTS);
    expect(new Set(names).size).toBe(names.length);
    expect(stackManifests('dev').map((m) => m.chart)).toEqual(PLATFORM_CHARTS);
    expect(stackManifests('prod').map((m) => m.chart)).toEqual(['namespaces', 'dapr', 'services']);
  });

  it('builds an app whose charts carry the registry names', () => {
    expect(buildPlatformApp(stackSpec('staging')).charts.map((c) => c.node.id)).toEqual(fullStackManifests('staging').map((m) => m.chart));
  });

  it('builds the charts it is given, so a new chart is one registry entry', () => {
    const app = buildPlatformApp(stackSpec('dev'), [CHARTS[0]!]);
    expect(app.charts.map((c) => c.node.id)).toEqual(['namespaces']);
  });
});

describe.each(STACKS)('every object of %s', (stack) => {
  const objects = allObjects(stackManifests(stack));

  it('has a fixed name (no hash suffix), a namespace unless cluster-scoped, and the platform labels', () => {
    for (const object of objects) {
      expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(object.metadata.name).not.toMatch(/-c[0-9a-f]{7}$/);
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toMatch(/^(kafka|todo)$/);
      // An adopted namespace belongs to someone else: it carries only the Pod Security labels.
      if (object.kind === 'Namespace' && object.metadata.annotations?.['argocd.argoproj.io/sync-options'] === 'Delete=false') continue;
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': labelValue(object.metadata.name),
        'app.kubernetes.io/part-of': PART_OF,
        'app.kubernetes.io/managed-by': 'cdk8s',
      });
    }
  });

  it('is unique by kind, namespace and name', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('namespaces', () => {
  it('are the Kafka and apps namespaces, the apps one enforcing the restricted Pod Security Standard', () => {
    const namespaces = stackManifests('dev')[0]!.objects;
    expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels?.['pod-security.kubernetes.io/enforce']])).toEqual([
      ['kafka', undefined],
      ['todo', 'restricted'],
    ]);
  });
});

describe('resource quantities', () => {
  it('keep CPU as written and memory as the same number of mebibytes', () => {
    expect([cpu('50m').amount, cpu('1').amount, cpu('0.5').amount]).toEqual(['50m', '1', '0.5']);
    expect([
      memory('96Mi').toMebibytes(),
      memory('1Gi').toMebibytes(),
      memory('1.5Gi').toMebibytes(),
      memory('2097152Ki').toMebibytes(),
    ]).toEqual([96, 1024, 1536, 2048]);
  });

  it('refuse what cdk8s-plus cannot write exactly, saying how to write it', () => {
    expect(() => memory('100M')).toThrow(
      'memory quantity "100M" is not a whole number of mebibytes; write it in Mi or Gi ("160Mi", "1Gi")',
    );
    expect(() => cpu('2k')).toThrow('CPU quantity "2k" is not supported; write millicores ("250m") or cores ("1", "0.5")');
  });
});

describe('label values', () => {
  it('are cut to 63 characters ending alphanumeric', () => {
    const long = `${'a'.repeat(62)}-b`;
    expect(labelValue(long)).toBe('a'.repeat(62));
    expect(labelValue('task-events')).toBe('task-events');
  });
});
