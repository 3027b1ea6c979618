import { Testing } from 'cdk8s';
import { join } from 'node:path';
import { CrdSchemas, describeWithCrds, SHARED_CRDS_DIR } from '../support/crd-schemas.js';
import { isCoreObject, validateCoreObject } from '../support/k8s-schemas.js';
import {
  BACKBONE_DASHBOARD_UID,
  exporterJob,
  KafkaExporter,
  kafkaExporterArgs,
  prometheusRuleGroups,
  RedpandaConsole,
  THRESHOLDS,
  isAlertingRule,
} from '../../charts/monitoring/index.js';
import { monitoringApplies } from '../../charts/monitoring/index.js';
import { monitoringObjects, objectOf, type K8sObject } from './support/deployed-rules.js';
import { stackSpec, stackSpecWith } from './support/stacks.js';

const STACK_NAMES = ['dev', 'staging', 'prod'] as const;
const objectsOf = (stack: string) => monitoringObjects(stackSpec(stack));
const label = (o: K8sObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;

type Container = { name: string; image: string; args?: string[]; env: Record<string, unknown>[]; securityContext: Record<string, unknown> };
type PodSpec = {
  containers: Container[];
  securityContext: Record<string, unknown>;
  volumes: Record<string, unknown>[];
  automountServiceAccountToken: boolean;
};
const podSpec = (deployment: K8sObject) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;

describe('the monitoring chart', () => {
  it.each(STACK_NAMES)('renders the expected objects for %s', (stack) => {
    expect(objectsOf(stack).map(label)).toMatchSnapshot();
  });

  it.each(STACK_NAMES)('matches the whole-manifest snapshot of %s', (stack) => {
    expect(objectsOf(stack)).toMatchSnapshot();
  });

  it('puts the rules generated from the spec, unchanged, into the PrometheusRule in the Kafka namespace', () => {
    const spec = stackSpec('staging');
    const rule = objectOf(monitoringObjects(spec), 'PrometheusRule', 'todo-events-alerts');
    expect(rule.metadata.namespace).toBe('kafka');
    expect(rule.spec).toEqual({ groups: prometheusRuleGroups(spec) });
  });

  it('gives every alert a severity, a summary, a description with the live value and a runbook link, with for: in minutes', () => {
    for (const stack of STACK_NAMES) {
      const alerts = prometheusRuleGroups(stackSpec(stack)).flatMap((g) => g.rules.filter(isAlertingRule));
      for (const alert of alerts) {
        expect(['critical', 'warning']).toContain(alert.labels.severity);
        expect(alert.annotations.summary.length).toBeGreaterThan(10);
        expect(alert.annotations.description).toContain('$value');
        expect(alert.annotations.runbook_url).toBe(
          `https://github.com/todo-app/todo-event-backbone/blob/HEAD/docs/runbooks/${alert.alert}.md`,
        );
        expect(alert.for).toMatch(/^[1-9][0-9]*m$/);
      }
    }
  });

  it('scrapes each service on its port at /metrics and each Dapr sidecar on 9090', () => {
    const objects = objectsOf('dev');
    expect(objectOf(objects, 'PodMonitor', 'todo-events-services').spec).toEqual({
      selector: {
        matchExpressions: [
          {
            key: 'app.kubernetes.io/name',
            operator: 'In',
            values: ['audit-service', 'notification-service', 'recurring-task-service', 'websocket-service'],
          },
        ],
      },
      namespaceSelector: { matchNames: ['todo'] },
      podMetricsEndpoints: [{ portNumber: 8080, path: '/metrics' }],
    });
    expect(objectOf(objects, 'PodMonitor', 'todo-events-dapr-sidecars').spec).toEqual({
      selector: {
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['notification-service', 'websocket-service'] }],
      },
      namespaceSelector: { matchNames: ['todo'] },
      podMetricsEndpoints: [{ portNumber: 9090, path: '/' }],
    });
  });

  it('lets Prometheus pods through the services’ default-deny policy on the metrics ports only', () => {
    const policy = objectOf(objectsOf('staging'), 'NetworkPolicy', 'todo-events-metrics-scrape');
    expect(policy.metadata.namespace).toBe('todo');
    expect((policy.spec as { ingress: unknown }).ingress).toEqual([
      {
        from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [
          { protocol: 'TCP', port: 8080 },
          { protocol: 'TCP', port: 9090 },
        ],
      },
    ]);
  });

  it('scrapes the external cluster’s exporter in the apps namespace, under the job its alerts watch', () => {
    const spec = stackSpec('prod');
    const monitor = objectOf(monitoringObjects(spec), 'PodMonitor', 'todo-kafka-kafka-exporter');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'todo-kafka-kafka-exporter' } },
      namespaceSelector: { matchNames: ['todo'] },
      podMetricsEndpoints: [{ portNumber: 9308, path: '/metrics' }],
    });
    const exprs = prometheusRuleGroups(spec).flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs).toContain('(sum(up{job="todo/todo-kafka-kafka-exporter"}) or vector(0)) < 1');
    expect(exprs).toContain('max(kafka_brokers{namespace="todo"})');
  });

  it("scrapes Strimzi's kafka_exporter as the job the exporter alert watches", () => {
    const spec = stackSpec('staging');
    const monitor = objectOf(monitoringObjects(spec), 'PodMonitor', 'todo-kafka-kafka-exporter');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'strimzi.io/cluster': 'todo-kafka', 'strimzi.io/name': 'todo-kafka-kafka-exporter' } },
      namespaceSelector: { matchNames: ['kafka'] },
      podMetricsEndpoints: [{ port: 'tcp-prometheus', path: '/metrics' }],
    });
    // A PodMonitor's targets carry job="<namespace>/<name>".
    expect(exporterJob(spec)).toBe(`${monitor.metadata.namespace}/${monitor.metadata.name}`);
    const exporterDown = prometheusRuleGroups(spec)
      .flatMap((g) => g.rules.filter(isAlertingRule))
      .find((r) => r.alert === 'KafkaExporterDown')!;
    expect(exporterDown.expr).toBe('(sum(up{job="kafka/todo-kafka-kafka-exporter"}) or vector(0)) < 1');
  });

  it('runs no exporter and no console of its own for Redpanda, whose brokers report lag and whose chart has a console', () => {
    const kinds = objectsOf('dev').map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.filter((k) => k.startsWith('Deployment/') || k.startsWith('Service/'))).toEqual([]);
    expect(kinds).not.toContain('PodMonitor/todo-kafka-kafka-exporter');
  });

  it('runs kafka_exporter for the external cluster as the describe-only exporter user over SASL_SSL, hardened', () => {
    const exporter = objectOf(objectsOf('prod'), 'Deployment', 'todo-kafka-kafka-exporter');
    // The apps namespace: where the Pulumi program places the exporter user's Secret for an external cluster.
    expect(exporter.metadata.namespace).toBe('todo');
    const pod = podSpec(exporter);
    const container = pod.containers[0]!;
    expect(container.image).toBe('danielqsj/kafka-exporter:v1.9.0');
    expect(container.args).toEqual([
      '--kafka.server=seed-todo-prod.any.us-east-1.mpx.prd.cloud.redpanda.com:9092',
      '--kafka.version=3.6.0',
      '--sasl.enabled',
      '--sasl.mechanism=scram-sha256',
      '--sasl.username=platform-exporter',
      '--sasl.password=$(KAFKA_PASSWORD)',
      '--tls.enabled',
      '--topic.filter=^(reminders|task-events|task-events-dlq|task-updates)$',
      '--group.filter=^(audit-service|notification-service|recurring-task-service)$',
      '--web.listen-address=:9308',
    ]);
    expect(container.env).toEqual([
      { name: 'KAFKA_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-user-platform-exporter', key: 'password' } } },
    ]);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it("runs Redpanda Console for Strimzi in the apps namespace with the console user's Secret and the CA copy", () => {
    const console = objectOf(objectsOf('staging'), 'Deployment', 'redpanda-console');
    expect(console.metadata.namespace).toBe('todo');
    const pod = podSpec(console);
    expect(pod.containers[0]!.env).toEqual([
      { name: 'KAFKA_BROKERS', value: 'todo-kafka-kafka-bootstrap.kafka.svc:9094' },
      { name: 'KAFKA_SASL_ENABLED', value: 'true' },
      { name: 'KAFKA_SASL_MECHANISM', value: 'SCRAM-SHA-512' },
      { name: 'KAFKA_SASL_USERNAME', value: 'platform-console' },
      { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'kafka-user-platform-console', key: 'password' } } },
      { name: 'KAFKA_TLS_ENABLED', value: 'true' },
      { name: 'KAFKA_TLS_CAFILEPATH', value: '/etc/kafka-ca/ca.crt' },
    ]);
    expect(pod.volumes).toContainEqual({
      name: 'cluster-ca',
      secret: { secretName: 'todo-kafka-cluster-ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
    });
    expect(objectOf(objectsOf('staging'), 'Service', 'redpanda-console').spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it('passes the exporter a CA file only when the listener uses an operator CA', () => {
    const staging = kafkaExporterArgs(stackSpec('staging'));
    expect(staging).toContain('--tls.ca-file=/etc/kafka-ca/ca.crt');
    expect(staging).toContain('--sasl.mechanism=scram-sha512');
    expect(kafkaExporterArgs(stackSpec('prod')).some((a) => a.startsWith('--tls.ca-file'))).toBe(false);
    expect(kafkaExporterArgs(stackSpec('dev'))).not.toContain('--tls.enabled');
  });

  it('refuses an exporter or console where the flavor brings its own, saying why', () => {
    expect(() => new KafkaExporter(Testing.chart(), 'x', { spec: stackSpec('staging') })).toThrow(
      'KafkaExporter is for external clusters; the strimzi flavor reports lag itself',
    );
    expect(() => new RedpandaConsole(Testing.chart(), 'x', { spec: stackSpec('dev') })).toThrow(
      'RedpandaConsole is for Strimzi and external clusters; the Redpanda chart runs its own console (console.enabled)',
    );
  });

  it('renders nothing when monitoring is disabled', () => {
    expect(monitoringApplies(stackSpecWith('dev', [['monitoring', 'enabled'], false]))).toBe(false);
    expect(monitoringApplies(stackSpec('dev'))).toBe(true);
  });
});

