/**
 * The operators, installed from their upstream Helm charts at pinned versions.
 *
 * `helm.v3.Release` installs a chart as-is (Helm hooks, CRD installation jobs
 * and all), which is what an upstream operator chart expects; the objects we
 * render ourselves go through `yaml.v2.ConfigGroup` instead (see manifests.ts).
 *
 * CRDs: Helm applies a chart's `crds/` directory on first install only and
 * never upgrades or deletes them (Strimzi and Dapr ship theirs that way). When
 * a version bump changes the CRDs, apply the new CRDs first
 * (`kubectl apply --server-side -f <crds>`), then `pulumi up` the new version.
 * The Redpanda operator chart installs its CRDs itself when `crds.enabled`.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { DAPR_NAMESPACE, OPERATOR_RELEASES, type OperatorName, type PlatformSpec } from '../platform/index.js';
import { daprChartValues } from './dapr-values.js';

/** Which operator a release runs: the cluster's (Strimzi or Redpanda) or Dapr. */
export type OperatorRole = 'cluster' | 'dapr';

/** Everything a Helm release needs, as plain data. */
export interface OperatorRelease {
  readonly role: OperatorRole;
  /** Helm release name (fixed, so the operator's objects keep their names). */
  readonly releaseName: string;
  readonly chart: string;
  /** Chart repository; absent for OCI references. */
  readonly repo?: string;
  /** Pinned chart version from the spec. */
  readonly version: string;
  readonly namespace: string;
  /**
   * Let Helm create the namespace. Never: Helm leaves a namespace it created
   * behind on uninstall, so a namespace the manifests do not hold (Dapr's) is
   * a resource of the program instead (`operatorNamespaces`), which
   * `pulumi destroy` deletes after the release.
   */
  readonly createNamespace: boolean;
  readonly values: Record<string, unknown>;
}

/** Release name (fixed), and chart, repository and version from the spec (`operators`, a mirror or upstream). */
function chartSource(spec: PlatformSpec, operator: OperatorName): Pick<OperatorRelease, 'releaseName' | 'chart' | 'repo' | 'version'> {
  const { chart, repository, version } = spec.operators[operator];
  const releaseName = OPERATOR_RELEASES[operator].releaseName;
  return repository ? { releaseName, chart, repo: repository, version } : { releaseName, chart, version };
}

/**
 * The releases a spec needs: the cluster operator for `strimzi` and
 * `redpanda` (none for `external`), and Dapr when enabled.
 *
 * Both cluster operators run in the Kafka namespace: Strimzi then watches
 * exactly that namespace (its chart always adds the release namespace, so
 * `watchNamespaces` stays empty), and `pulumi destroy` removes the operator
 * only after the objects it guards with finalizers (see manifests.ts ordering).
 */
export function operatorReleases(spec: PlatformSpec): OperatorRelease[] {
  const releases: OperatorRelease[] = [];
  const { flavor } = spec.cluster;
  if (flavor === 'strimzi') {
    releases.push({
      role: 'cluster',
      ...chartSource(spec, 'strimzi'),
      namespace: spec.namespaces.kafka,
      createNamespace: false,
      values: { watchNamespaces: [], watchAnyNamespace: false },
    });
  } else if (flavor === 'redpanda') {
    releases.push({
      role: 'cluster',
      ...chartSource(spec, 'redpanda'),
      namespace: spec.namespaces.kafka,
      createNamespace: false,
      // The operator's own ServiceMonitor needs the Prometheus Operator CRDs; the cluster's lives in the manifests.
      values: { crds: { enabled: true }, monitoring: { enabled: false } },
    });
  }
  if (spec.dapr.enabled) {
    releases.push({
      role: 'dapr',
      ...chartSource(spec, 'dapr'),
      namespace: DAPR_NAMESPACE,
      createNamespace: false,
      // Pod Security `restricted` for the injected sidecars, HA and scheduler sizing: see dapr-values.ts.
      values: { ...daprChartValues(spec) },
    });
  }
  return releases;
}

/** Namespaces of releases that the synthesized manifests do not create: `dapr-system` when Dapr is on. */
export function operatorNamespaces(spec: PlatformSpec): string[] {
  return spec.dapr.enabled ? [DAPR_NAMESPACE] : [];
}

export interface OperatorsArgs {
  readonly spec: PlatformSpec;
  /** What must exist before any operator is installed (the namespaces). */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The Helm releases of one environment, by role. */
export class Operators extends pulumi.ComponentResource {
  readonly releases: Partial<Record<OperatorRole, k8s.helm.v3.Release>> = {};

  constructor(name: string, args: OperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:operators:Operators', name, {}, opts);
    const namespaces = new Map(
      operatorNamespaces(args.spec).map((ns) => [
        ns,
        new k8s.core.v1.Namespace(`${name}-${ns}`, { metadata: { name: ns } }, { parent: this, dependsOn: args.dependsOn }),
      ]),
    );
    for (const r of operatorReleases(args.spec)) {
      const namespace = namespaces.get(r.namespace);
      this.releases[r.role] = new k8s.helm.v3.Release(
        `${name}-${r.releaseName}`,
        {
          name: r.releaseName,
          chart: r.chart,
          version: r.version,
          repositoryOpts: r.repo ? { repo: r.repo } : undefined,
          namespace: r.namespace,
          createNamespace: r.createNamespace,
          values: r.values,
          // Wait for the operator (and chart jobs such as Redpanda's CRD installer), roll back on failure.
          atomic: true,
          cleanupOnFail: true,
          waitForJobs: true,
          timeout: 600,
          maxHistory: 10,
        },
        { parent: this, dependsOn: namespace ? [namespace] : args.dependsOn },
      );
    }
    this.registerOutputs({});
  }
}
