/**
 * Every object every stack synthesizes, applied for real to a real API
 * server: built-in kinds are judged by the server's own validation and
 * admission, custom resources by the upstream CRDs' OpenAPI schemas and
 * CEL rules (which the ajv check in test/schema does not evaluate).
 */
import { allObjects, fullStackManifests, STACKS, type K8sObject } from '../charts/fixtures.js';
import { applyObject, deleteNamespace, describeWithApiServer, type ApplyResult } from '../support/k8s-api.js';

const FIELD_MANAGER = 'todo-events-manifests-test';

/** The namespaces a stack's objects live in or create. */
function namespacesOf(objects: readonly K8sObject[]): string[] {
  const names = objects.flatMap((o) => (o.kind === 'Namespace' ? [o.metadata.name] : o.metadata.namespace ? [o.metadata.namespace] : []));
  return [...new Set(names)].sort();
}

const describeObject = (chart: string, o: K8sObject) =>
  `${chart}: ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

describeWithApiServer('the synthesized manifests on a real API server', () => {
  describe.each(STACKS)('of the %s stack', (stack) => {
    const manifests = () => fullStackManifests(stack);
    const results: { what: string; result: ApplyResult }[] = [];

    // The stacks share namespace and object names: each starts from none of them, as on a fresh cluster.
    beforeAll(async () => {
      await Promise.all(namespacesOf(allObjects(manifests())).map((ns) => deleteNamespace(ns, 90_000)));
    }, 120_000);
    afterAll(async () => {
      await Promise.all(namespacesOf(allObjects(manifests())).map((ns) => deleteNamespace(ns, 90_000)));
    }, 120_000);

    it('are all accepted with server-side apply, namespaces first, in chart order', async () => {
      // Registry order: the namespaces chart comes first, so each namespace exists, with its own labels, before what lives in it.
      for (const { chart, objects } of manifests()) {
        for (const object of objects) {
          results.push({ what: describeObject(chart, object), result: await applyObject(object, { fieldManager: FIELD_MANAGER }) });
        }
      }
      const refused = results.filter(({ result }) => !result.ok).map(({ what, result }) => `${what}: ${result.status} ${result.message}`);
      expect(refused).toEqual([]);
      expect(results.length).toBe(allObjects(manifests()).length);
    }, 120_000);

    it('draw no warning from the server (Pod Security warn mode, deprecated APIs, duplicate fields)', () => {
      const warned = results
        .filter(({ result }) => result.warnings.length > 0)
        .map(({ what, result }) => `${what}: ${result.warnings.join('; ')}`);
      expect(warned).toEqual([]);
    });
  });
});
