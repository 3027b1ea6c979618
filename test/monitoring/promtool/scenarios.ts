/**
 * What the alerts must do, as scenarios of raw metrics over time with the
 * alerts expected (or not) at given moments. Thresholds appear here as
 * literal numbers (lag 1500, 0.5 msg/s, 2 % errors, 30 % skew) on purpose:
 * the rules under test come from the stack files, so changing a threshold or
 * an expression there makes a scenario fail.
 */
import { SERVICE_METRICS, DAPR_METRICS, type PlatformSpec, type ServiceSpec, type TopicSpec } from '../../../platform/index.js';
import { pubsubIdentities, serviceComponentName } from '../../../charts/dapr/pubsub-identities.js';
import { activeHoursCondition, ALERT_CATALOGUE } from '../../../charts/monitoring/rules/index.js';
import { exporterUp, flavorFixtures, operatorAvailable, type FlavorFixtures } from './fixtures.js';
import { endsStale, gap, perSecond, ramp, series, steady, type InputSeries, type Samples } from './series.js';

/** An alert expected at an evaluation time: its labels besides `alertname`, and `$value` as its templates print it. */
export interface ExpectedAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: string;
}

export interface AlertCheck {
  /** Minutes after the start of the series. */
  readonly atMinute: number;
  readonly alert: string;
  /** Empty: the alert must not be firing. */
  readonly fires: readonly ExpectedAlert[];
}

export interface Scenario {
  readonly name: string;
  readonly series: readonly InputSeries[];
  readonly checks: readonly AlertCheck[];
}

interface Context {
  readonly spec: PlatformSpec;
  readonly fx: FlavorFixtures;
}

const silent = (alert: string, ...minutes: number[]): AlertCheck[] => minutes.map((atMinute) => ({ atMinute, alert, fires: [] }));

function serviceNamed(spec: PlatformSpec, name: string): ServiceSpec {
  const service = spec.services.find((s) => s.name === name);
  if (!service) throw new Error(`stack ${spec.stack} has no service ${name}`);
  return service;
}

function consumerLagScenarios({ spec, fx }: Context): Scenario[] {
  const audit = serviceNamed(spec, 'audit');
  const group = audit.consumerGroup;
  const topic = audit.consumes[0]!;
  const firing = (value: string): ExpectedAlert => ({ labels: { consumergroup: group, severity: 'warning' }, value });
  return [
    {
      name: `ConsumerLagHigh fires for ${group} when a lag of 1500 keeps growing`,
      series: fx.groupLag(group, topic, '0', ramp(1500, 10, 31)),
      checks: [
        { atMinute: 1, alert: 'ConsumerLagHigh', fires: [] },
        { atMinute: 25, alert: 'ConsumerLagHigh', fires: [firing('1750')] },
      ],
    },
    {
      name: `ConsumerLagHigh fires for ${group} when a lag of 1500 stays where it is`,
      series: fx.groupLag(group, topic, '0', steady(1500, 31)),
      checks: [{ atMinute: 25, alert: 'ConsumerLagHigh', fires: [firing('1500')] }],
    },
    {
      name: `ConsumerLagHigh stays silent while ${group} works a lag of 1500 and more down`,
      series: fx.groupLag(group, topic, '0', ramp(3000, -50, 31)),
      checks: silent('ConsumerLagHigh', 10, 20, 30),
    },
    {
      name: `ConsumerLagHigh stays silent when ${group} lags 1500 for two minutes only`,
      series: fx.groupLag(group, topic, '0', [...steady(0, 3), 1500, 1500, ...steady(0, 26)]),
      checks: silent('ConsumerLagHigh', 4, 10, 20, 30),
    },
    {
      name: `ConsumerLagHigh stays silent for a steady lag of 800 on ${group}`,
      series: fx.groupLag(group, topic, '0', steady(800, 31)),
      checks: silent('ConsumerLagHigh', 25),
    },
    {
      name: `ConsumerLagHigh ignores a consumer group the spec does not know`,
      series: fx.groupLag('someone-elses-group', topic, '0', ramp(5000, 10, 31)),
      checks: silent('ConsumerLagHigh', 25),
    },
  ];
}

