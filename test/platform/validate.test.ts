import { formatProblems, PlatformConfigError, platformFromConfig, validatePlatform } from '../../platform/index.js';

/** The problems of a config as the lines a user reads. */
function problems(config: unknown): string[] {
  return validatePlatform(config).map((p) => `${p.path}: ${p.message}; ${p.fix}`);
}

describe('a valid config', () => {
  it('has no problems when empty (all defaults)', () => {
    expect(problems({})).toEqual([]);
  });

  it('accepts retention written as 7d, 1h or 3600000', () => {
    expect(
      problems({ topics: { reminders: { retention: '7d' }, 'task-updates': { retention: '1h' }, 'task-events': { retention: 3600000 } } }),
    ).toEqual([]);
    expect(problems({ topics: { reminders: { retention: '3600000' } } })).toEqual([]);
  });
});

describe('topic rules', () => {
  it('rejects retention in any other form', () => {
    expect(problems({ topics: { reminders: { retention: '7 days' } } })).toEqual([
      'topics.reminders.retention: "7 days" is not a duration; write a duration such as 7d, 1h, 30m, 45s or a number of milliseconds such as 3600000',
    ]);
    expect(problems({ topics: { reminders: { retention: -1 } } })).toHaveLength(1);
    expect(problems({ topics: { reminders: { retention: '1y' } } })).toHaveLength(1);
  });

  it('rejects zero partitions', () => {
    expect(problems({ topics: { reminders: { partitions: 0 } } })).toEqual([
      'topics.reminders.partitions: 0 is not allowed; a topic needs at least 1 partition',
    ]);
  });

  it('rejects a replication factor above the broker count', () => {
    expect(problems({ cluster: { flavor: 'strimzi', brokers: 3 }, topics: { reminders: { replicationFactor: 5 } } })).toEqual([
      'topics.reminders.replicationFactor: 5 replicas exceed the 3 broker(s) of cluster "todo-kafka"; use at most 3, or add brokers in cluster.brokers',
    ]);
  });

  it('rejects an even replication factor on Redpanda', () => {
    expect(problems({ cluster: { flavor: 'redpanda', brokers: 3 }, topicDefaults: { replicationFactor: 2 } })).toEqual([
      'topicDefaults.replicationFactor: 2 is even; Redpanda requires an odd replication factor; use 1 or 3',
    ]);
  });

  it('accepts an even replication factor on Strimzi', () => {
    expect(problems({ cluster: { flavor: 'strimzi', brokers: 3 }, topicDefaults: { replicationFactor: 2 } })).toEqual([]);
  });

  it('rejects min.insync.replicas above the replication factor', () => {
    expect(problems({ topics: { reminders: { minInsyncReplicas: 2 } } })).toEqual([
      "topics.reminders.minInsyncReplicas: 2 is outside 1..1 (the topic's replication factor); use at most 1; with acks=all a higher value refuses every write",
    ]);
  });

  it('rejects topic names Kafka refuses', () => {
    expect(problems({ topics: { 'task events': { partitions: 1 } } })).toEqual([
      'topics.task events: "task events" may only contain ASCII letters, digits, ".", "_" and "-"; rename the topic',
    ]);
    expect(problems({ topics: { ['a'.repeat(250)]: {} } })[0]).toContain(
      'is 250 characters long; Kafka allows at most 249; rename the topic',
    );
    expect(problems({ topics: { '..': {} } })).toEqual(['topics...: ".." is reserved by Kafka; rename the topic']);
  });

  it('accepts names that are not Kubernetes names and maps them', () => {
    const spec = platformFromConfig('t', { topics: { Task_Archive: { partitions: 1, unused: true } } });
    const topic = spec.topics.find((t) => t.name === 'Task_Archive');
    expect(topic?.resourceName).toBe('task-archive');
  });

  it('rejects two topics that map to one Kubernetes name', () => {
    expect(problems({ topics: { Task_Archive: {}, 'task-archive': {} } })).toEqual([
      'topics.task-archive: maps to Kubernetes name "task-archive", as topics.Task_Archive does; rename one topic so their Kubernetes names differ',
    ]);
  });

  it('rejects topics that differ only by "." and "_"', () => {
    expect(problems({ topics: { 'task.archive': {}, task_archive: {} } })).toEqual([
      'topics.task.archive: collides with topics.task_archive: Kafka treats "." and "_" alike in topic names; rename one of them',
    ]);
  });

  it('rejects a duplicate topic name given through name', () => {
    expect(problems({ topics: { archive: { name: 'reminders' } } })).toEqual([
      'topics.reminders: names topic "reminders" again (already topics.archive); remove one of the two entries',
    ]);
  });

  it('rejects dedicated settings written under config', () => {
    expect(problems({ topics: { reminders: { config: { 'retention.ms': 5 } } } })).toEqual([
      'topics.reminders.config.retention.ms: duplicates a dedicated setting; set topics.reminders.retention instead',
    ]);
  });
});

