import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { standardLabels } from './labels.js';

/** What every custom resource of the platform needs to be written out. */
export interface ResourceProps {
  readonly apiVersion: string;
  readonly kind: string;
  /** `metadata.name`, written as is (no hash suffix). */
  readonly name: string;
  readonly namespace: string;
  /** `app.kubernetes.io/component` label. */
  readonly component: string;
  /** Labels beyond the standard ones, e.g. `strimzi.io/cluster`. */
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** Top-level fields besides `metadata`: usually `spec`, sometimes `scopes` or `auth`. */
  readonly body: Record<string, unknown>;
}

/**
 * Base of the constructs that render one custom resource (one class per kind)
 * with the platform's naming and labels. The body is plain data checked
 * against the upstream CRD schemas by the schema tests, which is why the
 * constructs build it by hand rather than through generated classes.
 */
export abstract class CustomResource extends Construct {
  /** The rendered object, for dependencies and escape-hatch patches. */
  readonly apiObject: ApiObject;

  protected constructor(scope: Construct, id: string, props: ResourceProps) {
    super(scope, id);
    this.apiObject = resource(this, 'Resource', props);
  }
}

/** A custom resource object with the platform's naming and labels. */
export function resource(scope: Construct, id: string, props: ResourceProps): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: props.apiVersion,
    kind: props.kind,
    metadata: {
      name: props.name,
      namespace: props.namespace,
      labels: { ...standardLabels(props.name, props.component), ...props.labels },
      ...(props.annotations ? { annotations: props.annotations } : {}),
    },
    ...props.body,
  });
}