function consumerStalledScenarios({ spec, fx }: Context): Scenario[] {
  const audit = serviceNamed(spec, 'audit');
  const group = audit.consumerGroup;
  const topic = audit.consumes[0]!;
  return [
    {
      name: `ConsumerStalled fires when ${group} stops committing on ${topic}/1 while 200 messages wait`,
      series: fx.groupOffsets(group, topic, '1', steady(700, 41), steady(500, 41)),
      checks: [
        { atMinute: 1, alert: 'ConsumerStalled', fires: [] },
        {
          atMinute: 30,
          alert: 'ConsumerStalled',
          fires: [{ labels: { consumergroup: group, topic, partition: '1', severity: 'critical' }, value: '200' }],
        },
        // 200 messages are well under the lag threshold: only the stall is reported.
        { atMinute: 30, alert: 'ConsumerLagHigh', fires: [] },
      ],
    },
    {
      name: `ConsumerStalled stays silent while ${group} keeps committing 200 messages behind`,
      series: fx.groupOffsets(group, topic, '1', ramp(700, 10, 41), ramp(500, 10, 41)),
      checks: silent('ConsumerStalled', 15, 30, 40),
    },
    {
      name: `ConsumerStalled stays silent for an idle ${group} that has read everything`,
      series: fx.groupOffsets(group, topic, '1', steady(700, 41), steady(700, 41)),
      checks: silent('ConsumerStalled', 30, 40),
    },
  ];
}

/** Whether UTC minute-of-day `minute` (from the start of the test, which is midnight) falls in `[from, to)` hours. */
function inHours(minute: number, from: number, to: number): boolean {
  const hour = Math.floor(minute / 60) % 24;
  return from < to ? hour >= from && hour < to : hour >= from || hour < to;
}

/**
 * The first half hour, one hour into the test or later, at which the window
 * has been `active` (or not) for at least `settle` minutes: early, so the
 * test stays short, and far enough from a boundary for the rate window and
 * `for:` to have settled.
 */
function settledMinute(from: number, to: number, active: boolean, settle: number): number {
  for (let minute = 60; minute < 48 * 60; minute += 30) {
    const start = Math.max(0, minute - settle);
    let stable = true;
    for (let m = start; m <= minute && stable; m++) stable = inHours(m, from, to) === active;
    if (stable) return minute;
  }
  throw new Error(`no ${active ? 'active' : 'inactive'} half hour in window ${from}-${to}`);
}

/** Offsets of `topic` carrying `rate` msg/s spread evenly over its partitions for `minutes`. */
function topicTraffic(fx: FlavorFixtures, topic: TopicSpec, rate: number, minutes: number): InputSeries[] {
  return Array.from({ length: topic.partitions }, (_, p) =>
    fx.partitionOffsets(topic.name, String(p), perSecond(rate / topic.partitions, minutes)),
  ).flat();
}

