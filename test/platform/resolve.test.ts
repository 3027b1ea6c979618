import { formatDurationMs, loadPlatform, parseDurationMs, resolvePlatform, type UserSpec } from '../../platform/index.js';

const aclsOf = (users: readonly UserSpec[], name: string) => users.find((u) => u.name === name)?.acls;

describe('the specification topics', () => {
  it.each(['dev', 'staging', 'prod'])('have the specified partitions, retention and keys in %s', (stack) => {
    const spec = loadPlatform(stack);
    expect(spec.topics.map((t) => [t.name, t.partitions, t.retentionMs, t.key, t.role])).toEqual([
      ['reminders', 1, 86_400_000, null, 'events'],
      ['task-events', 3, 604_800_000, 'user_id', 'events'],
      ['task-events-dlq', 1, 1_209_600_000, null, 'dead-letter'],
      ['task-updates', 3, 3_600_000, 'user_id', 'events'],
    ]);
  });

  it('take the replication factor from the stack and min ISR one below it', () => {
    expect(loadPlatform('dev').topics.map((t) => [t.replicationFactor, t.minInsyncReplicas])).toEqual(Array(4).fill([1, 1]));
    expect(loadPlatform('staging').topics.every((t) => t.replicationFactor === 3 && t.minInsyncReplicas === 2)).toBe(true);
  });
});

describe('derived users and ACLs', () => {
  const spec = resolvePlatform('t', {});

  it('give every service, the producer, the admin and the lag exporter an account (a Redpanda stack runs no console of ours)', () => {
    expect(spec.users.map((u) => `${u.name}:${u.kind}`)).toEqual([
      'audit-service:service',
      'notification-service:service',
      'platform-admin:admin',
      'platform-exporter:exporter',
      'recurring-task-service:service',
      'todo-api:producer',
      'websocket-service:service',
    ]);
  });

  it('let the lag exporter describe every topic and group and read no message', () => {
    expect(aclsOf(spec.users, 'platform-exporter')).toEqual([
      { resourceType: 'group', name: '*', patternType: 'literal', operations: ['Describe'] },
      { resourceType: 'topic', name: '*', patternType: 'literal', operations: ['Describe'] },
    ]);
  });

  it.each([
    ['a Strimzi', { cluster: { flavor: 'strimzi' } }],
    ['an external', { cluster: { flavor: 'external', bootstrapServers: 'kafka.example.com:9092' } }],
  ] as const)('give the console of %s cluster its own user, which also reads messages and configs', (_what, config) => {
    const withConsole = resolvePlatform('t', config);
    expect(withConsole.users.filter((u) => u.kind === 'console').map((u) => u.name)).toEqual(['platform-console']);
    expect(aclsOf(withConsole.users, 'platform-console')).toEqual([
      { resourceType: 'group', name: '*', patternType: 'literal', operations: ['Describe'] },
      { resourceType: 'topic', name: '*', patternType: 'literal', operations: ['Read', 'Describe', 'DescribeConfigs'] },
    ]);
  });

  it('derive no console user where no console of ours runs: on Redpanda, or with monitoring off', () => {
    const consoles = (config: Parameters<typeof resolvePlatform>[1]) =>
      resolvePlatform('t', config).users.filter((u) => u.kind === 'console');
    expect(consoles({ cluster: { flavor: 'redpanda' } })).toEqual([]);
    expect(consoles({ cluster: { flavor: 'strimzi' }, monitoring: { enabled: false } })).toEqual([]);
  });

  it('let a consumer read what it consumes, use its group and write only the dead-letter topic', () => {
    expect(aclsOf(spec.users, 'audit-service')).toEqual([
      { resourceType: 'group', name: 'audit-service', patternType: 'literal', operations: ['Read', 'Describe'] },
      { resourceType: 'topic', name: 'task-events', patternType: 'literal', operations: ['Read', 'Describe'] },
      { resourceType: 'topic', name: 'task-events-dlq', patternType: 'literal', operations: ['Write', 'Describe'] },
    ]);
  });

  it('let a service that also produces write its produced topics', () => {
    expect(aclsOf(spec.users, 'recurring-task-service')).toEqual([
      { resourceType: 'group', name: 'recurring-task-service', patternType: 'literal', operations: ['Read', 'Describe'] },
      { resourceType: 'topic', name: 'reminders', patternType: 'literal', operations: ['Write', 'Describe'] },
      { resourceType: 'topic', name: 'task-events', patternType: 'literal', operations: ['Read', 'Write', 'Describe'] },
      { resourceType: 'topic', name: 'task-events-dlq', patternType: 'literal', operations: ['Write', 'Describe'] },
    ]);
  });

  it('let the producing app write and nothing else', () => {
    expect(aclsOf(spec.users, 'todo-api')?.flatMap((a) => a.operations)).toEqual(['Write', 'Describe', 'Write', 'Describe']);
  });

  it('give nobody but the admin a wildcard write or any cluster right', () => {
    for (const user of spec.users.filter((u) => u.kind !== 'admin')) {
      for (const acl of user.acls) {
        expect(acl.resourceType).not.toBe('cluster');
        if (acl.name === '*') expect(acl.operations).not.toContain('Write');
      }
    }
  });

  it('follow a change of what a service consumes', () => {
    const changed = resolvePlatform('t', { services: { websocket: { consumes: ['task-updates', 'reminders'] } } });
    expect(
      aclsOf(changed.users, 'websocket-service')
        ?.filter((a) => a.operations.includes('Read'))
        .map((a) => a.name),
    ).toEqual(['websocket-service-', 'reminders', 'task-updates']);
  });

  it('let a fan-out service use only the consumer groups named after its pods', () => {
    const group = aclsOf(spec.users, 'websocket-service')?.find((a) => a.resourceType === 'group');
    expect(group).toEqual({ resourceType: 'group', name: 'websocket-service-', patternType: 'prefixed', operations: ['Read', 'Describe'] });
    const shared = resolvePlatform('t', { services: { websocket: { fanOut: false } } });
    expect(aclsOf(shared.users, 'websocket-service')?.find((a) => a.resourceType === 'group')?.patternType).toBe('literal');
  });
});

