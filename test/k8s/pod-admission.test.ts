/**
 * The services' pods meet the `restricted` Pod Security Standard that the
 * apps namespace enforces: the controller manager turns each Deployment into
 * a ReplicaSet and the ReplicaSet into Pods, and Pod Security admission
 * judges each pod creation. (No scheduler or kubelet: the pods stay Pending;
 * being created is the point.) A pod template that breaks `restricted` gets
 * no pod, and the ReplicaSet says why.
 */
import { findObject, stackManifests, stackSpec, type K8sObject } from '../charts/fixtures.js';
import {
  applyObject,
  applyOrThrow,
  createNamespace,
  deleteNamespace,
  describeWithApiServer,
  listObjects,
  uniqueName,
  waitFor,
  type K8sObject as ServerObject,
} from '../support/k8s-api.js';

type Condition = { type: string; status: string; reason?: string; message?: string };
type PodTemplate = { spec: { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] } };

function inNamespace(object: K8sObject, namespace: string): K8sObject {
  const copy = structuredClone(object);
  copy.metadata.namespace = namespace;
  return copy;
}

/** The objects in `namespace` of `kind` whose controller is `owner`. */
async function ownedBy(owner: ServerObject, apiVersion: string, kind: string, namespace: string): Promise<ServerObject[]> {
  const items = await listObjects(apiVersion, kind, namespace);
  return items.filter((item) => item.metadata.ownerReferences?.some((ref) => ref.controller && ref.uid === owner.metadata.uid));
}

/** The labels of the dev stack's apps namespace: `restricted`, enforced and warned. */
function appsNamespaceLabels(): Record<string, string> {
  const spec = stackSpec('dev');
  return findObject(stackManifests('dev'), 'Namespace', spec.namespaces.apps).metadata.labels ?? {};
}

const KAFKA_MODE_SERVICES = stackSpec('dev')
  .services.filter((service) => service.mode === 'kafka')
  .map((service) => service.appId);

describeWithApiServer('service pods under Pod Security admission', () => {
  const namespaces: string[] = [];
  const restrictedNamespace = async (prefix: string) => {
    const ns = await createNamespace(uniqueName(prefix), appsNamespaceLabels());
    namespaces.push(ns);
    return ns;
  };
  afterAll(async () => {
    await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
  }, 90_000);

  it('run in a namespace whose labels enforce restricted', () => {
    expect(appsNamespaceLabels()).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(KAFKA_MODE_SERVICES.length).toBeGreaterThan(0);
  });

  it.each(KAFKA_MODE_SERVICES)(
    '%s (dev, Kafka mode): the controller manager creates a pod and admission lets it in',
    async (name) => {
      const ns = await restrictedNamespace('pods-restricted');
      const manifests = stackManifests('dev');
      await applyOrThrow(inNamespace(findObject(manifests, 'ServiceAccount', name), ns));
      const applied = await applyObject(inNamespace(findObject(manifests, 'Deployment', name), ns));
      expect(applied.message).toBe('');
      // The namespace's `warn` label makes the server check the pod template at apply time too.
      expect(applied.warnings).toEqual([]);

      const replicaSet = await waitFor(
        async () => (await ownedBy(applied.body, 'apps/v1', 'ReplicaSet', ns))[0],
        30_000,
        `a ReplicaSet of ${name}`,
      );
      const pod = await waitFor(
        async () => (await ownedBy(replicaSet, 'v1', 'Pod', ns))[0],
        30_000,
        `a Pod of ReplicaSet ${replicaSet.metadata.name}`,
      );
      expect(pod.metadata.name.startsWith(`${replicaSet.metadata.name}-`)).toBe(true);
      expect((pod.status as { phase: string }).phase).toBe('Pending');
    },
    60_000,
  );

  it('a pod template without runAsNonRoot gets no pod: the ReplicaSet reports the Pod Security refusal', async () => {
    const ns = await restrictedNamespace('pods-refused');
    const manifests = stackManifests('dev');
    const name = KAFKA_MODE_SERVICES[0]!;
    const deployment = inNamespace(findObject(manifests, 'Deployment', name), ns);
    const template = (deployment.spec as { template: PodTemplate }).template;
    delete template.spec.securityContext.runAsNonRoot;
    for (const container of template.spec.containers) delete container.securityContext.runAsNonRoot;
    await applyOrThrow(inNamespace(findObject(manifests, 'ServiceAccount', name), ns));
    const applied = await applyObject(deployment);
    // A Deployment is not a pod: enforcement refuses its pods, not it; the `warn` label says so at apply time.
    expect(applied.message).toBe('');
    expect(applied.warnings.join('\n')).toContain('would violate PodSecurity "restricted:latest": runAsNonRoot != true');

    const replicaSet = await waitFor(
      async () => (await ownedBy(applied.body, 'apps/v1', 'ReplicaSet', ns))[0],
      30_000,
      `a ReplicaSet of ${name}`,
    );
    const failure = await waitFor(
      async () => {
        const current = (await ownedBy(applied.body, 'apps/v1', 'ReplicaSet', ns))[0];
        const conditions = (current?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
        return conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
      },
      30_000,
      `the ReplicaFailure condition of ReplicaSet ${replicaSet.metadata.name}`,
    );
    expect(failure.reason).toBe('FailedCreate');
    expect(failure.message).toContain('violates PodSecurity "restricted:latest": runAsNonRoot != true');
    const events = await listObjects('v1', 'Event', ns, {
      fieldSelector: `involvedObject.name=${replicaSet.metadata.name},reason=FailedCreate`,
    });
    expect(events.map((e) => e.message as string).join('\n')).toContain('violates PodSecurity "restricted:latest"');
    expect(await listObjects('v1', 'Pod', ns)).toEqual([]);
  }, 60_000);
});