function trafficScenarios({ spec, fx }: Context): Scenario[] {
  const declared = spec.topics.find((t) => t.alerts.expectedMessagesPerSecond !== null);
  const undeclared = spec.topics.filter((t) => t.alerts.expectedMessagesPerSecond === null);
  const scenarios: Scenario[] = [];
  if (declared) {
    const window = declared.alerts.activeHoursUtc;
    const hours = window && activeHoursCondition(window) !== undefined ? window : null;
    // The rate window (5m) plus the for: window, with a margin.
    const settle = spec.monitoring.forMinutes + 10;
    const inside = hours ? settledMinute(hours.from, hours.to, true, settle) : 60;
    const outside = hours ? settledMinute(hours.from, hours.to, false, settle) : undefined;
    const topic = declared.name;
    scenarios.push(
      {
        name: `TopicTrafficLow stays silent for ${topic} at 2 msg/s`,
        series: topicTraffic(fx, declared, 2, inside + 10),
        checks: [...silent('TopicTrafficLow', inside), ...silent('TopicOffsetsMissing', inside)],
      },
      {
        name: `TopicTrafficLow fires for ${topic} at 0.5 msg/s during its active hours`,
        series: topicTraffic(fx, declared, 0.5, inside + 10),
        checks: [{ atMinute: inside, alert: 'TopicTrafficLow', fires: [{ labels: { topic, severity: 'warning' }, value: '0.50' }] }],
      },
      {
        name: `TopicOffsetsMissing fires when the offset series of ${topic} vanish`,
        // The topic reports for half an hour, then its series disappear (exporter filter, deleted topic…).
        series: Array.from({ length: declared.partitions }, (_, p) =>
          fx.partitionOffsets(topic, String(p), [...perSecond(2, 30), ...gap(60)]),
        ).flat(),
        checks: [
          { atMinute: 20, alert: 'TopicOffsetsMissing', fires: [] },
          {
            atMinute: 80,
            alert: 'TopicOffsetsMissing',
            fires: [{ labels: { ...fx.offsetSeriesLabels(topic), topic, severity: 'warning' }, value: '1' }],
          },
        ],
      },
    );
    if (outside !== undefined) {
      scenarios.push({
        name: `TopicTrafficLow stays silent for ${topic} at 0.5 msg/s outside its active hours`,
        series: topicTraffic(fx, declared, 0.5, outside + 10),
        checks: silent('TopicTrafficLow', outside),
      });
    }
  }
  const quiet = undeclared[0];
  if (quiet) {
    scenarios.push({
      name: `TopicTrafficLow and TopicOffsetsMissing stay silent for ${quiet.name}, which declares no traffic, at 0 msg/s`,
      series: [...(declared ? topicTraffic(fx, declared, 2, 120) : []), ...topicTraffic(fx, quiet, 0, 120)],
      checks: [...silent('TopicTrafficLow', 60, 120), ...silent('TopicOffsetsMissing', 60, 120)],
    });
  }
  return scenarios;
}

function errorRatioScenarios({ spec }: Context): Scenario[] {
  const audit = serviceNamed(spec, 'audit');
  const topic = audit.consumes[0]!;
  const counter = (outcome: string, perMinute: number, minutes: number) =>
    series(
      SERVICE_METRICS.messagesProcessed,
      { service: audit.appId, topic, outcome, namespace: spec.namespaces.apps },
      ramp(0, perMinute, minutes + 1),
    );
  return [
    {
      name: `ServiceErrorRatioHigh stays silent when 0.5% of the messages ${audit.appId} handles fail`,
      series: [counter('success', 995, 40), counter('error', 5, 40)],
      checks: silent('ServiceErrorRatioHigh', 20, 40),
    },
    {
      name: `ServiceErrorRatioHigh stays silent at 2% errors on 3 messages an hour (volume guard)`,
      series: [counter('success', 0.049, 120), counter('dead_letter', 0.001, 120)],
      checks: silent('ServiceErrorRatioHigh', 60, 120),
    },
    {
      name: `ServiceErrorRatioHigh fires when 2% of 1000 messages a minute are dead-lettered by ${audit.appId}`,
      series: [counter('success', 980, 40), counter('dead_letter', 20, 40)],
      checks: [
        { atMinute: 2, alert: 'ServiceErrorRatioHigh', fires: [] },
        {
          atMinute: 30,
          alert: 'ServiceErrorRatioHigh',
          fires: [{ labels: { service: audit.appId, topic, severity: 'warning' }, value: '2%' }],
        },
      ],
    },
  ];
}

/**
 * The `component` label Dapr puts on an app's deliveries: the `metadata.name`
 * of the component the Dapr chart creates for it (one per Dapr-mode service,
 * e.g. `kafka-pubsub-notification`); a Kafka-mode service has none, so its
 * would-be name stands in.
 */
function componentOf(spec: PlatformSpec, app: ServiceSpec): string {
  return pubsubIdentities(spec).find((identity) => identity.appId === app.appId)?.componentName ?? serviceComponentName(spec, app);
}

