/**
 * The recommended Kubernetes labels every object of the platform carries, so
 * `kubectl get all -l app.kubernetes.io/part-of=todo-events` lists them all.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */

/** `app.kubernetes.io/part-of` of every object. */
export const PART_OF = 'todo-events';
/** `app.kubernetes.io/managed-by` of every object this package renders. */
export const MANAGED_BY = 'cdk8s';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/**
 * Labels of an object named `name`. `component` says which part of the
 * platform it belongs to (`kafka`, `pubsub`, `consumer`, …).
 */
export function standardLabels(name: string, component?: string): Record<string, string> {
  return {
    [NAME_LABEL]: labelValue(name),
    ...(component ? { [COMPONENT_LABEL]: component } : {}),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/** Kubernetes' limit on label values. */
const LABEL_VALUE_MAX_LENGTH = 63;

/**
 * `name` as a label value: object names may be up to 253 characters and
 * contain dots, label values only 63 and must end alphanumeric.
 */
export function labelValue(name: string): string {
  if (name.length <= LABEL_VALUE_MAX_LENGTH) return name;
  return name.slice(0, LABEL_VALUE_MAX_LENGTH).replace(/[^a-zA-Z0-9]+$/, '');
}
