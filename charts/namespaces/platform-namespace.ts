import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { NamespaceOwnership } from '../../platform/index.js';
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
  /**
   * `adopted`: someone else's namespace (the Todo API's). It gets only the Pod
   * Security labels, none of ours claiming it, and the annotations that stop
   * Argo CD and Flux from deleting it when it leaves dist/.
   * @default 'owned'
   */
  readonly ownership?: NamespaceOwnership;
}

/**
 * Annotations that keep GitOps tools from deleting a namespace they did not create.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ (`Delete=false`)
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#garbage-collection (`kustomize.toolkit.fluxcd.io/prune`)
 */
export const KEEP_ON_PRUNE_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
} as const;

/** A namespace of the platform with its labels. */
export function platformNamespace(scope: Construct, id: string, props: PlatformNamespaceProps): kplus.Namespace {
  const podSecurity: Record<string, string> = props.enforcePodSecurity
    ? { 'pod-security.kubernetes.io/enforce': props.enforcePodSecurity, 'pod-security.kubernetes.io/warn': props.enforcePodSecurity }
    : {};
  const adopted = props.ownership === 'adopted';
  return new kplus.Namespace(scope, id, {
    metadata: {
      name: props.name,
      labels: { ...(adopted ? {} : standardLabels(props.name, props.component)), ...podSecurity },
      ...(adopted ? { annotations: { ...KEEP_ON_PRUNE_ANNOTATIONS } } : {}),
    },
  });
}