function daprScenarios({ spec }: Context): Scenario[] {
  const daprServices = spec.services.filter((s) => s.mode === 'dapr');
  const dapr = daprServices[0];
  const direct = spec.services.find((s) => s.mode === 'kafka');
  if (!dapr || !direct || !spec.dapr.enabled) return [];
  const ingress = (app: ServiceSpec, status: string, perMinute: number) =>
    series(
      DAPR_METRICS.pubsubIngress,
      {
        app_id: app.appId,
        component: componentOf(spec, app),
        namespace: spec.namespaces.apps,
        process_status: status,
        status: status === 'success' ? 'success' : 'failed',
        topic: app.consumes[0]!,
      },
      ramp(0, perMinute, 41),
    );
  const topic = dapr.consumes[0]!;
  return [
    {
      name: `DaprDeliveryErrorRatioHigh fires when 5% of the deliveries to ${dapr.appId} on ${componentOf(spec, dapr)} are retried`,
      series: [ingress(dapr, 'success', 950), ingress(dapr, 'retry', 50)],
      checks: [
        { atMinute: 2, alert: 'DaprDeliveryErrorRatioHigh', fires: [] },
        {
          atMinute: 30,
          alert: 'DaprDeliveryErrorRatioHigh',
          fires: [{ labels: { app_id: dapr.appId, topic, severity: 'warning' }, value: '5%' }],
        },
      ],
    },
    {
      name: `DaprDeliveryErrorRatioHigh fires for every Dapr-mode service, each on its own component (${daprServices.map((s) => componentOf(spec, s)).join(', ')})`,
      series: daprServices.flatMap((s) => [ingress(s, 'success', 900), ingress(s, 'drop', 100)]),
      checks: [
        {
          atMinute: 30,
          alert: 'DaprDeliveryErrorRatioHigh',
          fires: daprServices.map((s) => ({ labels: { app_id: s.appId, topic: s.consumes[0]!, severity: 'warning' }, value: '10%' })),
        },
      ],
    },
    {
      name: `DaprDeliveryErrorRatioHigh stays silent when 0.5% of the deliveries to ${dapr.appId} on ${componentOf(spec, dapr)} are dropped`,
      series: [ingress(dapr, 'success', 995), ingress(dapr, 'drop', 5)],
      checks: silent('DaprDeliveryErrorRatioHigh', 30),
    },
    {
      name: `DaprDeliveryErrorRatioHigh ignores the sidecar of ${direct.appId}, which consumes directly`,
      series: [ingress(direct, 'success', 500), ingress(direct, 'drop', 500)],
      checks: silent('DaprDeliveryErrorRatioHigh', 30),
    },
  ];
}

/**
 * `todo_events_dependency_up` as the services publish it: one series per pod
 * and dependency, `service` the app id, labelled by the PodMonitor with the
 * pod and its namespace.
 */