describe('durations', () => {
  it.each([
    ['7d', 604_800_000],
    ['1h', 3_600_000],
    ['3600000', 3_600_000],
    [3_600_000, 3_600_000],
    ['30m', 1_800_000],
    ['2w', 1_209_600_000],
    ['500ms', 500],
  ])('parse %p as %p ms', (input, ms) => expect(parseDurationMs(input)).toBe(ms));

  it.each(['', '7 days', '-1', '1y', '0', 1.5, 'h'])('refuse %p', (input) => expect(parseDurationMs(input)).toBeUndefined());

  it('format back to the shortest exact unit', () => {
    expect([604_800_000, 86_400_000, 3_600_000, 1500].map(formatDurationMs)).toEqual(['1w', '1d', '1h', '1500ms']);
  });
});

describe('the external prod stack', () => {
  const spec = loadPlatform('prod');
  it('reaches the cloud cluster over SASL_SSL with SCRAM-SHA-256 and protects topics', () => {
    expect([spec.cluster.securityProtocol, spec.cluster.saslMechanism, spec.protectTopics]).toEqual(['SASL_SSL', 'SCRAM-SHA-256', true]);
    expect(spec.cluster.bootstrapServers).toMatch(/:9092$/);
  });
});

describe('service resources', () => {
  it('come from the measured figures: audit may use 800m to drain a backlog, websocket requests its steady 300m with 10,000 clients', () => {
    const spec = resolvePlatform('t', {});
    const resources = (name: string) => spec.services.find((s) => s.name === name)?.resources;
    expect(resources('audit')).toEqual({ requests: { cpu: '50m', memory: '80Mi' }, limits: { cpu: '800m', memory: '128Mi' } });
    expect(resources('recurring-task')).toEqual({ requests: { cpu: '50m', memory: '80Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
    expect(resources('websocket')?.requests).toEqual({ cpu: '300m', memory: '120Mi' });
  });

  it('merge a stack override over the measured figures', () => {
    const spec = resolvePlatform('t', { services: { audit: { resources: { limits: { cpu: '1', memory: '136Mi' } } } } });
    expect(spec.services.find((s) => s.name === 'audit')?.resources).toEqual({
      requests: { cpu: '50m', memory: '80Mi' },
      limits: { cpu: '1', memory: '136Mi' },
    });
  });
});

describe('the resolved spec as data', () => {
  it.each(['dev', 'staging', 'prod'])('of %s survives a JSON round trip unchanged and is the same on every load', (stack) => {
    const spec = loadPlatform(stack);
    // toStrictEqual: an undefined field (lost by JSON) would fail here.
    expect(JSON.parse(JSON.stringify(spec))).toStrictEqual(spec);
    expect(JSON.stringify(loadPlatform(stack))).toBe(JSON.stringify(spec));
  });

  it('lists topics, services and users sorted by name, so two specs diff line by line', () => {
    const spec = loadPlatform('staging');
    for (const list of [spec.topics, spec.services, spec.users]) {
      const names = list.map((item) => item.name);
      expect(names).toEqual([...names].sort());
    }
  });
});

describe('where the monitoring objects go', () => {
  it("default to a kube-prometheus-stack release's selector and Grafana's dashboard label, the dashboard in the Kafka namespace", () => {
    const { monitoring } = resolvePlatform('t', {});
    expect([monitoring.prometheusOperator, monitoring.selectorLabels, monitoring.dashboards]).toEqual([
      true,
      { release: 'kube-prometheus-stack' },
      { namespace: 'kafka', labels: { grafana_dashboard: '1' } },
    ]);
  });

  it("merge a stack's labels over the defaults, drop the ones it sets to null and take its dashboard namespace", () => {
    const { monitoring } = resolvePlatform('t', {
      namespaces: { kafka: 'streaming' },
      monitoring: {
        prometheusOperator: false,
        selectorLabels: { release: null, prometheus: 'main' },
        dashboards: { namespace: 'grafana', labels: { team: 'platform' } },
      },
    });
    expect([monitoring.prometheusOperator, monitoring.selectorLabels, monitoring.dashboards]).toEqual([
      false,
      { prometheus: 'main' },
      { namespace: 'grafana', labels: { grafana_dashboard: '1', team: 'platform' } },
    ]);
    expect(resolvePlatform('t', { namespaces: { kafka: 'streaming' } }).monitoring.dashboards.namespace).toBe('streaming');
  });
});
