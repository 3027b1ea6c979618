/**
 * The dashboard of the event backbone, built from the spec: consumer lag per
 * group, messages per second per topic and partition, error ratio per
 * service, the services' dependencies, dead-lettered messages, partition
 * distribution and cluster health.
 * It reads the recorded series (the same for every flavor) and draws the
 * thresholds from their recorded series too, so it never embeds a number a
 * stack file may change.
 */
import { DAPR_METRICS, FAILED_OUTCOMES, METRIC_LABELS, SERVICE_METRICS, type PlatformSpec } from '../../../platform/index.js';
import { daprDeliveryMatchers, daprDeliveryScope, type DaprDeliveryScope } from '../rules/dapr-scope.js';
import { eq, notEq, oneOf, selector } from '../rules/promql.js';
import { RATE_WINDOW, RECORDED, THRESHOLDS } from '../rules/recorded.js';
import { dashboard, type PanelOptions, type Row } from './grafana.js';

/** The dashboard's uid: stable, so links and bookmarks survive a redeploy. */
export const BACKBONE_DASHBOARD_UID = 'todo-events-backbone';

const PER_SECOND = 'suffix: msg/s';
const THRESHOLD = /threshold|expected/;

const rate = (series: string) => `rate(${series}[${RATE_WINDOW}])`;

function lagRow(): Row {
  return {
    title: 'Consumer lag',
    panels: [
      {
        title: 'Lag per consumer group',
        description: 'Messages each consumer group has yet to process, summed over its partitions; dashed: the group’s alert threshold.',
        queries: [
          { expr: RECORDED.groupLag, legend: '{{consumergroup}}' },
          { expr: THRESHOLDS.groupLag, legend: '{{consumergroup}} threshold' },
        ],
        thresholdSeries: THRESHOLD,
      },
      {
        title: 'Lag per partition',
        description: 'Lag of each group on each partition: one stuck partition shows here before it moves the group total.',
        queries: [{ expr: RECORDED.partitionLag, legend: '{{consumergroup}} {{topic}}/{{partition}}' }],
      },
    ],
  };
}

function trafficRow(): Row {
  return {
    title: 'Traffic',
    panels: [
      {
        title: 'Messages per second per topic',
        description: 'Ingress of each topic; dashed: the expected rate of topics that declare one, during their active hours.',
        queries: [
          { expr: RECORDED.topicRate, legend: '{{topic}}' },
          { expr: THRESHOLDS.topicRate, legend: '{{topic}} expected' },
        ],
        unit: PER_SECOND,
        thresholdSeries: THRESHOLD,
      },
      {
        title: 'Messages per second per partition',
        description: 'Ingress of each partition.',
        queries: [{ expr: RECORDED.partitionRate, legend: '{{topic}}/{{partition}}' }],
        unit: PER_SECOND,
      },
    ],
  };
}

function errorsRow(dapr: DaprDeliveryScope | undefined): Row {
  const total = SERVICE_METRICS.messagesProcessed;
  const { service, topic, outcome } = METRIC_LABELS;
  const failed = selector(total, [oneOf(outcome, FAILED_OUTCOMES)]);
  const panels: PanelOptions[] = [
    {
      title: 'Error ratio per service and topic',
      description: 'Share of handled messages that failed (retried, dead-lettered or lost); dashed: the alert threshold.',
      queries: [
        {
          expr: `sum by (${service}, ${topic}) (${rate(failed)}) / sum by (${service}, ${topic}) (${rate(total)})`,
          legend: `{{${service}}} {{${topic}}}`,
        },
        { expr: THRESHOLDS.errorRatio, legend: 'threshold' },
      ],
      unit: 'percentunit',
      thresholdSeries: THRESHOLD,
    },
    {
      title: 'Outcomes per second per service',
      description: 'Messages handled per second by outcome.',
      queries: [{ expr: `sum by (${service}, ${outcome}) (${rate(total)})`, legend: `{{${service}}} {{${outcome}}}` }],
      unit: PER_SECOND,
    },
    {
      title: 'Handling time p95 per service',
      description: '95th percentile of the time a service takes to handle one message.',
      queries: [
        {
          expr: `histogram_quantile(0.95, sum by (${service}, le) (${rate(`${SERVICE_METRICS.handlingSeconds}_bucket`)}))`,
          legend: `{{${service}}}`,
        },
      ],
      unit: 's',
    },
  ];
  if (dapr) {
    const ingress = selector(DAPR_METRICS.pubsubIngress, daprDeliveryMatchers(dapr));
    const notOk = selector(DAPR_METRICS.pubsubIngress, [...daprDeliveryMatchers(dapr), notEq('process_status', 'success')]);
    panels.push({
      title: 'Dapr delivery error ratio per app',
      description: 'Share of the deliveries the sidecar made that the app did not accept (retry or drop).',
      queries: [
        { expr: `sum by (app_id, topic) (${rate(notOk)}) / sum by (app_id, topic) (${rate(ingress)})`, legend: '{{app_id}} {{topic}}' },
        { expr: THRESHOLDS.errorRatio, legend: 'threshold' },
      ],
      unit: 'percentunit',
      thresholdSeries: THRESHOLD,
    });
  }
  return { title: 'Errors', panels };
}

