import type { Construct } from 'constructs';
import type { PlatformSpec } from '../../platform/index.js';
import { CustomResource } from '../support/resource.js';
import { MONITORING_API_VERSION, MONITORING_COMPONENT } from './api.js';
import { prometheusRuleGroups, type RuleGroup } from './rules/index.js';

/** `metadata.name` of the rules object. @default 'todo-events-alerts' */
export const PROMETHEUS_RULE_NAME = 'todo-events-alerts';

export interface PlatformPrometheusRuleProps {
  readonly spec: PlatformSpec;
}

/**
 * Every recording and alerting rule of the platform in one `PrometheusRule`,
 * in the Kafka namespace, labelled `monitoring.selectorLabels` for the
 * Prometheus' `ruleSelector` (a default kube-prometheus-stack loads only rules
 * labelled `release: <its release name>`). The groups are
 * `prometheusRuleGroups(spec)`, the same data promtool checks and unit-tests.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class PlatformPrometheusRule extends CustomResource {
  readonly groups: readonly RuleGroup[];

  constructor(scope: Construct, id: string, props: PlatformPrometheusRuleProps) {
    const groups = prometheusRuleGroups(props.spec);
    super(scope, id, {
      apiVersion: MONITORING_API_VERSION,
      kind: 'PrometheusRule',
      name: PROMETHEUS_RULE_NAME,
      namespace: props.spec.namespaces.kafka,
      component: MONITORING_COMPONENT,
      labels: { ...props.spec.monitoring.selectorLabels },
      body: { spec: { groups } },
    });
    this.groups = groups;
  }
}