describe('the dashboard', () => {
  const dashboardOf = (stack: string) => {
    const configMap = objectOf(objectsOf(stack), 'ConfigMap', 'todo-events-dashboard');
    return { configMap, json: JSON.parse((configMap.data as Record<string, string>)['todo-events-dashboard.json']!) };
  };
  const exprs = (json: { panels: { targets?: { expr: string }[] }[] }) => json.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

  it("is a ConfigMap Grafana's sidecar loads", () => {
    const { configMap, json } = dashboardOf('staging');
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(json.uid).toBe(BACKBONE_DASHBOARD_UID);
    expect(json.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
  });

  it('shows lag per group, msgs/s per topic and partition, error ratio, dependencies, dead letters and partition distribution', () => {
    const { json } = dashboardOf('staging');
    const titles = json.panels.map((p: { title: string }) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Lag per consumer group',
        'Messages per second per topic',
        'Messages per second per partition',
        'Error ratio per service and topic',
        'Dependencies up per service',
        'Dead-lettered messages per second per service',
        'Messages per second into dead-letter topics',
        'Share of topic traffic per partition',
        'Deviation from the topic mean per partition',
      ]),
    );
    expect(exprs(json)).toContain('todo_events:topic_messages:rate5m{topic=~"task-events-dlq"}');
  });

  it('draws thresholds from their recorded series instead of numbers from the stack file', () => {
    const { json } = dashboardOf('staging');
    expect(exprs(json)).toEqual(
      expect.arrayContaining([THRESHOLDS.groupLag, THRESHOLDS.topicRate, THRESHOLDS.errorRatio, THRESHOLDS.partitionSkew]),
    );
    expect(exprs(json).filter((e) => /\b1000\b|0\.01\b|0\.2\b/.test(e))).toEqual([]);
  });

  it('plots only series the rules record or the services and sidecars export', () => {
    const { json } = dashboardOf('prod');
    const recorded = new Set(
      prometheusRuleGroups(stackSpec('prod')).flatMap((g) =>
        g.rules.filter((r) => !isAlertingRule(r)).map((r) => (r as { record: string }).record),
      ),
    );
    // Series names: identifiers not followed by "(" once strings, matchers, grouping clauses and ranges are gone.
    const seriesNames = (expr: string) =>
      expr
        .replace(/"[^"]*"/g, '""')
        .replace(/\{[^}]*\}/g, '')
        .replace(/\b(by|on|without|ignoring)\s*\([^)]*\)/g, '')
        .replace(/\b(group_left|group_right)\b/g, '')
        .replace(/\[[^\]]*\]/g, '')
        .match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g) ?? [];
    const found = exprs(json).flatMap(seriesNames);
    expect(found).toEqual(
      expect.arrayContaining([
        'todo_events:consumergroup_lag:sum',
        'todo_events_messages_processed_total',
        'dapr_component_pubsub_ingress_count',
      ]),
    );
    const unknown = found.filter((m) => !recorded.has(m) && !m.startsWith('todo_events_') && !m.startsWith('dapr_'));
    expect([...new Set(unknown)]).toEqual([]);
  });
});

