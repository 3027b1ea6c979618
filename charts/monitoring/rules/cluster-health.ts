/**
 * Cluster health: replication, leadership, brokers, and the processes the
 * monitoring itself depends on (the operator that reconciles the cluster, the
 * exporter that reports lag).
 */
import type { PlatformSpec } from '../../../platform/index.js';
import { OPERATOR_DEPLOYMENTS, exporterJob } from '../targets.js';
import { eq, selector } from './promql.js';
import { RECORDED } from './recorded.js';
import { alertingRule, type AlertingRule } from './rule.js';

/**
 * kube-state-metrics' view of a Deployment (kube-prometheus-stack ships it).
 * @see https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/deployment-metrics.md
 */
export const KUBE_DEPLOYMENT_AVAILABLE = 'kube_deployment_status_replicas_available';

/** The rule, or nothing where the brokers are not ours to watch. */
function ownBrokersOnly(ownBrokers: boolean, rule: Parameters<typeof alertingRule>[0]): AlertingRule[] {
  return ownBrokers ? [alertingRule(rule)] : [];
}

export function clusterHealthRules(spec: PlatformSpec): AlertingRule[] {
  const { forMinutes, runbookBaseUrl } = spec.monitoring;
  const common = { forMinutes, runbookBaseUrl };
  // On Confluent Cloud, brokers and replication are Confluent's (see OWN_BROKERS in catalogue.ts).
  const ownBrokers = spec.cluster.flavor !== 'confluent-cloud';
  const rules: AlertingRule[] = [
    ...ownBrokersOnly(ownBrokers, {
      ...common,
      alert: 'KafkaUnderReplicatedPartitions',
      expr: `${RECORDED.underReplicated} > 0`,
      severity: 'warning',
      summary: 'Topic {{ $labels.topic }} is under-replicated',
      description:
        'Topic {{ $labels.topic }} has {{ printf "%.0f" $value }} under-replicated partitions (replicas behind the leader): ' +
        'one more broker failure may lose acknowledged messages or block producers using acks=all.',
    }),
    alertingRule({
      ...common,
      alert: 'KafkaOfflinePartitions',
      expr: `${RECORDED.offlinePartitions} > 0`,
      severity: 'critical',
      summary: 'Kafka partitions have no leader',
      description:
        `{{ printf "%.0f" $value }} partitions of cluster ${spec.cluster.name} have no leader: ` +
        'nothing can be written to or read from them.',
    }),
    ...ownBrokersOnly(ownBrokers, {
      ...common,
      alert: 'KafkaBrokerDown',
      expr: `${RECORDED.brokersUp} < ${spec.cluster.brokers}`,
      severity: 'critical',
      summary: `A broker of ${spec.cluster.name} is down`,
      description: `Only {{ printf "%.0f" $value }} of the ${spec.cluster.brokers} brokers of cluster ${spec.cluster.name} are up.`,
    }),
  ];
  const operator = OPERATOR_DEPLOYMENTS[spec.cluster.flavor];
  if (operator !== undefined) {
    const available = selector(KUBE_DEPLOYMENT_AVAILABLE, [eq('namespace', spec.namespaces.kafka), eq('deployment', operator)]);
    rules.push(
      alertingRule({
        ...common,
        alert: 'KafkaOperatorDown',
        // A missing series counts as 0 replicas: the operator is gone or kube-state-metrics cannot see it.
        expr: `(sum(${available}) or vector(0)) < 1`,
        severity: 'warning',
        summary: `The ${spec.cluster.flavor} operator is not running`,
        description:
          `Deployment ${spec.namespaces.kafka}/${operator} has {{ printf "%.0f" $value }} available replicas: ` +
          'changes to the cluster, topics and users are not applied, and broker failures are not repaired.',
      }),
    );
  }
  const job = exporterJob(spec);
  if (job !== undefined) {
    rules.push(
      alertingRule({
        ...common,
        alert: 'KafkaExporterDown',
        expr: `(sum(${selector('up', [eq('job', job)])}) or vector(0)) < 1`,
        severity: 'warning',
        summary: 'The Kafka lag exporter is not being scraped',
        description:
          `{{ printf "%.0f" $value }} targets of ${job} are up: consumer lag, traffic and partition alerts ` +
          'for this cluster have no data and cannot fire.',
      }),
    );
  }
  return rules;
}
