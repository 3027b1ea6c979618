import { DAPR_METRICS_PORT, platformFromConfig, SERVICE_ENV, WEBSOCKET_NODE_OPTIONS } from '../../platform/index.js';
import { chartObjects, findObject, manifestsOf, objectsOfKind, stackManifests, stackSpec, STACKS, type K8sObject } from './fixtures.js';

type Container = {
  name: string;
  image: string;
  imagePullPolicy: string;
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  resources: unknown;
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: number } };
  readinessProbe: { httpGet: { path: string; port: number } };
  volumeMounts: { mountPath: string; name: string; readOnly?: boolean }[];
};
type PodSpec = {
  containers: Container[];
  securityContext: Record<string, unknown>;
  automountServiceAccountToken: boolean;
  serviceAccountName: string;
  volumes: Record<string, unknown>[];
};
type Template = { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: PodSpec };

const template = (d: K8sObject) => (d.spec as { template: Template }).template;
const container = (d: K8sObject) => template(d).spec.containers[0]!;
const envOf = (d: K8sObject) => Object.fromEntries(container(d).env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe.each(STACKS)('service pods in %s', (stack) => {
  const deployments = objectsOfKind(stackManifests(stack), 'Deployment');

  it('run as UID/GID 10001, non-root, with a read-only root filesystem, no capabilities and RuntimeDefault seccomp', () => {
    expect(deployments).toHaveLength(4);
    for (const deployment of deployments) {
      const pod = template(deployment).spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.containers).toHaveLength(1);
      expect(container(deployment).securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container(deployment).volumeMounts).toContainEqual({ mountPath: '/tmp', name: 'tmp' });
      expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    }
  });

  it('use the spec image, replicas and resources instead of the cdk8s-plus defaults', () => {
    for (const service of stackSpec(stack).services) {
      const deployment = findObject(stackManifests(stack), 'Deployment', service.appId);
      expect((deployment.spec as { replicas: number }).replicas).toBe(service.replicas);
      expect(container(deployment).image).toBe(service.image);
      expect(container(deployment).imagePullPolicy).toBe('IfNotPresent');
      expect(container(deployment).resources).toEqual(service.resources);
    }
  });

  it('probe /healthz for liveness and /readyz for readiness on the service port', () => {
    for (const deployment of deployments) {
      expect(container(deployment).livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
      expect(container(deployment).readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 8080 });
    }
  });

  it('run under their own ServiceAccount without an API token', () => {
    for (const deployment of deployments) {
      const pod = template(deployment).spec;
      expect(pod.serviceAccountName).toBe(deployment.metadata.name);
      expect(pod.automountServiceAccountToken).toBe(false);
      const account = findObject(stackManifests(stack), 'ServiceAccount', deployment.metadata.name);
      expect(account.automountServiceAccountToken).toBe(false);
    }
  });
});

