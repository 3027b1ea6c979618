/**
 * `pulumi destroy` of a dev (or pull-request) stack leaves nothing of ours
 * behind but what the README lists: under mocks, every object the program
 * creates is a Pulumi resource (or a ConfigGroup's object, which the group
 * deletes), none is retained on delete, and whatever operators and Helm
 * charts create lands in a namespace Pulumi owns, which destroy deletes with
 * its contents. What stays is `KEPT_AFTER_DESTROY`, the README's table.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEPT_AFTER_DESTROY, keptTableMarkdown } from '../../infra/teardown.js';
import { DAPR_NAMESPACE, type PlatformSpec } from '../../platform/index.js';
import { byType, REPO_ROOT, runStackProgram, type ProgramRun } from './harness.js';
import { CONFIG_GROUP_TYPE, RELEASE_TYPE, groupObjects } from './program-checks.js';

let spec: PlatformSpec;
let run: ProgramRun;

beforeAll(async () => {
  ({ spec, run } = await runStackProgram('dev', { secrets: { databaseUrl: 'postgres://todo:x@db.example:5432/todo' } }));
});

/** Namespaces Pulumi creates (and so deletes, with everything in them). */
function ownedNamespaces(): string[] {
  const fromCharts = [...groupObjects(run).values()]
    .flat()
    .filter((o) => o.kind === 'Namespace')
    .map((o) => (o.metadata as { name: string }).name);
  const fromResources = byType(run, 'kubernetes:core/v1:Namespace').map((r) => (r.inputs.metadata as { name: string }).name);
  return [...fromCharts, ...fromResources].sort();
}

describe('pulumi destroy of the dev stack', () => {
  test('deletes every resource it created: none is retained on delete or protected', () => {
    const created = run.resources.filter((r) => r.custom && !r.read);
    expect(created.length).toBeGreaterThan(10);
    expect(created.filter((r) => r.retainOnDelete || r.protect).map((r) => r.name)).toEqual([]);
  });

  test('owns the namespace of every Helm release, so what a chart or an operator leaves there goes with it', () => {
    expect(ownedNamespaces()).toEqual(['dapr-system', 'kafka']);
    const releases = byType(run, RELEASE_TYPE);
    expect(releases.map((r) => [r.name, r.inputs.namespace, r.inputs.createNamespace])).toEqual([
      ['operators-redpanda-operator', spec.namespaces.kafka, false],
      ['operators-dapr', DAPR_NAMESPACE, false],
    ]);
    for (const r of releases) expect(ownedNamespaces()).toContain(r.inputs.namespace);
  });

  test('puts objects only into namespaces it owns or adopts, the adopted ones keeping only what they had', () => {
    const adopted = byType(run, 'kubernetes:core/v1:NamespacePatch').map((p) => (p.inputs.metadata as { name: string }).name);
    expect(adopted).toEqual(['todo']);
    const namespacesUsed = new Set([
      ...[...groupObjects(run).values()].flat().map((o) => (o.metadata as { namespace?: string }).namespace),
      ...run.resources.filter((r) => r.custom && !r.read).map((r) => (r.inputs.metadata as { namespace?: string } | undefined)?.namespace),
    ]);
    namespacesUsed.delete(undefined);
    expect([...namespacesUsed].filter((ns) => !ownedNamespaces().includes(ns!) && !adopted.includes(ns!))).toEqual([]);
  });

  test('creates nothing cluster-wide itself: cluster-scoped objects come only from the Helm charts (their CRDs stay)', () => {
    const objects = [...groupObjects(run).values()].flat();
    expect(objects.filter((o) => !(o.metadata as { namespace?: string }).namespace).map((o) => o.kind)).toEqual(['Namespace']);
    expect(byType(run, CONFIG_GROUP_TYPE).length).toBeGreaterThan(0);
  });

  test('keeps exactly what the README lists, and says why', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(KEPT_AFTER_DESTROY.map((k) => k.what)).toEqual([
      'the CRDs of Strimzi, Redpanda and Dapr',
      'adopted namespaces (`todo` by default), with what they held before',
      'the Prometheus Operator CRDs and a `monitoring.dashboards.namespace` of someone else',
    ]);
    expect(readme).toContain(keptTableMarkdown());
    expect(readme).toContain('pulumi destroy --exclude-protected');
  });
});
