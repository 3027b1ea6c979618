/** The apps namespace `todo` is shared with the Todo API: the dev program adopts it, under mocks. */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { synthesizeManifests } from '../../charts/index.js';
import { adoptedNamespaces, splitAdoptedNamespaces } from '../../infra/namespaces.js';
import { loadPlatform, platformFromConfig } from '../../platform/index.js';
import { byType, dependencyNames, named, REPO_ROOT, runProgramOk, type ProgramRun } from './harness.js';
import { groupObjects } from './program-checks.js';

const NAMESPACE_PATCH = 'kubernetes:core/v1:NamespacePatch';
let run: ProgramRun;

beforeAll(async () => {
  run = await runProgramOk('dev', { secrets: { databaseUrl: 'postgres://todo:x@db.example:5432/todo' } });
});

describe('an adopted apps namespace', () => {
  test('is patched with the Pod Security labels, never created, so destroy leaves the namespace', () => {
    const patches = byType(run, NAMESPACE_PATCH);
    expect(patches.map((p) => p.inputs.metadata)).toEqual([
      {
        name: 'todo',
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
        annotations: { 'argocd.argoproj.io/sync-options': 'Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      },
    ]);
    const namespaces = groupObjects(run).get('namespaces')!;
    expect(namespaces.map((o) => (o.metadata as { name: string }).name)).toEqual(['kafka']);
  });

  test('is patched before the namespaces chart, so everything in it waits for the labels', () => {
    expect(dependencyNames(run, named(run, 'chart-namespaces'))).toEqual(['namespaces-todo']);
  });
});

describe('namespace ownership', () => {
  test('an owned apps namespace stays in the namespaces chart with our labels', () => {
    const spec = platformFromConfig('dev', { namespaces: { ownership: { apps: 'owned' } } });
    expect(adoptedNamespaces(spec)).toEqual([]);
    const { charts, adopted } = splitAdoptedNamespaces(spec, synthesizeManifests(spec));
    expect(adopted).toEqual([]);
    const apps = charts.find((c) => c.chart === 'namespaces')!.objects.find((o) => (o.metadata as { name: string }).name === 'todo')!;
    expect((apps.metadata as { labels: Record<string, string> }).labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'cdk8s' });
  });

  test('a namespace shared by kafka and apps is adopted once', () => {
    const spec = platformFromConfig('dev', { namespaces: { kafka: 'todo', ownership: { kafka: 'adopted' } } });
    expect(adoptedNamespaces(spec)).toEqual(['todo']);
  });

  test('one namespace cannot be both owned and adopted', () => {
    expect(() => platformFromConfig('dev', { namespaces: { kafka: 'todo' } })).toThrow(
      'namespaces.ownership: kafka is "owned" and apps "adopted", but both are namespace "todo"; give one namespace one ownership',
    );
  });

  test('every stack file adopts the shared todo namespace', () => {
    for (const stack of ['dev', 'staging', 'prod']) expect(adoptedNamespaces(loadPlatform(stack, REPO_ROOT))).toEqual(['todo']);
  });
});