describe('service environment', () => {
  const manifests = stackManifests('staging');

  it('gives a Kafka-mode service its connection settings and its password from its Secret', () => {
    expect(envOf(findObject(manifests, 'Deployment', 'audit-service'))).toEqual({
      [SERVICE_ENV.serviceName]: 'audit',
      [SERVICE_ENV.mode]: 'kafka',
      [SERVICE_ENV.consumerGroup]: 'audit-service',
      [SERVICE_ENV.topics]: 'task-events',
      [SERVICE_ENV.deadLetterTopic]: 'task-events-dlq',
      // The smaller of Dapr's maxMessageBytes and Kafka's default max.message.bytes: dead letters are fitted below it.
      [SERVICE_ENV.deadLetterMaxBytes]: '1048576',
      [SERVICE_ENV.port]: '8080',
      [SERVICE_ENV.bootstrapServers]: 'todo-kafka-kafka-bootstrap.kafka.svc:9094',
      [SERVICE_ENV.securityProtocol]: 'SASL_SSL',
      [SERVICE_ENV.saslMechanism]: 'SCRAM-SHA-512',
      [SERVICE_ENV.username]: 'audit-service',
      [SERVICE_ENV.password]: { secretKeyRef: { name: 'kafka-user-audit-service', key: 'password' } },
      NODE_EXTRA_CA_CERTS: '/etc/kafka-ca/ca.crt',
      [SERVICE_ENV.databaseUrl]: { secretKeyRef: { name: 'todo-database', key: 'url' } },
    });
  });

  it('mounts the copied cluster CA read-only where NODE_EXTRA_CA_CERTS points', () => {
    const deployment = findObject(manifests, 'Deployment', 'audit-service');
    expect(container(deployment).volumeMounts).toContainEqual({ mountPath: '/etc/kafka-ca', name: 'cluster-ca', readOnly: true });
    expect(template(deployment).spec.volumes).toContainEqual({ name: 'cluster-ca', secret: { secretName: 'todo-kafka-cluster-ca' } });
    expect(envOf(findObject(stackManifests('dev'), 'Deployment', 'audit-service'))).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
  });

  it('gives a Dapr-mode service its component name and no Kafka credentials', () => {
    expect(envOf(findObject(manifests, 'Deployment', 'websocket-service'))).toEqual({
      [SERVICE_ENV.serviceName]: 'websocket',
      [SERVICE_ENV.mode]: 'dapr',
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      [SERVICE_ENV.consumerGroup]: '$(POD_NAME)',
      [SERVICE_ENV.topics]: 'task-updates',
      [SERVICE_ENV.deadLetterTopic]: 'task-events-dlq',
      [SERVICE_ENV.deadLetterMaxBytes]: '1048576',
      [SERVICE_ENV.port]: '8080',
      [SERVICE_ENV.daprPubsubName]: 'kafka-pubsub-websocket',
      // Derived for every Dapr-mode service: the token its sidecar sends (dapr.io/app-token-secret names the same Secret).
      [SERVICE_ENV.appApiToken]: { secretKeyRef: { name: 'dapr-app-api-token', key: 'token' } },
      WEBSOCKET_TOKEN_SECRET: { secretKeyRef: { name: 'websocket-token', key: 'secret' } },
      // A larger old generation than the image's, for 10,000 clients a replica (platform/defaults.ts).
      NODE_OPTIONS: WEBSOCKET_NODE_OPTIONS,
    });
  });

  it('passes a service its own settings from the stack file', () => {
    expect(envOf(findObject(stackManifests('dev'), 'Deployment', 'notification-service'))).toMatchObject({ NOTIFIER: 'log' });
    expect(envOf(findObject(manifests, 'Deployment', 'notification-service'))).toMatchObject({
      NOTIFY_WEBHOOK_URL: 'http://todo-api.todo.svc.cluster.local/internal/reminders',
    });
  });
});

describe('pod annotations', () => {
  it('inject a Dapr sidecar with metrics, sizing and drain time only in Dapr mode', () => {
    const manifests = stackManifests('dev');
    const dapr = template(findObject(manifests, 'Deployment', 'notification-service')).metadata.annotations;
    expect(dapr).toEqual({
      'dapr.io/enabled': 'true',
      'dapr.io/app-id': 'notification-service',
      'dapr.io/app-port': '8080',
      'dapr.io/enable-metrics': 'true',
      'dapr.io/metrics-port': String(DAPR_METRICS_PORT),
      'dapr.io/enable-app-health-check': 'true',
      'dapr.io/app-health-check-path': '/readyz',
      'dapr.io/sidecar-cpu-request': '100m',
      'dapr.io/sidecar-cpu-limit': '300m',
      'dapr.io/sidecar-memory-request': '250Mi',
      'dapr.io/sidecar-memory-limit': '1000Mi',
      'dapr.io/graceful-shutdown-seconds': '20',
      'dapr.io/disable-builtin-k8s-secret-store': 'true',
      'dapr.io/app-token-secret': 'dapr-app-api-token',
      'dapr.io/app-max-concurrency': '4',
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
    const kafka = template(findObject(manifests, 'Deployment', 'audit-service')).metadata.annotations;
    expect(Object.keys(kafka).filter((k) => k.startsWith('dapr.io/'))).toEqual([]);
    expect(kafka['prometheus.io/scrape']).toBe('true');
  });

  it('let the sidecar send no more deliveries at once than the app accepts', () => {
    const spec = platformFromConfig('dev', { services: { notification: { env: { DAPR_MAX_CONCURRENT_DELIVERIES: '2' } } } });
    const pod = template(findObject(manifestsOf(spec), 'Deployment', 'notification-service'));
    expect(pod.metadata.annotations['dapr.io/app-max-concurrency']).toBe('2');
  });

  it('start every Dapr sidecar without the built-in Kubernetes secret store, since the pods mount no service-account token', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      const spec = stackSpec(stack);
      for (const service of spec.services.filter((s) => s.mode === 'dapr')) {
        const pod = template(findObject(stackManifests(stack), 'Deployment', service.appId));
        expect(pod.metadata.annotations['dapr.io/disable-builtin-k8s-secret-store']).toBe('true');
        expect(pod.spec.automountServiceAccountToken).toBe(false);
      }
    }
  });

  it('select pods by their name label only', () => {
    const manifests = stackManifests('dev');
    const deployment = findObject(manifests, 'Deployment', 'audit-service');
    expect((deployment.spec as { selector: unknown }).selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'audit-service' } });
    expect(template(deployment).metadata.labels).not.toHaveProperty('cdk8s.io/metadata.addr');
    const service = findObject(manifests, 'Service', 'audit-service');
    expect(service.spec).toMatchObject({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'audit-service' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
    });
  });
});

