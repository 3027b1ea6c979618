/**
 * Namespaces the stack adopts rather than owns (`namespaces.ownership`).
 *
 * Since @pulumi/kubernetes 4.29 creating an object that already exists fails
 * (its `upsertExistingObjects` option restores the old upsert), and an owned
 * namespace is deleted by `pulumi destroy` with everything in it: wrong for
 * `todo`, which the Todo API shares. An adopted namespace is therefore never
 * created or deleted: a `NamespacePatch` server-side-applies our labels (Pod
 * Security `restricted`) to the existing namespace, and deleting the patch on
 * destroy removes exactly those fields and leaves the namespace ("Deleting a
 * Patch resource will undo the patched changes to the Kubernetes resource, but
 * the resource will not be deleted": pulumi-kubernetes' guide "Managing
 * Resources with Server-Side Apply", Patch a Resource). A patch needs the
 * namespace to exist, so the README asks for it before the first `pulumi up`.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../platform/index.js';
import type { SynthesizedChart } from './manifests.js';

/** Names of the namespaces this stack adopts (one entry when kafka and apps are one namespace). */
export function adoptedNamespaces(spec: PlatformSpec): string[] {
  const { kafka, apps, ownership } = spec.namespaces;
  const adopted = new Set<string>();
  if (ownership.kafka === 'adopted') adopted.add(kafka);
  if (ownership.apps === 'adopted') adopted.add(apps);
  return [...adopted].sort();
}

function isNamespaceIn(obj: Record<string, unknown>, names: readonly string[]): boolean {
  return obj.apiVersion === 'v1' && obj.kind === 'Namespace' && names.includes(String((obj.metadata as { name?: string })?.name));
}

/**
 * Splits the synthesized charts: the adopted namespaces' objects leave the
 * `namespaces` chart (the ConfigGroup would create them) and become patches.
 */
export function splitAdoptedNamespaces(
  spec: PlatformSpec,
  charts: readonly SynthesizedChart[],
): { charts: SynthesizedChart[]; adopted: Record<string, unknown>[] } {
  const names = adoptedNamespaces(spec);
  const adopted = charts.flatMap((c) => c.objects.filter((o) => isNamespaceIn(o, names)));
  return { charts: charts.map((c) => ({ chart: c.chart, objects: c.objects.filter((o) => !isNamespaceIn(o, names)) })), adopted };
}

export interface AdoptedNamespacesArgs {
  /** The adopted namespaces as synthesized: their metadata is what gets patched. */
  readonly namespaces: readonly Record<string, unknown>[];
}

/** One `NamespacePatch` per adopted namespace. */
export class AdoptedNamespaces extends pulumi.ComponentResource {
  readonly patches: k8s.core.v1.NamespacePatch[];

  constructor(name: string, args: AdoptedNamespacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('todo-events:namespaces:AdoptedNamespaces', name, {}, opts);
    this.patches = args.namespaces.map((ns) => {
      const metadata = ns.metadata as { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
      return new k8s.core.v1.NamespacePatch(`${name}-${metadata.name}`, { metadata }, { parent: this });
    });
    this.registerOutputs({ namespaces: this.patches.map((p) => p.metadata.name) });
  }
}
