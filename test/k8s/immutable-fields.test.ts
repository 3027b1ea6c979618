/**
 * What a second apply may change: the server refuses changes to fields that
 * are immutable (built-in validation for a Deployment's selector, a CEL
 * `self == oldSelf` rule for a Redpanda User's cluster), and takes the rest.
 * A chart change that touches one of these fails at `pulumi up`, not in review.
 */
import { findObject, stackManifests, type K8sObject } from '../charts/fixtures.js';
import { applyObject, applyOrThrow, createNamespace, deleteNamespace, describeWithApiServer, uniqueName } from '../support/k8s-api.js';

/** A deep copy of a synthesized object, moved to `namespace`. */
function inNamespace(object: K8sObject, namespace: string): K8sObject {
  const copy = structuredClone(object);
  copy.metadata.namespace = namespace;
  return copy;
}

interface Change {
  /** What the test says. */
  readonly title: string;
  /** The synthesized object of the dev stack: [kind, name]. */
  readonly object: readonly [kind: string, name: string];
  readonly change: (object: K8sObject) => void;
  /** The server's message (with `<ns>` for the namespace), or undefined when the change is accepted. */
  readonly refusedWith?: string;
}

type DeploymentSpec = {
  replicas: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> } };
};
type UserSpec = { cluster: { clusterRef: { name: string } } };

const CHANGES: readonly Change[] = [
  {
    title: "a Redpanda User's spec.cluster.clusterRef.name is refused by the CRD's CEL rule",
    object: ['User', 'audit-service'],
    change: (user) => void ((user.spec as UserSpec).cluster.clusterRef.name = 'another-cluster'),
    refusedWith: 'User.cluster.redpanda.com "audit-service" is invalid: spec.cluster: Invalid value: "object": ClusterSource is immutable',
  },
  {
    title: "a Deployment's spec.selector is refused by the built-in validation",
    object: ['Deployment', 'audit-service'],
    change: (deployment) => {
      const spec = deployment.spec as DeploymentSpec;
      // The template's labels change too, so the only fault is the selector changing.
      spec.selector.matchLabels['app.kubernetes.io/instance'] = 'blue';
      spec.template.metadata.labels['app.kubernetes.io/instance'] = 'blue';
    },
    refusedWith:
      'spec.selector: Invalid value: {"matchLabels":{"app.kubernetes.io/instance":"blue","app.kubernetes.io/name":"audit-service"}}: field is immutable',
  },
  {
    title: "a Deployment's spec.replicas is accepted",
    object: ['Deployment', 'audit-service'],
    change: (deployment) => void ((deployment.spec as DeploymentSpec).replicas += 1),
  },
];

describeWithApiServer('a second apply with a changed spec', () => {
  const namespaces: string[] = [];
  afterAll(async () => {
    await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
  }, 90_000);

  it.each(CHANGES)('$title', async ({ object: [kind, name], change, refusedWith }) => {
    const ns = await createNamespace(uniqueName('immutable'));
    namespaces.push(ns);
    const manifests = stackManifests('dev');
    const original = inNamespace(findObject(manifests, kind, name), ns);
    if (kind === 'Deployment') {
      // The pod template names its ServiceAccount; pods are only created when it exists.
      await applyOrThrow(inNamespace(findObject(manifests, 'ServiceAccount', name), ns));
    }
    await applyOrThrow(original);

    const changed = structuredClone(original);
    change(changed);
    const result = await applyObject(changed);
    if (refusedWith === undefined) {
      expect(result.message).toBe('');
      expect(result.status).toBe(200);
    } else {
      expect(result.status).toBe(422);
      expect(result.message).toContain(refusedWith);
    }
  });
});
