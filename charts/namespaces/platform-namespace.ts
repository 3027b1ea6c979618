import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import { standardLabels } from '../support/labels.js';

export interface PlatformNamespaceProps {
  readonly name: string;
  /** `app.kubernetes.io/component` of the namespace: what runs in it. */
  readonly component: 'kafka' | 'apps';
  /**
   * Pod Security Standard the namespace enforces.
   * @default none: operators' broker pods (Redpanda's tuning init container, for one) need more than `restricted`
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   */
  readonly enforcePodSecurity?: 'baseline' | 'restricted';
}

/** A namespace of the platform with its labels. */
export function platformNamespace(scope: Construct, id: string, props: PlatformNamespaceProps): kplus.Namespace {
  const podSecurity: Record<string, string> = props.enforcePodSecurity
    ? { 'pod-security.kubernetes.io/enforce': props.enforcePodSecurity, 'pod-security.kubernetes.io/warn': props.enforcePodSecurity }
    : {};
  return new kplus.Namespace(scope, id, {
    metadata: { name: props.name, labels: { ...standardLabels(props.name, props.component), ...podSecurity } },
  });
}