describe('cluster rules', () => {
  it('accepts only SCRAM-SHA-512 on Strimzi', () => {
    expect(problems({ cluster: { flavor: 'strimzi', saslMechanism: 'SCRAM-SHA-256' } })).toEqual([
      'cluster.saslMechanism: "SCRAM-SHA-256" is not supported by Strimzi, whose users are SCRAM-SHA-512 only; write SCRAM-SHA-512',
    ]);
  });

  it('requires bootstrap servers for an external cluster', () => {
    expect(problems({ cluster: { flavor: 'external' } })).toEqual([
      'cluster.bootstrapServers: is missing; an external cluster has no address to derive; write host:port[,host:port] of the cluster',
    ]);
  });

  it('suggests the closest flavor', () => {
    expect(problems({ cluster: { flavor: 'strimsi' } })).toEqual([
      'cluster.flavor: "strimsi" is not one of "strimzi", "redpanda", "external", "confluent-cloud"; did you mean "strimzi"?',
    ]);
  });
});

describe('service rules', () => {
  it('rejects services naming unknown topics', () => {
    expect(problems({ services: { audit: { consumes: ['task-event'] } } })).toEqual([
      'services.audit.consumes[0]: "task-event" is not a topic of this stack; did you mean "task-events"?',
    ]);
  });

  it('rejects a dead-letter topic that is an events topic', () => {
    expect(problems({ services: { audit: { deadLetterTopic: 'reminders' } } })).toEqual([
      'services.audit.deadLetterTopic: "reminders" is an events topic; set topics.reminders.role to dead-letter, or name a dead-letter topic',
    ]);
  });

  it('rejects a removed topic that a service still consumes', () => {
    expect(problems({ topics: { reminders: null } })).toEqual([
      'services.notification.consumes[0]: "reminders" is not a topic of this stack; declare it under topics, or use one of task-events, task-events-dlq, task-updates',
      'services.recurring-task.produces[1]: "reminders" is not a topic of this stack; declare it under topics, or use one of task-events, task-events-dlq, task-updates',
    ]);
  });

  it('rejects a producer that reuses a service user name', () => {
    expect(problems({ producers: { 'audit-service': { produces: ['task-events'] } } })).toEqual([
      'producers.audit-service: uses the Kafka user name "audit-service" of services.audit; rename the producer',
    ]);
  });

  it('rejects Dapr mode when Dapr is disabled', () => {
    expect(problems({ dapr: { enabled: false } })).toEqual([
      'services.notification.mode: "dapr" needs Dapr, but dapr.enabled is false; set dapr.enabled to true, or mode to kafka',
      'services.websocket.mode: "dapr" needs Dapr, but dapr.enabled is false; set dapr.enabled to true, or mode to kafka',
    ]);
  });
});

describe('unknown keys and types', () => {
  it('reports a typo with the closest known key', () => {
    expect(problems({ topics: { reminders: { partitons: 2 } } })).toEqual([
      'topics.reminders.partitons: is not a known setting; did you mean "partitions"?',
    ]);
  });

  it('reports a wrong type once', () => {
    expect(problems({ topics: { reminders: { partitions: 'three' } } })).toEqual([
      'topics.reminders.partitions: "three" must be an integer; write a whole number',
    ]);
  });
});

describe('a config with several mistakes', () => {
  const config = {
    cluster: { flavor: 'strimzi', brokers: 3, saslMechanism: 'SCRAM-SHA-256' },
    topics: { reminders: { partitions: 0, retention: 'forever' }, 'task-updates': { replicationFactor: 4 } },
    services: { audit: { consumes: ['tasks'], replica: 2 } },
  };

  it('lists every one of them in a single error', () => {
    expect(() => platformFromConfig('broken', config, 'Pulumi.broken.yaml')).toThrow(PlatformConfigError);
    try {
      platformFromConfig('broken', config, 'Pulumi.broken.yaml');
    } catch (err) {
      const error = err as PlatformConfigError;
      expect(error.problems.map((p) => p.path)).toEqual([
        'topics.reminders.retention',
        'services.audit.replica',
        'cluster.saslMechanism',
        'topics.reminders.partitions',
        'topics.task-updates.replicationFactor',
        'services.audit.consumes[0]',
      ]);
      expect(error.message.split('\n')[0]).toBe('Pulumi.broken.yaml has 6 problems:');
      expect(error.message).toBe(formatProblems('Pulumi.broken.yaml', error.problems));
    }
  });
});

describe('fan-out services', () => {
  it('reject a lag threshold, which their per-pod groups never reach an alert with', () => {
    expect(problems({ services: { websocket: { lagThreshold: 500 } } })).toEqual([
      'services.websocket.lagThreshold: has no effect on a fan-out service (its per-pod groups are not lag-watched); remove it, or set fanOut: false',
    ]);
    expect(problems({ services: { websocket: { lagThreshold: 500, fanOut: false } } })).toEqual([]);
  });
});

