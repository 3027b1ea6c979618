/**
 * Applies the synthesized charts, one `yaml.v2.ConfigGroup` per chart, in the
 * order of apply-plan.ts. The objects are the ones `npm run synth` writes to
 * dist/, so GitOps and `pulumi up` deploy identical manifests.
 *
 * Custom resources whose CRDs a Helm release installs in the same run need
 * @pulumi/kubernetes 4.32.0 or later to preview (pulumi/pulumi-kubernetes#3176).
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { ChartStep, Prerequisite } from './apply-plan.js';

/** What `synthesizeManifests` returns for one chart. */
export interface SynthesizedChart {
  readonly chart: string;
  readonly objects: Record<string, unknown>[];
}

/**
 * Creates the ConfigGroups of `steps` (named `${prefix}-<chart>`), each
 * depending on the groups already in `groups` and on its prerequisites, and
 * adds them to `groups`. Call it again with later steps once the resources
 * standing for their prerequisites exist.
 */
export function applyCharts(
  prefix: string,
  steps: readonly ChartStep[],
  charts: readonly SynthesizedChart[],
  prerequisites: Partial<Record<Prerequisite, pulumi.Resource>>,
  groups: Map<string, k8s.yaml.v2.ConfigGroup>,
): Map<string, k8s.yaml.v2.ConfigGroup> {
  for (const step of steps) {
    const objects = charts.find((c) => c.chart === step.chart)?.objects;
    if (!objects) throw new Error(`chart "${step.chart}" was not synthesized`);
    const dependsOn = [
      ...step.afterCharts.map((chart) => {
        const group = groups.get(chart);
        if (!group) throw new Error(`chart "${step.chart}" must be applied after "${chart}", which is not applied yet`);
        return group;
      }),
      ...step.afterPrerequisites.map((p) => {
        const resource = prerequisites[p];
        if (!resource) throw new Error(`chart "${step.chart}" needs the ${p}, which is not created yet`);
        return resource;
      }),
    ];
    groups.set(
      step.chart,
      new k8s.yaml.v2.ConfigGroup(
        `${prefix}-${step.chart}`,
        { objs: objects },
        {
          dependsOn,
          // Children inherit `protect`: `pulumi destroy`, or a topic removed from the spec, stops at a protected
          // KafkaTopic/Topic (deleting one deletes its data). Production could add `retainOnDelete: true` too, so that
          // dropping a topic only forgets the resource and leaves the data for a human to delete; it stays off
          // because such a topic would then linger unmanaged without anyone noticing.
          protect: step.protect,
        },
      ),
    );
  }
  return groups;
}