describeWithCrds('every monitoring object', () => {
  // Only the Prometheus Operator CRDs: compiling every CRD of ../shared/crds would take seconds for nothing.
  let crds: CrdSchemas | undefined;
  const schemas = () => (crds ??= new CrdSchemas(join(SHARED_CRDS_DIR, 'prometheus-operator')));
  const variants: [string, () => K8sObject[]][] = [
    ...STACK_NAMES.map((s) => [s, () => objectsOf(s)] as [string, () => K8sObject[]]),
    [
      'dev with declared traffic',
      () =>
        monitoringObjects(
          stackSpecWith(
            'dev',
            [['topics', 'task-events', 'expectedMessagesPerSecond'], 1],
            [['topics', 'task-events', 'activeHoursUtc'], { from: 22, to: 6 }],
          ),
        ),
    ],
  ];
  it.each(variants)('of %s validates against the upstream CRDs or the Kubernetes schema', (_name, objects) => {
    const problems = objects().flatMap((o) =>
      (isCoreObject(o) ? validateCoreObject(o) : schemas().validate(o)).map((p) => `${label(o)}: ${p}`),
    );
    expect(problems).toEqual([]);
  });

  it('would be caught with a misspelt rule field', () => {
    const rule = structuredClone(objectOf(objectsOf('dev'), 'PrometheusRule'));
    const first = (rule.spec as { groups: { rules: Record<string, unknown>[] }[] }).groups[1]!.rules[0]!;
    first.labelz = first.labels;
    expect(schemas().validate(rule)).toEqual(['/spec/groups/1/rules/0: unknown field "labelz" (the API server would prune it)']);
  });
});
