/**
 * What `pulumi destroy` of a dev or pull-request stack leaves in the cluster,
 * and why. Everything else the program creates is a Pulumi resource (a
 * ConfigGroup's objects, the Secrets, the Dapr namespace, the Helm releases)
 * or lives in a namespace that is one, so destroy removes it; the README's
 * Delivery section shows this list (`keptTableMarkdown`, kept equal by a test).
 */

/** One kind of thing destroy leaves on purpose. */
export interface KeptAfterDestroy {
  readonly what: string;
  readonly why: string;
}

export const KEPT_AFTER_DESTROY: readonly KeptAfterDestroy[] = [
  {
    what: 'the CRDs of Strimzi, Redpanda and Dapr',
    why: "Helm never deletes the CRDs a chart installs, and deleting a CRD deletes every object of its kind in the whole cluster (another stack's too); remove them with `kubectl delete crd` once no stack uses them",
  },
  {
    what: 'adopted namespaces (`todo` by default), with what they held before',
    why: 'they belong to someone else (the Todo API): destroy removes only the labels the stack patched on and the objects it created in them',
  },
  {
    what: 'the Prometheus Operator CRDs and a `monitoring.dashboards.namespace` of someone else',
    why: 'the stack reads them and never creates them',
  },
];

/** The list as the README's table. */
export function keptTableMarkdown(): string {
  return ['| kept after `pulumi destroy` | why |', '| --- | --- |', ...KEPT_AFTER_DESTROY.map((k) => `| ${k.what} | ${k.why} |`)].join(
    '\n',
  );
}
