/**
 * Reading Kubernetes objects as the policy engine hands them over: a resource
 * of type `kubernetes:<group>/<version>:<Kind>` whose inputs are the object
 * (`yaml/v2:ConfigGroup` registers each of its objects as such a child).
 */

/** A Kubernetes object as plain data. */
export type K8sObject = Record<string, unknown> & {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, string> };
};

/** The Pulumi type token of an object: `apps/v1` Deployment → `kubernetes:apps/v1:Deployment`, `v1` → `core/v1`. */
export function kubernetesType(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  const apiVersion = String(obj.apiVersion);
  return `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${String(obj.kind)}`;
}

/** The group-less `<Kind>` of a Kubernetes type token, or undefined for other resources. */
export function kubernetesKind(type: string): string | undefined {
  return /^kubernetes:[^:]+:([A-Za-z]+)$/.exec(type)?.[1];
}

/** Kinds that run pods, with where their pod template sits. */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly spec: Record<string, unknown>;
}

function at(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);
}

/** The pod template of a workload resource (its labels and pod spec), or undefined for anything else. */
export function podTemplateOf(type: string, props: Record<string, unknown>): PodTemplate | undefined {
  const kind = kubernetesKind(type);
  const path = kind === undefined ? undefined : POD_TEMPLATE_PATHS[kind];
  if (path === undefined) return undefined;
  const template = at(props, path) as { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } | undefined;
  if (!template?.spec) return undefined;
  return { labels: template.metadata?.labels ?? {}, spec: template.spec };
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly args?: readonly string[];
  readonly command?: readonly string[];
  readonly env?: readonly { name: string; value?: string; valueFrom?: unknown }[];
  readonly resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  readonly securityContext?: Record<string, unknown>;
}

/** Every container of a pod spec, init containers included. */
export function containersOf(podSpec: Record<string, unknown>): Container[] {
  return [...((podSpec.initContainers as Container[] | undefined) ?? []), ...((podSpec.containers as Container[] | undefined) ?? [])];
}

export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/** Whether a label selector selects `labels` (an empty selector selects everything). */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]!);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]!);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
  return byLabel && byExpression;
}

/** `<Kind> <namespace>/<name>` of an object, for messages. */
export function describeObject(type: string, props: Record<string, unknown>): string {
  const metadata = (props as K8sObject).metadata ?? {};
  return `${kubernetesKind(type) ?? type} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name ?? '(unnamed)'}`;
}
