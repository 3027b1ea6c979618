import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { PlatformSpec } from '../../platform/index.js';
import { resource } from '../support/resource.js';
import { MONITORING_COMPONENT } from './api.js';
import { PROMETHEUS_RULE_NAME } from './prometheus-rule.js';
import { prometheusRuleGroups, type RuleGroup } from './rules/index.js';

/** The rule file's key in the ConfigMap: `<PROMETHEUS_RULE_NAME>.rules.yaml`. */
export const RULES_FILE_KEY = `${PROMETHEUS_RULE_NAME}.rules.yaml`;

export interface PrometheusRulesConfigMapProps {
  readonly spec: PlatformSpec;
}

/**
 * The rules for a Prometheus without the Prometheus Operator
 * (`monitoring.prometheusOperator: false`): the groups a `PrometheusRule` would
 * hold, as a Prometheus rule file (`groups:`, the format `rule_files` loads and
 * `promtool check rules` checks), in a ConfigMap named like the PrometheusRule,
 * in the Kafka namespace. Mount it into the Prometheus pod (a ConfigMap mounts
 * only in its own namespace: copy it there, or take it from
 * `dist/<stack>/monitoring.k8s.yaml`) and list the file under `rule_files`.
 * No scrape configuration comes with it: the Prometheus' own jobs must scrape
 * the services, the Dapr sidecars and the exporter, the exporter's under the
 * job name `exporterJob(spec)`, which `KafkaExporterDown` watches.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/
 */
export class PrometheusRulesConfigMap extends Construct {
  readonly groups: readonly RuleGroup[];

  constructor(scope: Construct, id: string, props: PrometheusRulesConfigMapProps) {
    super(scope, id);
    const groups = prometheusRuleGroups(props.spec);
    resource(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: PROMETHEUS_RULE_NAME,
      namespace: props.spec.namespaces.kafka,
      component: MONITORING_COMPONENT,
      body: { data: { [RULES_FILE_KEY]: stringify({ groups }, { lineWidth: 0 }) } },
    });
    this.groups = groups;
  }
}