describe('service settings', () => {
  it('accepts plain settings, Secret-backed settings and extra egress', () => {
    expect(
      problems({
        services: {
          notification: { env: { NOTIFY_WEBHOOK_URL: 'http://todo-api.todo.svc/hooks' }, egress: [{ port: 80, namespace: 'todo' }] },
        },
      }),
    ).toEqual([]);
  });

  it('rejects a setting the platform itself sets', () => {
    expect(problems({ services: { audit: { env: { KAFKA_TOPICS: 'reminders' } } } })).toEqual([
      'services.audit.env.KAFKA_TOPICS: "KAFKA_TOPICS" is set by the platform from the spec; change the spec setting it comes from instead',
    ]);
  });

  it('rejects malformed names, Secret references and ports', () => {
    expect(
      problems({
        services: {
          websocket: {
            env: { 'token-ttl': '60' },
            secretEnv: { SIGNING_KEY: { secret: 'Signing_Key', key: 'a/b' } },
            egress: [{ port: 70000 }],
          },
        },
      }),
    ).toEqual([
      'services.websocket.env.token-ttl: "token-ttl" is not an environment variable name; use upper-case letters, digits and "_", e.g. NOTIFY_WEBHOOK_URL',
      'services.websocket.secretEnv.SIGNING_KEY.secret: "Signing_Key" is not a valid Secret name; use lower-case letters, digits, "-" and "."',
      'services.websocket.secretEnv.SIGNING_KEY.key: "a/b" is not a valid Secret key; use letters, digits, "-", "_" and "."',
      'services.websocket.egress[0].port: 70000 is not a port; write a port between 1 and 65535',
    ]);
  });
});

describe('where Prometheus and Grafana find the monitoring objects', () => {
  it('accepts selector labels for another Prometheus, a removed default label and a dashboard namespace of Grafana', () => {
    expect(
      problems({
        monitoring: {
          prometheusOperator: true,
          selectorLabels: { release: null, 'prometheus.example.com/instance': 'main' },
          dashboards: { namespace: 'grafana', labels: { grafana_dashboard: 'yes' } },
        },
      }),
    ).toEqual([]);
  });

  it('rejects label keys and values Kubernetes refuses, and labels the platform sets itself', () => {
    expect(
      problems({
        monitoring: {
          selectorLabels: { 'Release Name': 'kube-prometheus-stack', team: 'a b', 'app.kubernetes.io/part-of': 'x' },
          dashboards: { labels: { 'bad_prefix/dashboard': '1', grafana_dashboard: '-1' } },
        },
      }),
    ).toEqual([
      'monitoring.selectorLabels.Release Name: "Release Name" is not a label name (at most 63 letters, digits, "-", "_" and ".", starting and ending alphanumeric); write a label key such as release or example.com/team',
      'monitoring.selectorLabels.team: "a b" is not a valid label value; write at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'monitoring.selectorLabels.app.kubernetes.io/part-of: "app.kubernetes.io/part-of" is a label the platform sets on every object; choose another label key',
      'monitoring.dashboards.labels.grafana_dashboard: "-1" is not a valid label value; write at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
      'monitoring.dashboards.labels.bad_prefix/dashboard: "bad_prefix/dashboard" has the prefix "bad_prefix", which is not a DNS subdomain; write a label key such as release or example.com/team',
    ]);
  });

  it('rejects a label value that is not a string, which a sidecar would never match', () => {
    expect(problems({ monitoring: { dashboards: { labels: { grafana_dashboard: 1 } } } })).toEqual([
      'monitoring.dashboards.labels.grafana_dashboard: 1 must be a string; write a string',
    ]);
  });

  it('rejects a dashboard without labels, which no sidecar loads', () => {
    expect(problems({ monitoring: { dashboards: { labels: { grafana_dashboard: null } } } })).toEqual([
      'monitoring.dashboards.labels: has no label left; Grafana\'s sidecar loads only labelled ConfigMaps; write the label its sidecar.dashboards.label watches, such as grafana_dashboard: "1"',
    ]);
  });

  it('rejects a dashboard namespace that is not a namespace name', () => {
    expect(problems({ monitoring: { dashboards: { namespace: 'Monitoring' } } })).toEqual([
      'monitoring.dashboards.namespace: "Monitoring" is not a valid namespace name; write the namespace Grafana\'s sidecar searches: lower-case letters, digits and "-", at most 63 characters',
    ]);
  });

  it('rejects a prometheusOperator setting that is not a boolean', () => {
    expect(problems({ monitoring: { prometheusOperator: 'yes' } })).toEqual([
      'monitoring.prometheusOperator: "yes" must be a boolean; write true or false',
    ]);
  });
});
