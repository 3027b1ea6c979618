/**
 * Dapr-mode pods under Pod Security `restricted`. The API server judges a pod
 * after the mutating webhooks ran, so with the sidecar injector's daprd in
 * it; there is no injector here, so test/support/dapr-injector.ts adds daprd
 * as Dapr 1.18's injector would, configured by the chart values the Pulumi
 * program installs Dapr with (`daprChartValues`, which infra/operators.ts
 * uses) or by the chart's own defaults.
 */
import { Testing } from 'cdk8s';
import { ServicesChart } from '../../charts/workloads/services-chart.js';
import { daprChartValues } from '../../infra/dapr-values.js';
import { loadPlatform, type PlatformSpec } from '../../platform/index.js';
import { injectorConfig, injectSidecar, TOKEN_VOLUME, type Container, type Pod, type PodSpec } from '../support/dapr-injector.js';
import {
  applyObject,
  applyOrThrow,
  createNamespace,
  deleteNamespace,
  describeWithApiServer,
  uniqueName,
  type K8sObject,
} from '../support/k8s-api.js';

const STACKS = ['dev', 'staging', 'prod'] as const;
const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' };

type Template = { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };

function servicesObjects(spec: PlatformSpec): K8sObject[] {
  return Testing.synth(new ServicesChart(Testing.app(), 'services', spec)) as K8sObject[];
}

/** The pod a Dapr-mode service's Deployment template makes, in `namespace`, before any webhook touched it. */
function podOf(objects: K8sObject[], appId: string, namespace: string): Pod {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === appId)!;
  const template = structuredClone((deployment.spec as { template: Template }).template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${appId}-0`, namespace, labels: template.metadata.labels, annotations: template.metadata.annotations },
    spec: template.spec,
  };
}

function serviceAccountOf(objects: K8sObject[], appId: string, namespace: string): K8sObject {
  const account = structuredClone(objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.name === appId)!);
  account.metadata.namespace = namespace;
  return account;
}

const daprd = (pod: Pod): Container => pod.spec.containers.find((c) => c.name === 'daprd')!;

const CASES = STACKS.flatMap((stack) => {
  const spec = loadPlatform(stack);
  return spec.services.filter((s) => s.mode === 'dapr').map((s) => [stack, s.appId] as const);
});

describe('the emulated Dapr sidecar injector', () => {
  const spec = loadPlatform('dev');
  const objects = servicesObjects(spec);
  const pod = podOf(objects, 'notification-service', 'todo');

  it('adds daprd with Dapr’s own securityContext under the chart’s default values: no capabilities dropped, no seccomp', () => {
    expect(daprd(injectSidecar(pod, injectorConfig())).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
    });
  });

  it('drops every capability from daprd under the values the platform installs Dapr with', () => {
    expect(daprd(injectSidecar(pod, injectorConfig({ ...daprChartValues(spec) }))).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('sizes daprd from the pod’s annotations and starts it without the built-in Kubernetes secret store', () => {
    const sidecar = daprd(injectSidecar(pod, injectorConfig({ ...daprChartValues(spec) })));
    expect(sidecar.resources).toEqual({ requests: { cpu: '100m', memory: '250Mi' }, limits: { cpu: '300m', memory: '1000Mi' } });
    expect((sidecar.ports as { name: string; containerPort: number }[]).map((p) => [p.name, p.containerPort])).toEqual([
      ['dapr-http', 3500],
      ['dapr-grpc', 50001],
      ['dapr-internal', 50002],
      ['dapr-metrics', 9090],
    ]);
    expect(sidecar.args).toEqual(expect.arrayContaining(['--app-id', 'notification-service', '--disable-builtin-k8s-secret-store']));
  });

  it('mounts the projected Sentry token although the pod automounts no service-account token', () => {
    const injected = injectSidecar(pod, injectorConfig({ ...daprChartValues(spec) }));
    expect(injected.spec.automountServiceAccountToken).toBe(false);
    expect(daprd(injected).volumeMounts).toEqual([{ name: TOKEN_VOLUME.name, mountPath: TOKEN_VOLUME.mountPath, readOnly: true }]);
    expect(injected.spec.volumes).toContainEqual({
      name: TOKEN_VOLUME.name,
      projected: {
        defaultMode: 420,
        sources: [
          {
            serviceAccountToken: { audience: 'spiffe://cluster.local/ns/dapr-system/dapr-sentry', expirationSeconds: 7200, path: 'token' },
          },
        ],
      },
    });
  });

  it('leaves pods without dapr.io/enabled alone', () => {
    const plain = { ...pod, metadata: { ...pod.metadata, annotations: {} } };
    expect(injectSidecar(plain, injectorConfig())).toBe(plain);
  });
});

describeWithApiServer('Dapr-mode pods in a namespace enforcing Pod Security restricted', () => {
  const namespaces: string[] = [];
  afterAll(async () => {
    await Promise.all(namespaces.map((ns) => deleteNamespace(ns)));
  }, 90_000);

  /** A fresh restricted namespace with the service's ServiceAccount, and its pod before injection. */
  async function setUp(stack: string, appId: string): Promise<{ spec: PlatformSpec; pod: Pod }> {
    const spec = loadPlatform(stack);
    const objects = servicesObjects(spec);
    const ns = await createNamespace(uniqueName(`dapr-psa-${stack}`), RESTRICTED);
    namespaces.push(ns);
    await applyOrThrow(serviceAccountOf(objects, appId, ns));
    return { spec, pod: podOf(objects, appId, ns) };
  }

  it.each(CASES)(
    '%s %s: admitted with daprd as the injector adds it under the platform’s chart values',
    async (stack, appId) => {
      const { spec, pod } = await setUp(stack, appId);
      const injected = injectSidecar(pod, injectorConfig({ ...daprChartValues(spec) }));
      const result = await applyObject(injected as unknown as K8sObject);
      expect(result.message).toBe('');
      expect(result.status).toBe(201);
      expect(result.warnings).toEqual([]);
    },
    60_000,
  );

  it.each(CASES)(
    '%s %s: refused with daprd as the injector adds it under Dapr’s default chart values',
    async (stack, appId) => {
      const { pod } = await setUp(stack, appId);
      const result = await applyObject(injectSidecar(pod, injectorConfig()) as unknown as K8sObject);
      expect(result.status).toBe(403);
      expect(result.message).toContain('violates PodSecurity "restricted:latest"');
      expect(result.message).toContain('container "daprd" must set securityContext.capabilities.drop=["ALL"]');
    },
    60_000,
  );
});