type Rule = { ports: { port: number; protocol: string }[]; to?: Record<string, unknown>[]; from?: Record<string, unknown>[] };
const policy = (stack: string, name: string) =>
  findObject(stackManifests(stack), 'NetworkPolicy', name).spec as {
    podSelector: unknown;
    policyTypes: string[];
    ingress: Rule[];
    egress: Rule[];
  };
const namespaceSelector = (name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  podSelector: {},
});
const dns = {
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
};

describe('network policies', () => {
  it('deny by default and admit only the service port from the apps namespace', () => {
    const audit = policy('dev', 'audit-service');
    expect(audit.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'audit-service' } });
    expect(audit.policyTypes).toEqual(['Egress', 'Ingress']);
    expect(audit.ingress).toEqual([{ from: [namespaceSelector('todo')], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  it('let a Kafka-mode service with a database reach DNS, the Kafka namespace on the client port and PostgreSQL', () => {
    expect(policy('dev', 'audit-service').egress).toEqual([
      dns,
      { ports: [{ port: 9093, protocol: 'TCP' }], to: [namespaceSelector('kafka')] },
      { ports: [{ port: 5432, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] },
    ]);
  });

  it('add the egress a service declares, such as the notification webhook in the apps namespace', () => {
    expect(policy('staging', 'notification-service').egress).toContainEqual({
      ports: [{ port: 80, protocol: 'TCP' }],
      to: [namespaceSelector('todo')],
    });
    expect(policy('dev', 'notification-service').egress).not.toContainEqual(
      expect.objectContaining({ ports: [{ port: 80, protocol: 'TCP' }] }),
    );
  });

  it('let a Dapr-mode service reach Kafka and the Dapr control plane but no database', () => {
    expect(policy('staging', 'websocket-service').egress).toEqual([
      dns,
      { ports: [{ port: 9094, protocol: 'TCP' }], to: [namespaceSelector('kafka')] },
      { ports: [6500, 50001, 50005, 50006].map((port) => ({ port, protocol: 'TCP' })), to: [namespaceSelector('dapr-system')] },
    ]);
  });

  it('let services reach an external cluster on its bootstrap port at any address', () => {
    expect(policy('prod', 'websocket-service').egress[1]).toEqual({
      ports: [{ port: 9092, protocol: 'TCP' }],
      to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
    });
  });

  it('exist once per service', () => {
    for (const stack of STACKS) {
      expect(
        chartObjects(stackManifests(stack), 'services')
          .filter((o) => o.kind === 'NetworkPolicy')
          .map((o) => o.metadata.name),
      ).toEqual(stackSpec(stack).services.map((s) => s.appId));
    }
  });
});
