/**
 * The monitoring chart's objects as cdk8s synthesizes them, and the rule
 * groups inside its PrometheusRule: what promtool checks is what is deployed.
 */
import { Testing } from 'cdk8s';
import type { PlatformSpec } from '../../../platform/index.js';
import { MonitoringChart } from '../../../charts/monitoring/index.js';
import type { RuleGroup } from '../../../charts/monitoring/rules/index.js';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

export function monitoringObjects(spec: PlatformSpec): K8sObject[] {
  return Testing.synth(new MonitoringChart(Testing.app(), 'monitoring', spec)) as K8sObject[];
}

export function objectOf(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

export function deployedRuleGroups(spec: PlatformSpec): RuleGroup[] {
  const rule = objectOf(monitoringObjects(spec), 'PrometheusRule') as K8sObject & { spec: { groups: RuleGroup[] } };
  return rule.spec.groups;
}