function dependencyScenarios({ spec }: Context): Scenario[] {
  const audit = serviceNamed(spec, 'audit');
  const service = audit.appId;
  const pod = (app: ServiceSpec, replica: number) => `${app.appId}-6f7c9d8b54-${replica}`;
  const gauge = (app: ServiceSpec, dependency: string, replica: number, samples: Samples) =>
    series(
      SERVICE_METRICS.dependencyUp,
      { service: app.appId, dependency, namespace: spec.namespaces.apps, pod: pod(app, replica) },
      samples,
    );
  const down = (app: ServiceSpec, dependency: string): ExpectedAlert => ({
    labels: { service: app.appId, dependency, severity: 'warning' },
    value: '0',
  });
  const scenarios: Scenario[] = [
    {
      name: `ServiceDependencyDown fires for ${service} and postgres when the database stays down`,
      series: [gauge(audit, 'kafka', 0, steady(1, 41)), gauge(audit, 'postgres', 0, [...steady(1, 3), ...steady(0, 38)])],
      checks: [
        { atMinute: 4, alert: 'ServiceDependencyDown', fires: [] },
        // kafka still answers: only postgres is reported.
        { atMinute: 30, alert: 'ServiceDependencyDown', fires: [down(audit, 'postgres')] },
      ],
    },
    {
      name: `ServiceDependencyDown fires once when one of two replicas of ${service} reports postgres down`,
      series: [gauge(audit, 'postgres', 0, steady(0, 41)), gauge(audit, 'postgres', 1, steady(1, 41))],
      checks: [{ atMinute: 30, alert: 'ServiceDependencyDown', fires: [down(audit, 'postgres')] }],
    },
    {
      name: `ServiceDependencyDown keeps firing while ${pod(audit, 0)}, which reports postgres down, is replaced by ${pod(audit, 1)}`,
      series: [
        // The old pod is deleted at minute 21; the new one declares postgres up until its first message fails.
        endsStale(gauge(audit, 'postgres', 0, steady(0, 21))),
        gauge(audit, 'postgres', 1, [...gap(21), 1, 1, ...steady(0, 18)]),
      ],
      checks: [15, 21, 22, 23, 30].map((atMinute) => ({ atMinute, alert: 'ServiceDependencyDown', fires: [down(audit, 'postgres')] })),
    },
    {
      name: `ServiceDependencyDown stays silent for a two-minute postgres blip of ${service} and for dependencies that are up`,
      series: [gauge(audit, 'kafka', 0, steady(1, 41)), gauge(audit, 'postgres', 0, [...steady(1, 3), 0, 0, ...steady(1, 36)])],
      checks: silent('ServiceDependencyDown', 4, 6, 8, 10, 20, 30),
    },
  ];
  const notification = spec.services.find((s) => s.name === 'notification' && s.mode === 'dapr');
  if (notification && spec.dapr.enabled) {
    // Down two scrapes in three: in Dapr mode a failure lapses after retry.maxIntervalMs so the sidecar resumes, and the next delivery fails again.
    const lapsing = Array.from({ length: 41 }, (_, minute) => (minute % 3 === 2 ? 1 : 0));
    scenarios.push({
      name: `ServiceDependencyDown fires for ${notification.appId} and webhook while its failures lapse and recur (Dapr mode)`,
      series: [gauge(notification, 'webhook', 0, lapsing)],
      checks: [{ atMinute: 30, alert: 'ServiceDependencyDown', fires: [down(notification, 'webhook')] }],
    });
  }
  return scenarios;
}

/** Offsets of `topic` where partition 0 deviates by `skew` from a mean of `mean` msg/s. */
function skewedTraffic(fx: FlavorFixtures, topic: TopicSpec, mean: number, skew: number, minutes: number): InputSeries[] {
  const first = mean * (1 + skew);
  const others = topic.partitions > 1 ? (mean * topic.partitions - first) / (topic.partitions - 1) : first;
  return Array.from({ length: topic.partitions }, (_, p) =>
    fx.partitionOffsets(topic.name, String(p), perSecond(p === 0 ? first : others, minutes)),
  ).flat();
}

function partitionSkewScenarios({ spec, fx }: Context): Scenario[] {
  const wide = spec.topics.find((t) => t.partitions > 2);
  const single = spec.topics.find((t) => t.name === 'reminders' && t.partitions === 1);
  const scenarios: Scenario[] = [];
  if (wide) {
    scenarios.push(
      {
        name: `PartitionSkewHigh stays silent when a partition of ${wide.name} is 10% above the mean`,
        series: skewedTraffic(fx, wide, 10, 0.1, 40),
        checks: silent('PartitionSkewHigh', 30),
      },
      {
        name: `PartitionSkewHigh fires when partition 0 of ${wide.name} is 30% above the mean`,
        series: skewedTraffic(fx, wide, 10, 0.3, 40),
        checks: [
          {
            atMinute: 30,
            alert: 'PartitionSkewHigh',
            // The other partitions sit 30% / (n-1) below the mean: 15% for three partitions, inside the limit.
            fires: [{ labels: { topic: wide.name, partition: '0', severity: 'warning' }, value: '30%' }],
          },
        ],
      },
      {
        name: `PartitionSkewHigh stays silent for an idle ${wide.name} however uneven`,
        series: skewedTraffic(fx, wide, 0.1, 2, 40),
        checks: silent('PartitionSkewHigh', 30),
      },
    );
  }
  if (single) {
    scenarios.push({
      name: 'PartitionSkewHigh stays silent for the single-partition reminders topic',
      series: fx.partitionOffsets(single.name, '0', perSecond(10, 40)),
      checks: silent('PartitionSkewHigh', 30),
    });
  }
  return scenarios;
}