function dependenciesRow(): Row {
  const { service, dependency } = METRIC_LABELS;
  return {
    title: 'Dependencies',
    panels: [
      {
        title: 'Dependencies up per service',
        // The alert's aggregation: one pod holding messages is enough to show 0.
        description:
          '1 while every pod of the service reaches the dependency; 0 while one holds its messages because the dependency fails (ServiceDependencyDown).',
        queries: [
          {
            expr: `min by (${service}, ${dependency}) (${SERVICE_METRICS.dependencyUp})`,
            legend: `{{${service}}} {{${dependency}}}`,
          },
        ],
      },
      {
        title: 'Dependency failures per second per service',
        description: 'Attempts that failed because of a dependency: how hard the services retry while it is down.',
        queries: [
          {
            expr: `sum by (${service}, ${dependency}) (${rate(SERVICE_METRICS.dependencyFailures)})`,
            legend: `{{${service}}} {{${dependency}}}`,
          },
        ],
        unit: 'suffix: failures/s',
      },
    ],
  };
}

function deadLetterRow(spec: PlatformSpec, dapr: DaprDeliveryScope | undefined): Row {
  const { service, topic, outcome } = METRIC_LABELS;
  const deadLetterTopics = spec.topics.filter((t) => t.role === 'dead-letter').map((t) => t.name);
  const panels: PanelOptions[] = [
    {
      title: 'Dead-lettered messages per second per service',
      description: 'Messages a service gave up on and wrote to its dead-letter topic.',
      queries: [
        {
          expr: `sum by (${service}, ${topic}) (${rate(selector(SERVICE_METRICS.messagesProcessed, [eq(outcome, 'dead_letter')]))})`,
          legend: `{{${service}}} {{${topic}}}`,
        },
      ],
      unit: PER_SECOND,
    },
  ];
  if (deadLetterTopics.length > 0) {
    panels.push({
      title: 'Messages per second into dead-letter topics',
      description: 'Ingress of the dead-letter topics, whoever wrote to them.',
      queries: [{ expr: selector(RECORDED.topicRate, [oneOf('topic', deadLetterTopics)]), legend: '{{topic}}' }],
      unit: PER_SECOND,
    });
  }
  if (dapr) {
    panels.push({
      title: 'Deliveries dropped by Dapr per second',
      description: 'Deliveries answered DROP (or 404): Dapr sends them to the dead-letter topic.',
      queries: [
        {
          expr: `sum by (app_id, topic) (${rate(
            selector(DAPR_METRICS.pubsubIngress, [...daprDeliveryMatchers(dapr), eq('process_status', 'drop')]),
          )})`,
          legend: '{{app_id}} {{topic}}',
        },
      ],
      unit: PER_SECOND,
    });
  }
  return { title: 'Dead letters', panels };
}

function distributionRow(spec: PlatformSpec): Row | undefined {
  const topics = spec.topics.filter((t) => t.partitions > 1).map((t) => t.name);
  if (topics.length === 0) return undefined;
  const partitionRate = selector(RECORDED.partitionRate, [oneOf('topic', topics)]);
  return {
    title: 'Partition distribution',
    panels: [
      {
        title: 'Share of topic traffic per partition',
        description: 'Each partition’s part of its topic’s ingress; an even spread is 1 / partitions.',
        queries: [{ expr: `${partitionRate} / on (topic) group_left ${RECORDED.topicRate}`, legend: '{{topic}}/{{partition}}' }],
        unit: 'percentunit',
      },
      {
        title: 'Deviation from the topic mean per partition',
        description: 'How far each partition’s ingress is from its topic’s mean partition rate; dashed: the alert threshold.',
        queries: [
          {
            expr: `abs(${partitionRate} - on (topic) group_left ${RECORDED.partitionMeanRate}) / on (topic) group_left ${RECORDED.partitionMeanRate}`,
            legend: '{{topic}}/{{partition}}',
          },
          { expr: THRESHOLDS.partitionSkew, legend: 'threshold' },
        ],
        unit: 'percentunit',
        thresholdSeries: THRESHOLD,
      },
    ],
  };
}

function clusterRow(spec: PlatformSpec): Row {
  return {
    title: `Cluster ${spec.cluster.name}`,
    panels: [
      {
        title: 'Brokers up',
        description: 'Brokers serving requests.',
        queries: [{ expr: RECORDED.brokersUp, legend: 'brokers' }],
        width: 8,
      },
      {
        title: 'Partitions without a leader',
        description: 'Partitions nobody can read or write.',
        queries: [{ expr: RECORDED.offlinePartitions, legend: 'offline' }],
        width: 8,
      },
      {
        title: 'Under-replicated per topic',
        description: 'Partitions (or, on Redpanda, replicas) behind their leader.',
        queries: [{ expr: RECORDED.underReplicated, legend: '{{topic}}' }],
        width: 8,
      },
    ],
  };
}

export function backboneDashboard(spec: PlatformSpec): Record<string, unknown> {
  const dapr = daprDeliveryScope(spec);
  const rows = [
    lagRow(),
    trafficRow(),
    errorsRow(dapr),
    dependenciesRow(),
    deadLetterRow(spec, dapr),
    distributionRow(spec),
    clusterRow(spec),
  ];
  return dashboard({
    uid: BACKBONE_DASHBOARD_UID,
    title: `Todo events backbone (${spec.stack})`,
    description: `Kafka topics, consumers and services of the ${spec.stack} stack (${spec.cluster.flavor} cluster ${spec.cluster.name}).`,
    tags: ['todo-events', 'kafka', spec.cluster.flavor],
    rows: rows.filter((row): row is Row => row !== undefined),
  });
}