function clusterHealthScenarios({ spec, fx }: Context): Scenario[] {
  const topic = spec.topics.find((t) => t.partitions > 1) ?? spec.topics[0]!;
  const brokers = spec.cluster.brokers;
  const healthy = [
    ...fx.leaders(topic.name, topic.partitions, 0, 40),
    ...fx.underReplicated(topic.name, steady(0, 41)),
    ...fx.brokers(brokers, 40),
  ];
  const at30 = (alert: string, labels: Record<string, string>, value: string): AlertCheck => ({
    atMinute: 30,
    alert,
    fires: [{ labels, value }],
  });
  const scenarios: Scenario[] = [
    {
      name: 'Cluster health alerts stay silent for a healthy cluster',
      series: [...healthy, ...operatorAvailable(spec, 1, 40), ...exporterUp(spec, 1, 40)],
      checks: [
        ...silent('KafkaUnderReplicatedPartitions', 30),
        ...silent('KafkaOfflinePartitions', 30),
        ...silent('KafkaBrokerDown', 30),
        ...silent('KafkaOperatorDown', 30),
        ...silent('KafkaExporterDown', 30),
      ],
    },
    {
      name: `KafkaUnderReplicatedPartitions fires for ${topic.name} with one partition behind`,
      series: [
        ...fx.leaders(topic.name, topic.partitions, 0, 40),
        ...fx.underReplicated(topic.name, steady(1, 41)),
        ...fx.brokers(brokers, 40),
      ],
      checks: [at30('KafkaUnderReplicatedPartitions', { topic: topic.name, severity: 'warning' }, '1')],
    },
    {
      name: `KafkaOfflinePartitions fires when a partition of ${topic.name} has no leader`,
      series: [...fx.leaders(topic.name, topic.partitions, 1, 40), ...fx.brokers(brokers, 40)],
      checks: [at30('KafkaOfflinePartitions', { severity: 'critical' }, '1')],
    },
    {
      name: `KafkaBrokerDown fires when ${brokers - 1} of ${brokers} brokers are up`,
      series: fx.brokers(brokers - 1, 40),
      checks: [at30('KafkaBrokerDown', { severity: 'critical' }, String(brokers - 1))],
    },
  ];
  if (operatorAvailable(spec, 0, 0).length > 0) {
    scenarios.push(
      {
        name: 'KafkaOperatorDown fires when the operator has no available replica',
        series: operatorAvailable(spec, 0, 40),
        checks: [at30('KafkaOperatorDown', { severity: 'warning' }, '0')],
      },
      {
        name: 'KafkaOperatorDown fires when the operator Deployment is not reported at all',
        series: healthy,
        checks: [at30('KafkaOperatorDown', { severity: 'warning' }, '0')],
      },
    );
  }
  if (exporterUp(spec, 0, 0).length > 0) {
    scenarios.push({
      name: 'KafkaExporterDown fires when the exporter target is down',
      series: exporterUp(spec, 0, 40),
      checks: [at30('KafkaExporterDown', { severity: 'warning' }, '0')],
    });
  }
  // Alerts the flavor does not generate (on Confluent Cloud: brokers and replication, see catalogue.ts) are not checked.
  const generated = (alert: string) => ALERT_CATALOGUE.some((a) => a.alert === alert && a.flavors.includes(spec.cluster.flavor));
  return scenarios.map((s) => ({ ...s, checks: s.checks.filter((c) => generated(c.alert)) })).filter((s) => s.checks.length > 0);
}

/** Every scenario that applies to the stack's spec (traffic ones need a topic that declares traffic, …). */
export function scenariosFor(spec: PlatformSpec): Scenario[] {
  const context: Context = { spec, fx: flavorFixtures(spec) };
  return [
    ...consumerLagScenarios(context),
    ...consumerStalledScenarios(context),
    ...trafficScenarios(context),
    ...errorRatioScenarios(context),
    ...daprScenarios(context),
    ...dependencyScenarios(context),
    ...partitionSkewScenarios(context),
    ...clusterHealthScenarios(context),
  ];
}
